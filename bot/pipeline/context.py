"""What a handler gets besides the message: the person, their language, storage, the clock,
and the means to run a form and to send proactive messages through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.clock import Clock
from bot.config import Config
from bot.i18n.translator import N_, Catalogs, Translator
from bot.pipeline.types import Incoming, Reply, Rich, Segment
from storage.base import Conversation, Person, Store

USE_THE_BUTTONS = N_("Please answer with one of the buttons, or send /cancel.")


class ListedCommand(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...  # an N_() string


class CommandList(Protocol):
    def listed_commands(self, *, admin: bool,
                        config: Config | None = None) -> Sequence[ListedCommand]: ...


class Services(Protocol):
    """What a handler reaches through its context besides the message: `bot.pipeline.core.Core`
    provides it. An interface, so that this module needs nothing of the core's."""

    @property
    def store(self) -> Store: ...
    @property
    def config(self) -> Config: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def catalogs(self) -> Catalogs: ...
    @property
    def routes(self) -> CommandList: ...
    @property
    def on_enqueue(self) -> Callable[[], None]: ...  # wakes the delivery worker

    def translator(self, locale: str) -> Translator: ...
    def is_admin(self, platform: str, user_id: str, person: Person | None = None) -> bool: ...
    async def form_question(self, ctx: Context) -> list[Reply]: ...
    def private_chat_invite(self, ctx: Context, command: str = "") -> Reply: ...
    async def notify(self, person_id: int, render: Callable[[Translator], list[Reply]], *,
                     kind: str, dedupe_key: str) -> bool: ...


@dataclass
class Context:
    message: Incoming
    person: Person
    t: Translator
    core: Services
    conversation: Conversation | None

    # -- shortcuts --------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def config(self) -> Config:
        return self.core.config

    @property
    def locale(self) -> str:
        return self.t.locale

    def now(self) -> datetime:
        return self.core.clock.now()

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.t.ngettext(singular, plural, n)

    @property
    def is_admin(self) -> bool:
        return self.core.is_admin(self.message.platform, self.message.user_id, self.person)

    # -- forms ------------------------------------------------------------------------------

    async def start_form(self, form: str, step: str, data: dict[str, Any] | None = None) -> None:
        await self.set_step(Conversation(form, step, data or {}))

    async def set_step(self, conversation: Conversation) -> None:
        """Persist the form's state before replying: a restart after this loses nothing."""
        await self.store.save_conversation(self.person.id, conversation, self.now())
        self.conversation = conversation

    async def end_form(self) -> None:
        await self.store.clear_conversation(self.person.id)
        self.conversation = None

    async def ask_again(self, reason: Rich | Segment | str | None = None) -> list[Reply]:
        """Why the answer was not taken, then the form's current question with the same
        buttons (so that a typed number or label works again)."""
        return [Reply.of(self._(USE_THE_BUTTONS) if reason is None else reason),
                *await self.core.form_question(self)]

    # -- proactive messages -----------------------------------------------------------------

    async def notify(
        self,
        person_id: int,
        render: Callable[[Translator], list[Reply]],
        *,
        kind: str,
        dedupe_key: str,
    ) -> bool:
        return await self.core.notify(person_id, render, kind=kind, dedupe_key=dedupe_key)
