"""Event management by chat, for admins: /newevent, /editevent, /cancelevent, /registrations.

Every change goes the way a YAML import goes: the answers become an `events:` entry that
`parse_events_yaml` validates (with the same precise errors) and `import_events` saves, so
registrants hear of a changed time or place exactly as after an import.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import LOCALES
from bot.events.export import export_csv
from bot.events.formatting import event_card
from bot.events.loader import EventFileError, import_events, parse_events_yaml
from bot.events.model import EventSpec
from bot.i18n.scripts import dominant_script
from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, form_payload
from bot.pipeline.types import Attachment, Button, IncomingFile, Reply, bold, code, fmt, join
from bot.qa.textnorm import fold
from bot.reminders import cancel_event
from handlers.events import find_event
from storage.base import Conversation

router = Router("event_admin")
log = logging.getLogger(__name__)
NEW, EDIT = "newevent", "editevent"
ZONES = ("Europe/Ljubljana", "Europe/Belgrade", "Europe/Warsaw", "Europe/Kyiv", "UTC")
BUILT_IN_FIELDS = ("name", "email", "phone", "organisation")
# /newevent asks these in order; each answer fills one key of the events: entry. Then the
# review ("confirm"): the card as citizens will see it, every field, Publish / Edit / Discard.
NEW_STEPS = (
    "title",
    "description",
    "timezone",
    "starts_at",
    "ends_at",
    "location",
    "registration_deadline",
    "capacity",
    "fields",
    "confirm",
)
# A draft from an invitation asks only what it could not read; these are its own steps.
DRAFT_STEPS = ("start_time", "contact", "what")
# What the review's "Edit a field" offers (the key, its label).
REVIEW_FIELDS = ("title", "starts_at", "ends_at", "location", "registration_deadline",
                 "contact", "capacity", "timezone", "description")
MAX_TYPED_TITLE = 150  # a longer text, or one of several lines, at the title step is an invitation
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
    return [new_question(ctx, ctx.conversation.step, ctx.conversation.data)]


def new_question(ctx: Context, step: str, data: dict[str, Any]) -> Reply:
    """/newevent's question for a step: the shared ones, the end time, the review."""
    entry = data.get("entry", {})

    def button(label: str, value: str) -> Button:
        return Button(label, form_payload(NEW, value))

    if step == "title" and not entry:
        return Reply.of(ctx._("What is the event's title? Or send or forward me the invitation "
                              "(its text, or the file) and I will draft the event from it."))
    if step == "ends_at":
        return Reply.of(
            fmt(ctx._("When does it end? Send the time as {time}, or the date and time as "
                      "{example}."), time=code("16:00"), example=code("2027-05-20 16:00")),
            [[button(ctx._("No end time"), "noend")]])
    if step == "start_time":
        day = data.get("start_date", "")
        return Reply.of(fmt(ctx._("The invitation says the event is on {date}, but not at what "
                                  "time. When does it start? Send the time as {example}."),
                            date=bold(day), example=code("10:00")))
    if step == "contact":
        return Reply.of(ctx._("Whom can people contact about it (an e-mail address or a phone "
                              "number)?"), [[button(ctx._("No contact"), "nocontact")]])
    if step == "confirm":
        return review(ctx, data)
    if step == "what":
        labels = field_labels(ctx)
        return Reply.of(ctx._("What should change?"),
                        [[button(labels[key], f"edit:{key}")] for key in REVIEW_FIELDS])
    return question(ctx, NEW, step, entry)


def field_labels(ctx: Context) -> dict[str, str]:
    return {
        "title": ctx._("Title"), "description": ctx._("Description"),
        "timezone": ctx._("Time zone"), "starts_at": ctx._("Start time"),
        "ends_at": ctx._("End time"), "location": ctx._("Place"),
        "registration_deadline": ctx._("Deadline"), "contact": ctx._("Contact"),
        "capacity": ctx._("Seats"), "language": ctx._("Language"),
        "fields": ctx._("Registrants give"),
    }


