"""The outbox, the one way proactive messages leave: rows are queued by `Core.notify` (or by a
capability's own transaction, e.g. a broadcast or a ticket) and sent by the delivery worker
(`delivery`), which claims them, sends each through its platform's adapter at that platform's
pace and records the outcome. The guarantees are in docs/ARCHITECTURE.md."""
