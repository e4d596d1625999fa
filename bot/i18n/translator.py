"""Translations (gettext catalogs compiled by babel), locale choice and locale-aware formatting.

Catalogs live in locales/<locale>/LC_MESSAGES/<domain>.mo, one domain per capability so that
each capability owns its strings; for a locale all domains are merged into one Translator.
Source strings are marked with `N_` (`bot.i18n.translator.N_`) or `_` (from the context).
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bot.config import LOCALES
from bot.i18n.scripts import dominant_script

_Moment = datetime  # inside Translator, its methods `datetime` and `date` shadow the type

# Languages a platform may report that we serve with one of ours. Croatian and Bosnian readers
# read Serbian Latin comfortably; Montenegrin (cnr) too.
_HINT_ALIASES = {"hr": "sr_Latn", "bs": "sr_Latn", "cnr": "sr_Latn", "sh": "sr_Latn"}

SERBIAN = ("sr", "sr_Latn")

LANGUAGE_NAMES = {
    "en": "English",
    "sl": "Slovenščina",
    "sr": "Српски (ћирилица)",
    "sr_Latn": "Srpski (latinica)",
    "pl": "Polski",
    "uk": "Українська",
}


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


def babel_locale(locale: str) -> Locale:
    # Babel's plain "sr" is Cyrillic already; sr_Latn is its own locale.
    return Locale.parse(locale)


@dataclass(frozen=True)
class Translator:
    locale: str
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def datetime(self, moment: datetime, timezone: str, fmt: str = "full_short") -> str:
        """A moment in the given time zone, in this locale ("full" date, "short" time)."""
        local = moment.astimezone(ZoneInfo(timezone))
        loc = babel_locale(self.locale)
        if fmt == "full_short":
            day = format_date(local, "full", locale=loc)
            return f"{day}, {format_time(local, 'short', locale=loc)}"
        return format_datetime(local, fmt, locale=loc)

    def date(self, moment: _Moment, timezone: str, fmt: str = "long") -> str:
        return format_date(
            moment.astimezone(ZoneInfo(timezone)), fmt, locale=babel_locale(self.locale)
        )

    def number(self, value: float) -> str:
        return format_decimal(value, locale=babel_locale(self.locale))


class Catalogs:
    """All catalogs under one folder, loaded once per locale: the compiled `.mo` files, or,
    where a `.po` has none or a newer text (a translator's edit not compiled yet), the `.po`
    compiled in memory (a few ms a domain)."""

    def __init__(self, locales_dir: Path) -> None:
        self.locales_dir = locales_dir

    def domains(self) -> list[str]:
        folder = self.locales_dir / "en" / "LC_MESSAGES"
        if not folder.is_dir():
            return []
        return sorted({p.stem for p in folder.iterdir() if p.suffix in (".po", ".mo")})

    @cache  # noqa: B019 - one Catalogs per process; the cache is the point
    def translator(self, locale: str) -> Translator:
        merged: Translations | None = None
        for domain in self.domains():
            loaded = self._load(locale, domain)
            if loaded is None:
                continue
            if merged is None:
                merged = loaded
            else:
                merged.merge(loaded)
        return Translator(locale, merged or gettext.NullTranslations())

    def _load(self, locale: str, domain: str) -> Translations | None:
        folder = self.locales_dir / locale / "LC_MESSAGES"
        po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as handle:
                return Translations(handle, domain)
        if not po.exists():
            return None
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=domain)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        return Translations(compiled, domain)

    def missing(self) -> list[str]:
        """Locales without catalogs: a deployment problem worth one clear line."""
        return [
            loc
            for loc in LOCALES
            if not any((self.locales_dir / loc / "LC_MESSAGES").glob("*.[pm]o"))
        ]


def normalize_locale(code: str | None) -> str | None:
    """Our locale for a user-typed or platform code ('sl', 'sr-Latn', 'SR_latn', 'hr'), or None."""
    if not code:
        return None
    cleaned = code.strip().replace("-", "_")
    for ours in LOCALES:
        if cleaned.lower() == ours.lower():
            return ours
    lowered = cleaned.lower()
    if lowered in ("sr_cyrl", "sr_rs", "sr_cyrl_rs", "sr_me", "sr_ba"):
        return "sr"
    if lowered.startswith("sr_latn"):
        return "sr_Latn"
    base = lowered.split("_")[0]
    if base in _HINT_ALIASES:
        return _HINT_ALIASES[base]
    return base if base in LOCALES else None


def serbian_for_text(text: str, current: str) -> str:
    """Serbian in the script the person writes: the text decides when it has letters."""
    script = dominant_script(text)
    if script == "Cyrl":
        return "sr"
    if script == "Latn":
        return "sr_Latn"
    return current


def choose_locale(
    *,
    explicit: str | None,
    remembered_hint: str | None,
    platform_hint: str | None,
    text: str,
    default: str,
) -> str:
    """The person's explicit choice, else the platform's hint (or what we learned from their
    writing), else the default. For Serbian without an explicit choice, the script of the
    message picks Cyrillic or Latin."""
    if explicit:
        return explicit
    locale = normalize_locale(platform_hint) or remembered_hint or default
    if locale in SERBIAN:
        if remembered_hint in SERBIAN:
            locale = remembered_hint  # it carries the script we learned from their writing
        locale = serbian_for_text(text, locale)
    return locale
