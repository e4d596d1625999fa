"""A fresh install greets without an organisation it does not know, and a registration for an
event without its own consent text still says who keeps the answers, until when, and how to
delete them."""

from __future__ import annotations

from pathlib import Path

from bot.pipeline.core import Core
from tests.conftest import run_cli
from tests.test_events_support import event, load, say, text_of


def test_the_welcome_without_an_organisation(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "1"], tmp_path, "/start\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Hello! I am civicbot.\n\nAsk me in your own words")
    assert "assistant of" not in result.stdout
    named = run_cli(["chat", "--user", "1", "--lang", "sl"], tmp_path, "/start\n",
                    CIVICBOT_ORG_NAME="Zavod Odprti podatki")
    assert "Zavod Odprti podatki" in named.stdout.split("\n")[0]


async def test_an_event_without_consent_text_gets_a_privacy_notice(core: Core) -> None:
    await load(core, event(consent=None))
    replies = await say(core, "/register forum")
    assert ("Privacy: the organisers keep your answers only for this registration, until "
            "October 13, 2027; then they are deleted. Send /mydata to see what I keep about "
            "you, and /forgetme to delete it.") in text_of(replies)  # 180 days after the end
    assert "(1/6) What is your full name?" in text_of(replies)
    slovenian = text_of(await say(core, "/register forum", user="2", hint="sl"))
    assert "13. oktober 2027" in slovenian and "/forgetme" in slovenian
    # an event with its own consent text asks for consent instead
    await load(core, event(id="other"))
    assert "Privacy:" not in text_of(await say(core, "/register other", user="3"))