def publishable(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The entry as it will be published: texts in the event's language, the contact at
    the end of the description (in the event's language), a provisional id."""
    entry = dict(data.get("entry", {}))
    language = data.get("language") or ctx.locale
    contact = data.get("contact")
    if contact:
        line = fmt(ctx.core.translator(language).gettext("Contact: {contact}"),
                   contact=contact).plain
        entry["description"] = f"{entry.get('description', '')}\n\n{line}".strip()
    for key in ("title", "description", "location"):
        if isinstance(entry.get(key), str):
            entry[key] = {language: entry[key]}
    entry.setdefault("fields", ["name", "email"])
    entry.setdefault("id", "draft")
    return entry


def review(ctx: Context, data: dict[str, Any]) -> Reply:
    """The card exactly as citizens will see it, then every field, then the buttons."""
    from bot.events.model import localized

    entry = publishable(ctx, data)
    labels = field_labels(ctx)
    missing = ctx._("— not stated")
    buttons = [[Button(ctx._("Publish"), form_payload(NEW, "publish")),
                Button(ctx._("Edit a field"), form_payload(NEW, "edit")),
                Button(ctx._("Discard"), form_payload(NEW, "no"))]]
    try:
        (spec,) = parse_events_yaml({"events": [entry]}, "review")
    except EventFileError as error:
        return Reply.of(fmt(ctx._("The event is not valid yet: {reason}"), reason=str(error)),
                        [buttons[0][1:]])
    language = data.get("language") or ctx.locale
    card = event_card(ctx.core.translator(language), spec.to_record(), None, ctx.now())
    t = ctx.t
    rows: list[tuple[str, str]] = [
        ("title", localized(spec.title, language)),
        ("starts_at", t.datetime(spec.starts_at, spec.timezone)),
        ("ends_at", t.datetime(spec.ends_at, spec.timezone) if spec.ends_at else missing),
        ("location", localized(spec.location, language)),
        ("registration_deadline", t.datetime(spec.registration_deadline, spec.timezone)),
        ("contact", str(data.get("contact") or missing)),
        ("capacity", t.number(spec.capacity) if spec.capacity else ctx._("No limit")),
        ("timezone", spec.timezone),
        ("language", language),
        ("fields", ", ".join(f.id for f in spec.fields)),
    ]
    summary = join(*(fmt("{label}: {value}", label=labels[key], value=value)
                     for key, value in rows), sep="\n")
    text = join(ctx._("This is how citizens will see it:"), "", card.text, "", "———",
                summary, "", ctx._("Publish it?"), sep="\n")
    return Reply.of(text, buttons)


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
    if step == "registration_deadline" and local_date(text):
        return local_date(text), None  # a date: the end of that day, as in YAML
    if step == "ends_at":
        if choice == "noend":
            return "", None
        start = datetime.fromisoformat(data["starts_at"])
        at = clock_time(text)
        moment = start.replace(hour=at[0], minute=at[1]) if at else \
            local_moment(text, data["timezone"])
        if moment is None:
            return None, ctx._("I could not read that date and time.")
        if moment <= start:
            return None, ctx._("The end must be after the start.")
        return moment.isoformat(), None
    if step == "start_time":
        at = clock_time(text)
        if at is None:
            return None, ctx._("I could not read that time.")
        day = date.fromisoformat(data["start_date"])
        return datetime.combine(day, dtime(*at), ZoneInfo(data["timezone"])).isoformat(), None
    if step == "contact":
        if choice == "nocontact":
            return "", None
        return (text.strip(), None) if text.strip() else (None, ctx._("Please send some text."))
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


def local_date(text: str) -> str | None:
    """'2027-05-18' for a typed date without a time (2027-05-18, 18.5.2027, 18. 5. 2027)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d. %m. %Y"):
        try:
            return datetime.strptime(" ".join(text.split()), pattern).date().isoformat()
        except ValueError:
            continue
    return None


def clock_time(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


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
async def new_event(ctx: Context, args: str) -> Reply | list[Reply]:
    if looks_like_invitation(args):  # /newevent followed by the invitation's text
        return await from_invitation(ctx, args)
    await ctx.start_form(NEW, "title", {"entry": {}})
    return new_question(ctx, "title", {})


def looks_like_invitation(text: str) -> bool:
    return "\n" in text.strip() or len(text.strip()) > MAX_TYPED_TITLE


async def from_invitation(ctx: Context, text: str) -> Reply | list[Reply]:
    """Draft the event from an invitation's text; ask what it could not read, then review."""
    from bot.events.draft import draft_event  # dateparser: loaded only when drafting

    local_today = ctx.now().astimezone(ZoneInfo(ctx.config.timezone)).date()
    draft = await asyncio.to_thread(draft_event, text, local_today)
    language = draft.language if draft.language in LOCALES else ctx.locale
    draft.timezone = draft.timezone or ctx.config.timezone
    entry = draft.entry()
    for key in ("title", "description", "location"):  # plain texts until published
        if isinstance(entry.get(key), dict):
            entry[key] = next(iter(entry[key].values()))
    entry.pop("id", None)
    if not entry.get("description"):
        entry["description"] = entry.get("title", "")
    data: dict[str, Any] = {"entry": entry, "language": language, "draft": True,
                            "contact": draft.contact or ""}
    # every field not read is asked, the optional ones with a one-tap "none" button
    queue = [key for key in ("title", "starts_at", "ends_at", "location",
                             "registration_deadline", "capacity") if key not in entry]
    if "starts_at" in queue and draft.start_date:  # the day is known, its time is not
        queue[queue.index("starts_at")] = "start_time"
        data["start_date"] = draft.start_date.isoformat()
    if not draft.contact:
        queue.insert(len(queue) - ("capacity" in queue), "contact")
    data["queue"] = queue
    log.info("drafted an event from an invitation (%s): %d fields to ask",
             ctx.message.platform, len(queue))
    step = queue[0] if queue else "confirm"
    await ctx.start_form(NEW, step, data)
    first = Reply.of(ctx._("I have read the invitation and drafted the event."))
    if queue:
        labels = field_labels(ctx)
        unread = ", ".join(labels["starts_at" if k == "start_time" else k] for k in queue)
        first = Reply.of(fmt(ctx._("I have read the invitation and drafted the event. I could "
                                   "not read: {fields}. Please tell me."), fields=unread))
    return [first, new_question(ctx, step, data)]


@router.file(form=NEW)
async def new_event_file(ctx: Context, file: IncomingFile) -> Reply | list[Reply]:
    """An invitation sent as a file (.txt .md .html .pdf .docx) while /newevent runs: read
    with the same readers and limits as a document import, never imported."""
    from bot.content.upload import UploadRefused, file_text
    from handlers.documents import refusal

    if not ctx.is_admin:
        await ctx.end_form()
        return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
    try:
        text = await file_text(file)
    except UploadRefused as refused:
        log.info("refused an invitation file (%s): %s", ctx.message.platform, refused.problem)
        return [Reply.of(refusal(ctx, refused, file.name)), *await new_event_question(ctx)]
    return await from_invitation(ctx, text)


def next_step(conv: Conversation) -> str:
    """The step after the current one: the queue of a draft or an edit, else NEW_STEPS."""
    queue = conv.data.get("queue")
    if queue is not None:
        if queue and queue[0] == conv.step:
            queue.pop(0)
        return queue[0] if queue else "confirm"
    return NEW_STEPS[NEW_STEPS.index(conv.step) + 1]


@router.form(NEW, question=new_event_question)
async def new_event_step(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    conv = ctx.conversation
    assert conv is not None
    if not ctx.is_admin:
        await ctx.end_form()
        return Reply.of(ctx._("Sorry, only the organisation's admins can do that."))
    entry: dict[str, Any] = conv.data["entry"]
    if conv.step == "title" and not entry and not choice and looks_like_invitation(text):
        return await from_invitation(ctx, text)
    if conv.step == "confirm":
        if choice == "edit":
            await ctx.set_step(Conversation(NEW, "what", conv.data))
            return new_question(ctx, "what", conv.data)
        if choice not in ("publish", "no"):
            return await ctx.ask_again()
        if choice != "publish":
            await ctx.end_form()
            return Reply.of(ctx._("Discarded. Nothing was published."))
        if "language" not in conv.data:
            conv.data["language"] = await written_in(
                ctx, *(str(entry.get(key, "")) for key in ("title", "description", "location")))
        published = publishable(ctx, conv.data)
        try:
            parse_events_yaml({"events": [published]}, "review")
        except EventFileError:  # shown in the review: change a field first
            return await ctx.ask_again()
        await ctx.end_form()
        published["id"] = await fresh_id(ctx, str(entry["title"]), str(entry["starts_at"]))
        return await save_entry(ctx, published, "event.create")
    if conv.step == "what":
        key = (choice or "").removeprefix("edit:")
        if not (choice or "").startswith("edit:") or key not in REVIEW_FIELDS:
            return await ctx.ask_again()
        if key == "ends_at" and "starts_at" not in entry:
            key = "starts_at"
        conv.data["queue"] = [key]
        await ctx.set_step(Conversation(NEW, key, conv.data))
        return new_question(ctx, key, conv.data)
    if conv.step not in NEW_STEPS + DRAFT_STEPS:
        await ctx.end_form()
        return Reply.of(ctx._("That form is out of date. Please start again."))
    if conv.step != "timezone" and "timezone" not in entry and conv.step in (
            "starts_at", "ends_at", "registration_deadline", "start_time"):
        entry["timezone"] = ctx.config.timezone
    value, problem = parse_answer(ctx, conv.step, text, choice,
                                  {**entry, "start_date": conv.data.get("start_date")})
    if problem:
        return await ctx.ask_again(problem)
    key = "starts_at" if conv.step == "start_time" else conv.step
    target = conv.data if key == "contact" else entry
    if key == "timezone" and value:  # an edited zone keeps the times as they were written
        for moment in ("starts_at", "ends_at", "registration_deadline"):
            if "T" in str(entry.get(moment, "")):
                written = datetime.fromisoformat(entry[moment])
                entry[moment] = written.replace(tzinfo=ZoneInfo(value)).isoformat()
    if value != "":
        target[key] = value
    elif key in ("ends_at", "capacity", "contact"):
        target.pop(key, None)
    following = next_step(conv)
    if following == "confirm" and not conv.data.get("draft"):  # typed by hand: its language
        conv.data["language"] = await written_in(
            ctx, *(str(entry.get(key, "")) for key in ("title", "description", "location")))
    await ctx.set_step(Conversation(NEW, following, conv.data))
    return new_question(ctx, following, conv.data)


async def written_in(ctx: Context, *texts: str) -> str:
    """The language an admin wrote an event's texts in (their own language when the texts
    say too little): the event is then indexed and shown as a text of that language."""
    from bot.qa.textnorm import detect_language  # the lemmatiser's data: loaded on first use

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
