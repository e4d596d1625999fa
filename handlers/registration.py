"""/register, /my, /unregister: signing up for an event by chatting, and leaving again.

The registration form asks the event's fields in order, checks each answer (and asks again
with the reason), then the consent (if the event has one) and a summary to confirm. Its state
is saved after every step (Context.set_step), so a restart between two answers loses nothing.
The seat is claimed atomically by the store; a confirmed person gets an iCalendar file.
When a confirmed person leaves, the first on the waiting list gets the seat (same transaction)
and a notice through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.events.answers import (
    AnswerError,
    check_answer,
    choice_by_index,
    example_phone,
    is_number,
)
from bot.events.formatting import (
    MINE,
    REGISTER,
    UNREGISTER,
    confirmed_text,
    is_open,
    my_registrations,
    promotion_notice,
    waiting_text,
)
from bot.events.ics import ics_attachment
from bot.events.model import BUILTIN_FIELDS, EventSpec, FieldSpec, localized
from bot.i18n.translator import N_, Translator
from bot.pipeline.context import Context, Services
from bot.pipeline.router import Router, form_payload, payload
from bot.pipeline.types import Button, Reply, Rich, Segment, bold, fmt, join
from handlers.events import find_event, stale_button, unknown_event, upcoming
from storage.base import Conversation, Registration

router = Router("registration")
log = logging.getLogger(__name__)
FORM = "reg"
PROMOTION_SWEEP_SECONDS = 30


# -- starting ------------------------------------------------------------------------------


@router.command("register", N_("Register for an event"), private_only=True)
async def register_command(ctx: Context, args: str) -> Reply | list[Reply]:
    if not args:
        return await upcoming(ctx)
    return await start_registration(ctx, args.split()[0])


@router.button(REGISTER)
async def register_button(ctx: Context, args: list[str]) -> Reply | list[Reply]:
    if not ctx.message.is_private:
        return ctx.core.private_chat_invite(ctx)
    if len(args) != 1:
        return stale_button(ctx)
    return await start_registration(ctx, args[0])


async def start_registration(ctx: Context, event_id: str) -> Reply | list[Reply]:
    record = await find_event(ctx, event_id)
    if record is None:
        return unknown_event(ctx)
    event = EventSpec.from_record(record)
    if not is_open(event, ctx.now()):
        return closed(ctx, event)
    existing = await ctx.store.get_registration(event.id, ctx.person.id)
    if existing is not None:
        return already_registered(ctx, event, existing)
    data: dict[str, Any] = {"event": event.id, "i": 0, "answers": {}, "shown": {}}
    await ctx.start_form(FORM, "field", data)
    intro = fmt(ctx.ngettext(
        "Registration for {title}. I will ask you {n} question; send /cancel at any time to "
        "stop.",
        "Registration for {title}. I will ask you {n} questions; send /cancel at any time to "
        "stop.", len(event.fields)),
        title=bold(event.title_for(ctx.locale)), n=ctx.t.number(len(event.fields)))
    if event.consent is None:  # the organiser wrote no privacy text: ours says the essentials
        intro = intro + "\n\n" + privacy_notice(ctx, event)
    return [Reply.of(intro), question(ctx, event, 0)]


def privacy_notice(ctx: Context, event: EventSpec) -> Rich:
    """Who keeps what, until when, and how to see or delete it."""
    kept_until = (event.ends_at or event.starts_at) + timedelta(days=ctx.config.retention_days)
    until = ctx.t.date(kept_until, event.timezone)
    if ctx.config.org_name:
        return fmt(ctx._("Privacy: {org} keeps your answers only for this registration, until "
                         "{date}; then they are deleted. Send /mydata to see what I keep about "
                         "you, and /forgetme to delete it."),
                   org=bold(ctx.config.org_name), date=until)
    return fmt(ctx._("Privacy: the organisers keep your answers only for this registration, "
                     "until {date}; then they are deleted. Send /mydata to see what I keep "
                     "about you, and /forgetme to delete it."), date=until)


# -- the form ------------------------------------------------------------------------------


async def current_question(ctx: Context) -> list[Reply]:
    """The question of the step the form is at, with its buttons."""
    assert ctx.conversation is not None
    data = ctx.conversation.data
    record = await find_event(ctx, str(data.get("event", "")))
    if record is None:
        return []
    event = EventSpec.from_record(record)
    if event.cancelled:
        return []  # the step itself says so
    step = ctx.conversation.step
    if step == "field":
        index = int(data.get("i", 0))
        return [question(ctx, event, index)] if index < len(event.fields) else []
    if step == "consent":
        consent = event.consent_for(ctx.locale)
        return [] if consent is None else [consent_question(ctx, consent)]
    if step == "confirm":
        return [summary(ctx, event, data)]
    return []


@router.form(FORM, question=current_question)
async def form_step(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    assert ctx.conversation is not None
    data = dict(ctx.conversation.data)
    record = await find_event(ctx, str(data.get("event", "")))
    if record is None:
        await ctx.end_form()
        return Reply.of(ctx._("That event is no longer available. Nothing was saved."))
    event = EventSpec.from_record(record)
    if event.cancelled:  # cancelled while the form was open
        await ctx.end_form()
        return closed(ctx, event)
    step = ctx.conversation.step
    if step == "field":
        return await field_step(ctx, event, data, text, choice)
    if step == "consent":
        return await consent_step(ctx, event, data, choice)
    if step == "confirm":
        return await confirm_step(ctx, event, data, choice)
    await ctx.end_form()  # a step this version does not know
    return Reply.of(ctx._("That form is out of date. Please start again."))


async def field_step(ctx: Context, event: EventSpec, data: dict[str, Any], text: str,
                     choice: str | None) -> Reply | list[Reply]:
    index = int(data.get("i", 0))
    if index >= len(event.fields):  # the event lost fields since (re-import)
        return await after_fields(ctx, event, data)
    spec = event.fields[index]
    try:
        # Off the event loop: whatever a check costs, other people's messages do not wait.
        value, shown = await asyncio.to_thread(read_answer, ctx.locale, event, spec, text,
                                               choice)
    except AnswerError as error:
        return await ctx.ask_again(fmt(ctx._(error.template), **error.values))
    data["answers"] = {**data.get("answers", {}), spec.id: value}
    data["shown"] = {**data.get("shown", {}), spec.id: shown}
    data["i"] = index + 1
    if index + 1 < len(event.fields):
        await ctx.set_step(Conversation(FORM, "field", data))
        return question(ctx, event, index + 1)
    return await after_fields(ctx, event, data)


def read_answer(locale: str, event: EventSpec, spec: FieldSpec, text: str,
                choice: str | None) -> tuple[Any, str]:
    """(stored value, how to show it) for a typed answer or a pressed button. A typed number
    answers a question that asks for a number, even when it is also the number of a button
    (`1` beside "[1] Skip")."""
    if choice is None or (text and spec.type == "number" and is_number(text)):
        answer = check_answer(spec, text, locale, event.country)
        return answer.value, answer.shown or str(answer.value)
    if choice == "skip" and not spec.required:
        return None, ""
    if spec.type == "choice" and choice.startswith("o") and choice[1:].isdecimal() \
            and len(choice) <= 4:
        answer = choice_by_index(spec, int(choice[1:]), locale)
        return answer.value, answer.shown
    raise AnswerError(N_("Please answer the question, or send /cancel to stop."))


async def after_fields(ctx: Context, event: EventSpec,
                       data: dict[str, Any]) -> Reply | list[Reply]:
    consent = event.consent_for(ctx.locale)
    if consent is not None and not data.get("consent"):
        await ctx.set_step(Conversation(FORM, "consent", data))
        return consent_question(ctx, consent)
    await ctx.set_step(Conversation(FORM, "confirm", data))
    return summary(ctx, event, data)


async def consent_step(ctx: Context, event: EventSpec, data: dict[str, Any],
                       choice: str | None) -> Reply | list[Reply]:
    if choice == "yes":
        data["consent"] = True
        await ctx.set_step(Conversation(FORM, "confirm", data))
        return summary(ctx, event, data)
    if choice == "no":
        await ctx.end_form()
        return Reply.of(ctx._("Without your consent I cannot register you. Nothing was saved."))
    return await ctx.ask_again()


async def confirm_step(ctx: Context, event: EventSpec, data: dict[str, Any],
                       choice: str | None) -> Reply | list[Reply]:
    if choice == "yes":
        return await complete(ctx, event, data)
    if choice == "again":
        data.update(i=0, answers={}, shown={}, consent=False)
        await ctx.set_step(Conversation(FORM, "field", data))
        return question(ctx, event, 0)
    if choice == "no":
        await ctx.end_form()
        return Reply.of(ctx._("Cancelled. Nothing was saved."))
    return await ctx.ask_again()


async def complete(ctx: Context, event: EventSpec, data: dict[str, Any]) -> Reply:
    answers = {k: v for k, v in data.get("answers", {}).items() if v is not None}
    outcome = await ctx.store.register(event.id, ctx.person.id, answers, locale=ctx.locale,
                                       consented=bool(data.get("consent")), now=ctx.now())
    await ctx.end_form()
    registration = outcome.registration
    if outcome.result == "confirmed":
        log.info("registration confirmed (event=%s)", event.id)
        return Reply.of(confirmed_text(ctx.t, event),
                        attachment=ics_attachment(event, ctx.locale, ctx.now()))
    if outcome.result == "waiting" and registration is not None:
        log.info("registration on the waiting list (event=%s)", event.id)
        return Reply.of(waiting_text(ctx.t, event, registration.position or 0))
    if outcome.result == "already" and registration is not None:
        return already_registered(ctx, event, registration)
    if outcome.result == "closed":
        return closed(ctx, event)
    return Reply.of(ctx._("That event is no longer available. Nothing was saved."))


# -- what the form shows -------------------------------------------------------------------


def question(ctx: Context, event: EventSpec, index: int) -> Reply:
    spec = event.fields[index]
    asked = field_text(ctx, spec, "question")
    parts: list[Rich | Segment | str] = [f"({index + 1}/{len(event.fields)}) ", bold(asked)]
    if spec.type == "phone":
        hint = ctx._("For example: {example}") if event.country else \
            ctx._("Please include the country code, for example: {example}")
        parts += ["\n", fmt(hint, example=example_phone(event.country))]
    if not spec.required:
        parts += ["\n", ctx._("(optional)")]
    buttons: list[list[Button]] = []
    if spec.type == "choice":
        buttons = [[Button(localized(option.label, ctx.locale), form_payload(FORM, f"o{i}"))]
                   for i, option in enumerate(spec.options)]
    if not spec.required:
        buttons.append([Button(ctx._("Skip"), form_payload(FORM, "skip"))])
    return Reply.of(join(*parts), buttons)


def field_text(ctx: Context, spec: FieldSpec, which: str) -> str:
    """The organiser's label, else a built-in field's own question or summary label."""
    if spec.label:
        return localized(spec.label, ctx.locale)
    template: str = BUILTIN_FIELDS[spec.id][which]  # an N_() string of bot.events.model
    return ctx._(template)


def consent_question(ctx: Context, consent: str) -> Reply:
    return Reply.of(
        join(consent, "\n\n", ctx._("Do you agree?")),
        [[Button(ctx._("I agree"), form_payload(FORM, "yes")),
          Button(ctx._("I do not agree"), form_payload(FORM, "no"))]])


def summary(ctx: Context, event: EventSpec, data: dict[str, Any]) -> Reply:
    lines: list[Rich | Segment | str] = [
        fmt(ctx._("Please check your registration for {title}:"),
            title=bold(event.title_for(ctx.locale)))]
    shown = data.get("shown", {})
    for spec in event.fields:
        label = field_text(ctx, spec, "label")
        lines.append(join(f"{label}: ", Segment(shown.get(spec.id) or "—")))
    return Reply.of(join(*lines, sep="\n"), [
        [Button(ctx._("Confirm registration"), form_payload(FORM, "yes"))],
        [Button(ctx._("Start over"), form_payload(FORM, "again")),
         Button(ctx._("Cancel"), form_payload(FORM, "no"))],
    ])


def closed(ctx: Context, event: EventSpec) -> Reply:
    if event.cancelled:
        return Reply.of(fmt(ctx._("Sorry, {title} is cancelled: there is no registration for "
                                  "it. Nothing was saved."),
                            title=bold(event.title_for(ctx.locale))))
    return Reply.of(fmt(ctx._("Sorry, registration for {title} closed on {deadline}."),
                        title=bold(event.title_for(ctx.locale)),
                        deadline=ctx.t.datetime(event.registration_deadline, event.timezone)))


def already_registered(ctx: Context, event: EventSpec, registration: Registration) -> Reply:
    title = bold(event.title_for(ctx.locale))
    if registration.status == "waiting":
        text = fmt(ctx._("You are already on the waiting list for {title}: number {position} in "
                         "the queue."), title=title,
                   position=ctx.t.number(registration.position or 0))
    else:
        text = fmt(ctx._("You are already registered for {title}."), title=title)
    return Reply.of(text,
                    [[Button(ctx._("Cancel my registration"), payload(UNREGISTER, event.id))]])


# -- the person's registrations ------------------------------------------------------------


@router.command("my", N_("Your registrations"), private_only=True)
async def my_command(ctx: Context, args: str) -> Reply:
    return await my_reply(ctx)


@router.button(MINE)
async def my_button(ctx: Context, args: list[str]) -> Reply:
    if not ctx.message.is_private:
        return ctx.core.private_chat_invite(ctx)
    return await my_reply(ctx)


async def my_reply(ctx: Context) -> Reply:
    items = []
    now = ctx.now()
    for registration in await ctx.store.person_registrations(ctx.person.id):
        record = await ctx.store.get_event(registration.event_id)
        if record is not None and (record.ends_at or record.starts_at) > now:
            items.append((record, registration))
    return my_registrations(ctx.t, items)


@router.command("unregister", N_("Cancel a registration"), private_only=True)
async def unregister_command(ctx: Context, args: str) -> Reply:
    if not args:
        return await my_reply(ctx)
    return await cancel(ctx, args.split()[0])


@router.button(UNREGISTER)
async def unregister_button(ctx: Context, args: list[str]) -> Reply:
    """unreg:<event> asks first; unreg:<event>:yes cancels; unreg:<event>:no keeps it."""
    if not ctx.message.is_private:
        return ctx.core.private_chat_invite(ctx)
    if len(args) == 1:
        return await ask_to_cancel(ctx, args[0])
    if len(args) == 2 and args[1] == "yes":
        return await cancel(ctx, args[0])
    if len(args) == 2 and args[1] == "no":
        return Reply.of(ctx._("Your registration stays as it is."))
    return stale_button(ctx)


async def ask_to_cancel(ctx: Context, event_id: str) -> Reply:
    record = await find_event(ctx, event_id)
    if record is None:
        return unknown_event(ctx)
    event = EventSpec.from_record(record)
    if await ctx.store.get_registration(event.id, ctx.person.id) is None:
        return not_registered(ctx, event)
    return Reply.of(
        fmt(ctx._("Cancel your registration for {title}?"), title=bold(event.title_for(
            ctx.locale))),
        [[Button(ctx._("Yes, cancel it"), payload(UNREGISTER, event.id, "yes")),
          Button(ctx._("No, keep it"), payload(UNREGISTER, event.id, "no"))]])


async def cancel(ctx: Context, event_id: str) -> Reply:
    record = await find_event(ctx, event_id)
    if record is None:
        return unknown_event(ctx)
    event = EventSpec.from_record(record)
    outcome = await ctx.store.cancel_registration(event.id, ctx.person.id, ctx.now())
    if outcome.cancelled is None:
        return not_registered(ctx, event)
    await notify_promotions(ctx.core, outcome.promoted)
    title = bold(event.title_for(ctx.locale))
    if outcome.cancelled.status == "waiting":
        return Reply.of(fmt(ctx._("You have left the waiting list for {title}."), title=title))
    return Reply.of(fmt(ctx._("Your registration for {title} is cancelled. Thank you for "
                              "letting us know: your seat goes to the next person."),
                        title=title))


def not_registered(ctx: Context, event: EventSpec) -> Reply:
    return Reply.of(fmt(ctx._("You are not registered for {title}."),
                        title=bold(event.title_for(ctx.locale))))


# -- promotions from the waiting list ------------------------------------------------------


async def notify_promotions(core: Services, promoted: list[Registration]) -> int:
    """Queue the notice of each promoted person (once per registration, via the outbox)."""
    sent = 0
    for registration in promoted:
        record = await core.store.get_event(registration.event_id)
        if record is not None and registration.person_id is not None:
            render = promotion_render(EventSpec.from_record(record), core.clock.now())
            sent += await core.notify(registration.person_id, render, kind="promotion",
                                      dedupe_key=f"promotion:{registration.id}")
        await core.store.mark_promotion_noticed(registration.id)
    return sent


def promotion_render(event: EventSpec, now: datetime) -> Callable[[Translator], list[Reply]]:
    def render(t: Translator) -> list[Reply]:
        return promotion_notice(t, event, now)

    return render


async def send_pending_promotions(core: Services) -> int:
    """Promotions made where no conversation was there to tell the person (a /forgetme that
    freed a seat, a raised capacity, a crash right after a cancel)."""
    return await notify_promotions(core, await core.store.pending_promotion_notices())


async def setup(app: Any) -> None:
    async def sweep() -> None:
        await send_pending_promotions(app.core)

    app.add_job("promotion-notices", sweep, PROMOTION_SWEEP_SECONDS)
