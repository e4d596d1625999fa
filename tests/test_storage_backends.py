"""The PostgreSQL backend beside SQLite: migrations in step, replicas claiming the outbox
together, the CLI on a PostgreSQL URL, and moving a deployment from SQLite to PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.postgres import PostgresStore, postgres_migrations
from storage.sqlite import SqliteStore, sqlite_migrations
from tests.conftest import run_cli


def test_the_two_migration_sets_are_kept_in_step() -> None:
    assert [(v, n) for v, n, _ in postgres_migrations()] == [
        (v, n) for v, n, _ in sqlite_migrations()
    ]


async def test_replicas_never_claim_the_same_outbox_row(database: str) -> None:
    stores = [await PostgresStore.open(database) for _ in range(3)]
    now = datetime.now(UTC)
    for i in range(300):
        await stores[0].enqueue(
            dedupe_key=f"k{i}",
            kind="t",
            person_id=None,
            platform="telegram",
            chat_id=str(i),
            body=[],
            not_before=now,
            now=now,
        )

    async def claim_all(store: PostgresStore, worker: str) -> list[int]:
        got: list[int] = []
        while items := await store.claim_outbox("telegram", None, worker, now, 7):
            got += [item.id for item in items]
        return got

    claims = await asyncio.gather(*(claim_all(s, f"w{i}") for i, s in enumerate(stores)))
    everything = [row for claim in claims for row in claim]
    assert len(everything) == len(set(everything)) == 300
    for store in stores:
        await store.close()


def test_cli_runs_on_postgresql(tmp_path: Path, database: str) -> None:
    migrated = run_cli(["migrate"], tmp_path, CIVICBOT_DATABASE_URL=database)
    assert migrated.returncode == 0 and "schema version" in migrated.stdout, migrated.stderr
    assert "postgresql://postgres@127.0.0.1:5432/" in migrated.stdout
    chat = run_cli(
        ["chat", "--user", "4"],
        tmp_path,
        "/language sl\n/subscribe\n",
        CIVICBOT_DATABASE_URL=database,
    )
    assert "Naročeni" in chat.stdout, chat.stderr
    again = run_cli(["chat", "--user", "4"], tmp_path, "/help\n", CIVICBOT_DATABASE_URL=database)
    assert "Izberite jezik" in again.stdout


def test_copy_from_sqlite_to_postgresql_loses_nothing(tmp_path: Path, database: str) -> None:
    for user, script in (
        ("1", "/language pl\n/subscribe\n"),
        ("2", "/language uk\n"),
        ("3", "/forgetme\n"),
    ):
        run_cli(["chat", "--user", user], tmp_path, script)
    source = f"sqlite:///{tmp_path / 'civicbot.db'}"
    copied = run_cli(["db", "copy", "--from", source, "--to", database], tmp_path)
    assert copied.returncode == 0, copied.stderr
    assert "people 3" in copied.stdout and "conversations 1" in copied.stdout
    # the same people, with their choices and their open form, now on PostgreSQL
    after = run_cli(["chat", "--user", "1"], tmp_path, "/help\n", CIVICBOT_DATABASE_URL=database)
    assert "Wybierz język" in after.stdout
    form = run_cli(["chat", "--user", "3"], tmp_path, "/cancel\n", CIVICBOT_DATABASE_URL=database)
    assert "Cancelled" in form.stdout  # the open form came along
    new = run_cli(["chat", "--user", "9"], tmp_path, "/subscribe\n", CIVICBOT_DATABASE_URL=database)
    assert new.returncode == 0 and "Subscribed" in new.stdout  # ids continue past the copy
    twice = run_cli(["db", "copy", "--from", source, "--to", database], tmp_path)
    assert twice.returncode != 0 and "not empty" in twice.stderr


async def test_replicas_starting_together_migrate_a_new_database_once(database: str) -> None:
    stores = await asyncio.gather(*(PostgresStore.open(database) for _ in range(3)))
    versions = {await store.schema_version() for store in stores}
    assert versions == {postgres_migrations()[-1][0]}
    for store in stores:
        await store.close()


def _event_file(title: str, capacity: int) -> dict:
    return {"events": [{
        "id": "forum", "title": {"en": title}, "starts_at": "2027-03-04T17:00:00+01:00",
        "timezone": "Europe/Ljubljana", "registration_deadline": "2027-03-01",
        "capacity": capacity, "location": {"en": "Town Hall"},
        "description": {"en": "Local groups meet the council."}, "fields": ["name", "email"],
        "consent": {"en": "We keep your name and e-mail for this event."},
    }]}


async def _reads_what_another_replica_wrote(first, second) -> None:  # type: ignore[no-untyped-def]
    from bot.events.loader import import_events, parse_events_yaml

    now = datetime(2027, 2, 1, tzinfo=UTC)
    await import_events(first, parse_events_yaml(_event_file("Civic forum", 2), "a.yaml"), now)
    [seen] = await second.list_events()  # parsed once, kept by the second replica
    assert seen.spec["title"]["en"] == "Civic forum" and seen.seats_left == 2
    edited = parse_events_yaml(_event_file("Civic Tech Forum", 3), "a.yaml")
    await import_events(first, edited, now + timedelta(minutes=1))
    person = await first.person_for_identity("console", "1", "1", now)
    await first.register("forum", person.id, {"name": "Ana", "email": "a@example.org"},
                         locale="en", consented=True, now=now)
    [seen] = await second.list_events()
    assert seen.spec["title"]["en"] == "Civic Tech Forum", "an edit elsewhere shows at once"
    assert (seen.capacity, seen.confirmed, seen.seats_left) == (3, 1, 2)
    await first.cancel_event("forum", now)
    [seen] = await second.list_events()
    assert seen.cancelled and (await second.get_event("forum")).cancelled


async def test_events_edited_by_another_replica_read_fresh_on_sqlite(tmp_path: Path) -> None:
    path = str(tmp_path / "civicbot.db")
    first, second = await SqliteStore.open(path), await SqliteStore.open(path)
    try:
        await _reads_what_another_replica_wrote(first, second)
    finally:
        await first.close()
        await second.close()


async def test_events_edited_by_another_replica_read_fresh_on_postgresql(database: str) -> None:
    first, second = await PostgresStore.open(database), await PostgresStore.open(database)
    try:
        await _reads_what_another_replica_wrote(first, second)
    finally:
        await first.close()
        await second.close()
