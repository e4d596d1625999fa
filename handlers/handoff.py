"""Ask the team (bot/handoff.py): "Ask our team" and /ask for citizens; replies, /answer,
/tickets and "Save as FAQ" in the staff chat; /faq and /unanswered for admins.

In the staff chat the bot acts on replies to its own ticket messages and on its commands,
nothing else (a reply to another message gets one clear line). Registered before the qa
handler, so that a staff member's reply is never taken for a question.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot import handoff
from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, Reply, as_rich, bold, fmt, join

router = Router("handoff")
log = logging.getLogger(__name__)

ONLY_STAFF_CHAT = N_("That works only in our team's staff chat.")
NOT_A_TICKET = N_(
    "That message is not a ticket. Reply to a ticket's message, or send /answer N and your "
    "answer."
)
ANSWER_USAGE = N_("Send /answer followed by the ticket number and your answer, e.g. /answer 12 "
                  "The office opens at 9.")
ASK_USAGE = N_("Send /ask followed by your question, e.g. /ask Where can I park?")
UNKNOWN_TICKET = N_("There is no ticket #{number}.")
CLOSED_TICKET = N_("Ticket #{number} is closed already; nothing was sent.")
NO_ADDRESS = N_("Ticket #{number}: the person cannot be reached any more; nothing was sent.")
RELAYED = N_("Ticket #{number} answered by {name}. The answer is on its way to the person.")
SAVE_BUTTON = N_("Save as FAQ")
SAVED = N_(
    "Saved as FAQ entry {key}: the next person who asks this gets the answer at once."
)
ALREADY_SAVED = N_("Ticket #{number} is saved as FAQ entry {key} already.")
NOT_ANSWERED = N_("Ticket #{number} has no answer to save.")
FAQ_USAGE = N_("Send /faq list, or /faq remove KEY.")
FAQ_EMPTY = N_("There are no FAQ entries.")
FAQ_HEAD = N_("FAQ entries (key, question, source):")
FAQ_REMOVED = N_("FAQ entry {key} removed.")
FAQ_UNKNOWN = N_("There is no FAQ entry {key}.")
FAQ_FROM_FILE = N_(
    "FAQ entry {key} comes from the file {source}; remove it there and import the file again."
)
UNANSWERED_HEAD = N_("Questions I could not answer in the last {days} days:")
UNANSWERED_NONE = N_("No unanswered questions in the last {days} days.")
UNANSWERED_DAYS = 30


@router.button(handoff.HANDOFF)
async def handoff_button(ctx: Context, args: list[str]) -> Reply:
    return await handoff.pressed_handoff(ctx, args)


@router.command("ask", N_("Ask our team a question"), private_only=True,
                listed=handoff.offered)
async def ask(ctx: Context, args: str) -> Reply:
    if not handoff.staff_chat_of(ctx.config):
        return Reply.of(ctx._(handoff.NOT_OFFERED))
    if not args.strip():
        return Reply.of(ctx._(ASK_USAGE))
    return await handoff.hand_off(ctx, args.strip(), None)


@router.text
async def staff_reply(ctx: Context, text: str) -> Reply | None:
    """A reply in the staff chat to a message of ours: a ticket's answer, or one clear line."""
    if ctx.message.reply_to is None or not handoff.is_staff_chat(ctx):
        return None
    staff_chat = handoff.staff_chat_of(ctx.config)
    ticket = await ctx.store.ticket_by_message(staff_chat, ctx.message.reply_to)
    if ticket is None:
        return Reply.of(ctx._(NOT_A_TICKET))
    return await _answer(ctx, ticket.id, text)


@router.command("answer", N_("Answer a ticket (staff chat)"), listed=False)
async def answer_command(ctx: Context, args: str) -> Reply:
    if not handoff.is_staff_chat(ctx):
        return Reply.of(ctx._(ONLY_STAFF_CHAT))
    number, _, text = args.partition(" ")
    number = number.lstrip("#")
    if not (number.isascii() and number.isdigit() and len(number) <= 15) or not text.strip():
        return Reply.of(ctx._(ANSWER_USAGE))
    return await _answer(ctx, int(number), text.strip())


async def _answer(ctx: Context, ticket_id: int, text: str) -> Reply:
    name = ctx.message.display_name or ctx._("a team member")
    outcome = await handoff.answer_ticket(ctx.core, ticket_id, text, name)
    number = f"{ticket_id}"
    if outcome.result == "unknown":
        return Reply.of(fmt(ctx._(UNKNOWN_TICKET), number=number))
    if outcome.result == "closed":
        return Reply.of(fmt(ctx._(CLOSED_TICKET), number=number))
    if outcome.result == "no-address":
        return Reply.of(fmt(ctx._(NO_ADDRESS), number=number))
    return Reply.of(fmt(ctx._(RELAYED), number=number, name=bold(name)),
                    [[Button(ctx._(SAVE_BUTTON), payload(handoff.SAVE_FAQ, ticket_id))]])


