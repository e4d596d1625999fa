"""A bot that cannot start says why in one line and exits: it never hangs (issue #16.4).

Each test runs `civicbot run` as an operator would, on a database that cannot be used.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CIVICBOT, ROOT, cli_env, run_cli

HANG = 60  # seconds: far beyond a normal start, so a hang fails the test instead of blocking it


def start(
    tmp_path: Path, preexec: Callable[[], None] | None = None, **env: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    try:
        result = subprocess.run(
            [*CIVICBOT, "run"], input="/start\n", capture_output=True, text=True, timeout=HANG,
            cwd=ROOT, env=cli_env(tmp_path, **env), preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"civicbot run hung after a failed start; stderr: {hung.stderr!r}")
    return result, time.monotonic() - began


def assert_one_line(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("civicbot: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Hello" not in result.stdout  # it never pretended to run


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    database = tmp_path / "civicbot.db"
    database.write_text("these are my notes, not a database\n" * 100)
    before = database.read_bytes()
    result, seconds = start(tmp_path)
    assert_one_line(result, "cannot open the database", "civicbot.db", "not a database")
    assert seconds < 20
    assert database.read_bytes() == before  # nothing written into somebody's file


def test_a_full_disk(tmp_path: Path) -> None:
    def small_disk() -> None:  # writes past 40 KB fail as they would on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    result, seconds = start(tmp_path, preexec=small_disk)
    assert_one_line(result, "cannot open the database", "civicbot.db")
    assert seconds < 20


def test_a_read_only_database(tmp_path: Path) -> None:
    assert run_cli(["migrate"], tmp_path).returncode == 0
    database = tmp_path / "civicbot.db"
    for journal in ("-wal", "-shm"):
        Path(f"{database}{journal}").unlink(missing_ok=True)
    if os.geteuid() != 0:
        database.chmod(0o444)
        undo = None
    else:  # root writes through any mode: make the file immutable instead
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(database)]).returncode != 0:
            pytest.skip("cannot make a file read-only for root here (no chattr +i)")
        undo = [chattr, "-i", str(database)]
    try:
        result, seconds = start(tmp_path)
    finally:
        if undo:
            subprocess.run(undo, check=True)
    assert_one_line(result, "cannot open the database", "readonly database")
    assert seconds < 20


def test_a_failure_after_the_database_opened_still_ends_the_process(tmp_path: Path) -> None:
    """The operations port is taken: the store was open already and must be closed."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result, _ = start(tmp_path, CIVICBOT_OPS_LISTEN=f"127.0.0.1:{port}")
    assert_one_line(result, "address already in use")
