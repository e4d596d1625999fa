"""Event files (YAML) -> validated `EventSpec`s -> the database.

A file is checked whole before anything is written: every problem is reported (which file,
which event, which key, why) and a file with any problem changes nothing. Import then writes
all events of one run in one transaction (`Store.save_events`).

The format (see examples/events.yaml)::

    events:
      - id: ogp-2027                      # a-z, 0-9, - and _; used in /register ogp-2027
        title: {sr: ..., en: ...}         # or one string
        description: ...
        starts_at: 2027-03-19T10:00:00+01:00
        ends_at: 2027-03-19T16:00:00+01:00          # optional
        timezone: Europe/Belgrade
        location: ...
        country: RS                                  # optional: phone numbers' default region
        registration_deadline: 2027-03-17T17:00:00+01:00   # or a date: end of that day
        capacity: 120                                # optional: no limit without it
        fields: [name, email, {id: phone, required: true},
                 {id: role, type: choice, label: {...}, options: [...]},
                 {id: guests, type: number, label: ..., min: 0, max: 5}]  # whole numbers;
                                                  # integer: false allows decimals
        consent: ...                                 # optional
        reminders: {deadline: [P3D, P1D], event: [P1D, PT2H]}   # optional
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from icalendar.prop import vDuration

from bot.config import LOCALES
from bot.content.faq import load_yaml_safely
from bot.content.model import ContentError
from bot.content.readers import DEFAULT_MAX_BYTES, decode_text, read_bounded
from bot.events.model import (
    ANY_LANGUAGE,
    BUILTIN_FIELDS,
    CUSTOM_TYPES,
    ChoiceOption,
    EventSpec,
    FieldSpec,
)
from storage.base import EventChange, Registration, Store

EVENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVENT_KEYS = {"id", "title", "description", "starts_at", "ends_at", "timezone", "location",
              "country", "registration_deadline", "capacity", "fields", "consent", "reminders"}
REQUIRED_KEYS = ("id", "title", "description", "starts_at", "timezone", "location",
                 "registration_deadline", "fields")
FIELD_KEYS = {"id", "type", "label", "required", "options", "min", "max", "integer"}
REMINDER_KINDS = ("deadline", "event")
RESERVED_COLUMNS = {"status", "registered_at", "position"}  # export columns
MAX_OPTIONS = 20  # one button each
MAX_TEXT = 4000
_LOCALE_KEYS = {code.lower(): code for code in LOCALES} | {"sr_cyrl": "sr"}


class EventFileError(ValueError):
    """An event file we refuse; `errors` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[EventChange] = field(default_factory=list)  # moved in time or place
    promoted: list[Registration] = field(default_factory=list)  # a raised capacity's new seats

    @property
    def changed_time_or_place(self) -> list[str]:
        return sorted({change.event_id for change in self.changes})


# -- reading files ---------------------------------------------------------------------------


def is_events_document(data: object) -> bool:
    """Whether parsed YAML is an event file (the content importer asks this)."""
    return isinstance(data, dict) and "events" in data


def read_events_file(path: Path) -> list[EventSpec]:
    """Parse and validate one YAML file; EventFileError names every problem."""
    name = path.name
    if not path.exists():
        raise EventFileError([f"{path}: no such file"])
    try:
        # The content importer's reader: size-bounded, encoding detected, YAML loaded safely
        # with aliases (billion laughs) and deep nesting refused.
        data = load_yaml_safely(path, decode_text(path, read_bounded(path, DEFAULT_MAX_BYTES)))
    except ContentError as error:
        raise EventFileError([str(error)]) from None
    except OSError as error:
        raise EventFileError([f"{path}: cannot read it ({error})"]) from None
    if not isinstance(data, dict):
        raise EventFileError([f"{name}: expected a mapping with an 'events:' list at the top"])
    return parse_events_yaml(data, name)


def read_events_files(paths: Iterable[Path]) -> list[EventSpec]:
    """All files' events, or EventFileError with the problems of every file (and duplicates
    across files)."""
    errors: list[str] = []
    specs: list[EventSpec] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            found = read_events_file(path)
        except EventFileError as error:
            errors.extend(error.errors)
            continue
        for spec in found:
            if spec.id in seen:
                errors.append(f"{path.name}: event {spec.id!r}: id: also defined in "
                              f"{seen[spec.id]}")
            seen[spec.id] = path.name
            specs.append(spec)
    if errors:
        raise EventFileError(errors)
    return specs


# -- validation ------------------------------------------------------------------------------


