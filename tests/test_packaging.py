"""The wheel is the product: built from this tree, installed into a fresh virtual environment
without extras, run from a folder that is not the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.i18n.translator import Catalogs

ROOT = Path(__file__).resolve().parent.parent
HELP_INTRO = "Ask me a question in your own words, or use a command:"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this tree (its dependencies from pip's cache)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = work.glob("civicbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "locales/sl/LC_MESSAGES/civicbot.mo" in names  # compiled when the wheel is built
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )
    return venv


def _run(
    venv: Path, cwd: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CIVICBOT_")}
    environment.update(CIVICBOT_DATA_DIR=str(cwd / "data"), **env)
    return subprocess.run(
        [str(venv / "bin" / "civicbot"), *args], cwd=cwd, input=stdin, text=True,
        capture_output=True, env=environment, timeout=120,
    )


def test_the_installed_wheel_speaks_slovenian_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    slovenian = Catalogs(ROOT / "locales").translator("sl").gettext(HELP_INTRO)
    assert slovenian != HELP_INTRO
    done = _run(installed, tmp_path, "chat", "--lang", "sl", stdin="/help\n")
    assert done.returncode == 0, done.stderr
    assert slovenian in done.stdout
    assert "translations" not in done.stderr  # no warning about missing catalogs


def test_a_missing_platform_extra_is_one_line_naming_it(installed: Path, tmp_path: Path) -> None:
    done = _run(installed, tmp_path, "run",
                CIVICBOT_TELEGRAM_TOKEN="123456:ABCdefghijklmnopqrstuvwxyz0123456789")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "civicbot: Telegram support is not installed: pip install 'civicbot[telegram]'"
    )
