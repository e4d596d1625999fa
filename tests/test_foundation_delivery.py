"""The delivery worker: pace, retries, unreachable people, and exactly one copy."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.adapters.base import DeliveryError, RetryLater, Unreachable
from bot.adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.outbox.delivery import DeliveryWorker
from bot.pipeline.core import Core
from bot.pipeline.types import Address, Reply


class ScriptedAdapter:
    """A stand-in platform whose answers a test scripts (unit test of the worker only)."""

    platform = "console"

    def __init__(self, outcomes: list[Exception | None]) -> None:
        self.outcomes = outcomes
        self.sent: list[str] = []

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return 1000.0

    async def send(self, address: Address, replies: list[Reply], *, key: str | None = None) -> None:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append(replies[0].text.plain)


async def person(core: Core, user: str = "1", hint: str | None = None) -> int:
    from tests.test_foundation_core import msg

    await core.handle(msg("/help", user=user, hint=hint))
    found = await core.store.find_person("console", user)
    assert found is not None
    return found.id


async def test_proactive_message_prints_in_the_persons_language(
    core: Core, clock: ManualClock
) -> None:
    pid = await person(core, hint="sl")
    await core.notify(
        pid, lambda t: [Reply.of(t.gettext("Nothing was deleted."))], kind="test", dedupe_key="k"
    )
    out = io.StringIO()
    console = ConsoleAdapter("1", stdout=out)
    worker = DeliveryWorker(core.store, [console], clock, "w")
    assert await worker.drain() == 1
    assert out.getvalue().strip() == "Nič ni bilo izbrisano."
    assert await worker.drain() == 0  # never twice
    assert await core.store.outbox_counts() == {"sent": 1}


async def test_console_only_delivers_its_own_persons_messages(
    core: Core, clock: ManualClock
) -> None:
    mine, other = await person(core, "1"), await person(core, "2")
    for pid in (mine, other):
        await core.notify(pid, lambda t: [Reply.of("hi")], kind="test", dedupe_key=f"k{pid}")
    out = io.StringIO()
    await DeliveryWorker(core.store, [ConsoleAdapter("1", stdout=out)], clock, "w").drain()
    assert out.getvalue().count("hi") == 1
    assert await core.store.outbox_counts() == {"sent": 1, "pending": 1}


async def test_rate_limit_and_transient_errors_are_retried(core: Core, clock: ManualClock) -> None:
    pid = await person(core)
    await core.notify(pid, lambda t: [Reply.of("hello")], kind="test", dedupe_key="k")
    adapter = ScriptedAdapter([RetryLater(30), DeliveryError("502")])
    worker = DeliveryWorker(core.store, [adapter], clock, "w")
    await worker.drain()
    assert adapter.sent == [] and await core.store.outbox_counts() == {"pending": 1}
    clock.advance(timedelta(seconds=31))
    await worker.drain()  # the 502
    clock.advance(timedelta(seconds=10))
    await worker.drain()
    assert adapter.sent == ["hello"] and await core.store.outbox_counts() == {"sent": 1}


async def test_unreachable_person_is_marked_and_skipped_later(
    core: Core, clock: ManualClock
) -> None:
    pid = await person(core)
    await core.store.set_subscribed(pid, True)
    await core.notify(pid, lambda t: [Reply.of("one")], kind="broadcast", dedupe_key="a")
    await core.notify(pid, lambda t: [Reply.of("two")], kind="broadcast", dedupe_key="b")
    adapter = ScriptedAdapter([Unreachable("blocked")])
    await DeliveryWorker(core.store, [adapter], clock, "w").drain()
    assert (await core.store.get_person(pid)).unreachable  # type: ignore[union-attr]
    assert adapter.sent == []
    assert await core.store.outbox_counts() == {"failed": 1, "skipped": 1}


async def test_unsubscribed_people_get_no_broadcast(core: Core, clock: ManualClock) -> None:
    pid = await person(core)
    await core.notify(pid, lambda t: [Reply.of("news")], kind="broadcast", dedupe_key="a")
    adapter = ScriptedAdapter([])
    await DeliveryWorker(core.store, [adapter], clock, "w").drain()
    assert adapter.sent == [] and await core.store.outbox_counts() == {"skipped": 1}
