"""The long chaos run: more people, more SIGKILLs, on SQLite or PostgreSQL.

    .venv/bin/python -m bench.chaos [--people 150] [--kills 60] [--postgres postgresql://...]

Prints the report: kills survived, operations checked, and every invariant (no seat oversold,
waiting list in order, no form answer lost, every broadcast and promotion notice delivered
exactly once, nothing left in the outbox).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from pathlib import Path

from tests.drivers.chaos import chaos


async def fresh_database(url: str) -> str:
    import asyncpg

    name = f"civicbot_chaos_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    return url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run it on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = (
            asyncio.run(fresh_database(args.postgres))
            if args.postgres
            else f"sqlite:///{Path(folder) / 'civicbot.db'}"
        )
        report = chaos(
            Path(folder),
            database,
            people=args.people,
            capacity=args.people // 3,
            leavers=args.people // 10,
            kills=args.kills,
        )
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{backend}: {report.summary()}")
    raise SystemExit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
