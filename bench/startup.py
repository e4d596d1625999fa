"""What one process of civicbot costs to start, answer and stop, beside a bare Python.

    .venv/bin/python bench/startup.py [--corpus DIR] [--runs N]

Each figure is a separate process on a SQLite file in a temporary data folder holding the
shared corpus; wall time and peak RSS come from the process's own rusage (os.wait4), the
medians of N runs. The language data (bot.qa.lexicon) is built before measuring, as the set-up
script and the Docker image do.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUESTION = "kdaj je konferenca partnerstvo za odprto upravo"
GOALS = {
    "ask: answer": (2.0, 250),
    "chat: first answer": (3.0, None),
    "chat: exit after end of input": (1.0, None),
    "run: exit after SIGTERM": (1.0, None),
    "run: idle": (None, 200),
    "content import: unchanged": (1.0, None),
}


def waited(process: subprocess.Popen[bytes], started: float) -> tuple[float, float]:
    """Wall seconds since `started` and peak RSS (MiB) of a process, once it has ended."""
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped here; keep Popen from waiting again
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def wait_for_output(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Until the process writes something to stdout (its answer)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError("no output")
    os.read(process.stdout.fileno(), 65536)


def spawn(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env, **kwargs)  # type: ignore[call-overload, no-any-return]


def measure(env: dict[str, str], corpus: Path) -> dict[str, tuple[float, float | None]]:
    civicbot = str(BIN / "civicbot")
    figures: dict[str, tuple[float, float | None]] = {}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

    started = time.perf_counter()
    figures["bare python -c 'import sqlite3'"] = waited(
        spawn([sys.executable, "-c", "import sqlite3"], env, **quiet), started
    )
    started = time.perf_counter()
    figures["content import: unchanged"] = waited(
        spawn([civicbot, "content", "import", str(corpus)], env, **quiet), started
    )
    started = time.perf_counter()
    figures["ask: answer"] = waited(spawn([civicbot, "ask", QUESTION], env, **quiet), started)

    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
    started = time.perf_counter()
    chat = spawn([civicbot, "chat", "--lang", "sl"], env, **pipes)
    assert chat.stdin is not None
    chat.stdin.write(f"{QUESTION}\n".encode())
    chat.stdin.flush()
    wait_for_output(chat, 60)
    first = time.perf_counter() - started
    time.sleep(0.5)
    closed = time.perf_counter()
    chat.stdin.close()
    exit_wall, _ = waited(chat, closed)
    figures["chat: first answer"] = (first, None)
    figures["chat: exit after end of input"] = (exit_wall, None)

    run = spawn([civicbot, "run"], env, **pipes)
    time.sleep(3.0)  # started and idle
    rss = _current_rss(run.pid)
    stopped = time.perf_counter()
    run.send_signal(signal.SIGTERM)
    stop_wall, _ = waited(run, stopped)
    figures["run: idle"] = (3.0, rss)
    figures["run: exit after SIGTERM"] = (stop_wall, None)
    return figures


def _current_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "bot.qa.textnorm"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICBOT_")}
        env["CIVICBOT_DATA_DIR"] = folder
        subprocess.run([str(BIN / "civicbot"), "content", "import", str(args.corpus)],
                       env=env, check=True, capture_output=True)
        runs = [measure(env, args.corpus) for _ in range(args.runs)]
    print(f"{'':34} {'wall s':>7} {'peak MiB':>9}   goal")
    for name in runs[0]:
        wall = statistics.median(run[name][0] for run in runs)
        memories = [run[name][1] for run in runs if run[name][1] is not None]
        memory = f"{statistics.median(memories):9.0f}" if memories else f"{'':9}"
        goal_wall, goal_memory = GOALS.get(name, (None, None))
        goal = " ".join(filter(None, [goal_wall and f"< {goal_wall} s",
                                      goal_memory and f"< {goal_memory} MiB"]))
        shown_wall = f"{wall:7.2f}" if name != "run: idle" else f"{'':7}"
        print(f"{name:34} {shown_wall} {memory}   {goal}")


if __name__ == "__main__":
    main()
