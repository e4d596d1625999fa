"""Warnings that libraries log about a file stay out of the admin's output (#20): the
importer's one line says what is wrong; the library's own words go to the DEBUG log."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_a_broken_pdf_gives_one_clear_line_and_no_library_warnings(tmp_path: Path) -> None:
    broken = tmp_path / "annual-report.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    done = run_cli(["content", "import", str(broken)], tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "civicbot: annual-report.pdf: not a readable PDF (damaged or not a PDF)",
        "0 file(s) imported or up to date, 1 failed",
    ]

    debug = run_cli(["content", "import", str(broken)], tmp_path, CIVICBOT_LOG_LEVEL="DEBUG")
    records = [json.loads(line) for line in debug.stderr.splitlines() if line.startswith("{")]
    from_pypdf = [record for record in records if record["logger"].startswith("pypdf")]
    assert from_pypdf and all(record["level"] == "DEBUG" for record in from_pypdf)
