"""An announcement to nobody is refused, in the CLI and in /broadcast, before it is queued."""

from __future__ import annotations

from pathlib import Path

from bot.pipeline.core import Core
from tests.conftest import run_cli
from tests.test_events_support import buttons_of, load, register, say, text_of
from tests.test_registration_console import write_events

ADMIN = "99"  # console:99 is an admin in the core fixture


def test_the_cli_refuses_an_unknown_event_or_an_empty_audience(tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text("News", encoding="utf-8")
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    for audience, line in (
        ("event:nope", "civicbot: broadcast: no event 'nope' (see: civicbot events list)"),
        ("waitlist:nope", "civicbot: broadcast: no event 'nope' (see: civicbot events list)"),
        ("event:forum", "civicbot: broadcast: nobody to send to: event:forum has no "
                        "recipients; nothing was queued"),
        ("all", "civicbot: broadcast: nobody to send to: all has no recipients; nothing was "
                "queued"),
        ("locale:xx", "civicbot: broadcast: unknown locale 'xx'"),
    ):
        result = run_cli(["broadcast", "--audience", audience, "--text-file", str(text),
                          "--yes"], tmp_path)
        assert (result.returncode, result.stderr.strip(), result.stdout) == (2, line, "")
    assert "no broadcasts yet" in run_cli(["broadcast", "status"], tmp_path).stdout
    run_cli(["chat", "--user", "1"], tmp_path, "/subscribe\n")
    sent = run_cli(["broadcast", "--text-file", str(text), "--yes"], tmp_path)
    assert sent.returncode == 0 and "broadcast #1 queued for 1 recipient(s)" in sent.stdout


async def test_broadcast_by_chat_refuses_an_audience_of_nobody(core: Core) -> None:
    await load(core)
    for step in ("/broadcast", "One text for everyone", "News"):
        await say(core, step, user=ADMIN)
    for choice in ("All subscribers", "Registrants of an event"):
        replies = await say(core, choice, user=ADMIN)
    replies = await say(core, "Civic tech forum", user=ADMIN)
    assert "Nobody would get it: that audience has nobody in it." in text_of(replies)
    assert buttons_of(replies)[0][0] == "All subscribers"  # asked again
    assert await core.store.recent_broadcasts() == []
    # with a registrant it goes; if they leave before Send, nothing is queued
    await register(core, "5")
    for step in ("Registrants of an event", "Civic tech forum"):
        replies = await say(core, step, user=ADMIN)
    assert "This goes to 1 person. Send it?" in text_of(replies)
    assert "is cancelled" in text_of(await say(core, "/unregister forum", user="5"))
    replies = await say(core, "Send", user=ADMIN)
    assert "Nobody would get it" in text_of(replies)
    assert await core.store.recent_broadcasts() == []
