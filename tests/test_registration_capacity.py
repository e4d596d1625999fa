"""Seats under load: 200 people at once for 50 seats give exactly 50 confirmed and 150 waiting,
in arrival order, none lost and none twice; within one process and across processes."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from storage.base import Registration, Store
from storage.sqlite import SqliteStore
from tests.test_events_support import event, load

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def assert_fair(registrations: list[Registration], people: int, seats: int) -> None:
    """Everyone once; the first `seats` arrivals confirmed; the rest queued in arrival order."""
    assert len(registrations) == people
    assert len({r.person_id for r in registrations}) == people  # none twice
    by_arrival = sorted(registrations, key=lambda r: r.seq)
    assert [r.seq for r in by_arrival] == list(range(1, people + 1))  # none lost, no gaps
    assert [r.status for r in by_arrival] == ["confirmed"] * seats + ["waiting"] * (
        people - seats)
    assert [r.position for r in by_arrival[seats:]] == list(range(1, people - seats + 1))


async def test_200_coroutines_for_50_seats(store: Store) -> None:
    await load(store, event(capacity=50), now=NOW)
    people = [await store.person_for_identity("console", str(i), str(i), NOW)
              for i in range(200)]

    async def sign_up(person_id: int) -> str:
        outcome = await store.register("forum", person_id, {"name": f"p{person_id}"},
                                       locale="en", consented=True, now=NOW)
        return outcome.result

    results = await asyncio.gather(*(sign_up(p.id) for p in people))
    assert results.count("confirmed") == 50 and results.count("waiting") == 150
    registrations = await store.event_registrations("forum")
    assert_fair(registrations, 200, 50)
    if type(store) is SqliteStore:
        # one connection serves the claims in the order they were made: the calls' order
        order = {p.id: i for i, p in enumerate(people)}
        arrivals = sorted(registrations, key=lambda r: r.seq)
        assert [order[r.person_id] for r in arrivals] == list(range(200))  # type: ignore[index]
    # a second attempt by anyone changes nothing
    again = await asyncio.gather(*(sign_up(p.id) for p in people[:20] + people[-20:]))
    assert set(again) == {"already"}
    assert len(await store.event_registrations("forum")) == 200


WORKER = textwrap.dedent("""
    import asyncio, random, sys
    from datetime import UTC, datetime
    from storage.sqlite import SqliteStore

    async def main(path, worker, count):
        store = await SqliteStore.open(path)
        now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
        people = [await store.person_for_identity("console", f"{worker}-{i}", None, now)
                  for i in range(count)]
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # all processes start together

        outcomes = []
        for person in people:  # one person at a time, as people arrive, so processes interleave
            outcome = await store.register("forum", person.id, {"name": person.id},
                                           locale="en", consented=True, now=now)
            outcomes.append(outcome.result)
            await asyncio.sleep(random.uniform(0.001, 0.01))
        await store.close()
        print(" ".join(outcomes))

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
""")


async def test_four_processes_share_one_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    store = await SqliteStore.open(path)
    try:
        await load(store, event(capacity=50), now=NOW)
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, path, str(w), "50"],
                                    cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
                   for w in range(4)]
        for worker in workers:  # a barrier: every process has started and made its people
            ready = await asyncio.to_thread(worker.stdout.readline)  # type: ignore[union-attr]
            assert ready.strip() == "ready", worker.stderr.read()  # type: ignore[union-attr]
        for worker in workers:
            worker.stdin.write("go\n")  # type: ignore[union-attr]
            worker.stdin.flush()  # type: ignore[union-attr]
        outputs = []
        for worker in workers:
            out, err = await asyncio.to_thread(worker.communicate, timeout=120)
            assert worker.returncode == 0, err
            outputs += out.split()
        assert outputs.count("confirmed") == 50 and outputs.count("waiting") == 150
        assert_fair(await store.event_registrations("forum"), 200, 50)
        rows = await store.db.execute_fetchall(
            "SELECT i.user_id FROM registrations r JOIN identities i ON i.person_id = r.person_id "
            "ORDER BY r.seq")
        arrivals = [row[0].split("-")[0] for row in rows]
        switches = sum(a != b for a, b in itertools.pairwise(arrivals))
        assert switches > 3, f"the processes did not contend, so this proves little: {arrivals}"
    finally:
        await store.close()
