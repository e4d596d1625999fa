"""Ask the team: a question the bot cannot answer goes to the organisation's staff chat as a
ticket, and a staff member's answer comes back to the person, once.

    don't know -> unanswered_questions row + "Ask our team" (handoff:<question id>)
    press      -> tickets row + outbox row to the staff chat (one transaction)
    delivered  -> the message's id is recorded (a reply to it answers the ticket)
    reply      -> the ticket closes and the answer is queued for the person (one transaction)
    Save as FAQ (faq:<ticket>) -> a FAQ entry in the question's language

Everything is in the database after each step (storage/sql/handoff.py); proactive messages
go through the outbox. The staff chat is `CIVICBOT_STAFF_CHAT`; unset, nothing is offered.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from bot.config import Config
from bot.i18n.translator import N_, Translator
from bot.pipeline.router import payload
from bot.pipeline.types import (
    Button,
    Reply,
    Rich,
    Segment,
    bold,
    fmt,
    italic,
    join,
    replies_to_json,
)
from storage.base import OutboxItem, Ticket, UnansweredQuestion

if TYPE_CHECKING:
    from bot.pipeline.context import Context, Services

log = logging.getLogger(__name__)

MAX_OPEN_TICKETS = 3
HANDOFF = "handoff"  # button prefix: handoff:<unanswered question id>
SAVE_FAQ = "faq"  # button prefix: faq:<ticket id>
TICKET_KIND = "staff-ticket"
REMINDER_KIND = "staff-reminder"
MAX_QUOTE = 300  # characters of the question quoted back with the answer

ASK_BUTTON = N_("Ask our team")
ASKED = N_(
    "I have passed your question to our team as ticket #{number}. They will answer you "
    "here, in this chat."
)
ALREADY_ASKED = N_("Your question is already with our team (ticket #{number}).")
TOO_MANY = N_(
    "You already have {count} questions waiting for our team. Please wait for their "
    "answers before asking more."
)
NOT_OFFERED = N_("Asking our team is not available here.")
STALE = N_("That button is no longer valid. Please ask your question again.")
TEAM_UNREACHABLE = N_(
    "Sorry, our team cannot be reached right now, so your question (ticket #{number}) did "
    "not get to them. Please try again later."
)
ANSWERED = N_("Our team answered your question:")
TICKET_HEAD = N_("Ticket #{number}")
TICKET_LANGUAGE = N_("Language: {language}")
TICKET_FROM = N_("From: {name}")
TICKET_HOW = N_("Reply to this message to answer, or send /answer {number} and your answer.")


def staff_chat_of(config: object) -> str:
    return str(getattr(config, "staff_chat", "") or "")


def offered(config: Config) -> bool:
    """"Ask the team" is offered (and /ask listed) only where a staff chat is configured."""
    return bool(staff_chat_of(config))


def is_staff_chat(ctx: Context) -> bool:
    staff = staff_chat_of(ctx.config)
    return bool(staff) and f"{ctx.message.platform}:{ctx.message.chat_id}" == staff


def language_name(locale: str, t: Translator) -> str:
    """'slovenščina (sl)' in the reader's language."""
    try:
        name = Locale.parse(locale).get_display_name(Locale.parse(t.locale)) or locale
    except (ValueError, UnknownLocaleError):
        name = locale
    return f"{name} ({locale})"


def shown_name(name: str) -> str:
    """The display name for the staff chat, never a platform id (a Matrix user without a
    display name is shown by their mxid; a bare number is an id too)."""
    name = name.strip()
    if re.fullmatch(r"@[^:\s]+:\S+", name) or name.isdigit():
        return ""
    return name[:80]


def quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


# -- the citizen's side ------------------------------------------------------------------------


async def offer(ctx: Context, question: str, reply: Reply) -> Reply:
    """A "don't know": the question is kept for /unanswered, and in a private chat with the
    feature on the reply gets "Ask our team" under it."""
    question_id = await ctx.store.record_unanswered(
        ctx.person.id, question, ctx.locale, ctx.now())
    if not staff_chat_of(ctx.config) or not ctx.message.is_private:
        return reply
    button = Button(ctx._(ASK_BUTTON), payload(HANDOFF, question_id))
    return Reply(reply.text, (*reply.buttons, (button,)), reply.attachment)


