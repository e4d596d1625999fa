"""Admins: roles checked at the moment they act, audited; broadcasts planned and delivered."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.outbox.delivery import DeliveryWorker
from bot.pipeline.core import Core
from handlers.broadcast import report_progress
from tests.conftest import run_cli
from tests.test_foundation_core import msg, text_of

ADMIN = "99"  # console:99 is configured in the fixture


async def subscribers(
    core: Core, count: int, hint: str | None = None, first: int = 1000
) -> list[str]:
    users = [str(first + i) for i in range(count)]
    for user in users:
        await core.handle(msg("/subscribe", user=user, hint=hint))
    return users


async def test_non_admins_are_refused_and_see_no_admin_commands(core: Core) -> None:
    for command in ("/admin list", "/admin add console:1", "/broadcast", "/broadcast status"):
        assert "only the organisation's admins" in text_of(await core.handle(msg(command)))
    help_text = text_of(await core.handle(msg("/help")))
    assert "/broadcast" not in help_text and "/admin" not in help_text
    assert "/broadcast" in text_of(await core.handle(msg("/help", user=ADMIN)))
    # an admin's form button pressed by somebody else does nothing
    assert "no longer open" in text_of(await core.handle(msg(payload="f:broadcast:send")))
    assert await core.store.recent_broadcasts() == []


async def test_grant_and_revoke_by_chat_with_audit(core: Core) -> None:
    await core.handle(msg("/help", user="5"))
    assert "is now an admin" in text_of(await core.handle(msg("/admin add console:5", user=ADMIN)))
    assert "already an admin" in text_of(await core.handle(msg("/admin add console:5", user=ADMIN)))
    assert "/broadcast" in text_of(await core.handle(msg("/help", user="5")))
    listing = text_of(await core.handle(msg("/admin list", user="5")))
    assert "console:99 (configured)" in listing and "console:5 (granted by console:99)" in listing
    # the new admin starts a broadcast; revoked mid-form, the next button does nothing
    await core.handle(msg("/broadcast", user="5"))
    await core.handle(msg("/admin remove console:5", user=ADMIN))
    assert "only the organisation's admins" in text_of(
        await core.handle(msg(payload="f:broadcast:one", user="5"))
    )
    assert "by configuration" in text_of(
        await core.handle(msg("/admin remove console:99", user=ADMIN))
    )
    assert "platform:id" in text_of(await core.handle(msg("/admin add nobody", user=ADMIN)))
    actions = [(e.actor, e.action, e.detail) for e in await core.store.audit_entries()]
    assert actions == [
        ("console:99", "admin.grant", "console:5"),
        ("console:99", "admin.revoke", "console:5"),
    ]


async def broadcast_by_chat(core: Core, text: str, audience_buttons: list[str]) -> str:
    replies = []
    for step in (
        msg("/broadcast", user=ADMIN),
        msg(payload="f:broadcast:one", user=ADMIN),
        msg(text, user=ADMIN),
        *[msg(payload=f"f:broadcast:{b}", user=ADMIN) for b in audience_buttons],
    ):
        replies = await core.handle(step)
    return text_of(replies)


async def test_broadcast_conversation_previews_counts_and_queues(
    core: Core, clock: ManualClock
) -> None:
    users = await subscribers(core, 3, hint="sl")
    await core.handle(msg("/help", user="2000"))  # not subscribed: not counted
    preview = await broadcast_by_chat(core, "Delavnica v petek <b>ob 10h</b>", ["all"])
    assert "Delavnica v petek <b>ob 10h</b>" in preview  # text stays text, never markup
    assert "This goes to 3 people. Send it?" in preview
    done = text_of(await core.handle(msg(payload="f:broadcast:send", user=ADMIN)))
    assert "Broadcast #1 is on its way to 3 people" in done
    # a second press of the same Send button plans nothing more
    assert "no longer open" in text_of(
        await core.handle(msg(payload="f:broadcast:send", user=ADMIN))
    )
    out = io.StringIO()
    for user in users:
        await DeliveryWorker(core.store, [ConsoleAdapter(user, stdout=out)], clock, "w").drain()
    printed = out.getvalue()
    assert printed.count("Delavnica v petek") == 3
    assert "Pošljite /unsubscribe" in printed and "[1] Odjava" in printed
    await report_progress(core)
    admin_out = io.StringIO()
    await DeliveryWorker(core.store, [ConsoleAdapter(ADMIN, stdout=admin_out)], clock, "w").drain()
    assert "Broadcast #1 finished: 3 sent, 0 not delivered." in admin_out.getvalue()
    await report_progress(core)  # the final report goes once
    assert (await core.store.outbox_counts()) == {"sent": 4}


async def test_broadcast_by_language_and_per_language_texts(core: Core) -> None:
    await subscribers(core, 2, hint="pl", first=1)
    await subscribers(core, 1, hint="uk", first=10)
    replies = []
    for step in (
        msg("/broadcast", user=ADMIN),
        msg(payload="f:broadcast:each", user=ADMIN),
        msg("Hello", user=ADMIN),
        msg(payload="f:broadcast:skip", user=ADMIN),
        msg(payload="f:broadcast:skip", user=ADMIN),
        msg("Cześć", user=ADMIN),
        msg(payload="f:broadcast:skip", user=ADMIN),
        msg(payload="f:broadcast:locale", user=ADMIN),
        msg(payload="f:broadcast:pl", user=ADMIN),
        msg(payload="f:broadcast:send", user=ADMIN),
    ):
        replies = await core.handle(step)
    assert "on its way to 2 people" in text_of(replies)
    record = (await core.store.recent_broadcasts())[0]
    assert record.audience == "locale:pl" and record.texts == {"en": "Hello", "pl": "Cześć"}


async def test_unsubscribe_button_under_an_announcement_works(core: Core) -> None:
    users = await subscribers(core, 1)
    replies = await core.handle(msg(payload="sub:off", user=users[0]))
    assert "Unsubscribed" in text_of(replies)


async def test_progress_reports_while_running(core: Core, clock: ManualClock) -> None:
    await subscribers(core, 2)
    await broadcast_by_chat(core, "News", ["all"])
    await core.handle(msg(payload="f:broadcast:send", user=ADMIN))
    clock.advance(timedelta(minutes=1, seconds=5))
    await report_progress(core)
    out = io.StringIO()
    await DeliveryWorker(core.store, [ConsoleAdapter(ADMIN, stdout=out)], clock, "w").drain()
    assert "Broadcast #1: 0 sent, 0 not delivered, 2 left" in out.getvalue()
    status = text_of(await core.handle(msg("/broadcast status", user=ADMIN)))
    assert "2 left" in status


def test_cli_broadcast_and_audit(tmp_path: Path) -> None:
    for user in ("1", "2"):
        run_cli(["chat", "--user", user], tmp_path, "/subscribe\n")
    text = tmp_path / "news.txt"
    text.write_text("Konferencija 13. marta", encoding="utf-8")
    refused = run_cli(["broadcast", "--text-file", str(text)], tmp_path)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    bad = run_cli(
        ["broadcast", "--audience", "everyone", "--text-file", str(text), "--yes"], tmp_path
    )
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    sent = run_cli(["broadcast", "--text-file", str(text), "--yes"], tmp_path)
    assert sent.returncode == 0 and "queued for 2 recipient(s)" in sent.stdout, sent.stderr
    # the bot (here: person 1's console) delivers it
    chat = run_cli(["chat", "--user", "1"], tmp_path, "")
    assert "Konferencija 13. marta" in chat.stdout
    status = run_cli(["broadcast", "status"], tmp_path)
    assert "#1" in status.stdout and "2 recipients, 1 sent" in status.stdout
    audit = run_cli(["audit"], tmp_path)
    assert "broadcast.create #1 audience=all recipients=2" in audit.stdout
