"""Capabilities: one module per capability, each with a `router` and optionally `setup(app)`.

The order matters only for free text: the first text handler that answers wins, so the
fallback comes last.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from bot.pipeline.router import Router

MODULES = [
    "handlers.start",
    "handlers.language",
    "handlers.subscriptions",
    "handlers.privacy",
    "handlers.admin",
    "handlers.broadcast",
    "handlers.event_admin",
    "handlers.events",
    "handlers.registration",
    "handlers.reminders",
    "handlers.handoff",  # before qa: a staff member's reply is an answer, not a question
    "handlers.documents",
    "handlers.qa",
    "handlers.fallback",
]


def _modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in MODULES]


def routers() -> list[Router]:
    return [module.router for module in _modules()]


def setups() -> list[Callable[[Any], Awaitable[None]]]:
    return [module.setup for module in _modules() if hasattr(module, "setup")]
