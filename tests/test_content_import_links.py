"""`civicbot content import FOLDER` never follows a symbolic link out of the folder (#16.7).

A link to a secret file, dropped into a shared documents folder, must not be published by
the bot; a link the admin names on the command line is their explicit choice.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

PUBLIC = "The spring workshop on open budgets takes place in Maribor on 12 April.\n"
SECRET = "The office wifi password is Hunter2Zebra and the safe code is 4711.\n"


def folders(tmp_path: Path) -> tuple[Path, Path]:
    docs, private = tmp_path / "docs", tmp_path / "private"
    docs.mkdir()
    private.mkdir()
    (docs / "workshop.txt").write_text(PUBLIC, encoding="utf-8")
    (private / "passwords.txt").write_text(SECRET, encoding="utf-8")
    (private / "more.md").write_text("# Keys\n\nThe server root password is Octopus99.\n")
    (docs / "wifi.txt").symlink_to(private / "passwords.txt")
    (docs / "keys").symlink_to(private, target_is_directory=True)
    return docs, private


def test_links_in_a_folder_are_not_followed(tmp_path: Path) -> None:
    docs, _ = folders(tmp_path)
    done = run_cli(["content", "import", str(docs)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    notes = [line for line in done.stderr.splitlines() if "symbolic link" in line]
    assert len(notes) == 3, done.stderr  # the file link, the folder link, the summary
    assert any("wifi.txt" in line and "not followed" in line for line in notes)
    assert any(line.endswith("keys is a symbolic link: not followed inside a folder (name it "
                             "on the command line to import it)") for line in notes)
    assert "workshop.txt" in done.stdout and "wifi.txt" not in done.stdout
    listed = run_cli(["content", "list"], tmp_path).stdout
    assert "workshop.txt" in listed
    assert "wifi.txt" not in listed and "passwords" not in listed and "more.md" not in listed
    for question in ("what is the wifi password?", "what is the server root password?"):
        answer = json.loads(run_cli(["ask", "--json", question], tmp_path).stdout)
        assert "Hunter2Zebra" not in answer["answer"] and "Octopus99" not in answer["answer"]


def test_a_link_named_on_the_command_line_is_followed_and_said_so(tmp_path: Path) -> None:
    docs, private = folders(tmp_path)
    done = run_cli(["content", "import", str(docs / "wifi.txt")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"wifi.txt is a symbolic link to {private / 'passwords.txt'}: followed" in done.stderr
    assert "created   " in done.stdout and "wifi.txt" in done.stdout
    assert "wifi.txt" in run_cli(["content", "list"], tmp_path).stdout
