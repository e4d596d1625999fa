"""Prometheus metrics (prometheus-client): what operators watch on a dashboard."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_IN = Counter(
    "civicbot_messages_in_total", "Messages and button presses received", ["platform"]
)
MESSAGES_OUT = Counter(
    "civicbot_messages_out_total", "Messages sent (replies and outbox)", ["platform", "kind"]
)
HANDLER_SECONDS = Histogram(
    "civicbot_handler_seconds",
    "Time to handle one incoming message",
    ["platform"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_DEPTH = Gauge("civicbot_outbox_depth", "Outbox rows by state", ["state"])
DELIVERY_FAILURES = Counter(
    "civicbot_delivery_failures_total",
    "Outbox sends that failed, by outcome",
    ["platform", "outcome"],
)
REMINDER_LAG = Gauge(
    "civicbot_reminder_lag_seconds",
    "How late the oldest due reminder still waiting to be handed over is",
)
