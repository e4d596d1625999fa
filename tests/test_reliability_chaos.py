"""Crash safety, proven: a bot process killed with SIGKILL at random moments at least 20 times
under a scripted load of registrations, departures and a broadcast; afterwards nothing is lost,
nothing doubled, no seat oversold (bench/chaos.py runs a longer version)."""

from __future__ import annotations

from pathlib import Path

from tests.drivers.chaos import chaos


def test_twenty_sigkills_lose_and_double_nothing(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'civicbot.db'}"
    report = chaos(tmp_path, database, people=40, capacity=15, leavers=6, kills=20)
    print(report.summary())
    assert report.kills >= 20, report.summary()
    assert report.problems == [], report.summary()
    assert report.confirmed == 15 and report.waiting == 40 - 6 - 15
