"""Files with personal data are readable by their owner only, whatever the umask (#16.9, #20):
the data folder 0700; the database, its WAL files, backups and exported registrations 0600.

The processes run under umask 022, the usual default, which would make them world-readable.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import yaml

from storage.sqlite import SqliteStore
from tests.conftest import CIVICBOT, ROOT, cli_env, forum_event


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def as_usual() -> None:
    os.umask(0o022)


def civicbot(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> str:
    done = subprocess.run([*CIVICBOT, *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=cli_env(tmp_path, **env),
                          preexec_fn=as_usual)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_running_bot_keeps_its_data_folder_and_database_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bot = subprocess.Popen([*CIVICBOT, "run"], cwd=ROOT, preexec_fn=as_usual, text=True,
                           env=cli_env(tmp_path, CIVICBOT_DATA_DIR=str(data)),
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert bot.stdin is not None and bot.stdout is not None
    watchdog = threading.Timer(90, bot.kill)  # a bot that never answers fails, never hangs
    watchdog.start()
    try:
        bot.stdin.write("/subscribe\n")
        bot.stdin.flush()
        for line in bot.stdout:  # the answer comes once the subscription is written
            if line.startswith("Subscribed."):
                break
        else:
            raise AssertionError(bot.stderr.read())  # type: ignore[union-attr]
        database = data / "civicbot.db"
        assert mode(data) == 0o700
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        bot.stdin.close()
        bot.wait(timeout=60)
        watchdog.cancel()


def test_backups_and_exports_are_private(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(yaml.safe_dump(forum_event(fields=["name", "email"])), encoding="utf-8")
    civicbot(["events", "import", str(events)], tmp_path)
    backup = tmp_path / "backups" / "civicbot-1.db"
    civicbot(["backup", str(backup)], tmp_path)
    assert (mode(backup.parent), mode(backup)) == (0o700, 0o600)
    export = tmp_path / "forum.csv"
    civicbot(["registrations", "export", "forum", "--output", str(export)], tmp_path)
    assert mode(export) == 0o600
    civicbot(["restore", str(backup), "--yes"], tmp_path)
    assert mode(tmp_path / "civicbot.db") == 0o600


def test_a_world_readable_database_of_an_older_version_is_made_private(tmp_path: Path) -> None:
    civicbot(["migrate"], tmp_path)
    database = tmp_path / "civicbot.db"
    database.chmod(0o644)
    civicbot(["migrate"], tmp_path)
    assert mode(database) == 0o600


async def test_the_store_sets_modes_itself_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = tmp_path / "new" / "data" / "civicbot.db"
        store = await SqliteStore.open(str(path))
        try:
            await store.person_for_identity("console", "1", "1", datetime.now(UTC))
            wal = Path(f"{path}-wal")
            assert wal.exists() and mode(wal) == 0o600
            assert mode(path) == 0o600
            assert mode(path.parent) == mode(path.parent.parent) == 0o700
        finally:
            await store.close()
    finally:
        os.umask(previous)
