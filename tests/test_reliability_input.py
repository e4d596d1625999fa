"""Hostile and broken input through the whole pipeline (property-based), flood control, and
a person's own data."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.pipeline.core import Core
from bot.pipeline.flood import FloodGuard, Verdict
from tests.conftest import run_cli
from tests.test_foundation_core import msg, text_of

TELEGRAM_LIMIT = 4096

commands = st.sampled_from(
    [
        "/start",
        "/help",
        "/language",
        "/subscribe",
        "/unsubscribe",
        "/forgetme",
        "/cancel",
        "/events",
        "/register",
        "/my",
        "/unregister",
        "/mydata",
        "/broadcast",
        "/admin",
        "/reminders",
        "/nosuch",
        "/",
    ]
)
texts = st.one_of(
    st.text(max_size=300),
    st.builds(lambda c, a: f"{c} {a}", commands, st.text(max_size=40)),
    st.sampled_from(["1", "2", "yes", "Da", "ana@example.org", "+38640123456", "", " "]),
)
payloads = st.one_of(
    st.text(max_size=70),
    st.builds(
        lambda p, a: f"{p}:{a}",
        st.sampled_from(
            [
                "f:forgetme",
                "f:broadcast",
                "f:register",
                "f:registration",
                "lang",
                "sub",
                "help",
                "ev",
                "reg",
                "unreg",
                "rem",
                "f",
            ]
        ),
        st.text(max_size=20),
    ),
)
messages = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "3"]),
        st.one_of(texts.map(lambda t: (t, None)), payloads.map(lambda p: ("", p))),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=messages)
async def test_any_message_gets_a_bounded_answer_and_keeps_the_database_consistent(
    core: Core, script: list[tuple[str, tuple[str, str | None]]]
) -> None:
    await core.handle(msg("/subscribe", user="bystander"))
    for user, (text, payload) in script:
        replies = await core.handle(msg(text, user=user, payload=payload))
        for reply in replies:
            assert len(reply.text) <= TELEGRAM_LIMIT
            assert all(len(b.payload.encode()) <= 64 for b in reply.all_buttons)
        assert "Traceback" not in text_of(replies)
    db = core.store.db  # type: ignore[attr-defined]
    if core.config.database.path == getattr(core.store, "path", None):  # SQLite: ask it
        assert (await (await db.execute("PRAGMA integrity_check")).fetchone())[0] == "ok"
        assert await (await db.execute("PRAGMA foreign_key_check")).fetchall() == []
    # (PostgreSQL enforces foreign keys on every statement: a violation would have raised.)
    bystander = await core.store.find_person("console", "bystander")
    assert bystander is not None and bystander.subscribed  # nobody else's data touched


def test_flood_guard_warns_once_then_drops_then_recovers() -> None:
    now = [0.0]
    guard = FloodGuard(burst=3, per_second=1, monotonic=lambda: now[0])
    verdicts = [guard.check("a") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert guard.check("b") is Verdict.ALLOW  # others unaffected
    now[0] += 2
    assert [guard.check("a") for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]


async def test_a_flooder_gets_one_polite_message_in_their_language(core: Core) -> None:
    replies = []
    for _ in range(core.config.flood_burst + 5):
        replies.append(await core.handle(msg("/help", user="7", platform="telegram", hint="pl")))
    slow_downs = [r for r in replies if r and "Poczekaj" in text_of(r)]
    assert len(slow_downs) == 1
    assert replies[-1] == []
    assert await core.handle(msg("/help", user="8", platform="telegram"))  # others are served


async def test_mydata_holds_my_data_and_nobody_elses(core: Core) -> None:
    await core.handle(msg("/language pl", user="1"))
    await core.handle(msg("/subscribe", user="1"))
    await core.handle(msg("/language uk", user="2"))
    [reply] = await core.handle(msg("/mydata", user="1"))
    assert reply.attachment is not None and reply.attachment.filename == "my-data.json"
    data = json.loads(reply.attachment.content)
    assert data["person"]["locale"] == "pl" and data["person"]["subscribed"] == 1
    assert data["identities"][0]["user_id"] == "1"
    assert "uk" not in json.dumps(data["person"])


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    run_cli(["chat", "--user", "1"], tmp_path, "/language sl\n/subscribe\n")
    backup = tmp_path / "backups" / "civicbot-1.db"
    made = run_cli(["backup", str(backup)], tmp_path)
    assert made.returncode == 0 and backup.exists(), made.stderr
    assert run_cli(["backup", str(backup)], tmp_path).returncode != 0  # never overwrites
    run_cli(["chat", "--user", "1"], tmp_path, "/forgetme\n1\n")
    assert "Choose your language" in run_cli(["chat", "--user", "1"], tmp_path, "/help\n").stdout
    refused = run_cli(["restore", str(backup)], tmp_path)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = run_cli(["restore", str(backup), "--yes"], tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "Izberite jezik" in run_cli(["chat", "--user", "1"], tmp_path, "/help\n").stdout
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    bad = run_cli(["restore", str(junk), "--yes"], tmp_path)
    assert bad.returncode != 0 and "not a civicbot database" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
