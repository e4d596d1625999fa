"""The steps of Core.handle that no handler shows: the apology when something fails mid-message,
and flood control's verdict when the adapter counted it on arrival."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from bot.pipeline.core import Core
from bot.pipeline.flood import Verdict
from tests.test_foundation_core import msg, text_of

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_failing_database_gets_one_apology_logged_without_the_text(
    core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def locked(person_id: int) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(core.store, "get_conversation", locked)
    received = counted("civicbot_messages_in_total", platform="console")
    sent = counted("civicbot_messages_out_total", platform="console", kind="reply")
    with caplog.at_level(logging.INFO, logger="bot.pipeline.core"):
        replies = await core.handle(msg("where is my secret appointment"))
    assert text_of(replies) == APOLOGY
    assert "Traceback" not in text_of(replies)
    records = [r for r in caplog.records if r.name == "bot.pipeline.core"]
    assert [r.getMessage() for r in records] == ["handler failed (platform=console)"]
    assert "secret" not in caplog.text
    assert counted("civicbot_messages_in_total", platform="console") == received + 1
    assert counted("civicbot_messages_out_total", platform="console", kind="reply") == sent
    monkeypatch.undo()
    assert "Sorry" not in text_of(await core.handle(msg("/help")))  # the next message is served


async def test_a_verdict_counted_on_arrival_is_the_one_that_counts(core: Core) -> None:
    telegram = {"platform": "telegram", "user": "5", "hint": "pl"}
    assert await core.handle(msg("/help", **telegram), verdict=Verdict.DROP) == []
    assert await core.store.find_person("telegram", "5") is None  # no database work
    [slow_down] = await core.handle(msg("/help", **telegram), verdict=Verdict.WARN)
    assert "Poczekaj" in slow_down.text.plain
    assert await core.store.find_person("telegram", "5") is None
    assert "Poczekaj" not in text_of(
        await core.handle(msg("/help", **telegram), verdict=Verdict.ALLOW)
    )
    assert await core.store.find_person("telegram", "5") is not None


async def test_the_apology_is_in_the_language_of_the_person_it_fails(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    polish = core.translator("pl").gettext(APOLOGY)
    assert polish != APOLOGY  # the catalog translates it
    async def broken(ctx, args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    core.routes.commands["help"] = core.routes.commands["help"].__class__("help", broken, "x")
    assert text_of(await core.handle(msg("/help", hint="pl"))) == polish  # after `locale`

    async def locked(*args: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(core.store, "person_for_identity", locked)  # before `locale`
    assert text_of(await core.handle(msg("gdzie jest spotkanie", hint="pl"))) == polish
