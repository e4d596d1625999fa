"""A whole registration through `civicbot chat` as subprocesses, with a restart between two
answers, and the organiser's side through `civicbot events` / `civicbot registrations`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from tests.conftest import run_cli
from tests.test_events_support import event


def write_events(tmp_path: Path, *events: dict, name: str = "events.yaml") -> Path:
    """Events a month from now (the subprocesses run on the real clock)."""
    start = (datetime.now(UTC) + timedelta(days=30)).replace(hour=8, minute=0, second=0,
                                                               microsecond=0)
    dated = []
    for item in events or (event(),):
        item = dict(item)
        item.setdefault("starts_at", start.isoformat())
        item["starts_at"] = start.isoformat()
        item["ends_at"] = (start + timedelta(hours=6)).isoformat()
        item["registration_deadline"] = (start - timedelta(days=2)).isoformat()
        dated.append(item)
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"events": dated}, allow_unicode=True), encoding="utf-8")
    return path


def after(stdout: str, marker: str) -> str:
    assert marker in stdout, stdout
    return stdout[stdout.index(marker):]


def test_registration_survives_a_restart_and_reasks_a_bad_email(tmp_path: Path) -> None:
    path = write_events(tmp_path)
    imported = run_cli(["events", "import", str(path)], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines() == ["created   forum"]

    first = run_cli(["chat", "--user", "21"], tmp_path, "/register forum\nAna Novak\n")
    assert first.returncode == 0, first.stderr
    assert "(1/6) What is your full name?" in first.stdout
    assert first.stdout.rstrip().endswith("(2/6) What is your e-mail address?")

    # the bot restarts; the same person answers the next question
    answers = ["ana.novak.example.org", "ana@example.org", "+386 41 123 456", "Skip",
               "Law", "1", "I agree", "Confirm registration", "/my"]
    second = run_cli(["chat", "--user", "21"], tmp_path, "\n".join(answers) + "\n")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert out.startswith("An e-mail address needs an @")
    assert "(2/6) What is your e-mail address?" in out  # asked again
    assert "(3/6) What is your phone number?" in out
    summary = after(out, "Please check your registration for Civic tech forum:")
    assert "Name: Ana Novak" in summary and "E-mail: ana@example.org" in summary
    assert "[1] Confirm registration" in summary
    done = after(summary, "You are registered for Civic tech forum")
    assert "(file: forum.ics," in done
    assert "Civic tech forum" in after(done, "Your registrations:")
    assert "Traceback" not in out + second.stderr

    listed = run_cli(["registrations", "list", "forum"], tmp_path)
    assert listed.returncode == 0
    assert "1 confirmed of 50, 0 waiting" in listed.stdout and "Ana Novak" in listed.stdout


def test_slovenian_plural_forms_and_dates_in_the_console(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path, event(capacity=3)))], tmp_path)
    card = run_cli(["chat", "--user", "5", "--lang", "sl"], tmp_path, "/events forum\n")
    assert "Forum civilne tehnologije" in card.stdout
    assert "3 prosta mesta" in card.stdout
    assert "Kje: Mestna hiša, Ljubljana" in card.stdout


def test_import_errors_change_nothing_and_exit_1(tmp_path: Path) -> None:
    good = write_events(tmp_path, name="good.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"events": [event(id="other", timezone="Mars/Base",
                                                    capacity="many")]}), encoding="utf-8")
    result = run_cli(["events", "import", str(good), str(bad)], tmp_path)
    assert result.returncode == 1
    assert "bad.yaml: event #1 ('other'): timezone: 'Mars/Base' is not an IANA time zone" in \
        result.stderr
    assert "bad.yaml: event #1 ('other'): capacity:" in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert "no events" in run_cli(["events", "list"], tmp_path).stdout
    missing = run_cli(["events", "import", str(tmp_path / "nope.yaml")], tmp_path)
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_exports_are_excel_safe_csv_and_json(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    risky_name = "=HYPERLINK(\"http://x\",\"y\")"
    lines = ["/register forum", risky_name, "bo@example.org", "+386 41 123 457", "@evil",
             "Open data", "Skip", "I agree", "Confirm registration"]
    chat = run_cli(["chat", "--user", "8"], tmp_path, "\n".join(lines) + "\n")
    assert "You are registered" in chat.stdout, chat.stdout

    exported = run_cli(["registrations", "export", "forum"], tmp_path)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert list(rows[0]) == ["name", "email", "phone", "organisation", "status", "position",
                             "registered_at", "track", "guests"]
    row = rows[0]
    assert row["name"] == "'" + risky_name and row["organisation"] == "'@evil"
    assert row["phone"] == "'+38641123457" and row["status"] == "confirmed"
    assert row["track"] == "Open data" and row["guests"] == ""

    as_json = run_cli(["registrations", "export", "forum", "--format", "json"], tmp_path)
    data = json.loads(as_json.stdout)
    assert data["registrations"][0]["name"] == risky_name  # JSON is data, not a spreadsheet

    unknown = run_cli(["registrations", "export", "nosuch"], tmp_path)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "civicbot: no event 'nosuch' (see: civicbot events list)"
