"""The adapter protocol every platform implements, and the errors its `send` may raise.

An adapter turns platform updates into `Incoming` messages for `Core.handle`, renders the
replies, and sends outbox messages when the delivery worker asks. Sending is one path: replies
to a message and proactive messages both end in `send`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.pipeline.types import Address, Reply

if TYPE_CHECKING:
    from bot.pipeline.core import Core


class DeliveryError(Exception):
    """A transient failure (network, 5xx): try again later."""


class RetryLater(DeliveryError):
    """The platform asked us to slow down (429): wait `seconds` before the next try."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limited, retry after {seconds}s")
        self.seconds = seconds


class OutcomeUnknown(DeliveryError):
    """The request reached the platform but its answer did not (a timeout while waiting): the
    message may have been delivered, so it is never sent again (the outbox's `unknown`)."""


class Unreachable(Exception):
    """A permanent failure: the person blocked the bot, left, or the account is gone."""


class Adapter(Protocol):
    platform: str

    async def run(self, core: Core) -> None:
        """Receive messages until stopped (or, for the console, until end of input)."""

    async def stop(self) -> None: ...

    async def send(
        self, address: Address, replies: list[Reply], *, key: str | None = None
    ) -> str | None:
        """Deliver replies to a chat, or raise DeliveryError / RetryLater / Unreachable; the
        platform's id of the first message sent, when it tells one.

        `key` is stable for one outbox row across retries and restarts; a platform with
        idempotent sends (Matrix transaction ids) uses it so that a retry is never a copy."""

    def outbox_scope(self) -> str | None:
        """A chat id when this adapter may deliver only to that chat (console), else None."""

    def messages_per_second(self) -> float:
        """The platform's overall sending limit, which the delivery worker keeps to."""
