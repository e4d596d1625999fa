"""Logging: JSON lines when stderr is not a terminal (for log collectors), plain text on a
terminal; and a last line of defence that masks configured secrets in every record."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class SecretMask(logging.Filter):
    """Replace any configured secret (bot token, passwords) in a record by ***."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        masked = message
        for secret in self.secrets:
            masked = masked.replace(secret, "***")
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if any(secret in text for secret in self.secrets):
                record.exc_info = None  # the exception text itself carries a secret
                record.msg = f"{record.msg} (exception details withheld: they held a secret)"
        return True


class LibraryNoise(logging.Filter):
    """What document libraries log about a file they read (pypdf on a damaged PDF: "EOF
    marker not found") is for developers: the importer says what is wrong in one line of its
    own. Such records are logged at DEBUG, and shown only when the log level is DEBUG."""

    LIBRARIES = ("pypdf",)

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.partition(".")[0] not in self.LIBRARIES:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return self.level <= logging.DEBUG
