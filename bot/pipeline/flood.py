"""Per-person flood control: a token bucket per sender, checked before any database work.

Someone sending dozens of messages a second gets one polite slow-down message and is then
ignored until their bucket refills, so that everybody else keeps being served at normal
latency. The buckets live in this process's memory: each replica protects itself, which is
what matters for latency (the platforms rate-limit senders too).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first refusal: tell them once
    DROP = "drop"  # further refusals: silence


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodGuard:
    def __init__(
        self,
        burst: int,
        per_second: float,
        *,
        max_senders: int = 100_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.max_senders = max_senders
        self.monotonic = monotonic
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, sender: str) -> Verdict:
        now = self.monotonic()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = _Bucket(float(self.burst), now)
            if len(self._buckets) > self.max_senders:
                self._buckets.popitem(last=False)  # the longest idle sender
        else:
            self._buckets.move_to_end(sender)
            refill = (now - bucket.updated) * self.per_second
            bucket.tokens = min(self.burst, bucket.tokens + refill)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN
