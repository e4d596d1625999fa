"""/reminders: what is planned for me, and a button to stop (or resume) reminders.

Stopping is a per-person flag: the planned deadline and event reminders go at once, none is
planned while it is set, and the job checks it again before anything is handed to the outbox.
Notices about an event the person registered for (a change of time or place, a cancellation)
still come: they change what the person should do. The job itself is registered by `setup`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.events.model import EventSpec
from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, Reply, Rich, Segment, bold, fmt, join
from bot.reminders import REMINDERS, TICK_SECONDS, ReminderJob, plan_reminders, recover_reminders
from storage.base import PlannedReminder

router = Router("reminders")
log = logging.getLogger(__name__)
MAX_LISTED = 15


@router.command("reminders", N_("Your planned reminders, and how to stop them"),
                private_only=True)
async def reminders_command(ctx: Context, args: str) -> Reply:
    return await overview(ctx)


@router.button(REMINDERS)
async def reminders_button(ctx: Context, args: list[str]) -> Reply:
    """rem: the list; rem:off stops reminders; rem:on resumes them."""
    if not ctx.message.is_private:
        return ctx.core.private_chat_invite(ctx)
    if not args:
        return await overview(ctx)
    if args == ["off"]:
        await ctx.store.set_reminders_off(ctx.person.id, True)
        log.info("a person stopped their reminders")
        return stopped(ctx)
    if args == ["on"]:
        await ctx.store.set_reminders_off(ctx.person.id, False)
        return Reply.of(ctx._("Reminders are on again. Send /reminders to see what is planned."),
                        [[Button(ctx._("Stop reminders"), payload(REMINDERS, "off"))]])
    return Reply.of(ctx._("That button is no longer valid. Send /reminders to see your "
                          "reminders."))


def stopped(ctx: Context) -> Reply:
    return Reply.of(
        ctx._("Your reminders are off: I will not remind you of registration deadlines or of "
              "events. If an event you registered for changes or is cancelled, I will still "
              "tell you."),
        [[Button(ctx._("Turn reminders on"), payload(REMINDERS, "on"))]])


async def overview(ctx: Context) -> Reply:
    if await ctx.store.reminders_off(ctx.person.id):
        return stopped(ctx)
    await plan_reminders(ctx.core)  # what changed a moment ago (e.g. /subscribe) shows too
    planned = await ctx.store.person_reminders(ctx.person.id)
    stop = [[Button(ctx._("Stop reminders"), payload(REMINDERS, "off"))]]
    if not planned:
        lines: list[Rich | Segment | str] = [ctx._("No reminders are planned for you at the "
                                                   "moment.")]
        if not ctx.person.subscribed:
            lines.append(ctx._("Send /subscribe to be reminded of registration deadlines. When "
                               "you register for an event, I remind you before it begins."))
        return Reply.of(join(*lines, sep="\n"))  # nothing to stop
    lines = [ctx._("Reminders planned for you:")]
    events: dict[str, EventSpec | None] = {}
    for reminder in planned[:MAX_LISTED]:
        if reminder.event_id not in events:
            record = await ctx.store.get_event(reminder.event_id)
            events[reminder.event_id] = None if record is None else EventSpec.from_record(record)
        event = events[reminder.event_id]
        if event is not None:
            lines.append(join("• ", planned_line(ctx, event, reminder)))
    if len(planned) > MAX_LISTED:
        more = len(planned) - MAX_LISTED
        lines.append(fmt(ctx.ngettext("… and {n} more.", "… and {n} more.", more),
                         n=ctx.t.number(more)))
    return Reply.of(join(*lines, sep="\n"), stop)


def planned_line(ctx: Context, event: EventSpec, reminder: PlannedReminder) -> Rich:
    due = ctx.t.datetime(reminder.due_at, event.timezone)
    title = bold(event.title_for(ctx.locale))
    if reminder.kind == "deadline":
        return fmt(ctx._("{due}: registration for {title} is closing"), due=due, title=title)
    return fmt(ctx._("{due}: {title} is coming up"), due=due, title=title)


async def setup(app: Any) -> None:
    """The reminders job: every few seconds, plan what changed, announce changes of events,
    and hand what is due to the outbox; also exactly when the next reminder is due. Its first
    run re-plans everything and sends what came due while the bot was down (if still
    useful)."""
    worker = app.delivery.worker_id
    await recover_reminders(app.core, worker)

    def wake(moment: datetime) -> None:
        job = app.scheduler.get_job("reminders") if app.scheduler.running else None
        if job is not None and job.next_run_time is not None \
                and app.core.clock.now() < moment < job.next_run_time:
            job.modify(next_run_time=moment)

    app.add_job("reminders", ReminderJob(app.core, worker, wake), TICK_SECONDS)
