"""Retention: personal data of registrations is anonymised once their event is long over.

The rows stay (anonymous counts and statuses keep the organisation's statistics); the name,
contact details, answers and the link to the person go. Mixed into SqliteStore (portable SQL:
PostgreSQL runs the same statement).
"""

from __future__ import annotations

from datetime import datetime

from storage.base import to_db_time
from storage.sql.mixin import SqliteMixin

PERSONAL_COLUMNS = ("person_id", "name", "email", "phone", "organisation", "answers", "locale")


class SqlitePrivacyMixin(SqliteMixin):
    async def anonymise_ended_registrations(self, ended_before: datetime) -> int:
        """Anonymise registrations of events that ended before the cutoff; returns how many."""
        cleared = ", ".join(f"{column} = NULL" for column in PERSONAL_COLUMNS)
        still_personal = " OR ".join(f"{column} IS NOT NULL" for column in PERSONAL_COLUMNS)
        return await self._write(
            f"UPDATE registrations SET {cleared}, promotion_pending = 0 "
            "WHERE event_id IN (SELECT id FROM events WHERE COALESCE(ends_at, starts_at) < ?) "
            f"AND ({still_personal})",
            (to_db_time(ended_before),),
        )