async def hand_off(ctx: Context, question: str, question_id: int | None) -> Reply:
    """Open a ticket for the person's question and queue its message to the staff chat."""
    staff_chat = staff_chat_of(ctx.config)
    staff_t = ctx.core.translator(ctx.config.default_locale)
    opened = await ctx.store.open_ticket(
        person_id=ctx.person.id, question=question, locale=ctx.locale,
        display_name=shown_name(ctx.message.display_name), question_id=question_id,
        staff_chat=staff_chat, max_open=MAX_OPEN_TICKETS,
        render=lambda ticket: replies_to_json(ticket_message(staff_t, ticket)), now=ctx.now())
    if opened.result == "too-many":
        return Reply.of(fmt(ctx._(TOO_MANY), count=MAX_OPEN_TICKETS))
    assert opened.ticket is not None
    if opened.result == "exists":
        return Reply.of(fmt(ctx._(ALREADY_ASKED), number=bold(f"{opened.ticket.id}")))
    log.info("ticket %d opened (%s)", opened.ticket.id, ctx.message.platform)
    ctx.core.on_enqueue()
    return Reply.of(fmt(ctx._(ASKED), number=bold(f"{opened.ticket.id}")))


async def pressed_handoff(ctx: Context, args: list[str]) -> Reply:
    if not staff_chat_of(ctx.config):
        return Reply.of(ctx._(NOT_OFFERED))
    if not ctx.message.is_private:
        return ctx.core.private_chat_invite(ctx)
    question = await _own_question(ctx, args)
    if question is None:
        log.info("stale or forged handoff button (%s)", ctx.message.platform)
        return Reply.of(ctx._(STALE))
    return await hand_off(ctx, question.text, question.id)


async def _own_question(ctx: Context, args: list[str]) -> UnansweredQuestion | None:
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 15:
        return None
    question = await ctx.store.get_unanswered(int(args[0]))
    return question if question is not None and question.person_id == ctx.person.id else None


# -- the staff chat's side ----------------------------------------------------------------------


def ticket_message(t: Translator, ticket: Ticket) -> list[Reply]:
    """The ticket as the staff chat sees it: number, question, language, display name only."""
    number = f"{ticket.id}"
    parts: list[Rich | Segment | str] = [
        bold(fmt(t.gettext(TICKET_HEAD), number=number).plain), "\n",
        italic(ticket.question), "\n\n",
        fmt(t.gettext(TICKET_LANGUAGE), language=language_name(ticket.locale, t)),
    ]
    if ticket.display_name:
        parts += ["\n", fmt(t.gettext(TICKET_FROM), name=bold(ticket.display_name))]
    parts += ["\n\n", fmt(t.gettext(TICKET_HOW), number=number)]
    return [Reply.of(join(*parts))]


@dataclass(frozen=True)
class AnswerOutcome:
    result: str  # answered | closed | unknown | no-address
    ticket: Ticket | None = None


async def answer_ticket(core: Services, ticket_id: int, answer: str, answered_by: str
                        ) -> AnswerOutcome:
    """Close an open ticket and queue the answer to its person in their language, once."""
    ticket = await core.store.get_ticket(ticket_id)
    if ticket is None:
        return AnswerOutcome("unknown")
    if ticket.state != "open" or ticket.person_id is None:
        return AnswerOutcome("closed", ticket)
    person = await core.store.get_person(ticket.person_id)
    address = await core.store.private_address(ticket.person_id)
    if person is None or address is None:
        return AnswerOutcome("no-address", ticket)
    t = core.translator(person.locale or person.hint_locale or ticket.locale)
    body = replies_to_json([Reply.of(fmt(
        "{head}\n{question}\n\n{answer}", head=bold(t.gettext(ANSWERED)),
        question=italic(f"“{quote(ticket.question)}”"), answer=answer))])
    answered = await core.store.answer_ticket(
        ticket.id, answer=answer, answered_by=answered_by,
        outbox={"person_id": ticket.person_id, "platform": address[0], "chat_id": address[1],
                "body": body}, now=core.clock.now())
    if not answered:
        return AnswerOutcome("closed", await core.store.get_ticket(ticket.id))
    log.info("ticket %d answered", ticket.id)
    core.on_enqueue()
    return AnswerOutcome("answered", ticket)


