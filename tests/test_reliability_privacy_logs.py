"""Personal data stays out of logs, and forged buttons cannot touch another person's data."""

from __future__ import annotations

from pathlib import Path

from bot.events.loader import import_events, parse_events_yaml
from bot.pipeline.core import Core
from tests.conftest import forum_event, run_cli
from tests.test_foundation_core import msg, text_of

EVENT = forum_event(capacity=1, fields=["name", "email", "phone"], country="SI")

SECRETS = [
    "Ana Novak",
    "ana.novak@example.org",
    "+38640123456",
    "040 123 456",
    "what does the forum cost",
]


def test_an_end_to_end_run_logs_no_personal_data(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    import yaml

    events.write_text(yaml.safe_dump(EVENT), encoding="utf-8")
    assert run_cli(["events", "import", str(events)], tmp_path).returncode == 0
    script = (
        "/start\nwhat does the forum cost\n/register forum\nAna Novak\n"
        "ana.novak@example.org\n040 123 456\n1\n/mydata\n/forgetme\n1\n"
    )
    result = run_cli(["chat", "--user", "3"], tmp_path, script, CIVICBOT_LOG_LEVEL="DEBUG")
    assert "You are registered" in result.stdout or "registered" in result.stdout
    assert result.stderr, "the DEBUG run should have logged something"
    for secret in SECRETS:
        assert secret not in result.stderr, f"{secret!r} leaked into the logs"


async def test_a_forged_button_cannot_cancel_someone_elses_registration(core: Core) -> None:
    specs = parse_events_yaml(EVENT, "t.yaml")
    await import_events(core.store, specs, core.clock.now())
    ana = await core.store.person_for_identity("console", "1", "1", core.clock.now())
    await core.store.register(
        "forum",
        ana.id,
        {"name": "Ana", "email": "ana@example.org"},
        locale="en",
        consented=True,
        now=core.clock.now(),
    )
    # Bob replays the cancel button of Ana's registration message
    replies = await core.handle(msg(payload="unreg:forum:yes", user="2"))
    assert replies and "Traceback" not in text_of(replies)
    registration = await core.store.get_registration("forum", ana.id)
    assert registration is not None and registration.status == "confirmed"
