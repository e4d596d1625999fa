"""/subscribe and /unsubscribe: announcements (broadcasts and deadline reminders)."""

from __future__ import annotations

from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, Reply

router = Router("subscriptions")


@router.command("subscribe", N_("Get announcements and deadline reminders"))
async def subscribe(ctx: Context, args: str) -> Reply:
    return await set_subscription(ctx, True)


@router.command("unsubscribe", N_("Stop announcements"))
async def unsubscribe(ctx: Context, args: str) -> Reply:
    return await set_subscription(ctx, False)


@router.button("sub")
async def subscription_button(ctx: Context, args: list[str]) -> Reply:
    if args == ["on"]:
        return await set_subscription(ctx, True)
    if args == ["off"]:
        return await set_subscription(ctx, False)
    return subscription_status(ctx)


def subscription_status(ctx: Context) -> Reply:
    if ctx.person.subscribed:
        return Reply.of(ctx._("You are subscribed to announcements."),
                        [[Button(ctx._("Unsubscribe"), payload("sub", "off"))]])
    return Reply.of(ctx._("You are not subscribed to announcements."),
                    [[Button(ctx._("Subscribe"), payload("sub", "on"))]])


async def set_subscription(ctx: Context, subscribed: bool) -> Reply:
    if ctx.person.subscribed == subscribed:
        return Reply.of(ctx._("You are already subscribed to announcements.") if subscribed
                        else ctx._("You are not subscribed to announcements."))
    await ctx.store.set_subscribed(ctx.person.id, subscribed)
    ctx.person.subscribed = subscribed
    if subscribed:
        return Reply.of(ctx._("Subscribed. I will send you announcements and remind you of "
                              "registration deadlines. Send /unsubscribe to stop."))
    return Reply.of(ctx._("Unsubscribed. You will get no more announcements."))