async def on_ticket_outcome(core: Services, item: OutboxItem, sent_id: str | None,
                            error: str | None) -> None:
    """The delivery worker's news of a staff chat message: its id is recorded (replies to it
    answer the ticket); a refusal marks the staff chat unreachable and tells the person."""
    chat = f"{item.platform}:{item.chat_id}"
    now = core.clock.now()
    await core.store.set_staff_chat_status(chat, error is None, error, now)
    ticket_id = _ticket_of(item)
    if ticket_id is None:
        return
    if error is None:
        await core.store.set_ticket_message(ticket_id, sent_id)
        return
    log.warning("the staff chat refused ticket %d (%s); the person is told", ticket_id, error)
    person_id = await core.store.mark_ticket_unreachable(ticket_id, now)
    if person_id is not None:
        await core.notify(
            person_id,
            lambda t: [Reply.of(fmt(t.gettext(TEAM_UNREACHABLE), number=f"{ticket_id}"))],
            kind="ticket-unreachable", dedupe_key=f"ticket-unreachable:{ticket_id}")


async def on_reminder_outcome(core: Services, item: OutboxItem, sent_id: str | None,
                              error: str | None) -> None:
    chat = f"{item.platform}:{item.chat_id}"
    await core.store.set_staff_chat_status(
        chat, error is None, error, core.clock.now())
    if error is not None:
        log.warning("the staff chat refused the open tickets' reminder (%s)", error)


def _ticket_of(item: OutboxItem) -> int | None:
    prefix, _, number = (item.batch or "").partition(":")
    return int(number) if prefix == "ticket" and number.isdigit() else None


# -- open tickets, reminders, retention --------------------------------------------------------

OPEN_TICKETS = N_("Open tickets, oldest first:")
NO_OPEN_TICKETS = N_("No open tickets.")
STILL_OPEN = N_("These questions are still waiting for an answer:")


def age_text(t: Translator, age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    if hours >= 48:
        days = hours // 24
        return t.ngettext("{n} day", "{n} days", days).replace("{n}", str(days))
    if hours >= 1:
        return t.ngettext("{n} hour", "{n} hours", hours).replace("{n}", str(hours))
    minutes = max(0, int(age.total_seconds() // 60))
    return t.ngettext("{n} minute", "{n} minutes", minutes).replace("{n}", str(minutes))


def ticket_lines(t: Translator, tickets: list[Ticket], now: datetime) -> Rich:
    text = Rich(())
    for ticket in tickets:
        text = text + fmt("\n#{number} · {age} · {locale}: {question}",
                          number=bold(f"{ticket.id}"), age=age_text(t, now - ticket.created_at),
                          locale=ticket.locale, question=quote(ticket.question))
    return text


async def remind_open_tickets(core: Services) -> bool:
    """Once a UTC day, the tickets open longer than CIVICBOT_TICKET_REMIND_HOURS are named
    again in the staff chat (one message; the day's dedupe key makes it once)."""
    staff_chat = staff_chat_of(core.config)
    if not staff_chat:
        return False
    now = core.clock.now()
    limit = timedelta(hours=core.config.ticket_remind_hours)
    overdue = [ticket for ticket in await core.store.tickets(open_only=True)
               if ticket.staff_chat == staff_chat and now - ticket.created_at >= limit]
    if not overdue:
        return False
    t = core.translator(core.config.default_locale)
    platform, _, chat_id = staff_chat.partition(":")
    body = replies_to_json([Reply.of(join(bold(t.gettext(STILL_OPEN)),
                                          ticket_lines(t, overdue, now)))])
    queued = await core.store.enqueue(
        dedupe_key=f"ticket-reminder:{now.date().isoformat()}", kind=REMINDER_KIND,
        person_id=None, platform=platform, chat_id=chat_id, body=body, not_before=now, now=now)
    if queued:
        core.on_enqueue()
    return queued


async def apply_retention(core: Services) -> int:
    cutoff = core.clock.now() - timedelta(days=core.config.unanswered_days)
    removed = await core.store.forget_handoff_older_than(cutoff)
    if removed:
        log.info("retention: removed %d unanswered questions and closed tickets", removed)
    return removed


# -- the gaps: questions nobody answered -------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    sample: str
    count: int
    locales: tuple[str, ...]


def similarity_key(text: str) -> str:
    """Questions that differ only in case, accents, punctuation, word order or short words
    are one gap."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    words = {w for w in re.findall(r"\w+", plain) if len(w) > 2}
    return " ".join(sorted(words)) or plain.strip()


def gaps(questions: list[UnansweredQuestion]) -> list[Gap]:
    groups: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        groups.setdefault(similarity_key(question.text), []).append(question)
    found = [
        Gap(group[-1].text, len(group), tuple(sorted({q.locale for q in group})))
        for group in groups.values()
    ]
    return sorted(found, key=lambda gap: (-gap.count, gap.sample))
