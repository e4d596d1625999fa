"""Shared fixtures: a real SQLite file per test, a core wired like production, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.i18n import Catalogs
from bot.router import Routes
from storage.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
CIVICBOT = [sys.executable, "-m", "bot"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config({"CIVICBOT_DATA_DIR": str(tmp_path), "CIVICBOT_ADMINS": "console:99"})


@pytest.fixture
async def store(config: Config):
    store = await SqliteStore.open(config.database.path)
    yield store
    await store.close()


@pytest.fixture
async def core(config: Config, store: SqliteStore, clock: ManualClock) -> Core:
    import handlers

    return Core(config, store, Catalogs(config.locales_dir), clock, Routes(handlers.routers()))


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICBOT_")}
    env.update({"CIVICBOT_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}, **extra)
    return env


def run_cli(args: list[str], tmp_path: Path, stdin: str = "", timeout: float = 60,
            **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run `civicbot ARGS` as a person would, with its own data folder."""
    return subprocess.run(CIVICBOT + args, input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=cli_env(tmp_path, **extra_env))
