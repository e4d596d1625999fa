"""An event as organisers describe it (YAML) and as the bot shows it.

`EventSpec` is the validated, typed form of one event. It round-trips through
`storage.base.EventRecord.spec` (plain JSON), so what was imported is exactly what is shown.
Texts are maps locale -> text; `localized` picks the reader's one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.i18n.scripts import serbian_to_latin
from bot.i18n.translator import N_
from storage.base import EventRecord

Texts = dict[str, str]  # locale -> text
ANY_LANGUAGE = "*"  # the key of a text given as one plain string

# Built-in fields: the question asked, the short label of the summary and the export column.
BUILTIN_FIELDS: dict[str, dict[str, Any]] = {
    "name": {"type": "name", "required": True,
             "question": N_("What is your full name?"), "label": N_("Name")},
    "email": {"type": "email", "required": True,
              "question": N_("What is your e-mail address?"), "label": N_("E-mail")},
    "phone": {"type": "phone", "required": False,
              "question": N_("What is your phone number?"), "label": N_("Phone")},
    "organisation": {"type": "text", "required": False,
                     "question": N_("Which organisation do you represent?"),
                     "label": N_("Organisation")},
}
CUSTOM_TYPES = ("text", "number", "choice")


def localized(texts: Texts, locale: str) -> str:
    """The text in `locale`, else its closest relative, else English, else the first given.

    Serbian Latin readers get a Cyrillic-only text transliterated (the organiser wrote it once).
    """
    if not texts:
        return ""
    if locale in texts:
        return texts[locale]
    if locale == "sr_Latn" and "sr" in texts:
        return serbian_to_latin(texts["sr"])
    base = locale.split("_")[0]
    for candidate in (base, *(k for k in texts if k.split("_")[0] == base), "en", ANY_LANGUAGE):
        if candidate in texts:
            return texts[candidate]
    return next(iter(texts.values()))


@dataclass(frozen=True)
class ChoiceOption:
    id: str
    label: Texts


@dataclass(frozen=True)
class FieldSpec:
    id: str  # name | email | phone | organisation, or the organiser's own
    type: str  # name | email | phone | text | number | choice
    required: bool
    label: Texts = field(default_factory=dict)  # empty for built-ins: our translated question
    options: tuple[ChoiceOption, ...] = ()
    minimum: float | None = None  # number fields
    maximum: float | None = None
    integer: bool = True  # number fields: whole numbers only (a count), unless `integer: false`

    @property
    def builtin(self) -> bool:
        return self.id in BUILTIN_FIELDS

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "required": self.required}
        if self.label:
            data["label"] = self.label
        if self.options:
            data["options"] = [{"id": o.id, "label": o.label} for o in self.options]
        if self.minimum is not None:
            data["min"] = self.minimum
        if self.maximum is not None:
            data["max"] = self.maximum
        if self.type == "number" and not self.integer:
            data["integer"] = False
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FieldSpec:
        return cls(
            id=data["id"], type=data["type"], required=data["required"],
            label=data.get("label", {}),
            options=tuple(ChoiceOption(o["id"], o["label"]) for o in data.get("options", ())),
            minimum=data.get("min"), maximum=data.get("max"),
            integer=data.get("integer", True))


@dataclass(frozen=True)
class EventSpec:
    id: str
    title: Texts
    description: Texts
    starts_at: datetime  # aware
    ends_at: datetime | None
    timezone: str  # IANA
    location: Texts
    registration_deadline: datetime  # aware
    fields: tuple[FieldSpec, ...]
    capacity: int | None = None
    country: str | None = None  # ISO 3166 alpha-2: default region for phone numbers
    consent: Texts | None = None
    reminders: dict[str, list[str]] = field(default_factory=dict)  # ISO 8601 durations
    source: str = ""
    revision: int = 0  # from storage: +1 on every change
    cancelled: bool = False  # from storage: cancelled by an admin (never imported)

    def title_for(self, locale: str) -> str:
        return localized(self.title, locale)

    def description_for(self, locale: str) -> str:
        return localized(self.description, locale)

    def location_for(self, locale: str) -> str:
        return localized(self.location, locale)

    def consent_for(self, locale: str) -> str | None:
        return None if self.consent is None else localized(self.consent, locale)

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def custom_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if not f.builtin]

    # -- storage ---------------------------------------------------------------------------

    def to_record(self) -> EventRecord:
        return EventRecord(
            id=self.id, spec=self.to_json(), starts_at=self.starts_at, ends_at=self.ends_at,
            timezone=self.timezone, location=dict(self.location),
            registration_deadline=self.registration_deadline, capacity=self.capacity,
            reminders={k: list(v) for k, v in self.reminders.items()}, source=self.source)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": None if self.ends_at is None else self.ends_at.isoformat(),
            "timezone": self.timezone, "location": self.location,
            "registration_deadline": self.registration_deadline.isoformat(),
            "capacity": self.capacity, "country": self.country, "consent": self.consent,
            "reminders": self.reminders, "fields": [f.to_json() for f in self.fields],
        }

    @classmethod
    def from_record(cls, record: EventRecord) -> EventSpec:
        data = record.spec
        return cls(
            id=record.id, title=data["title"], description=data["description"],
            starts_at=record.starts_at, ends_at=record.ends_at, timezone=record.timezone,
            location=record.location, registration_deadline=record.registration_deadline,
            fields=tuple(FieldSpec.from_json(f) for f in data["fields"]),
            capacity=record.capacity, country=data.get("country"),
            consent=data.get("consent"), reminders=record.reminders, source=record.source,
            revision=record.revision, cancelled=record.cancelled)
