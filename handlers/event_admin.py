"""Event management by chat, for admins: /newevent, /editevent, /cancelevent, /registrations.

Every change goes the way a YAML import goes: the answers become an `events:` entry that
`parse_events_yaml` validates (with the same precise errors) and `import_events` saves, so
registrants hear of a changed time or place exactly as after an import.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.cli_events import export_csv
from bot.config import LOCALES
from bot.context import Context
from bot.events.formatting import event_card
from bot.events.loader import EventFileError, import_events, parse_events_yaml
from bot.events.model import EventSpec
from bot.i18n import N_
from bot.reminders import cancel_event
from bot.router import Router, form_payload
from bot.script import dominant_script
from bot.textnorm import fold
from bot.types import Attachment, Button, Reply, bold, code, fmt
from handlers.events import find_event
from storage.base import Conversation

router = Router("event_admin")
log = logging.getLogger(__name__)
NEW, EDIT = "newevent", "editevent"
ZONES = ("Europe/Ljubljana", "Europe/Belgrade", "Europe/Warsaw", "Europe/Kyiv", "UTC")
BUILT_IN_FIELDS = ("name", "email", "phone", "organisation")
# /newevent asks these in order; each answer fills one key of the events: entry.
NEW_STEPS = (
    "title",
    "description",
    "timezone",
    "starts_at",
    "location",
    "registration_deadline",
    "capacity",
    "fields",
    "confirm",
)
EDITABLE = ("title", "starts_at", "location", "registration_deadline", "capacity")
MAX_SEAT_DIGITS = 7


def actor(ctx: Context) -> str:
    return f"{ctx.message.platform}:{ctx.message.user_id}"


def question(ctx: Context, form: str, step: str, data: dict[str, Any]) -> Reply:
    """What to ask for one key, with its buttons."""

    def button(label: str, value: str) -> Button:
        return Button(label, form_payload(form, value))

    if step == "title":
        return Reply.of(ctx._("What is the event's title?"))
    if step == "description":
        return Reply.of(ctx._("Describe the event in a few sentences."))
    if step == "timezone":
        return Reply.of(
            ctx._("In which time zone is it? Choose one or send its name (like Europe/Belgrade)."),
            [[button(zone, f"tz:{i}")] for i, zone in enumerate(ZONES)],
        )
    if step == "starts_at":
        return Reply.of(
            fmt(
                ctx._("When does it start? Send the date and time as {example}."),
                example=code("2027-05-20 10:00"),
            )
        )
    if step == "location":
        return Reply.of(ctx._("Where is it?"))
    if step == "registration_deadline":
        return Reply.of(
            fmt(
                ctx._("Until when can people register? Send the date and time as {example}."),
                example=code("2027-05-18 16:00"),
            )
        )
    if step == "capacity":
        return Reply.of(
            ctx._("How many seats are there? Send a number."),
            [[button(ctx._("No limit"), "nolimit")]],
        )
    if step == "fields":
        return Reply.of(
            fmt(
                ctx._("Which details should registrants give? Send a list from {fields}."),
                fields=code(", ".join(BUILT_IN_FIELDS)),
            ),
            [[button(ctx._("Name and e-mail"), "fields:default")]],
        )
    if step == "confirm":
        return Reply.of(
            fmt(ctx._("Publish {title}?"), title=bold(str(data.get("title", "")))),
            [[button(ctx._("Publish"), "publish"), button(ctx._("Cancel"), "no")]],
        )
    if step == "what":
        labels = {
            "title": ctx._("Title"),
            "starts_at": ctx._("Start time"),
            "location": ctx._("Place"),
            "registration_deadline": ctx._("Deadline"),
            "capacity": ctx._("Seats"),
        }
        return Reply.of(
            ctx._("What should change?"), [[button(labels[key], key)] for key in EDITABLE]
        )
    return Reply.of(ctx._("Please answer with one of the buttons, or send /cancel."))


async def new_event_question(ctx: Context) -> list[Reply]:
    assert ctx.conversation is not None
    return [question(ctx, NEW, ctx.conversation.step, ctx.conversation.data.get("entry", {}))]


async def edit_event_question(ctx: Context) -> list[Reply]:
    assert ctx.conversation is not None
    record = await ctx.store.get_event(str(ctx.conversation.data.get("event", "")))
    if record is None:
        return []
    return [question(ctx, EDIT, ctx.conversation.step, entry_of(EventSpec.from_record(record)))]


def parse_answer(
    ctx: Context, step: str, text: str, choice: str | None, data: dict[str, Any]
) -> tuple[Any, str | None]:
    """(value for the entry, or None with a reason to ask again)."""
    if step in ("title", "description", "location"):
        return (text, None) if text else (None, ctx._("Please send some text."))
    if step == "timezone":
        if (
            choice
            and choice.startswith("tz:")
            and choice[3:].isdecimal()
            and len(choice) <= 5
            and int(choice[3:]) < len(ZONES)
        ):
            return ZONES[int(choice[3:])], None
        try:
            ZoneInfo(text.strip())
            return text.strip(), None
        except (ZoneInfoNotFoundError, ValueError):
            return None, ctx._("I don't know that time zone.")
    if step in ("starts_at", "registration_deadline"):
        moment = local_moment(text, data["timezone"])
        return (
            (moment.isoformat(), None)
            if moment
            else (None, ctx._("I could not read that date and time."))
        )
    if step == "capacity":
        # A typed number is the capacity, also when it is the number of a button ("1"
        # beside "[1] No limit"); digits are counted before int() reads them.
        typed = text.strip()
        if typed.isascii() and typed.isdigit() and len(typed) <= MAX_SEAT_DIGITS:
            if int(typed) > 0:
                return int(typed), None
        elif choice == "nolimit":
            return "", None
        return None, ctx._("Please send a whole number above zero.")
    if step == "fields":
        if choice == "fields:default":
            return ["name", "email"], None
        wanted = [f.strip().lower() for f in text.replace(";", ",").split(",") if f.strip()]
        if wanted and all(f in BUILT_IN_FIELDS for f in wanted):
            return list(dict.fromkeys(wanted)), None
        return None, ctx._("Please choose from the listed details.")
    return None, None


def local_moment(text: str, timezone: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%d. %m. %Y %H:%M"):
        try:
            naive = datetime.strptime(" ".join(text.split()), pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=ZoneInfo(timezone))
    return None


async def fresh_id(ctx: Context, title: str, starts_at: str) -> str:
    """A readable id for /register: the title's words in ASCII, the year, unique."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:30].strip("-") or "event"
    base = f"{words}-{starts_at[:4]}"
    candidate, number = base, 1
    while await ctx.store.get_event(candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def entry_of(spec: EventSpec) -> dict[str, Any]:
    """An event as an `events:` entry that parse_events_yaml reads back as the same event."""
    entry = spec.to_json()
    entry["fields"] = [f.id if f.builtin else f.to_json() for f in spec.fields]
    for key, value in entry.items():
        if isinstance(value, dict) and set(value) == {"*"}:
            entry[key] = value["*"]  # a text given once for every language
    return {key: value for key, value in entry.items() if value not in (None, {}, "")}


async def save_entry(ctx: Context, entry: dict[str, Any], action: str) -> Reply:
    """Validate and save like an import; the outcome in the admin's language."""
    try:
        specs = parse_events_yaml({"events": [entry]}, f"chat:{actor(ctx)}")
    except EventFileError as error:
        return Reply.of(fmt(ctx._("The event is not valid: {reason}"), reason=str(error)))
    result = await import_events(ctx.store, specs, ctx.now())
    await ctx.store.audit(actor(ctx), action, specs[0].id, ctx.now())
    record = await ctx.store.get_event(specs[0].id)
    assert record is not None
    card = event_card(ctx.t, record, None, ctx.now())
    saved = (
        ctx._("Saved {id}. Registrants will be told of the change.")
        if result.changes
        else ctx._("Saved {id}.")
    )
    return Reply.of(fmt(saved, id=code(specs[0].id)) + "\n\n" + card.text, card.buttons)


# -- /newevent ---------------------------------------------------------------------------------


@router.command("newevent", N_("Publish a new event"), admin=True, private_only=True)
async def new_event(ctx: Context, args: str) -> Reply:
    await ctx.start_form(NEW, "title", {"entry": {}})
    return question(ctx, NEW, "title", {})


@router.form(NEW, question=new_event_question)
async def new_event_step(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    conv = ctx.conversation
    assert conv is not None
    if not ctx.is_admin:
        await ctx.end_form()
        return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
    entry: dict[str, Any] = conv.data["entry"]
    if conv.step == "confirm":
        if choice not in ("publish", "no"):
            return await ctx.ask_again()
        await ctx.end_form()
        if choice != "publish":
            return Reply.of(ctx._("Cancelled. Nothing was published."))
        entry["id"] = await fresh_id(ctx, entry["title"], entry["starts_at"])
        language = await written_in(
            ctx, *(entry[key] for key in ("title", "description", "location"))
        )
        for key in ("title", "description", "location"):
            entry[key] = {language: entry[key]}
        return await save_entry(ctx, entry, "event.create")
    if conv.step not in NEW_STEPS:
        await ctx.end_form()
        return Reply.of(ctx._("That form is out of date. Please start again."))
    value, problem = parse_answer(ctx, conv.step, text, choice, entry)
    if problem:
        return await ctx.ask_again(problem)
    if value != "":
        entry[conv.step] = value
    following = NEW_STEPS[NEW_STEPS.index(conv.step) + 1]
    await ctx.set_step(Conversation(NEW, following, conv.data))
    return question(ctx, NEW, following, entry)


async def written_in(ctx: Context, *texts: str) -> str:
    """The language an admin wrote an event's texts in (their own language when the texts
    say too little): the event is then indexed and shown as a text of that language."""
    from bot.textnorm import detect_language  # the lemmatiser's data: loaded on first use

    sample = "\n".join(texts)
    detected = await asyncio.to_thread(detect_language, sample, "")
    if detected == "sr":
        return "sr" if dominant_script(sample) == "Cyrl" else "sr_Latn"
    return detected if detected in LOCALES else ctx.locale


# -- /editevent ------------------------------------------------------------------------------


@router.command(
    "editevent", N_("Change an event: /editevent EVENT_ID"), admin=True, private_only=True
)
async def edit_event(ctx: Context, args: str) -> Reply:
    if not args.strip():
        return usage(ctx, "editevent")
    record = await find_event(ctx, args.split()[0])
    if record is None:
        return Reply.of(ctx._("There is no such event. Send /events to see them."))
    await ctx.start_form(EDIT, "what", {"event": record.id})
    return question(ctx, EDIT, "what", {})


def usage(ctx: Context, command: str) -> Reply:
    """How to name the event, for an admin command sent without one."""
    return Reply.of(
        fmt(
            ctx._("Which event? Send {usage}, for example {example}. Send /events to see "
                  "the events and their ids."),
            usage=code(f"/{command} EVENT_ID"),
            example=code(f"/{command} forum-2027"),
        )
    )


@router.form(EDIT, question=edit_event_question)
async def edit_event_step(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    conv = ctx.conversation
    assert conv is not None
    if not ctx.is_admin:
        await ctx.end_form()
        return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
    record = await ctx.store.get_event(conv.data["event"])
    if record is None:
        await ctx.end_form()
        return Reply.of(ctx._("There is no such event. Send /events to see them."))
    entry = entry_of(EventSpec.from_record(record))
    if conv.step == "what":
        if choice not in EDITABLE:
            return await ctx.ask_again()
        await ctx.set_step(Conversation(EDIT, choice, conv.data))
        return question(ctx, EDIT, choice, entry)
    if conv.step not in EDITABLE:
        await ctx.end_form()
        return Reply.of(ctx._("That form is out of date. Please start again."))
    value, problem = parse_answer(ctx, conv.step, text, choice, entry)
    if problem:
        return await ctx.ask_again(problem)
    await ctx.end_form()
    if value == "":
        entry.pop(conv.step, None)
    elif conv.step in ("title", "location"):
        old = entry.get(conv.step)
        language = next(iter(old)) if isinstance(old, dict) and len(old) == 1 \
            else await written_in(ctx, value)
        entry[conv.step] = {language: value}
    else:
        entry[conv.step] = value
    return await save_entry(ctx, entry, "event.edit")


# -- /cancelevent and /registrations ---------------------------------------------------------


@router.command("cancelevent", N_("Cancel an event and tell its registrants"), admin=True)
async def cancel_event_command(ctx: Context, args: str) -> Reply:
    if not args.strip():
        return usage(ctx, "cancelevent")
    outcome = await cancel_event(ctx.core, args.split()[0].lower(), actor(ctx))
    if outcome.result == "cancelled":
        return Reply.of(
            fmt(
                ctx.ngettext(
                    "Cancelled {id}; {count} registrant will be told.",
                    "Cancelled {id}; {count} registrants will be told.",
                    outcome.notified,
                ),
                id=code(args.split()[0].lower()),
                count=ctx.t.number(outcome.notified),
            )
        )
    if outcome.result == "already":
        return Reply.of(ctx._("That event is already cancelled."))
    if outcome.result == "over":
        return Reply.of(ctx._("That event is over; there is nothing to cancel."))
    return Reply.of(ctx._("There is no such event. Send /events to see them."))


@router.command(
    "registrations", N_("Registrations of an event, with a CSV file"), admin=True, private_only=True
)
async def registrations(ctx: Context, args: str) -> Reply:
    if not args.strip():
        return usage(ctx, "registrations")
    record = await find_event(ctx, args.split()[0])
    if record is None:
        return Reply.of(ctx._("There is no such event. Send /events to see them."))
    rows = await ctx.store.event_registrations(record.id)
    confirmed = sum(1 for r in rows if r.status == "confirmed")
    waiting = sum(1 for r in rows if r.status == "waiting")
    await ctx.store.audit(actor(ctx), "registrations.export", record.id, ctx.now())
    csv_file = Attachment(
        f"{record.id}-registrations.csv", export_csv(record, rows).encode("utf-8-sig"), "text/csv"
    )
    return Reply.of(
        fmt(
            ctx._("{id}: {confirmed} confirmed, {waiting} on the waiting list."),
            id=code(record.id),
            confirmed=ctx.t.number(confirmed),
            waiting=ctx.t.number(waiting),
        ),
        attachment=csv_file,
    )
