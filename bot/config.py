"""Configuration: environment variables, optionally a TOML file, validated once at start.

Every setting is `CIVICBOT_<NAME>` in the environment or `<name>` (lower case) in the TOML file
named by `CIVICBOT_CONFIG`; the environment wins. Errors are one line, never the secret.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.url import DatabaseUrl, DatabaseUrlError, parse_database_url

LOCALES = ("en", "sl", "sr", "sr_Latn", "pl", "uk")
_TELEGRAM_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


class ConfigError(Exception):
    """A setting we cannot use. The message is one line, safe to print (no secrets)."""


@dataclass(frozen=True)
class Config:
    data_dir: Path = Path("data")
    database: DatabaseUrl = field(
        default_factory=lambda: parse_database_url("sqlite:///data/civicbot.db")
    )
    default_locale: str = "en"
    timezone: str = "UTC"
    log_level: str | None = None  # None: INFO, but only warnings while chatting on a terminal
    form_timeout_minutes: int = 60
    org_name: str = ""  # unset: the welcome and notices name no organisation
    org_contact: str = ""
    admins: tuple[str, ...] = ()
    locales_dir: Path = Path(__file__).resolve().parent.parent / "locales"
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0:8443"
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    matrix_homeserver: str | None = None
    matrix_user: str | None = None
    matrix_password: str | None = field(default=None, repr=False)
    matrix_access_token: str | None = field(default=None, repr=False)
    matrix_device_id: str = "CIVICBOT"
    matrix_store: Path = Path("data/matrix-store")
    matrix_group_rooms: bool = False
    delivery_interval_seconds: float = 1.0
    ops_listen: str | None = None
    outbox_lease_seconds: int = 300
    retention_days: int = 180
    flood_burst: int = 15
    flood_per_second: float = 1.0
    staff_chat: str = ""  # "ask the team": telegram:<chat id> or matrix:<room id>; unset: off
    ticket_remind_hours: int = 24
    unanswered_days: int = 30
    qa_model: bool = True  # the meaning encoder of the answering (bot/qa/semantic.py)


def _locale(value: str) -> str:
    normalized = value.replace("-", "_")
    for code in LOCALES:
        if normalized.lower() == code.lower():
            return code
    raise ConfigError(f"unknown locale {value!r}; choose one of {', '.join(LOCALES)}")


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {value!r} (use an IANA name like Europe/Belgrade)"
        ) from None
    return value


def _positive_int(value: str) -> int:
    # ASCII digits, and not too many of them, before int() reads them ('²' is a digit to
    # str.isdigit but not to int(); 5,000 digits exceed int()'s limit)
    cleaned = value.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 9 or int(cleaned) <= 0:
        raise ConfigError(f"expected a positive whole number, got {value!r}")
    return int(cleaned)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"expected a positive number, got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"expected a positive number, got {value!r}")
    return number


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"expected true or false, got {value!r}")


def _telegram_token(value: str) -> str:
    if not _TELEGRAM_TOKEN.match(value.strip()):
        # Never echo the value: it may be a real token with a typo.
        raise ConfigError(
            "CIVICBOT_TELEGRAM_TOKEN is malformed (expected 123456:ABC... as given by BotFather)"
        )
    return value.strip()


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value.strip()):
        raise ConfigError(f"expected an http(s) URL, got {value[:40]!r}")
    return value.strip().rstrip("/")


def _admins(value: str) -> tuple[str, ...]:
    admins = tuple(a.strip() for a in value.split(",") if a.strip())
    for admin in admins:
        platform, _, user = admin.partition(":")
        if platform not in ("telegram", "matrix", "console") or not user:
            raise ConfigError(
                f"CIVICBOT_ADMINS: {admin!r} is not platform:id "
                "(telegram:123, matrix:@ana:example.org, console:1)"
            )
    return admins


def _staff_chat(value: str) -> str:
    platform, _, chat = value.strip().partition(":")
    if platform == "telegram" and re.fullmatch(r"-?\d{1,20}", chat):
        return f"telegram:{chat}"
    if platform == "matrix" and re.fullmatch(r"![^:\s]+(:\S+)?", chat):  # v12: no server
        return f"matrix:{chat}"
    raise ConfigError(f"expected telegram:<chat id> or matrix:<room id>, got {value!r}")


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"log level must be DEBUG, INFO, WARNING or ERROR, got {value!r}")
    return level


def _database(value: str) -> DatabaseUrl:
    try:
        return parse_database_url(value)
    except DatabaseUrlError as error:
        raise ConfigError(str(error)) from None


def _listen(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()) or len(port) > 5 \
            or not 0 < int(port) < 65536:
        raise ConfigError(f"expected HOST:PORT, got {value!r}")
    return value


_PARSERS: Mapping[str, Callable[[str], object]] = {
    "data_dir": Path,
    "database_url": _database,
    "default_locale": _locale,
    "timezone": _timezone,
    "log_level": _log_level,
    "form_timeout_minutes": _positive_int,
    "org_name": str,
    "org_contact": str,
    "admins": _admins,
    "locales_dir": Path,
    "telegram_token": _telegram_token,
    "telegram_api_url": _url,
    "telegram_webhook_url": _url,
    "telegram_webhook_listen": _listen,
    "telegram_webhook_secret": str,
    "matrix_homeserver": _url,
    "matrix_user": str,
    "matrix_password": str,
    "matrix_access_token": str,
    "matrix_device_id": str,
    "matrix_store": Path,
    "matrix_group_rooms": _bool,
    "delivery_interval_seconds": _positive_float,
    "ops_listen": _listen,
    "outbox_lease_seconds": _positive_int,
    "retention_days": _positive_int,
    "flood_burst": _positive_int,
    "flood_per_second": _positive_float,
    "staff_chat": _staff_chat,
    "ticket_remind_hours": _positive_int,
    "unanswered_days": _positive_int,
    "qa_model": _bool,
}
_SECRET = {"telegram_token", "matrix_password", "matrix_access_token", "telegram_webhook_secret"}


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration from a TOML file (optional) and the environment."""
    env = os.environ if environ is None else environ
    raw: dict[str, str] = {}
    config_file = env.get("CIVICBOT_CONFIG")
    if config_file:
        raw.update(_read_toml(Path(config_file)))
    for name in _PARSERS:
        value = env.get(f"CIVICBOT_{name.upper()}")
        if value is not None and value != "":
            raw[name] = value
    values: dict[str, object] = {}
    for name, text in raw.items():
        try:
            values[name] = _PARSERS[name](text)
        except ConfigError as error:
            shown = f"CIVICBOT_{name.upper()}"
            message = str(error)
            raise ConfigError(
                message if message.startswith(shown) else f"{shown}: {message}"
            ) from None
    data_dir = values.get("data_dir", Config.data_dir)
    assert isinstance(data_dir, Path)
    if "database_url" not in values:
        values["database_url"] = parse_database_url(f"sqlite:///{data_dir / 'civicbot.db'}")
    if "matrix_store" not in values:
        values["matrix_store"] = data_dir / "matrix-store"
    values["database"] = values.pop("database_url")
    config = Config(**values)  # type: ignore[arg-type]  # each value checked by its parser above
    _check_matrix(config)
    return config


def _check_matrix(config: Config) -> None:
    matrix = (config.matrix_homeserver, config.matrix_user)
    if any(matrix) and not all(matrix):
        raise ConfigError("Matrix needs both CIVICBOT_MATRIX_HOMESERVER and CIVICBOT_MATRIX_USER")
    if all(matrix) and not (config.matrix_password or config.matrix_access_token):
        raise ConfigError("Matrix needs CIVICBOT_MATRIX_PASSWORD or CIVICBOT_MATRIX_ACCESS_TOKEN")


def _read_toml(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"CIVICBOT_CONFIG: no such file {str(path)!r}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"CIVICBOT_CONFIG: {path.name} is not valid TOML ({error})") from None
    unknown = sorted(set(data) - set(_PARSERS))
    if unknown:
        raise ConfigError(
            f"CIVICBOT_CONFIG: unknown setting(s) {', '.join(unknown)} in {path.name}"
        )
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def is_secret(name: str) -> bool:
    return name in _SECRET
