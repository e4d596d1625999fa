"""A number setting that str.isdigit() accepts but int() does not read ('²', 5,000 digits)
is a bad value like any other: one line naming it, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(("name", "value"), [
    ("CIVICBOT_FORM_TIMEOUT_MINUTES", "²"),
    ("CIVICBOT_RETENTION_DAYS", "9" * 5000),
    ("CIVICBOT_OPS_LISTEN", "127.0.0.1:²"),
])
def test_odd_digits_in_settings_are_one_clear_line(tmp_path: Path, name: str, value: str) -> None:
    result = run_cli(["migrate"], tmp_path, **{name: value})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"civicbot: configuration error: {name}: expected")
