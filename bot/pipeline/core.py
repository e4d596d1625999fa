"""The core: one incoming message in, replies out.

A message goes through `Core.steps` in order (addressed -> flood -> errors -> identity ->
conversation -> locale -> form expiry), then routing -> handler -> replies. Each step is one
small method `async def step(turn: Turn, next: Next) -> list[Reply]`: it answers itself, or
fills in what it learnt on the `Turn` and passes it on with `await next(turn)`.
Handlers never see a platform; adapters never see a handler. Nothing here raises to an adapter:
a failing handler is logged (without the message text) and the person gets a translated apology.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from bot.clock import Clock
from bot.config import Config
from bot.i18n.translator import N_, Catalogs, Translator, choose_locale, normalize_locale
from bot.ops.metrics import HANDLER_SECONDS, MESSAGES_IN, MESSAGES_OUT
from bot.pipeline.context import Context
from bot.pipeline.flood import FloodGuard, Verdict
from bot.pipeline.router import HandlerResult, Routes, parse_command, typed_button
from bot.pipeline.types import Button, Incoming, IncomingFile, Reply, Rich, replies_to_json
from storage.base import Conversation, Person, Store

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer messages are refused politely rather than processed
EXPIRED_FORM = N_(
    "Your unfinished form expired after a long pause. Nothing was saved from it; "
    "you can start again at any time."
)


def clean_text(text: str) -> str:
    """Drop control characters (except line breaks and tabs) and surrounding space."""
    return "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs")
    ).strip()


@dataclass
class Turn:
    """One message on its way through the core's steps; each step fills in what it learns."""

    message: Incoming
    verdict: Verdict | None = None  # flood control's, when the adapter counted it on arrival
    now: datetime | None = None  # set by `identity`
    person: Person | None = None  # set by `identity`
    conversation: Conversation | None = None  # set by `conversation` (None: no running form)
    translator: Translator | None = None  # set by `locale`

    @cached_property
    def text(self) -> str:
        """The message's text without control characters (computed once, when first read)."""
        return clean_text(self.message.text)


Next = Callable[[Turn], Awaitable[list[Reply]]]
Step = Callable[[Turn, Next], Awaitable[list[Reply]]]


def chain(steps: Sequence[Step], last: Next) -> Next:
    """The steps as one call: each step's `next` is the rest of the chain, ending in `last`."""
    run = last
    for step in reversed(steps):
        run = _link(step, run)
    return run


def _link(step: Step, rest: Next) -> Next:
    async def run(turn: Turn) -> list[Reply]:
        return await step(turn, rest)

    return run


