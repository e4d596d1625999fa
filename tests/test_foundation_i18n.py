"""Translations: every locale complete, real, with the right plural rules."""

from __future__ import annotations

from babel.messages.pofile import read_po

from bot.config import LOCALES, Config
from bot.i18n.catalogs import DOMAINS, check, extract
from bot.i18n.scripts import serbian_to_latin
from bot.i18n.translator import Catalogs, choose_locale, normalize_locale


def test_every_catalog_is_complete(config: Config) -> None:
    assert check(config.locales_dir) == []


def test_translations_are_real_not_english_copies(config: Config) -> None:
    catalogs = Catalogs(config.locales_dir)
    for domain in DOMAINS:
        ids = [m.id for m in extract(domain) if m.id and isinstance(m.id, str)]
        long_ids = [i for i in ids if len(i) > 25]
        for locale in LOCALES:
            if locale == "en":
                continue
            t = catalogs.translator(locale)
            copies = [i for i in long_ids if t.gettext(i) == i]
            assert not copies, f"{locale}/{domain} keeps English: {copies[:3]}"


def test_plural_rules_come_from_the_locale(config: Config) -> None:
    expected = {"sl": 4, "pl": 3, "uk": 3, "sr": 3, "sr_Latn": 3}
    for locale, plurals in expected.items():
        path = config.locales_dir / locale / "LC_MESSAGES" / "civicbot.po"
        with path.open("rb") as handle:
            assert read_po(handle, locale=locale).num_plurals == plurals, locale


def test_serbian_latin_is_the_transliterated_cyrillic(config: Config) -> None:
    catalogs = Catalogs(config.locales_dir)
    message = "Choose your language:"
    cyrillic = catalogs.translator("sr").gettext(message)
    assert cyrillic == "Изаберите језик:"
    assert catalogs.translator("sr_Latn").gettext(message) == serbian_to_latin(cyrillic)
    assert serbian_to_latin("ЉУБАВ и Његош, џеп") == "LJUBAV i Njegoš, džep"


def test_locale_codes_people_type() -> None:
    assert normalize_locale("SR-latn") == "sr_Latn"
    assert normalize_locale("sr-Cyrl") == "sr"
    assert normalize_locale("pl-PL") == "pl"
    assert normalize_locale("bs") == "sr_Latn"
    assert normalize_locale("de") is None


def test_locale_choice_order() -> None:
    pick = choose_locale
    assert (
        pick(explicit="pl", remembered_hint="sl", platform_hint="uk", text="", default="en") == "pl"
    )
    assert (
        pick(explicit=None, remembered_hint="sl", platform_hint="uk", text="", default="en") == "uk"
    )
    assert (
        pick(explicit=None, remembered_hint=None, platform_hint=None, text="", default="sl") == "sl"
    )
    assert (
        pick(explicit=None, remembered_hint="sr_Latn", platform_hint="sr", text="", default="en")
        == "sr_Latn"
    )
    assert (
        pick(explicit=None, remembered_hint=None, platform_hint="sr", text="Здраво", default="en")
        == "sr"
    )


def test_dates_follow_the_locale_and_time_zone(config: Config) -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 3, 13, 15, 0, tzinfo=UTC)
    catalogs = Catalogs(config.locales_dir)
    assert "16:00" in catalogs.translator("sl").datetime(moment, "Europe/Ljubljana")
    assert (
        catalogs.translator("sr_Latn")
        .datetime(moment, "Europe/Belgrade")
        .startswith("subota, 13. mart 2027")
    )
    assert "marca" in catalogs.translator("pl").date(moment, "Europe/Warsaw")
