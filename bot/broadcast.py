"""Broadcasts: one announcement to many people, planned into the outbox in one transaction.

Used by the /broadcast conversation and by `civicbot broadcast`; both end in `plan_broadcast`.
Each recipient gets the text of their language (Serbian Latin readers get the Serbian text
transliterated), with a footer and an Unsubscribe button in their language.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import LOCALES
from bot.i18n.scripts import serbian_to_latin
from bot.i18n.translator import N_, Catalogs, Translator
from bot.pipeline.router import payload
from bot.pipeline.types import Button, Reply, bold, fmt, replies_to_json
from storage.base import BroadcastRecord

EVERYONE = "*"
FOOTER = N_("You get this announcement because you subscribed. Send /unsubscribe to stop.")


def text_for(texts: dict[str, str], locale: str) -> str:
    """The text a reader of `locale` gets: theirs, else Serbian for either script, else the
    text for everyone, else the first one given."""
    if locale in texts:
        return texts[locale]
    if locale == "sr_Latn" and "sr" in texts:
        return serbian_to_latin(texts["sr"])
    if locale == "sr" and "sr_Latn" in texts:
        return texts["sr_Latn"]
    return texts.get(EVERYONE) or next(iter(texts.values()))


def render_announcement(t: Translator, texts: dict[str, str], audience: str) -> list[Reply]:
    """The message exactly as a recipient in t's locale sees it (also the admin's preview)."""
    text = text_for(texts, t.locale)
    if audience.startswith(("event:", "waitlist:")):
        return [Reply.of(text)]  # about their own registration: no subscription involved
    return [
        Reply.of(
            fmt("{text}\n\n{footer}", text=text, footer=t.gettext(FOOTER)),
            [[Button(t.gettext("Unsubscribe"), payload("sub", "off"))]],
        )
    ]


def audience_locales(audience: str) -> list[str]:
    kind, _, argument = audience.partition(":")
    return [argument] if kind == "locale" else list(LOCALES)


def validate_audience(audience: str) -> str | None:
    """An error message (English, for the CLI and logs) or None when the audience is valid."""
    kind, _, argument = audience.partition(":")
    if audience == "all":
        return None
    if kind == "locale":
        return None if argument in LOCALES else f"unknown locale {argument!r}"
    if kind in ("event", "waitlist"):
        return None if argument else "an event audience needs an event id (event:ID)"
    return "audience must be all, locale:CODE, event:ID or waitlist:ID"


async def check_audience(store, audience: str, default_locale: str
                         ) -> tuple[str | None, int]:
    """(problem, recipients) of a valid audience: problem is 'unknown-event' (event:ID or
    waitlist:ID of no event) or 'empty' (nobody would get it), else None."""
    kind, _, argument = audience.partition(":")
    if kind in ("event", "waitlist") and await store.get_event(argument) is None:
        return "unknown-event", 0
    count = await count_recipients(store, audience, default_locale)
    return (None if count else "empty"), count


async def count_recipients(store, audience: str, default_locale: str) -> int:
    return await store.count_audience(audience, audience_locales(audience), default_locale)


async def plan_broadcast(
    store,
    catalogs: Catalogs,
    *,
    created_by: str,
    report_to: int | None,
    audience: str,
    texts: dict[str, str],
    default_locale: str,
    now: datetime,
) -> BroadcastRecord:
    bodies = {
        locale: replies_to_json(render_announcement(catalogs.translator(locale), texts, audience))
        for locale in audience_locales(audience)
    }
    record = await store.create_broadcast(
        created_by=created_by,
        report_to=report_to,
        audience=audience,
        texts=texts,
        bodies=bodies,
        default_locale=default_locale,
        now=now,
    )
    await store.audit(
        created_by,
        "broadcast.create",
        f"#{record.id} audience={audience} recipients={record.recipients}",
        now,
    )
    return record


def progress_counts(counts: dict[str, int]) -> tuple[int, int, int]:
    """(sent, not delivered, left) from the outbox states of one broadcast."""
    sent = counts.get("sent", 0)
    failed = sum(counts.get(state, 0) for state in ("failed", "skipped", "unknown"))
    left = counts.get("pending", 0) + counts.get("sending", 0)
    return sent, failed, left


def progress_reply(
    t: Translator, record: BroadcastRecord, counts: dict[str, int], now: datetime, *, final: bool
) -> Reply:
    sent, failed, left = progress_counts(counts)
    minutes = max((now - record.created_at).total_seconds() / 60, 1 / 60)
    template = (
        t.gettext("Broadcast {id} finished: {sent} sent, {failed} not delivered.")
        if final
        else t.gettext(
            "Broadcast {id}: {sent} sent, {failed} not delivered, {left} left ({rate} per minute)."
        )
    )
    return Reply.of(
        fmt(
            template,
            id=bold(f"#{record.id}"),
            sent=t.number(sent),
            failed=t.number(failed),
            left=t.number(left),
            rate=t.number(round(sent / minutes)),
        )
    )
