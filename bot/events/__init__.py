"""Events and registrations: the event model, YAML loading and validation, answers, iCalendar
files and how events look in a chat. Handlers: handlers/events.py, handlers/registration.py;
storage: storage/sql/events.py; CLI: bot/cli/events.py; the registrations export:
bot/events/export.py."""

from bot.events.loader import (
    EventFileError,
    ImportResult,
    import_event_files,
    import_events,
    is_events_document,
    parse_events_yaml,
    read_events_file,
    read_events_files,
)
from bot.events.model import EventSpec, FieldSpec, localized
from bot.events.passages import EventPassage, event_passages

__all__ = [
    "EventFileError",
    "EventPassage",
    "EventSpec",
    "FieldSpec",
    "ImportResult",
    "event_passages",
    "import_event_files",
    "import_events",
    "is_events_document",
    "localized",
    "parse_events_yaml",
    "read_events_file",
    "read_events_files",
]
