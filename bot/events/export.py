"""The registrations of an event as a spreadsheet or JSON: for `civicbot registrations
export` and for the admin's CSV in chat (handlers/event_admin.py)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.events.model import EventSpec, localized
from storage.base import EventRecord, Registration

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_columns(event: EventSpec) -> list[str]:
    """name, email (+ phone, organisation when asked), status, registered_at, custom fields."""
    builtins = ["name", "email", *(f.id for f in event.fields
                                   if f.builtin and f.id not in ("name", "email"))]
    return [*builtins, "status", "position", "registered_at",
            *(f.id for f in event.custom_fields)]


def export_rows(record: EventRecord, registrations: list[Registration]) -> list[dict[str, Any]]:
    event = EventSpec.from_record(record)
    columns = export_columns(event)
    rows = []
    for registration in registrations:
        values: dict[str, Any] = {
            **{c: None for c in columns}, **registration.fields,
            "status": registration.status, "position": registration.position,
            "registered_at": registration.registered_at.isoformat(timespec="seconds")}
        for spec in event.custom_fields:  # a choice's label rather than its id
            option = next((o for o in spec.options if o.id == values.get(spec.id)), None)
            if option is not None:
                values[spec.id] = localized(option.label, "en")
        rows.append({c: values.get(c) for c in columns})
    return rows


def export_csv(record: EventRecord, registrations: list[Registration]) -> str:
    columns = export_columns(EventSpec.from_record(record))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in export_rows(record, registrations):
        writer.writerow({k: excel_safe(v) for k, v in row.items()})
    return out.getvalue()


def export_json(record: EventRecord, registrations: list[Registration]) -> str:
    return json.dumps({"event": record.id, "registrations": export_rows(record, registrations)},
                      ensure_ascii=False, indent=2) + "\n"


def excel_safe(value: Any) -> str:
    """A cell Excel and LibreOffice show as text: a leading =, +, -, @, tab or CR would make
    it a formula (CSV injection), so such values get a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text

