"""Admin roles and the audit log (SQLite and PostgreSQL, same SQL; mixed into SqliteStore)."""

from __future__ import annotations

from datetime import datetime

from storage.base import AdminRole, AuditEntry, from_db_time, to_db_time
from storage.sql.mixin import SqliteMixin


class SqliteAdminMixin(SqliteMixin):
    async def grant_admin(self, platform: str, user_id: str, by: str, now: datetime) -> bool:
        return await self._write(
            "INSERT INTO admin_roles VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (platform, user_id, by, to_db_time(now))) == 1

    async def revoke_admin(self, platform: str, user_id: str) -> bool:
        return await self._write(
            "DELETE FROM admin_roles WHERE platform = ? AND user_id = ?",
            (platform, user_id)) == 1

    async def list_admin_roles(self) -> list[AdminRole]:
        rows = await self._all(
            "SELECT * FROM admin_roles ORDER BY granted_at")
        return [AdminRole(r["platform"], r["user_id"], r["granted_by"],
                          from_db_time(r["granted_at"])) for r in rows]

    async def audit(self, actor: str, action: str, detail: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (to_db_time(now), actor, action, detail))

    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [AuditEntry(r["id"], from_db_time(r["at"]), r["actor"], r["action"],
                           r["detail"]) for r in reversed(rows)]
