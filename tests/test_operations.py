"""Operations: health, readiness and metrics over HTTP from a running bot; JSON logs without
secrets."""

from __future__ import annotations

import json
import logging
import subprocess
import time
import urllib.request
from pathlib import Path

from bot.ops.logs import SecretMask
from tests.conftest import CIVICBOT, ROOT, cli_env, free_port

TOKEN = "123456789:AAH-real-looking-secret-token-0123456"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_readiness_and_metrics_of_a_running_bot(tmp_path: Path) -> None:
    port = free_port()
    env = cli_env(tmp_path, CIVICBOT_OPS_LISTEN=f"127.0.0.1:{port}")
    bot = subprocess.Popen(
        [*CIVICBOT, "chat", "--user", "1"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stdin is not None
        bot.stdin.write("/start\n/help\n")
        bot.stdin.flush()
        deadline = time.monotonic() + 20
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and json.loads(body)["checks"]["database"] == "ok"
        time.sleep(0.5)
        status, metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert 'civicbot_messages_in_total{platform="console"} 2.0' in metrics
        assert "civicbot_handler_seconds_bucket" in metrics
        assert 'civicbot_outbox_depth{state="pending"}' in metrics
    finally:
        bot.stdin.close()  # type: ignore[union-attr]
        bot.wait(timeout=20)


def test_logs_are_json_lines_and_never_hold_the_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CIVICBOT, "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, CIVICBOT_LOG_LEVEL="DEBUG", CIVICBOT_TELEGRAM_TOKEN=TOKEN),
        timeout=60,
    )
    assert result.returncode == 0
    record = logging.LogRecord(
        "x", logging.INFO, "", 0, "calling %s", (f"/bot{TOKEN}/getMe",), None
    )
    SecretMask([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage() and "***" in record.getMessage()
    for line in result.stderr.splitlines():
        json.loads(line)  # every log line is one JSON object when stderr is not a terminal
    assert TOKEN not in result.stderr
