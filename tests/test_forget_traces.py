"""/forgetme leaves no trace (#16.8): not in the outbox (the chat, the texts, a dedupe key
naming the registration), not in the SQLite files of a running bot (its WAL held the name
and e-mail until a checkpoint)."""

from __future__ import annotations

from pathlib import Path

from bot.pipeline.core import Core
from bot.pipeline.types import Reply
from storage.sqlite import SqliteStore
from tests.test_events_support import event, load, press, register, say

NAME, EMAIL = "Bojana Skrivnost", "person2@example.org"


async def test_forgetme_leaves_nothing_in_the_outbox_nor_in_the_files(core: Core) -> None:
    await load(core, event(capacity=1))
    await register(core, "1")
    await register(core, "2", name=NAME)  # waiting list
    await say(core, "/subscribe", user="2")
    await say(core, "/unregister forum", user="1")  # Bojana is promoted: told via the outbox
    bojana = await core.store.find_person("console", "2")
    assert bojana is not None
    registration = await core.store.get_registration("forum", bojana.id)
    assert registration is not None and registration.status == "confirmed"
    [sent] = await core.store.claim_outbox("console", "2", "w", core.clock.now(), 10)
    await core.store.finish_outbox(sent.id, "sent", core.clock.now())  # as the worker does
    assert sent.kind == "promotion"
    await core.notify(bojana.id, lambda t: [Reply.of(f"Dear {NAME}, see you!")], kind="notice",
                      dedupe_key=f"later:{bojana.id}")

    replies = await say(core, "/forgetme", user="2")
    await press(core, "Yes, delete my data", replies, user="2")

    rows = [dict(row) for row in await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT id, kind, state, person_id, chat_id, body, dedupe_key FROM outbox ORDER BY id")]
    assert [(row["kind"], row["state"]) for row in rows] == [
        ("promotion", "sent"), ("notice", "skipped")]  # the counts stay
    for row in rows:
        assert (row["person_id"], row["chat_id"], row["body"]) == (None, "", "[]"), row
        assert row["dedupe_key"] == f"forgotten:{row['id']}"  # not promotion:<registration>

    if isinstance(core.store, SqliteStore) and type(core.store) is SqliteStore:
        # the bot still runs: what is in its files now is what anyone with the disk reads
        database = Path(core.store.path)
        for path in (database, Path(f"{database}-wal")):
            data = path.read_bytes() if path.exists() else b""
            assert NAME.encode() not in data and EMAIL.encode() not in data, path.name
