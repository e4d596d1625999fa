"""/broadcast: an admin writes an announcement, picks the audience, sees the preview and the
count, and confirms; the delivery worker sends it and the admin gets progress reports.

Form steps (state in the database): mode -> text:<locale>... -> audience [-> audience:locale |
audience:event] -> confirm. Every step re-checks the admin role (the core does, per message).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.broadcast import (
    EVERYONE,
    check_audience,
    count_recipients,
    plan_broadcast,
    progress_reply,
    render_announcement,
)
from bot.config import LOCALES
from bot.i18n.translator import LANGUAGE_NAMES, N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, form_payload
from bot.pipeline.types import Button, Reply, bold, fmt
from storage.base import Conversation

router = Router("broadcast")
log = logging.getLogger(__name__)
FORM = "broadcast"
WRITTEN_LOCALES = [loc for loc in LOCALES if loc != "sr_Latn"]  # sr_Latn comes from sr
MAX_TEXT = 3500  # leaves room for the footer within every platform's limit


def button(label: str, value: str) -> Button:
    return Button(label, form_payload(FORM, value))


@router.command("broadcast", N_("Send an announcement to many people"), admin=True,
                private_only=True)
async def broadcast_command(ctx: Context, args: str) -> Reply | list[Reply]:
    if args.strip() == "status":
        return await status(ctx)
    await ctx.start_form(FORM, "mode")
    return ask_mode(ctx)


def ask_mode(ctx: Context) -> Reply:
    return Reply.of(ctx._("A new announcement. Will you write one text for everyone, or a text "
                          "per language?"),
                    [[button(ctx._("One text for everyone"), "one")],
                     [button(ctx._("A text per language"), "each")]])


async def current_question(ctx: Context) -> list[Reply]:
    """The question of the step the form is at, with its buttons (asked again after an
    answer it cannot take)."""
    conv = ctx.conversation
    assert conv is not None
    step = conv.step
    if step == "mode":
        return [ask_mode(ctx)]
    if step.startswith("text:") and step.removeprefix("text:") in (EVERYONE, *WRITTEN_LOCALES):
        return [ask_text(ctx, step.removeprefix("text:"))]
    if step == "audience":
        return [ask_audience(ctx)]
    if step == "audience:locale":
        return [ask_audience_locale(ctx)]
    if step == "audience:event":
        return [ask_audience_event(ctx, await upcoming_events(ctx))]
    if step == "confirm" and "audience" in conv.data:
        count = await count_recipients(ctx.store, conv.data["audience"],
                                       ctx.config.default_locale)
        return [ask_to_send(ctx, count)]
    return []


@router.form(FORM, question=current_question)
async def broadcast_step(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    if not ctx.is_admin:  # revoked while the form was open
        await ctx.end_form()
        return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
    conv = ctx.conversation
    assert conv is not None
    step = conv.step
    if step == "mode":
        return await choose_mode(ctx, conv, choice)
    if step.startswith("text:"):
        return await take_text(ctx, conv, step.removeprefix("text:"), text, choice)
    if step == "audience":
        return await choose_audience(ctx, conv, choice)
    if step == "audience:locale":
        return await choose_audience_locale(ctx, conv, choice)
    if step == "audience:event":
        return await choose_audience_event(ctx, conv, text, choice)
    if step == "confirm":
        return await confirm(ctx, conv, choice)
    await ctx.end_form()
    return Reply.of(ctx._("That button belongs to a form that is no longer open."))


async def choose_mode(ctx: Context, conv: Conversation,
                      choice: str | None) -> Reply | list[Reply]:
    if choice not in ("one", "each"):
        return await ctx.ask_again()
    first = EVERYONE if choice == "one" else WRITTEN_LOCALES[0]
    await ctx.set_step(Conversation(FORM, f"text:{first}", {"texts": {}}))
    return ask_text(ctx, first)


def ask_text(ctx: Context, locale: str) -> Reply:
    if locale == EVERYONE:
        return Reply.of(ctx._("Send the text of the announcement."))
    return Reply.of(fmt(ctx._("Send the text in {language}, or skip this language."),
                        language=bold(LANGUAGE_NAMES[locale])),
                    [[button(ctx._("Skip"), "skip")]])


async def take_text(ctx: Context, conv: Conversation, locale: str, text: str,
                    choice: str | None) -> Reply | list[Reply]:
    texts: dict[str, str] = conv.data["texts"]
    if choice != "skip":
        if not text:
            return ask_text(ctx, locale)
        if len(text) > MAX_TEXT:
            return await ctx.ask_again(fmt(ctx._("That text is too long: at most {limit} "
                                                 "characters, please."),
                                           limit=ctx.t.number(MAX_TEXT)))
        texts[locale] = text
    if locale != EVERYONE:
        following = WRITTEN_LOCALES.index(locale) + 1
        if following < len(WRITTEN_LOCALES):
            await ctx.set_step(Conversation(FORM, f"text:{WRITTEN_LOCALES[following]}", conv.data))
            return ask_text(ctx, WRITTEN_LOCALES[following])
        if not texts:
            await ctx.set_step(Conversation(FORM, f"text:{WRITTEN_LOCALES[0]}", conv.data))
            return [Reply.of(ctx._("An announcement needs at least one text.")),
                    ask_text(ctx, WRITTEN_LOCALES[0])]
    await ctx.set_step(Conversation(FORM, "audience", conv.data))
    return ask_audience(ctx)


def ask_audience(ctx: Context) -> Reply:
    return Reply.of(ctx._("Who should get it?"), [
        [button(ctx._("All subscribers"), "all")],
        [button(ctx._("Subscribers of one language"), "locale")],
        [button(ctx._("Registrants of an event"), "event")],
        [button(ctx._("Waiting list of an event"), "waitlist")],
    ])


async def choose_audience(ctx: Context, conv: Conversation,
                          choice: str | None) -> Reply | list[Reply]:
    if choice == "all":
        return await preview(ctx, conv, "all")
    if choice == "locale":
        await ctx.set_step(Conversation(FORM, "audience:locale", conv.data))
        return ask_audience_locale(ctx)
    if choice in ("event", "waitlist"):
        events = await upcoming_events(ctx)
        if not events:
            return Reply.of(ctx._("There are no upcoming events."), ask_audience(ctx).buttons)
        await ctx.set_step(Conversation(FORM, "audience:event", {**conv.data, "kind": choice}))
        return ask_audience_event(ctx, events)
    return await ctx.ask_again()


def ask_audience_locale(ctx: Context) -> Reply:
    return Reply.of(ctx._("Which language?"), [
        [button(LANGUAGE_NAMES[loc], loc)] for loc in LOCALES])


def ask_audience_event(ctx: Context, events: list[tuple[str, str]]) -> Reply:
    return Reply.of(ctx._("Which event?"),
                    [[button(title, f"{index}")] for index, (_, title) in enumerate(events)])


async def upcoming_events(ctx: Context) -> list[tuple[str, str]]:
    """(event id, title in the admin's language) of events not over yet, soonest first."""
    events = await ctx.store.list_events(ending_after=ctx.now())
    out = []
    for event in events[:20]:
        title = event.spec.get("title", event.id)
        if isinstance(title, dict):
            title = title.get(ctx.locale) or next(iter(title.values()), event.id)
        out.append((event.id, str(title)[:60]))
    return out


async def choose_audience_locale(ctx: Context, conv: Conversation,
                                 choice: str | None) -> Reply | list[Reply]:
    if choice not in LOCALES:
        return await ctx.ask_again()
    return await preview(ctx, conv, f"locale:{choice}")


async def choose_audience_event(ctx: Context, conv: Conversation, text: str,
                                choice: str | None) -> Reply | list[Reply]:
    events = await upcoming_events(ctx)
    typed = text.strip().lower()
    if choice is None and typed:  # an event's id typed instead of its button
        choice = next((str(i) for i, (event_id, _) in enumerate(events) if event_id == typed),
                      None)
    if choice is None or not choice.isdecimal() or int(choice) >= len(events):
        return await ctx.ask_again()
    event_id = events[int(choice)][0]
    return await preview(ctx, conv, f"{conv.data['kind']}:{event_id}")


async def preview(ctx: Context, conv: Conversation, audience: str) -> list[Reply]:
    problem, count = await check_audience(ctx.store, audience, ctx.config.default_locale)
    if problem is not None:
        await ctx.set_step(Conversation(FORM, "audience", conv.data))
        return [audience_refused(ctx, problem), ask_audience(ctx)]
    await ctx.set_step(Conversation(FORM, "confirm", {**conv.data, "audience": audience}))
    shown = render_announcement(ctx.t, conv.data["texts"], audience)
    return [Reply.of(ctx._("Preview, exactly as recipients in your language will see it:")),
            *(picture(ctx, reply) for reply in shown),
            ask_to_send(ctx, count)]


def picture(ctx: Context, reply: Reply) -> Reply:
    """An announcement as the admin's preview shows it: its buttons are named in the text,
    never live buttons of the admin's form (pressing one would act for the admin)."""
    labels = [b.label for b in reply.all_buttons]
    if not labels:
        return reply
    shown = fmt(ctx.ngettext("(under it, a button: {labels})",
                             "(under it, buttons: {labels})", len(labels)),
                labels=", ".join(f"[{label}]" for label in labels))
    return Reply.of(reply.text + "\n\n" + shown, attachment=reply.attachment)


def ask_to_send(ctx: Context, count: int) -> Reply:
    summary = fmt(ctx.ngettext("This goes to {count} person. Send it?",
                               "This goes to {count} people. Send it?", count),
                  count=bold(ctx.t.number(count)))
    return Reply.of(summary, [[button(ctx._("Send"), "send"), button(ctx._("Cancel"), "no")]])


def audience_refused(ctx: Context, problem: str) -> Reply:
    if problem == "unknown-event":
        return Reply.of(ctx._("That event does not exist (any more). Choose another audience."))
    return Reply.of(ctx._("Nobody would get it: that audience has nobody in it. Choose another "
                          "audience."))


async def confirm(ctx: Context, conv: Conversation, choice: str | None) -> Reply | list[Reply]:
    if choice == "no":
        await ctx.end_form()
        return Reply.of(ctx._("Cancelled. Nothing was sent."))
    if choice != "send":
        return await ctx.ask_again()
    data: dict[str, Any] = conv.data
    problem, _ = await check_audience(ctx.store, data["audience"], ctx.config.default_locale)
    if problem is not None:  # the event went, or everybody left, since the preview
        await ctx.set_step(Conversation(FORM, "audience", data))
        return [audience_refused(ctx, problem), ask_audience(ctx)]
    await ctx.end_form()  # first: a double press cannot plan it twice
    record = await plan_broadcast(
        ctx.store, ctx.core.catalogs, created_by=f"{ctx.message.platform}:{ctx.message.user_id}",
        report_to=ctx.person.id, audience=data["audience"], texts=data["texts"],
        default_locale=ctx.config.default_locale, now=ctx.now())
    ctx.core.on_enqueue()
    log.info("broadcast #%d planned for %d recipients", record.id, record.recipients)
    return Reply.of(fmt(ctx.ngettext("Broadcast {id} is on its way to {count} person. I will "
                                     "report the progress here.",
                                     "Broadcast {id} is on its way to {count} people. I will "
                                     "report the progress here.", record.recipients),
                        id=bold(f"#{record.id}"), count=ctx.t.number(record.recipients)))


async def status(ctx: Context) -> Reply:
    records = await ctx.store.recent_broadcasts(5)
    if not records:
        return Reply.of(ctx._("No broadcasts yet."))
    lines = []
    for record in records:
        counts = await ctx.store.outbox_counts(batch=f"broadcast:{record.id}")
        reply = progress_reply(ctx.t, record, counts, ctx.now(),
                               final=record.finished_at is not None)
        lines.append(reply.text)
    text = lines[0]
    for line in lines[1:]:
        text = text + "\n" + line
    return Reply.of(text)


async def report_progress(core) -> None:
    """A job: progress reports once a minute while a broadcast runs, a final one at the end."""
    now = core.clock.now()
    for record in await core.store.unfinished_broadcasts():
        counts = await core.store.outbox_counts(batch=f"broadcast:{record.id}")
        left = counts.get("pending", 0) + counts.get("sending", 0)
        final = left == 0
        if final and not await core.store.finish_broadcast(record.id, now):
            continue  # another replica reported it
        if record.report_to is None:
            continue
        minute = int((now - record.created_at).total_seconds() // 60)
        if not final and minute == 0:
            continue
        key = f"broadcast-report:{record.id}" if final else \
            f"broadcast-progress:{record.id}:{minute}"
        await core.notify(record.report_to,
                          lambda t, r=record, c=counts, f=final: [
                              progress_reply(t, r, c, now, final=f)],
                          kind="report", dedupe_key=key)


async def setup(app) -> None:
    app.add_job("broadcast-progress", lambda: report_progress(app.core), 5)
