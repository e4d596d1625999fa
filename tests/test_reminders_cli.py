"""The whole way, as processes: an event imported by the CLI, a person who subscribes in
`civicbot chat`, the reminder printed on time in their language; after kill -9 and a restart,
never again."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import CIVICBOT, ROOT, cli_env, run_cli

REMINDER = "Opomnik: rok za prijavo na Kmalu:"


def event_file(tmp_path: Path, deadline: datetime) -> Path:
    path = tmp_path / "soon.yaml"
    path.write_text(f"""
events:
  - id: soon
    title: {{en: "Soon", sl: "Kmalu"}}
    description: "A workshop that closes its sign-up in a minute."
    starts_at: "{(deadline + timedelta(hours=2)).isoformat()}"
    timezone: Europe/Ljubljana
    location: "Ljubljana"
    registration_deadline: "{deadline.isoformat()}"
    fields: [name]
    reminders: {{deadline: [PT45S], event: []}}
""", encoding="utf-8")
    return path


class Chat:
    """`civicbot chat --user 5 --lang sl`, its output read line by line as it comes."""

    def __init__(self, tmp_path: Path) -> None:
        self.process = subprocess.Popen(
            [*CIVICBOT, "chat", "--user", "5", "--lang", "sl"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env=cli_env(tmp_path))
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.time(), line))

    def say(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def wait_for(self, text: str, timeout: float) -> float | None:
        """When a line containing `text` was printed (None: not within the timeout)."""
        end = time.time() + timeout
        while (left := end - time.time()) > 0:
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            self.seen.append(line)
            if text in line:
                return at
        return None


def test_a_deadline_reminder_prints_on_time_once_even_after_kill_9(tmp_path: Path) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=60)
    due = (deadline - timedelta(seconds=45)).timestamp()
    imported = run_cli(["events", "import", str(event_file(tmp_path, deadline))], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "created   soon" in imported.stdout

    first = Chat(tmp_path)
    try:
        first.say("/subscribe")
        printed = first.wait_for(REMINDER, timeout=due - time.time() + 20)
        assert printed is not None, "".join(first.seen)
        assert due - 0.5 <= printed <= due + 3  # the job wakes when the reminder is due
        assert "Dogodek:" in "".join(first.seen) or first.wait_for("Dogodek:", 2)
    finally:
        first.process.kill()  # kill -9
        first.process.wait()

    second = Chat(tmp_path)  # still before the deadline: a copy would still be "useful"
    try:
        assert second.wait_for(REMINDER, timeout=8) is None
    finally:
        assert second.process.stdin is not None
        second.process.stdin.close()  # end of input ends the chat
        assert second.process.wait(timeout=20) == 0
    assert time.time() < deadline.timestamp()
    assert REMINDER not in "".join(second.seen) + second.process.stdout.read()  # type: ignore[union-attr]