def parse_events_yaml(data: dict[str, Any], source: str) -> list[EventSpec]:
    """Validate a parsed event file; raises EventFileError listing every problem."""
    events = data.get("events")
    if not isinstance(events, list):
        raise EventFileError([f"{source}: events: expected a list of events"])
    errors: list[str] = []
    specs: list[EventSpec] = []
    seen: set[str] = set()
    for number, raw in enumerate(events, 1):
        event_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"{source}: event #{number}" + (
            f" ({event_id!r})" if isinstance(event_id, str) else "")
        checker = _Checker(where)
        spec = checker.event(raw, source)
        if spec is not None and spec.id in seen:
            checker.error("id", f"{spec.id!r} is used by an earlier event in this file")
        errors.extend(checker.errors)
        if spec is not None and not checker.errors:
            seen.add(spec.id)
            specs.append(spec)
    if errors:
        raise EventFileError(errors)
    return specs


class _Checker:
    """Validates one event, collecting 'where: key: why' lines instead of stopping at one."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.errors: list[str] = []

    def error(self, key: str, why: str) -> None:
        self.errors.append(f"{self.where}: {key}: {why}")

    def event(self, raw: object, source: str) -> EventSpec | None:
        if not isinstance(raw, dict):
            self.errors.append(f"{self.where}: expected a mapping of keys (id, title, ...)")
            return None
        for key in sorted(set(map(str, raw)) - EVENT_KEYS):
            self.error(key, f"unknown key (known: {', '.join(sorted(EVENT_KEYS))})")
        for key in REQUIRED_KEYS:
            if raw.get(key) is None:
                self.error(key, "required")
        event_id = self._event_id(raw.get("id"))
        title = self._texts("title", raw.get("title"))
        description = self._texts("description", raw.get("description"))
        location = self._texts("location", raw.get("location"))
        timezone = self._timezone(raw.get("timezone"))
        starts_at = self._moment("starts_at", raw.get("starts_at"), timezone)
        ends_at = self._moment("ends_at", raw.get("ends_at"), timezone)
        deadline = self._moment("registration_deadline", raw.get("registration_deadline"),
                                timezone, end_of_day=True)
        self._check_order(starts_at, ends_at, deadline)
        capacity = self._capacity(raw.get("capacity"))
        country = self._country(raw.get("country"))
        fields = self._fields(raw.get("fields"))
        consent = self._texts("consent", raw.get("consent")) if "consent" in raw else None
        reminders = self._reminders(raw.get("reminders"))
        if self.errors or event_id is None or starts_at is None or deadline is None \
                or timezone is None or title is None or description is None \
                or location is None or fields is None:
            return None
        return EventSpec(
            id=event_id, title=title, description=description, starts_at=starts_at,
            ends_at=ends_at, timezone=timezone, location=location,
            registration_deadline=deadline, fields=fields, capacity=capacity, country=country,
            consent=consent, reminders=reminders, source=source)

    # -- keys ------------------------------------------------------------------------------

    def _event_id(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not EVENT_ID.match(value):
            self.error("id", f"{value!r} is not a valid id: use 1-40 lower-case letters, "
                             "digits, '-' or '_', starting with a letter or digit")
            return None
        return value

    def _texts(self, key: str, value: object) -> dict[str, str] | None:
        """A string, or a map locale -> string."""
        if value is None:
            return None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if not text:
                self.error(key, "is empty")
                return None
            return {ANY_LANGUAGE: text}
        if not isinstance(value, dict) or not value:
            self.error(key, "expected a text or a map of language -> text (e.g. en: ..., sl: ...)")
            return None
        texts: dict[str, str] = {}
        for raw_locale, text in value.items():
            locale = _LOCALE_KEYS.get(str(raw_locale).replace("-", "_").lower())
            if locale is None:
                self.error(f"{key}.{raw_locale}", "unknown language (use en, sl, sr, sr_Latn, "
                                                  "pl or uk)")
                continue
            if not isinstance(text, str) or not text.strip():
                self.error(f"{key}.{raw_locale}", "expected a non-empty text")
                continue
            if len(text) > MAX_TEXT:
                self.error(f"{key}.{raw_locale}", f"longer than {MAX_TEXT} characters")
                continue
            texts[locale] = text.strip()
        return texts or None

    def _timezone(self, value: object) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            self.error("timezone", f"{value!r} is not an IANA time zone (e.g. Europe/Belgrade)")
            return None
        return str(value)

    def _moment(self, key: str, value: object, timezone: str | None,
                end_of_day: bool = False) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
            with suppress(ValueError):  # 2027-02-30: the datetime parser below says why
                value = date.fromisoformat(value.strip())  # quoted in YAML: still a date
        if isinstance(value, date) and not isinstance(value, datetime):
            if not end_of_day:
                self.error(key, f"{value} has no time: write e.g. {value}T10:00:00+01:00")
                return None
            if timezone is None:
                return None  # the time zone's own error says why
            return datetime.combine(value, time(23, 59, 59), ZoneInfo(timezone))
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                self.error(key, f"{value!r} is not an ISO 8601 date and time "
                                "(e.g. 2027-03-19T10:00:00+01:00)")
                return None
        if not isinstance(value, datetime):
            self.error(key, "expected an ISO 8601 date and time (e.g. 2027-03-19T10:00:00+01:00)")
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.error(key, f"{value.isoformat()} has no UTC offset: write e.g. "
                            f"{value.isoformat()}+01:00")
            return None
        return value

    def _check_order(self, starts_at: datetime | None, ends_at: datetime | None,
                     deadline: datetime | None) -> None:
        if starts_at and ends_at and ends_at <= starts_at:
            self.error("ends_at", "is not after starts_at")
        last = ends_at or starts_at
        if last and deadline and deadline > last:
            self.error("registration_deadline", "is after the event "
                       + ("ends" if ends_at else "starts"))

    def _capacity(self, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error("capacity", f"expected a whole number of seats, at least 1 (got {value!r})")
            return None
        return value

    def _country(self, value: object) -> str | None:
        if value is None:
            return None
        code = str(value).strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            self.error("country", f"{value!r} is not a two-letter country code (e.g. SI, RS, PL)")
            return None
        return code

    def _reminders(self, value: object) -> dict[str, list[str]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error("reminders", "expected a map like {deadline: [P3D, P1D], event: [PT2H]}")
            return {}
        reminders: dict[str, list[str]] = {}
        for kind, durations in value.items():
            key = f"reminders.{kind}"
            if kind not in REMINDER_KINDS:
                self.error(key, f"unknown (use {' or '.join(REMINDER_KINDS)})")
                continue
            items = durations if isinstance(durations, list) else [durations]
            good = [d for d in (self._duration(key, item) for item in items) if d]
            if len(good) == len(items):
                reminders[kind] = good
        return reminders

    def _duration(self, key: str, value: object) -> str | None:
        text = str(value).strip().upper()
        try:
            duration = vDuration.from_ical(text)
        except (ValueError, TypeError):
            duration = None
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            self.error(key, f"{value!r} is not a positive ISO 8601 duration (e.g. P3D, PT2H)")
            return None
        return text

    # -- fields ----------------------------------------------------------------------------

    def _fields(self, value: object) -> tuple[FieldSpec, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            self.error("fields", "expected a list (e.g. [name, email, phone])")
            return None
        fields: list[FieldSpec] = []
        for index, raw in enumerate(value, 1):
            spec = self._field(f"fields[{index}]", raw)
            if spec is None:
                continue
            if any(f.id == spec.id for f in fields):
                self.error(f"fields[{index}]", f"{spec.id!r} is asked twice")
                continue
            fields.append(spec)
        return tuple(fields)

    def _field(self, key: str, raw: object) -> FieldSpec | None:
        if isinstance(raw, str):
            raw = {"id": raw}
        if not isinstance(raw, dict):
            self.error(key, "expected a built-in field name (name, email, phone, organisation) "
                            "or a map with id, label and type")
            return None
        for unknown in sorted(set(map(str, raw)) - FIELD_KEYS):
            self.error(f"{key}.{unknown}", f"unknown key (known: {', '.join(sorted(FIELD_KEYS))})")
        field_id = raw.get("id")
        if not isinstance(field_id, str) or not FIELD_ID.match(field_id):
            self.error(f"{key}.id", f"{field_id!r} is not a valid field id (lower-case letters, "
                                    "digits and '_', starting with a letter)")
            return None
        key = f"{key} ({field_id})"
        required = raw.get("required")
        if required is not None and not isinstance(required, bool):
            self.error(f"{key}.required", "expected true or false")
            return None
        if field_id in BUILTIN_FIELDS:
            return self._builtin_field(key, field_id, raw, required)
        return self._custom_field(key, field_id, raw, required)

    def _builtin_field(self, key: str, field_id: str, raw: dict[str, Any],
                       required: bool | None) -> FieldSpec | None:
        builtin = BUILTIN_FIELDS[field_id]
        for not_allowed in ("type", "options", "min", "max", "integer"):
            if not_allowed in raw:
                self.error(f"{key}.{not_allowed}", f"not for the built-in field {field_id!r}")
        label = self._texts(f"{key}.label", raw["label"]) if "label" in raw else {}
        if label is None:
            return None
        return FieldSpec(field_id, builtin["type"],
                         builtin["required"] if required is None else required, label)

    def _custom_field(self, key: str, field_id: str, raw: dict[str, Any],
                      required: bool | None) -> FieldSpec | None:
        if field_id in RESERVED_COLUMNS:
            self.error(f"{key}.id", f"{field_id!r} is reserved for the export; choose another")
            return None
        kind = raw.get("type", "text")
        if kind not in CUSTOM_TYPES:
            self.error(f"{key}.type", f"{kind!r} is not one of {', '.join(CUSTOM_TYPES)}")
            return None
        if "label" not in raw:
            self.error(f"{key}.label", "required: the question to ask")
            return None
        label = self._texts(f"{key}.label", raw["label"])
        options = self._options(key, raw.get("options")) if kind == "choice" else ()
        if kind != "choice" and "options" in raw:
            self.error(f"{key}.options", "only for type: choice")
        minimum, maximum = (self._number(key, raw, "min"), self._number(key, raw, "max")) \
            if kind == "number" else (None, None)
        if kind != "number" and ("min" in raw or "max" in raw):
            self.error(f"{key}.min", "min and max are only for type: number")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.error(f"{key}.max", "is smaller than min")
        integer = raw.get("integer", True)
        if kind != "number" and "integer" in raw:
            self.error(f"{key}.integer", "only for type: number")
        elif not isinstance(integer, bool):
            self.error(f"{key}.integer", "expected true (whole numbers, the default) or false "
                                         "(decimals allowed)")
            integer = True
        if label is None or options is None:
            return None
        return FieldSpec(field_id, kind, True if required is None else required, label,
                         options, minimum, maximum, integer)

    def _options(self, key: str, value: object) -> tuple[ChoiceOption, ...] | None:
        if not isinstance(value, list) or not value:
            self.error(f"{key}.options", "type: choice needs a list of options")
            return None
        if len(value) > MAX_OPTIONS:
            self.error(f"{key}.options", f"at most {MAX_OPTIONS} options (one button each)")
            return None
        options: list[ChoiceOption] = []
        for index, raw in enumerate(value, 1):
            where = f"{key}.options[{index}]"
            if isinstance(raw, str | int) and not isinstance(raw, bool):
                option_id, label = _slug(str(raw)), self._texts(where, str(raw))
            elif isinstance(raw, dict) and set(raw) <= {"id", "label"} and "label" in raw:
                label = self._texts(f"{where}.label", raw["label"])
                first = next(iter(label.values()), "") if label else ""
                option_id = str(raw["id"]) if raw.get("id") is not None else _slug(first)
            else:
                self.error(where, "expected a text or a map with id and label")
                continue
            if label is None:
                continue
            if not option_id or any(o.id == option_id for o in options):
                self.error(where, f"option id {option_id!r} is empty or used twice")
                continue
            options.append(ChoiceOption(option_id, label))
        return tuple(options) if len(options) == len(value) else None

    def _number(self, key: str, raw: dict[str, Any], name: str) -> float | None:
        value = raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(f"{key}.{name}", f"expected a number (got {value!r})")
            return None
        return value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:32] or text.strip()[:32]


# -- import ----------------------------------------------------------------------------------


async def import_events(store: Store, specs: list[EventSpec], now: datetime) -> ImportResult:
    """Write validated events (one transaction); says what was created, updated, unchanged,
    and which events moved in time or place (also recorded as `event_changes` rows)."""
    result = ImportResult()
    saved = await store.save_events([spec.to_record() for spec in specs], now)
    for item in saved:
        bucket: list[str] = getattr(result, item.outcome)  # created | updated | unchanged
        bucket.append(item.event_id)
        result.changes.extend(item.changes)
        result.promoted.extend(item.promoted)
    return result


async def import_event_files(store: Store, paths: Iterable[Path], now: datetime) -> ImportResult:
    """Validate every file, then import all their events in one transaction: the one call
    `civicbot content import` needs for `.yaml` files with an `events:` key. Raises
    EventFileError (every problem, one line each) and then writes nothing."""
    return await import_events(store, read_events_files(paths), now)
