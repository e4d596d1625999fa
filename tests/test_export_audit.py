"""Every export of personal data is in the audit log: the CLI's like the chat's."""

from __future__ import annotations

import getpass
from pathlib import Path

from tests.conftest import run_cli
from tests.test_registration_console import write_events


def test_cli_exports_and_lists_of_registrations_are_audited(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    for args in (["export", "forum"], ["export", "forum", "--format", "json", "--output",
                                        str(tmp_path / "out.json")], ["list", "forum"]):
        assert run_cli(["registrations", *args], tmp_path).returncode == 0
    chat = run_cli(["chat", "--user", "1"], tmp_path, "/registrations forum\n",
                   CIVICBOT_ADMINS="console:1")
    assert "forum: 0 confirmed" in chat.stdout
    assert run_cli(["registrations", "export", "nosuch"], tmp_path).returncode == 1
    audit = run_cli(["audit"], tmp_path).stdout
    actions = [line for line in audit.splitlines() if "registrations." in line]
    user = getpass.getuser()
    assert len(actions) == 4, audit
    assert f"cli:{user}" in actions[0] and "registrations.export forum" in actions[0]
    assert "registrations.export forum" in actions[1]
    assert f"cli:{user}" in actions[2] and "registrations.list forum" in actions[2]
    assert "console:1" in actions[3] and "registrations.export forum" in actions[3]
