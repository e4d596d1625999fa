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


Schema = dict[str, tuple[dict[str, bool], set[tuple[str, ...]]]]  # table: (columns, indexes)


async def _sqlite_schema(path: Path) -> Schema:
    store = await SqliteStore.open(str(path))
    try:
        tables = [r[0] for r in await store.db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' AND name <> 'schema_migrations'")]
        schema: Schema = {}
        for table in tables:
            columns = {r[1]: bool(r[3] or r[5]) for r in await store.db.execute_fetchall(
                f"PRAGMA table_info({table})")}
            indexes = set()
            for index in await store.db.execute_fetchall(f"PRAGMA index_list({table})"):
                if index[3] == "pk":
                    continue
                names = tuple(r[2] for r in await store.db.execute_fetchall(
                    f"PRAGMA index_info({index[1]})"))
                indexes.add(("unique" if index[2] else "index", *names))
            schema[table] = (columns, indexes)
        return schema
    finally:
        await store.close()


async def _postgres_schema(database: str) -> Schema:
    store = await PostgresStore.open(database)
    await store.close()
    import asyncpg

    connection = await asyncpg.connect(database)
    try:
        schema: Schema = {}
        for row in await connection.fetch(
            "SELECT table_name, column_name, is_nullable, column_default IS NOT NULL AS dflt,"
            " is_identity FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name <> 'schema_migrations'"
        ):
            not_null = row["is_nullable"] == "NO"
            columns = schema.setdefault(row["table_name"], ({}, set()))[0]
            columns[row["column_name"]] = not_null
        for row in await connection.fetch(
            "SELECT t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS pk,"
            " array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)"
            "       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            "       ORDER BY k.n) AS columns"
            " FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid"
            " JOIN pg_namespace ns ON ns.oid = t.relnamespace"
            " WHERE ns.nspname = 'public' AND t.relname <> 'schema_migrations'"
        ):
            if row["pk"] or row["table_name"] not in schema:
                continue
            kind = "unique" if row["is_unique"] else "index"
            schema[row["table_name"]][1].add((kind, *row["columns"]))
        return schema
    finally:
        await connection.close()


# Full-text search is each dialect's own; everything else must be the same.
SQLITE_ONLY_TABLES = {  # FTS5's virtual table and its shadow tables
    "passage_index", "passage_index_config", "passage_index_data", "passage_index_docsize",
    "passage_index_idx",
}
POSTGRES_ONLY_TABLES = {"passage_totals"}  # the statistics FTS5 keeps by itself
POSTGRES_ONLY_COLUMNS = {  # tsvector search, and SQLite's implicit rowid made explicit
    "passages": {"tsv", "term_count"}, "identities": {"rowid"},
}
POSTGRES_ONLY_INDEXES = {"passages": {("index", "tsv")}, "identities": {("unique", "rowid")}}
DIALECT_TABLES = {"passage_vocabulary"}  # fts5vocab view in SQLite, a real table in PostgreSQL


async def test_both_backends_build_the_same_schema(tmp_path: Path, database: str) -> None:
    """In step by content, not only by name: tables, columns, which columns are required,
    and the indexes, except what full-text search makes each dialect's own (listed above)."""
    sqlite = await _sqlite_schema(tmp_path / "civicbot.db")
    postgres = await _postgres_schema(database)
    assert set(sqlite) - set(postgres) == SQLITE_ONLY_TABLES
    assert set(postgres) - set(sqlite) == POSTGRES_ONLY_TABLES
    for table in sorted(set(sqlite) & set(postgres) - DIALECT_TABLES):
        (lite_columns, lite_indexes), (pg_columns, pg_indexes) = sqlite[table], postgres[table]
        for column in POSTGRES_ONLY_COLUMNS.get(table, ()):
            del pg_columns[column]
        assert lite_columns == pg_columns, table  # names and NOT NULL
        assert lite_indexes == pg_indexes - POSTGRES_ONLY_INDEXES.get(table, set()), table
