"""/forgetme: delete the person's personal data, after an explicit confirmation."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router, form_payload
from bot.pipeline.types import Attachment, Button, Reply

router = Router("privacy")
log = logging.getLogger(__name__)
FORM = "forgetme"


@router.command("forgetme", N_("Delete everything I know about you"), private_only=True)
async def forgetme(ctx: Context, args: str) -> Reply:
    await ctx.start_form(FORM, "confirm")
    return forget_question(ctx)


def forget_question(ctx: Context) -> Reply:
    return Reply.of(
        ctx._(
            "This deletes everything I keep about you: your language, subscription, "
            "registrations and the questions you asked our team. It cannot be undone. Delete it?"
        ),
        [
            [
                Button(ctx._("Yes, delete my data"), form_payload(FORM, "yes")),
                Button(ctx._("No, keep it"), form_payload(FORM, "no")),
            ]
        ],
    )


async def current_question(ctx: Context) -> list[Reply]:
    return [forget_question(ctx)]


@router.form(FORM, question=current_question)
async def confirm(ctx: Context, text: str, choice: str | None) -> Reply | list[Reply]:
    if choice == "yes":
        await ctx.store.forget_person(ctx.person.id)
        log.info("a person asked to be forgotten; done")
        return Reply.of(
            ctx._("Done. I have deleted your data. If you write again, I will start afresh.")
        )
    if choice == "no":
        await ctx.end_form()
        return Reply.of(ctx._("Nothing was deleted."))
    return await ctx.ask_again()


@router.command("mydata", N_("Everything I keep about you, as a file"), private_only=True)
async def mydata(ctx: Context, args: str) -> Reply:
    data = await ctx.store.person_export(ctx.person.id)
    data["registrations"] = [
        {
            "event": r.event_id,
            "status": r.status,
            "registered_at": r.registered_at.isoformat(),
            "answers": r.fields,
            "waiting_list_position": r.position,
        }
        for r in await ctx.store.person_registrations(ctx.person.id)
    ]
    data["questions_to_our_team"] = [
        {"ticket": t.id, "question": t.question, "language": t.locale, "state": t.state,
         "asked_at": t.created_at.isoformat()}
        for t in await ctx.store.person_tickets(ctx.person.id)
    ]
    data["questions_not_answered"] = [
        {"question": q.text, "language": q.locale, "asked_at": q.asked_at.isoformat()}
        for q in await ctx.store.unanswered_since(
            ctx.now() - timedelta(days=ctx.config.unanswered_days), person_id=ctx.person.id)
    ]
    content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    return Reply.of(
        ctx._("Here is everything I keep about you. Send /forgetme to delete it."),
        attachment=Attachment("my-data.json", content, "application/json"),
    )


async def apply_retention(core) -> int:
    """Anonymise registrations of events that ended more than the retention period ago."""
    cutoff = core.clock.now() - timedelta(days=core.config.retention_days)
    anonymised = await core.store.anonymise_ended_registrations(cutoff)
    if anonymised:
        log.info("retention: anonymised %d registrations of past events", anonymised)
    return anonymised


async def setup(app) -> None:
    app.add_job("retention", lambda: apply_retention(app.core), 3600)
