"""Bad configuration: one clear line and a non-zero exit, never a traceback or a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

TOKEN = "123456789:AAAA-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbb"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CIVICBOT_DATABASE_URL": "mysql://root:pw@localhost/x"}, "CIVICBOT_DATABASE_URL"),
        ({"CIVICBOT_DATABASE_URL": "sqlite://relative.db"}, "sqlite:///path/to/file.db"),
        ({"CIVICBOT_DEFAULT_LOCALE": "de"}, "unknown locale 'de'"),
        ({"CIVICBOT_TELEGRAM_TOKEN": "x " + TOKEN}, "CIVICBOT_TELEGRAM_TOKEN is malformed"),
        ({"CIVICBOT_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
        ({"CIVICBOT_FORM_TIMEOUT_MINUTES": "soon"}, "CIVICBOT_FORM_TIMEOUT_MINUTES"),
        ({"CIVICBOT_ADMINS": "ana"}, "CIVICBOT_ADMINS"),
        ({"CIVICBOT_CONFIG": "/nonexistent/civicbot.toml"}, "no such file"),
    ],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = run_cli(["chat"], tmp_path, "/start\n", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "secret" not in result.stderr and "pw@" not in result.stderr
    assert result.stdout == ""


def test_toml_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "civicbot.toml"
    config.write_text('default_locale = "pl"\norg_name = "Fundacja"\n', encoding="utf-8")
    result = run_cli(["chat"], tmp_path, "/start\n", CIVICBOT_CONFIG=str(config))
    assert "Fundacja" in result.stdout and "Dzień dobry" in result.stdout
    result = run_cli(
        ["chat", "--user", "2"],
        tmp_path,
        "/start\n",
        CIVICBOT_CONFIG=str(config),
        CIVICBOT_DEFAULT_LOCALE="sl",
    )
    assert "Pozdravljeni" in result.stdout


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "civicbot.toml"
    config.write_text('colour = "blue"\n', encoding="utf-8")
    result = run_cli(["run"], tmp_path, "", CIVICBOT_CONFIG=str(config))
    assert result.returncode != 0 and "unknown setting(s) colour" in result.stderr


def test_help_everywhere(tmp_path: Path) -> None:
    for args in (["--help"], ["chat", "--help"], ["run", "--help"], ["catalogs", "--help"]):
        result = run_cli(args, tmp_path)
        assert result.returncode == 0 and "usage: civicbot" in result.stdout


def test_migrate_reports_the_schema_version(tmp_path: Path) -> None:
    result = run_cli(["migrate"], tmp_path)
    assert result.returncode == 0 and "schema version" in result.stdout
    again = run_cli(["migrate"], tmp_path)
    assert again.stdout == result.stdout
