"""/events: the upcoming events, and each event's card (when, where, seats, deadline)."""

from __future__ import annotations

from bot.events.formatting import LIST, SHOW, event_card, events_list
from bot.events.loader import EVENT_ID
from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router
from bot.pipeline.types import Reply
from storage.base import EventRecord

router = Router("events")


@router.command("events", N_("Upcoming events and how to register"))
async def events_command(ctx: Context, args: str) -> Reply:
    if args:
        return await show_event(ctx, args.split()[0])
    return await upcoming(ctx)


@router.button(LIST)
async def list_button(ctx: Context, args: list[str]) -> Reply:
    return await upcoming(ctx)


@router.button(SHOW)
async def show_button(ctx: Context, args: list[str]) -> Reply:
    if len(args) != 1:
        return stale_button(ctx)
    return await show_event(ctx, args[0])


async def upcoming(ctx: Context) -> Reply:
    records = await ctx.store.list_events(ending_after=ctx.now())
    return events_list(ctx.t, records, ctx.now())


async def show_event(ctx: Context, event_id: str) -> Reply:
    record = await find_event(ctx, event_id)
    if record is None:
        return unknown_event(ctx)
    # A group sees the event, never who of its members registered.
    registration = await ctx.store.get_registration(record.id, ctx.person.id) \
        if ctx.message.is_private else None
    return event_card(ctx.t, record, registration, ctx.now())


async def find_event(ctx: Context, event_id: str) -> EventRecord | None:
    """The event a person (or a button) names; None for anything that is not one of ours."""
    event_id = event_id.strip().lower()
    if not EVENT_ID.match(event_id):
        return None
    return await ctx.store.get_event(event_id)


def unknown_event(ctx: Context) -> Reply:
    return Reply.of(ctx._("I don't know that event. Send /events to see the upcoming ones."))


def stale_button(ctx: Context) -> Reply:
    return Reply.of(ctx._("That button is no longer valid. Send /events to start again."))