@router.button(handoff.SAVE_FAQ)
async def save_faq(ctx: Context, args: list[str]) -> Reply:
    if not handoff.is_staff_chat(ctx):
        return Reply.of(ctx._(ONLY_STAFF_CHAT))
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 15:
        return Reply.of(ctx._(handoff.STALE))
    ticket_id = int(args[0])
    ticket = await ctx.store.get_ticket(ticket_id)
    number = f"{ticket_id}"
    if ticket is None:
        return Reply.of(fmt(ctx._(UNKNOWN_TICKET), number=number))
    if ticket.faq_key:
        return Reply.of(fmt(ctx._(ALREADY_SAVED), number=number, key=bold(ticket.faq_key)))
    key = f"ticket-{ticket_id}"
    if not await ctx.store.save_ticket_faq(ticket_id, key, ctx.now()):
        return Reply.of(fmt(ctx._(NOT_ANSWERED), number=number))
    log.info("ticket %d saved as a FAQ entry", ticket_id)
    return Reply.of(fmt(ctx._(SAVED), key=bold(key)))


@router.command("tickets", N_("Open tickets, oldest first (staff chat)"), listed=False)
async def tickets_command(ctx: Context, args: str) -> Reply:
    if not handoff.is_staff_chat(ctx) and not ctx.is_admin:
        return Reply.of(ctx._(ONLY_STAFF_CHAT))
    open_tickets = await ctx.store.tickets(open_only=True)
    if not open_tickets:
        return Reply.of(ctx._(handoff.NO_OPEN_TICKETS))
    return Reply.of(join(bold(ctx._(handoff.OPEN_TICKETS)),
                         handoff.ticket_lines(ctx.t, open_tickets, ctx.now())))


@router.command("faq", N_("List or remove FAQ entries"), admin=True)
async def faq_command(ctx: Context, args: str) -> Reply:
    action, _, key = args.strip().partition(" ")
    key = key.strip()
    if action == "list" and not key:
        entries = await ctx.store.faq_entries()
        if not entries:
            return Reply.of(ctx._(FAQ_EMPTY))
        text = as_rich(bold(ctx._(FAQ_HEAD)))
        for entry in entries:
            first = next(iter(entry.questions.values()), "").splitlines()[:1]
            text += fmt("\n{key} · {question} · {source}", key=bold(entry.key),
                        question=handoff.quote(first[0] if first else ""), source=entry.source)
        return Reply.of(text)
    if action == "remove" and key and " " not in key:
        removed = await ctx.store.remove_faq_entry(key)
        if removed is None:
            return Reply.of(fmt(ctx._(FAQ_UNKNOWN), key=key))
        if removed != "removed":
            return Reply.of(fmt(ctx._(FAQ_FROM_FILE), key=key, source=removed))
        await ctx.store.audit(f"{ctx.message.platform}:{ctx.message.user_id}",
                              "faq-remove", key, ctx.now())
        return Reply.of(fmt(ctx._(FAQ_REMOVED), key=bold(key)))
    return Reply.of(ctx._(FAQ_USAGE))


@router.command("unanswered", N_("Questions I could not answer lately"), admin=True)
async def unanswered_command(ctx: Context, args: str) -> Reply:
    days = UNANSWERED_DAYS
    found = handoff.gaps(await ctx.store.unanswered_since(
        ctx.now() - timedelta(days=days)))
    if not found:
        return Reply.of(fmt(ctx._(UNANSWERED_NONE), days=days))
    text = as_rich(bold(fmt(ctx._(UNANSWERED_HEAD), days=days).plain))
    for gap in found[:30]:
        text += fmt("\n{count}× [{locales}] {question}", count=bold(f"{gap.count}"),
                    locales=", ".join(gap.locales), question=handoff.quote(gap.sample))
    return Reply.of(text)


async def setup(app: Any) -> None:
    core = app.core
    app.delivery.outcome_hooks[handoff.TICKET_KIND] = (
        lambda item, sent, error: handoff.on_ticket_outcome(core, item, sent, error))
    app.delivery.outcome_hooks[handoff.REMINDER_KIND] = (
        lambda item, sent, error: handoff.on_reminder_outcome(core, item, sent, error))
    app.add_job("ticket-reminders", lambda: handoff.remind_open_tickets(core), 600)
    app.add_job("handoff-retention", lambda: handoff.apply_retention(core), 3600)
