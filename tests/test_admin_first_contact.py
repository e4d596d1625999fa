"""An admin role granted by chat before the person ever wrote counts from their very first
message (#16.14)."""

from __future__ import annotations

from bot.pipeline.core import Core
from tests.test_foundation_core import msg, text_of


async def test_a_role_granted_before_first_contact_counts_at_once(core: Core) -> None:
    granted = await core.handle(msg("/admin add telegram:999", user="99"))
    assert "telegram:999 is now an admin" in text_of(granted)
    first = text_of(await core.handle(msg("/admin list", user="999", platform="telegram")))
    assert "only the organisation's admins" not in first
    assert "telegram:999 (granted by console:99)" in first
