"""Database URLs: `sqlite:///relative.db`, `sqlite:////abs/path.db`, `postgresql://...`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


class DatabaseUrlError(ValueError):
    """A CIVICBOT_DATABASE_URL we cannot use; the message is safe to print (no password)."""


@dataclass(frozen=True)
class DatabaseUrl:
    scheme: str  # sqlite | postgresql
    path: str  # file path for sqlite; the full DSN for postgresql
    redacted: str  # for logs and errors: never the password


def parse_database_url(url: str) -> DatabaseUrl:
    url = url.strip()
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://"):]
        if not rest.startswith("/") or rest == "/":
            raise DatabaseUrlError(
                "CIVICBOT_DATABASE_URL: a SQLite URL looks like sqlite:///path/to/file.db"
            )
        path = rest[1:]  # sqlite:///rel.db -> rel.db ; sqlite:////abs.db -> /abs.db
        return DatabaseUrl("sqlite", path or ":memory:", f"sqlite:///{path}")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(url)
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseUrlError("CIVICBOT_DATABASE_URL: a PostgreSQL URL needs a host or a "
                                   "database, e.g. postgresql://user@127.0.0.1:5432/civicbot")
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        if parts.username:
            netloc = f"{parts.username}:***@{netloc}" if parts.password else \
                f"{parts.username}@{netloc}"
        return DatabaseUrl("postgresql", url, f"postgresql://{netloc}{parts.path}")
    raise DatabaseUrlError(
        "CIVICBOT_DATABASE_URL must start with sqlite:/// or postgresql:// "
        f"(got a value starting with {url[:12]!r})"
    )
