"""The console conversation, run as a person would run it: `civicbot chat` as a subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def after(stdout: str, marker: str) -> str:
    """What the bot printed after `marker` (which must be there)."""
    assert marker in stdout, stdout
    return stdout[stdout.index(marker) :]


def test_language_switch_to_slovenian_from_second_reply(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "7"], tmp_path, "/start\n/language sl\n/help\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Hello!") and "[1] Language" in result.stdout
    later = after(result.stdout, "[4] Help")[len("[4] Help") :]
    assert later.lstrip().startswith("Odslej vam bom pisal v slovenščini.")
    assert "/language — Izberite jezik" in later
    assert "Choose your language" not in later


def test_serbian_latin_answers_in_latin_script(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "7"], tmp_path, "/start\n/language sr_Latn\n/help\n")
    assert result.returncode == 0, result.stderr
    later = after(result.stdout, "[4] Help")[len("[4] Help") :]
    assert later.lstrip().startswith("Od sada ću vam pisati na srpskom.")
    assert "/language — Izaberite jezik" in later
    assert not any("\u0400" <= c <= "\u04ff" for c in later), "Latin script only"


def test_choice_is_remembered_across_runs(tmp_path: Path) -> None:
    run_cli(["chat", "--user", "3"], tmp_path, "/language uk\n")
    result = run_cli(["chat", "--user", "3"], tmp_path, "/help\n")
    assert "Оберіть мову" in result.stdout


def test_buttons_are_pressed_by_number_or_label(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "4"], tmp_path, "/start\n1\nPolski\n/subscribe\n")
    menu = after(result.stdout, "Choose your language:")
    assert "[6] Українська" in menu  # the language menu, pressed by number
    assert "po polsku" in after(menu, "[6] Українська")  # then Polski, pressed by its label
    assert "Zapisano" in after(menu, "po polsku")


def test_forgetme_asks_then_deletes(tmp_path: Path) -> None:
    run_cli(["chat", "--user", "5"], tmp_path, "/language pl\n/subscribe\n")
    result = run_cli(["chat", "--user", "5"], tmp_path, "/forgetme\nTak, usuń moje dane\n")
    assert "Tego nie można cofnąć" in result.stdout and "Usunąłem" in result.stdout
    after = run_cli(["chat", "--user", "5"], tmp_path, "/help\n")
    assert "Choose your language" in after.stdout  # a fresh person: the default language again


def test_bad_input_gets_friendly_replies_and_never_a_traceback(tmp_path: Path) -> None:
    lines = ["", "   ", "x" * 10_000, "\x00\x07\x1b[31m", "/nosuchcommand", "/", "9", "/start"]
    result = run_cli(["chat", "--user", "8"], tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "too long" in result.stdout
    assert "I don't know that command" in result.stdout
    assert "I can only read text messages" in result.stdout
    assert result.stdout.rstrip().endswith("[4] Help")


def test_closed_stdin_exits_cleanly(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "9"], tmp_path, "")
    assert result.returncode == 0 and result.stdout == "" and "Traceback" not in result.stderr


def test_run_without_platforms_chats_on_the_console(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, "/start\n")
    assert result.returncode == 0 and "[1] Language" in result.stdout


def test_sigterm_stops_the_bot_gracefully(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.conftest import CIVICBOT, ROOT, cli_env

    bot = subprocess.Popen(
        [*CIVICBOT, "run"],
        cwd=ROOT,
        env=cli_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert bot.stdin is not None and bot.stdout is not None
    bot.stdin.write("/start\n")
    bot.stdin.flush()
    assert bot.stdout.readline().startswith("Hello!")  # it is up and answering
    time.sleep(0.3)
    bot.send_signal(signal.SIGTERM)  # stdin stays open: only the signal can end it
    assert bot.wait(timeout=20) == 0
    assert "Traceback" not in bot.stderr.read()  # type: ignore[union-attr]


def test_run_without_platform_or_terminal_says_why_in_one_line(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, "")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "civicbot: no chat platform configured (set CIVICBOT_TELEGRAM_TOKEN or "
        "CIVICBOT_MATRIX_HOMESERVER, see README): only console messages from standard input were "
        "read"
    ]


def test_chat_ends_soon_after_its_input_ends(tmp_path: Path) -> None:
    """A question loads the language data; nothing (a warm-up thread) holds the exit after."""
    import time

    started = time.monotonic()
    result = run_cli(["chat"], tmp_path, "when is the conference on open government?\n")
    assert result.returncode == 0 and result.stdout.strip()
    assert time.monotonic() - started < 5  # was 18 s: the dictionaries, then the warm-up
