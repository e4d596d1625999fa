"""The console writes the files the bot sends into a folder of its own and prints the path:
/mydata, the calendar file of a registration, the /registrations CSV."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

from tests.conftest import run_cli
from tests.test_registration_console import write_events


def saved(stdout: str, name: str) -> Path:
    found = re.search(rf"\(file: {re.escape(name)}, \d+ bytes, saved as (\S+)\)", stdout)
    assert found, stdout
    return Path(found.group(1))


def test_attachments_are_written_and_their_path_printed(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    lines = ["/language sl", "/register forum", "Ana Novak", "ana@example.org",
             "+386 41 123 456", "Preskoči", "Pravo", "Preskoči", "Strinjam se",
             "Potrdi prijavo", "/mydata", "/mydata", "/registrations forum"]
    result = run_cli(["chat", "--user", "1"], tmp_path, "\n".join(lines) + "\n",
                     CIVICBOT_ADMINS="console:1")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    folder = tmp_path / "console-files"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    calendar = saved(result.stdout, "forum.ics")
    assert calendar.parent == folder.resolve()
    assert calendar.read_bytes().startswith(b"BEGIN:VCALENDAR")
    first = saved(result.stdout, "my-data.json")
    assert json.loads(first.read_text(encoding="utf-8"))["registrations"][0]["event"] == "forum"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    second = saved(result.stdout.split(str(first), 1)[1], "my-data.json")
    assert second.name == "my-data-2.json" and second.exists()  # nothing overwritten
    csv_file = saved(result.stdout, "forum-registrations.csv")
    assert "Ana Novak" in csv_file.read_text(encoding="utf-8-sig")
