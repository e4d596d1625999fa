"""/start, /help and /cancel: what the bot can do, and the way out of any form."""

from __future__ import annotations

from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, Reply, bold, fmt

router = Router("start")
BOT_NAME = "civicbot"


def menu_buttons(ctx: Context) -> list[list[Button]]:
    return [
        [Button(ctx._("Language"), payload("lang"))],
        [Button(ctx._("Announcements"), payload("sub", "ask"))],
        [Button(ctx._("Events"), payload("events"))],
        [Button(ctx._("Help"), payload("help"))],
    ]


@router.command("start", N_("Welcome and what I can do"))
async def start(ctx: Context, args: str) -> Reply:
    if ctx.config.org_name:
        text = fmt(
            ctx._("Hello! I am {name}, the assistant of {org}.\n\n"
                  "Ask me in your own words about programmes, projects, events and deadlines, "
                  "and I will answer from our documents. You can also subscribe to "
                  "announcements and choose your language."),
            name=bold(ctx.config.org_name), org=ctx.config.org_name,
        )
    else:  # no organisation configured: not "civicbot, the assistant of civicbot"
        text = fmt(
            ctx._("Hello! I am {name}.\n\n"
                  "Ask me in your own words about programmes, projects, events and deadlines, "
                  "and I will answer from our documents. You can also subscribe to "
                  "announcements and choose your language."),
            name=bold(BOT_NAME),
        )
    return Reply.of(text, menu_buttons(ctx))


@router.command("help", N_("What I can do and my commands"))
async def help_command(ctx: Context, args: str) -> Reply:
    return help_reply(ctx)


@router.button("help")
async def help_button(ctx: Context, args: list[str]) -> Reply:
    return help_reply(ctx)


def help_reply(ctx: Context) -> Reply:
    lines = [ctx._("Ask me a question in your own words, or use a command:"), ""]
    for command in ctx.core.routes.listed_commands(admin=ctx.is_admin, config=ctx.config):
        lines.append(f"/{command.name} — {ctx._(command.description)}")
    return Reply.of("\n".join(lines))


@router.command("cancel", N_("Leave the form you are filling in"))
async def cancel(ctx: Context, args: str) -> Reply:
    if ctx.conversation is None:
        return Reply.of(ctx._("There is nothing to cancel."))
    await ctx.end_form()
    return Reply.of(ctx._("Cancelled. Nothing from that form was kept."))