class Core:
    def __init__(
        self,
        config: Config,
        store: Store,
        catalogs: Catalogs,
        clock: Clock,
        routes: Routes,
    ) -> None:
        self.config = config
        self.store = store
        self.catalogs = catalogs
        self.clock = clock
        self.routes = routes
        self.on_enqueue: Callable[[], None] = lambda: None  # wakes the delivery worker
        self.bot_names: dict[str, str] = {}  # platform -> bot user name, for deep links
        self.flood = FloodGuard(config.flood_burst, config.flood_per_second)
        # platform -> (translator, command) -> a link that opens a private chat with the bot
        self.private_chat_links: dict[str, Callable[[Translator, str], Rich]] = {}
        # What one message goes through, in order; then `_routed` (button, command, form step,
        # file, free text). A step may answer itself and stop the message there.
        self.steps: tuple[Step, ...] = (
            self._addressed,  # group chatter that is not for us: no answer, no work
            self._flood,  # flood control (bot/pipeline/flood.py), before any database work
            self._errors,  # metrics; a failing step or handler -> logged + an apology
            self._identity,  # the person (store.person_for_identity, created on first contact)
            self._conversation,  # their running form, if any (store.get_conversation)
            self._locale,  # their language (bot.i18n.translator.choose_locale)
            self._form_expiry,  # a form idle past the timeout is closed, and they are told
        )
        self._run = chain(self.steps, self._routed)

    def translator(self, locale: str) -> Translator:
        return self.catalogs.translator(locale)

    def is_admin(self, platform: str, user_id: str, person: Person | None = None) -> bool:
        """Configured admins, and people granted the role by chat (read with the person, at
        the moment the message is handled: a revoked admin's old buttons do nothing)."""
        return f"{platform}:{user_id}" in self.config.admins or bool(person and person.admin)

    # -- one message -----------------------------------------------------------------------

    def admit(self, message: Incoming) -> Verdict:
        """Flood control for one message. Adapters that queue messages call it on arrival
        (bot/pipeline/inbox.py), so that a burst is judged as it came, not as its turns come."""
        if not message.is_private and not message.addressed_to_bot:
            return Verdict.ALLOW  # group chatter that is not for us costs nothing
        if message.platform == "console":
            return Verdict.ALLOW  # the operator's own terminal: scripts may pipe in fast
        return self.flood.check(f"{message.platform}:{message.user_id}")

    async def handle(self, message: Incoming, *, verdict: Verdict | None = None) -> list[Reply]:
        """The replies to one message; `verdict`: flood control already counted on arrival."""
        return await self._run(Turn(message, verdict))

    # -- the steps, in the order of `Core.steps` ---------------------------------------------

    async def _addressed(self, turn: Turn, next: Next) -> list[Reply]:
        message = turn.message
        if not message.is_private and not message.addressed_to_bot:
            return []  # group chatter that is not for us
        return await next(turn)

    async def _flood(self, turn: Turn, next: Next) -> list[Reply]:
        verdict = self.admit(turn.message) if turn.verdict is None else turn.verdict
        turn.verdict = verdict
        if verdict is not Verdict.ALLOW:
            return self._slow_down(turn.message) if verdict is Verdict.WARN else []
        return await next(turn)

    async def _errors(self, turn: Turn, next: Next) -> list[Reply]:
        platform = turn.message.platform
        MESSAGES_IN.labels(platform).inc()
        try:
            with HANDLER_SECONDS.labels(platform).time():
                replies = await next(turn)
            MESSAGES_OUT.labels(platform, "reply").inc(len(replies))
            return replies
        except Exception:
            log.exception("handler failed (platform=%s)", platform)
            # In the person's language once the `locale` step has run, else their platform's.
            hinted = normalize_locale(turn.message.language_hint) or self.config.default_locale
            t = turn.translator or self.translator(hinted)
            return [
                Reply.of(
                    t.gettext(
                        "Sorry, something went wrong on our side. Please try again in a moment."
                    )
                )
            ]

    async def _identity(self, turn: Turn, next: Next) -> list[Reply]:
        message = turn.message
        turn.now = self.clock.now()
        chat_id = message.chat_id if message.is_private else None
        turn.person = await self.store.person_for_identity(
            message.platform, message.user_id, chat_id, turn.now
        )
        return await next(turn)

    async def _conversation(self, turn: Turn, next: Next) -> list[Reply]:
        assert turn.person is not None  # `identity` ran
        turn.conversation = await self.store.get_conversation(turn.person.id)
        return await next(turn)

    async def _locale(self, turn: Turn, next: Next) -> list[Reply]:
        assert turn.person is not None  # `identity` ran
        locale = await self._locale_for(
            turn.person, turn.message, turn.text, in_form=turn.conversation is not None
        )
        turn.translator = self.translator(locale)
        return await next(turn)

    async def _form_expiry(self, turn: Turn, next: Next) -> list[Reply]:
        assert turn.now is not None and turn.person is not None and turn.translator is not None
        if turn.conversation and self._expired(turn.conversation.updated_at, turn.now):
            await self.store.clear_conversation(turn.person.id)
            turn.conversation = None
            return [Reply.of(turn.translator.gettext(EXPIRED_FORM)), *await next(turn)]
        return await next(turn)

    async def _routed(self, turn: Turn) -> list[Reply]:
        """The end of the steps: the handler the message is for, with its Context."""
        assert turn.person is not None and turn.translator is not None
        ctx = Context(turn.message, turn.person, turn.translator, self, turn.conversation)
        return as_list(await self._route(ctx, turn.text))

    # -- what the steps use ------------------------------------------------------------------

    def _slow_down(self, message: Incoming) -> list[Reply]:
        # No database work for a flooder: their platform's hint picks the language.
        locale = normalize_locale(message.language_hint) or self.config.default_locale
        log.info("throttling a sender on %s", message.platform)
        return [
            Reply.of(
                self.translator(locale).gettext(
                    "You are sending messages faster than I can read them. Please wait a moment; "
                    "I will answer again shortly."
                )
            )
        ]

    async def _locale_for(
        self, person: Person, message: Incoming, text: str, *, in_form: bool
    ) -> str:
        # Commands and button presses say nothing about the script a person writes in.
        writing = "" if message.payload is not None or text.startswith("/") else text
        detected = None if person.locale else await self._detected(writing, message, in_form)
        locale = choose_locale(
            explicit=person.locale,
            remembered_hint=detected or person.hint_locale,
            platform_hint=message.language_hint,
            text=writing,
            default=self.config.default_locale,
        )
        if not person.locale and locale != person.hint_locale:
            await self.store.set_hint_locale(person.id, locale)
            person.hint_locale = locale
        return locale

    @staticmethod
    async def _detected(writing: str, message: Incoming, in_form: bool) -> str | None:
        """Without a platform hint (Matrix, the console), a sentence of the person's own words
        tells their language. Not from form answers (a name, an organisation) nor from a word
        or two, which say too little. In a thread: the detector's first call loads its data
        (seconds of CPU), which on the event loop would stall every chat."""
        if message.language_hint or in_form or len(re.findall(r"[^\W\d_]{2,}", writing)) < 3:
            return None
        from bot.qa.textnorm import detect_language  # the lemmatiser's data: loaded on first use

        detected = await asyncio.to_thread(detect_language, writing, "")
        return normalize_locale(detected) if detected else None

    def _expired(self, updated_at: datetime | None, now: datetime) -> bool:
        limit = timedelta(minutes=self.config.form_timeout_minutes)
        return updated_at is not None and now - updated_at > limit

    async def _route(self, ctx: Context, text: str) -> HandlerResult:
        message = ctx.message
        if message.payload is not None:
            return await self._route_button(ctx, message.payload, text)
        # Forms are personal: their steps run only in the private chat, never in a group where
        # the answers (an e-mail, a phone number) would be shown to everyone.
        in_form = (
            ctx.conversation is not None
            and message.is_private
            and ctx.conversation.form in self.routes.forms
        )
        if message.file is not None:
            file_reply = await self._route_file(ctx, message.file, in_form=in_form)
            if file_reply is not None:
                return file_reply
            text = ""  # a file nobody takes is no text message, whatever its caption says
        if not text:
            refusal = Reply.of(
                ctx._("I can only read text messages. Send /help to see what I can do.")
            )
            return [refusal, *await self.form_question(ctx)] if in_form else refusal
        if len(text) > MAX_TEXT:
            if in_form:  # refused before it is read, and the question asked again
                return [
                    Reply.of(ctx._("That answer is too long for me. Please write a shorter one.")),
                    *await self.form_question(ctx),
                ]
            return Reply.of(
                ctx._("That message is too long for me. Please ask in a shorter message.")
            )
        command = parse_command(text)
        if command is not None:
            return await self._route_command(ctx, *command)
        if ctx.conversation is not None and message.is_private:
            handler = self.routes.forms.get(ctx.conversation.form)
            if handler is not None:
                # A typed option number or label counts as its button, on every platform.
                button = typed_button(text, await self._form_buttons(ctx))
                choice = None if button is None else button.payload.split(":", 2)[2]
                return await handler(ctx, text, choice)
            await ctx.end_form()  # a form this version no longer has
        for text_handler in self.routes.text_handlers:
            result = await text_handler(ctx, text)
            if result is not None:
                return result
        return None

    async def _route_file(
        self, ctx: Context, file: IncomingFile, *, in_form: bool
    ) -> HandlerResult:
        """A sent file: the running form's file step, else the file handlers; None when
        nobody takes it (then it counts as a message without text)."""
        if in_form:
            assert ctx.conversation is not None
            handler = self.routes.form_files.get(ctx.conversation.form)
            return None if handler is None else await handler(ctx, file)
        for file_handler in self.routes.file_handlers:
            result = await file_handler(ctx, file)
            if result is not None:
                return result
        return None

    async def _route_command(
        self, ctx: Context, name: str, args: str, bot_name: str | None
    ) -> HandlerResult:
        own_name = self.bot_names.get(ctx.message.platform)
        if bot_name and own_name and bot_name.lower() != own_name.lower():
            return None  # "/help@otherbot" in a group is for the other bot
        command = self.routes.commands.get(name)
        if command is None:
            return Reply.of(ctx._("I don't know that command. Send /help to see what I can do."))
        if command.admin and not ctx.is_admin:
            log.warning(
                "refused admin command /%s for a non-admin (%s)", name, ctx.message.platform
            )
            return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
        if command.private_only and not ctx.message.is_private:
            return self.private_chat_invite(ctx, name)
        return await command.handler(ctx, args)

    async def _route_button(self, ctx: Context, payload: str, typed: str = "") -> HandlerResult:
        """A button press; `typed` is the text when the adapter matched a typed number or
        label to the button (a question that asks for a number takes a typed number as the
        answer, not as the button's number)."""
        prefix, *args = payload.split(":")
        if prefix == "f" and len(args) >= 2:
            form = args[0]
            if not ctx.message.is_private:
                return self.private_chat_invite(ctx)
            if ctx.conversation is None or ctx.conversation.form != form:
                return Reply.of(ctx._("That button belongs to a form that is no longer open."))
            handler = self.routes.forms.get(form)
            if handler is None:
                return Reply.of(ctx._("That button belongs to a form that is no longer open."))
            return await handler(ctx, typed[:MAX_TEXT], ":".join(args[1:]))
        entry = self.routes.buttons.get(prefix)
        if entry is None:
            log.info("unknown button payload (platform=%s)", ctx.message.platform)
            return Reply.of(ctx._("That button is no longer valid. Send /start to begin again."))
        pressed, admin_only = entry
        if admin_only and not ctx.is_admin:
            log.warning(
                "refused admin button %s for a non-admin (%s)", prefix, ctx.message.platform
            )
            return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
        return await pressed(ctx, args)

    async def form_question(self, ctx: Context) -> list[Reply]:
        """The running form's current question with its buttons ([] when it has none)."""
        if ctx.conversation is None:
            return []
        question = self.routes.form_questions.get(ctx.conversation.form)
        return [] if question is None else await question(ctx)

    async def _form_buttons(self, ctx: Context) -> list[Button]:
        """The buttons of the running form's current question, numbered as they are shown."""
        assert ctx.conversation is not None
        own = f"f:{ctx.conversation.form}:"
        return [
            b
            for reply in await self.form_question(ctx)
            for b in reply.all_buttons
            if b.payload.startswith(own)
        ]

    def private_chat_invite(self, ctx: Context, command: str = "") -> Reply:
        invite = Reply.of(
            ctx._(
                "Let's do that in a private chat with me, so your answers stay "
                "between us. Write to me directly and send the same command."
            )
        )
        make_link = self.private_chat_links.get(ctx.message.platform)
        if make_link is None:
            return invite
        return Reply.of(invite.text + "\n\n" + make_link(ctx.t, command))

    # -- proactive messages ----------------------------------------------------------------

    async def notify(
        self,
        person_id: int,
        render: Callable[[Translator], list[Reply]],
        *,
        kind: str,
        dedupe_key: str,
        not_before: datetime | None = None,
        batch: str | None = None,
        priority: int = 0,
    ) -> bool:
        """Queue a message to a person, rendered now in their language; once per dedupe_key."""
        person = await self.store.get_person(person_id)
        address = await self.store.private_address(person_id)
        if person is None or address is None or person.unreachable:
            return False
        locale = person.locale or person.hint_locale or self.config.default_locale
        now = self.clock.now()
        queued = await self.store.enqueue(
            dedupe_key=dedupe_key,
            kind=kind,
            person_id=person_id,
            platform=address[0],
            chat_id=address[1],
            body=replies_to_json(render(self.translator(locale))),
            not_before=not_before or now,
            now=now,
            batch=batch,
            priority=priority,
        )
        if queued:
            self.on_enqueue()
        return queued

    async def expire_idle_forms(self) -> int:
        """Close forms idle past the timeout and tell their owners (once per form)."""
        now = self.clock.now()
        expired = await self.store.expired_conversations(
            now - timedelta(minutes=self.config.form_timeout_minutes)
        )
        for person_id in expired:
            conversation = await self.store.get_conversation(person_id)
            if conversation is None or conversation.updated_at is None:
                continue
            await self.store.clear_conversation(person_id)
            stamp = conversation.updated_at.isoformat()
            await self.notify(
                person_id,
                lambda t: [Reply.of(t.gettext(EXPIRED_FORM))],
                kind="form-expired",
                dedupe_key=f"form-expired:{person_id}:{stamp}",
            )
        return len(expired)


def as_list(result: HandlerResult) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    return list(result)
