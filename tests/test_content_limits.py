"""Hostile Word files cost little to refuse (#16.10): the unpacked bytes are counted for real
(an archive's directory may lie), paragraphs are capped, and so is the time per file.

The imports run as an admin runs them (`civicbot content import`), measured from outside:
the peak memory of the process and the time it took.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from bot.content import ContentError, read_document
from tests.conftest import CIVICBOT, ROOT, cli_env

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY_OPEN = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>"
BODY_CLOSE = b"</w:body></w:document>"
# Runs a command and writes the peak memory (KB) of its process to the file named first.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)
BASELINE_MB = 250  # an import refusing one file, interpreter and libraries included: ~65 MB


def word_file(path: Path, paragraphs: bytes, repeat: int = 1) -> Path:
    """A real .docx (python-docx's template) whose body is `paragraphs` written `repeat`
    times, streamed into the archive."""
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open("word/document.xml", "w") as body:
                body.write(BODY_OPEN)
                for _ in range(repeat):
                    body.write(paragraphs)
                body.write(BODY_CLOSE)
    return path


def lie_about_the_body(path: Path, declared: int) -> None:
    """Make the local header and the central directory declare `declared` bytes for the
    body, whatever it really unpacks to."""
    true_size = zipfile.ZipFile(path).getinfo("word/document.xml").file_size
    data = path.read_bytes()
    real = struct.pack("<I", true_size)
    assert data.count(real) == 2  # exactly the two size fields of that member
    path.write_bytes(data.replace(real, struct.pack("<I", declared)))


def import_measured(tmp_path: Path, file: Path) -> tuple[subprocess.CompletedProcess[str], float,
                                                          float]:
    """`civicbot content import FILE`: its result, seconds and peak memory in MB."""
    rss = tmp_path / "rss"
    began = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, str(rss), *CIVICBOT, "content", "import", str(file)],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env=cli_env(tmp_path),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"importing {file.name} was still busy after 120 s")
    return result, time.monotonic() - began, int(rss.read_text()) / 1024


def assert_refused(result: subprocess.CompletedProcess[str], name: str, reason: str) -> None:
    assert result.returncode == 1, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("civicbot:")]
    assert errors == [f"civicbot: {name}: {reason}"], result.stderr
    assert "Traceback" not in result.stderr


def test_a_docx_whose_directory_lies_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 30_000
    bomb = word_file(tmp_path / "report.docx", paragraph, repeat=300)  # ~300 MB unpacked
    lie_about_the_body(bomb, 2_000)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    result, seconds, peak_mb = import_measured(tmp_path, bomb)
    assert peak_mb < BASELINE_MB, f"{peak_mb:.0f} MB"
    assert seconds < 60
    assert_refused(result, "report.docx", "not a readable Word (.docx) document (damaged)")


def test_a_docx_of_a_million_paragraphs_is_refused_at_once(tmp_path: Path) -> None:
    paragraph = b"<w:p><w:r><w:t>Ljubljana</w:t></w:r></w:p>" * 10_000
    honest = word_file(tmp_path / "minutes.docx", paragraph, repeat=120)  # 1.2 million
    assert honest.stat().st_size < 300 * 1024
    result, seconds, peak_mb = import_measured(tmp_path, honest)
    assert peak_mb < BASELINE_MB, f"{peak_mb:.0f} MB"
    assert seconds < 60
    assert_refused(result, "minutes.docx", "has more than 50,000 paragraphs: refused")
    listed = subprocess.run([*CIVICBOT, "content", "list"], capture_output=True, text=True,
                            cwd=ROOT, env=cli_env(tmp_path), timeout=60)
    assert "minutes.docx" not in listed.stdout  # nothing half-imported


def test_a_file_that_takes_too_long_to_read_is_refused(tmp_path: Path) -> None:
    paragraphs = b"".join(b"<w:p><w:r><w:t>Delavnica %d bo v Ljubljani.</w:t></w:r></w:p>" % n
                          for n in range(20_000))
    slow = word_file(tmp_path / "long.docx", paragraphs)
    with pytest.raises(ContentError) as refused:
        read_document(slow, max_seconds=0.05)  # reading it takes seconds
    assert str(refused.value) == "long.docx: took longer than 0.05 s to read: refused"
