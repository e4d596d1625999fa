"""Free text nobody else answered: a friendly pointer to what the bot can do."""

from __future__ import annotations

from bot.pipeline.context import Context
from bot.pipeline.router import Router
from bot.pipeline.types import Reply, fmt

router = Router("fallback")


@router.text
async def fallback(ctx: Context, text: str) -> Reply:
    message = ctx._("I could not find an answer to that. Send /help to see what I can do.")
    if ctx.config.org_contact:
        message += "\n" + ctx._("You can also contact us: {contact}")
        return Reply.of(fmt(message, contact=ctx.config.org_contact))
    return Reply.of(message)
