"""Free text is a question: answered from the imported documents, FAQ and events (bot.qa.service).

A question about an event is answered from the event itself (bot.events.questions), with a
Register (or waiting-list) button and the event's card, or a short list with a button per
event; in a private chat, someone already registered sees their status instead of the button.
Any other answer is the few sentences that answer, in the asker's script, with the source's title
in bold. Below the confidence threshold the bot says it does not know and offers what it can
do: the upcoming events (a button) and the organisation's contact when one is configured. A
message with no content words at all ("ok", "?") is left to the fallback.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from bot import handoff
from bot.events.formatting import LIST as EVENTS_LIST
from bot.events.questions import event_reply
from bot.pipeline.context import Context
from bot.pipeline.router import Router
from bot.pipeline.types import Button, Reply, bold, fmt
from bot.qa.service import CAN_DO, CONTACT, DONT_KNOW, EVENTS_BUTTON, SOURCE, service_for
from bot.qa.textnorm import build_language_data

log = logging.getLogger(__name__)

router = Router("qa")
# A question this soon after an answer may follow it up ("and until when?").
FOLLOW_UP_WITHIN = timedelta(minutes=30)
# The start-up warm-up, kept referenced so that it is not collected half-way.
_warming: set[asyncio.Task[None]] = set()


async def setup(app: Any) -> None:
    """Open (or, on a machine where they were never built, build) the language data, and
    load what else the answering reads once, while the bot starts, not on the first
    question."""
    task = asyncio.create_task(_warm(app.store))
    _warming.add(task)
    task.add_done_callback(_warming.discard)


async def _warm(store: Any) -> None:
    try:
        await asyncio.to_thread(build_language_data)
        await service_for(store).warm()
    except Exception as error:  # the first question loads it instead
        log.warning("warming the question answering failed (%s)", type(error).__name__)


@router.text
async def question(ctx: Context, text: str) -> Reply | None:
    now = ctx.now()
    previous = await ctx.store.last_answer(ctx.person.id, now - FOLLOW_UP_WITHIN)
    result = await service_for(ctx.store).ask(
        text, locale=ctx.locale, now=now, follow_up=previous
    )
    if result.event is not None:
        registration = None
        if result.event.mode == "one" and ctx.message.is_private:
            registration = await ctx.store.get_registration(result.event.events[0].id,
                                                            ctx.person.id)
        return event_reply(ctx.t, result.event, registration)
    answer = result.answer
    if answer is not None:
        if not answer.title:  # a FAQ answer
            return Reply.of(answer.text)
        await ctx.store.remember_answer(ctx.person.id, answer.document, now)
        return Reply.of(fmt(ctx._(SOURCE), answer=answer.text, title=bold(answer.title)))
    if not result.searched:
        return None
    return await handoff.offer(ctx, text, dont_know(ctx))


def dont_know(ctx: Context) -> Reply:
    message = fmt(ctx._(DONT_KNOW) + "\n" + ctx._(CAN_DO))
    if ctx.config.org_contact:
        message += fmt("\n" + ctx._(CONTACT), contact=ctx.config.org_contact)
    return Reply.of(message, [[Button(ctx._(EVENTS_BUTTON), EVENTS_LIST)]])

