"""`civicbot catalogs [update|compile|check]`: the translation workflow as one command.

- update: extract the marked strings of each domain into locales/<domain>.pot, merge them into
  every locale's .po, derive sr_Latn from sr (Serbian Latin is a transliteration of the
  Cyrillic catalog, so translators keep one Serbian text), then compile.
- compile: .po -> .mo (the Dockerfile and the setup scripts run this).
- check: fail when any locale misses, leaves empty or fuzzy any message (a test runs it).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.config import LOCALES, Config
from bot.i18n.scripts import serbian_to_latin

ROOT = Path(__file__).resolve().parents[2]  # bot/i18n/catalogs.py -> the source tree
# domain -> the sources whose strings it owns (one domain per capability).
DOMAINS: dict[str, list[str]] = {
    "civicbot": [
        "bot/app.py",
        "bot/pipeline/context.py",
        "bot/pipeline/core.py",
        "bot/outbox/delivery.py",
        "bot/i18n/translator.py",
        "bot/adapters/base.py",
        "bot/adapters/console.py",
        "handlers/start.py",
        "handlers/language.py",
        "handlers/subscriptions.py",
        "handlers/privacy.py",
        "handlers/fallback.py",
    ],
    "qa": ["handlers/qa.py", "bot/content/*.py", "bot/qa/*.py"],
    "events": ["handlers/events.py", "handlers/registration.py", "bot/events/*.py"],
    "reminders": ["handlers/reminders.py", "bot/reminders.py"],
    "admin": ["handlers/admin.py", "handlers/broadcast.py", "handlers/event_admin.py",
              "bot/broadcast.py"],
    "adapters": ["bot/adapters/matrix/*.py"],
    "telegram": ["bot/adapters/telegram.py"],
    "handoff": ["handlers/handoff.py", "bot/handoff.py"],
    "documents": ["handlers/documents.py"],
}
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# The catalogs are written without source locations, sorted by message and with a fixed
# creation date, so that two branches adding strings merge without conflicts.
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
TRANSLATED = [loc for loc in LOCALES if loc != "en"]  # en uses the source strings
DERIVED = {"sr_Latn": "sr"}  # locale -> the catalog it is transliterated from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", nargs="?", default="update", choices=("update", "compile", "check")
    )
    parser.add_argument("--locales-dir", type=Path, help="default: the configured locales dir")
    parser.add_argument(
        "--domain",
        choices=sorted(DOMAINS),
        help="update only this capability's catalogs (default: all)",
    )


async def main(args: argparse.Namespace, config: Config) -> int:
    locales_dir = args.locales_dir or config.locales_dir
    if args.action == "update":
        update(locales_dir, [args.domain] if args.domain else list(DOMAINS))
    if args.action in ("update", "compile"):
        compile_all(locales_dir)
    problems = check(locales_dir)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def po_path(locales_dir: Path, locale: str, domain: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str) -> Catalog:
    template = Catalog(project="civicbot", domain=domain, creation_date=CREATED)
    for pattern in DOMAINS[domain]:
        for path in sorted(ROOT.glob(pattern)):
            relative = path.relative_to(ROOT).as_posix()
            for lineno, message, comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=("Translators:",)
            ):
                template.add(
                    message, None, [(relative, lineno)], auto_comments=comments, context=context
                )
    return template


def _read(path: Path, locale: str, domain: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, domain=domain, project="civicbot")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=domain)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, no_location=True, omit_header=False)


def update(locales_dir: Path, domains: list[str]) -> None:
    for domain in domains:
        template = extract(domain)
        if not len(template):
            continue  # a capability not written yet
        _write(locales_dir / f"{domain}.pot", template)
        for locale in [*TRANSLATED, "en"]:
            if locale in DERIVED:
                continue
            path = po_path(locales_dir, locale, domain)
            catalog = _read(path, locale, domain)
            catalog.update(template, update_header_comment=False)
            catalog.obsolete.clear()
            _write(path, catalog)
        for derived, source in DERIVED.items():
            _write(
                po_path(locales_dir, derived, domain),
                transliterated(
                    _read(po_path(locales_dir, source, domain), source, domain), derived, domain
                ),
            )


def transliterated(source: Catalog, locale: str, domain: str) -> Catalog:
    catalog = Catalog(
        locale=locale,
        domain=domain,
        project="civicbot",
        creation_date=CREATED,
        header_comment="# Generated from sr (Cyrillic) by `civicbot catalogs "
        "update`: edit the sr catalog, not this one.",
    )
    for message in source:
        if not message.id:
            continue
        string = message.string
        if isinstance(string, tuple | list):
            string = tuple(serbian_to_latin(s) for s in string)
        else:
            string = serbian_to_latin(string or "")
        catalog.add(
            message.id,
            string,
            list(message.locations),
            flags=message.flags,
            context=message.context,
        )
    return catalog


def compile_all(locales_dir: Path) -> None:
    for locale in LOCALES:
        for po in sorted((locales_dir / locale / "LC_MESSAGES").glob("*.po")):
            catalog = _read(po, locale, po.stem)
            with po.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)


def check(locales_dir: Path) -> list[str]:
    """Every message of every domain translated in every locale (en may keep the source)."""
    problems = []
    for domain in DOMAINS:
        wanted = {m.id for m in extract(domain) if m.id}
        if not wanted:
            continue
        for locale in TRANSLATED:
            path = po_path(locales_dir, locale, domain)
            if not path.exists():
                problems.append(f"{locale}/{domain}: catalog missing")
                continue
            catalog = _read(path, locale, domain)
            for message in catalog:
                if not message.id or message.id not in wanted:
                    continue
                wanted_here = message.id
                strings = (
                    message.string
                    if isinstance(message.string, tuple | list)
                    else (message.string,)
                )
                if message.fuzzy or not all(strings):
                    problems.append(f"{locale}/{domain}: untranslated: {_short(wanted_here)}")
                elif len(strings) > 1 and len(strings) != catalog.num_plurals:
                    problems.append(
                        f"{locale}/{domain}: wrong number of plural forms: {_short(wanted_here)}"
                    )
            present = {m.id for m in catalog if m.id}
            for missing in sorted(wanted - present, key=str):
                problems.append(f"{locale}/{domain}: missing: {_short(missing)}")
    return problems


def _short(message_id: str | tuple[str, ...] | list[str]) -> str:
    text = message_id if isinstance(message_id, str) else message_id[0]
    return repr(text[:60])
