"""The repository interface: everything the core and handlers may ask of storage.

SQLite (embedded default) implements it today; PostgreSQL will implement the same methods and
run the same tests. Handlers never see SQL, only these methods and the records below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, overload


def to_db_time(moment: datetime) -> str:
    """UTC ISO-8601 with fixed width, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every stored time is timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@overload
def from_db_time(value: str) -> datetime: ...
@overload
def from_db_time(value: None) -> None: ...
@overload
def from_db_time(value: str | None) -> datetime | None: ...
def from_db_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def returned_row(cursor: Any) -> Any:
    """The row a statement that always yields one returns (RETURNING, an aggregate)."""
    row = await cursor.fetchone()
    assert row is not None, "the statement returned no row"
    return row


@dataclass(slots=True)
class Person:
    id: int
    locale: str | None
    hint_locale: str | None
    subscribed: bool
    unreachable: bool
    admin: bool = False  # holds an admin role granted by chat (configured admins are separate)


@dataclass(slots=True)
class Conversation:
    """A running form: which one, at which step, with the answers so far."""

    form: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


@dataclass(slots=True)
class OutboxItem:
    id: int
    kind: str
    person_id: int | None
    platform: str
    chat_id: str
    body: list[dict]
    attempts: int
    batch: str | None


class CoreStore(Protocol):
    """People, conversation state, the outbox, events and registrations."""

    async def close(self) -> None: ...
    async def ping(self) -> bool: ...
    async def schema_version(self) -> int: ...
    async def backup(self, target: str) -> None: ...

    # people
    async def person_for_identity(
        self, platform: str, user_id: str, chat_id: str | None, now: datetime
    ) -> Person: ...
    async def find_person(self, platform: str, user_id: str) -> Person | None: ...
    async def get_person(self, person_id: int) -> Person | None: ...
    async def set_locale(self, person_id: int, locale: str | None) -> None: ...
    async def set_hint_locale(self, person_id: int, locale: str | None) -> None: ...
    async def set_subscribed(self, person_id: int, subscribed: bool) -> None: ...
    async def set_unreachable(self, person_id: int, unreachable: bool) -> None: ...
    async def private_address(self, person_id: int) -> tuple[str, str] | None: ...
    async def forget_person(self, person_id: int) -> None: ...
    async def person_export(self, person_id: int) -> dict[str, Any]: ...

    # conversation state
    async def get_conversation(self, person_id: int) -> Conversation | None: ...
    async def save_conversation(
        self, person_id: int, conv: Conversation, now: datetime
    ) -> None: ...
    async def clear_conversation(self, person_id: int) -> None: ...
    async def expired_conversations(self, older_than: datetime) -> list[int]: ...

    # outbox
    async def enqueue(
        self,
        *,
        dedupe_key: str,
        kind: str,
        person_id: int | None,
        platform: str,
        chat_id: str,
        body: list[dict],
        not_before: datetime,
        now: datetime,
        batch: str | None = None,
        priority: int = 0,
    ) -> bool: ...
    async def claim_outbox(
        self, platform: str, chat_id: str | None, worker: str, now: datetime, limit: int
    ) -> list[OutboxItem]: ...
    async def finish_outbox(self, item_id: int, state: str, now: datetime,
                            error: str | None = None) -> None: ...
    async def retry_outbox(self, item_id: int, not_before: datetime, error: str) -> None: ...
    async def begin_send(self, item_id: int) -> None: ...
    async def recover_outbox(
        self, worker: str, stale_before: datetime, resend_platforms: tuple[str, ...] = ()
    ) -> int: ...
    async def outbox_counts(self, batch: str | None = None) -> dict[str, int]: ...

    # -- events and registrations (events capability: storage/sql/events.py) -------------
    async def save_events(self, events: list[EventRecord], now: datetime) -> list[EventSaved]: ...
    async def get_event(self, event_id: str) -> EventRecord | None: ...
    async def list_events(self, *, ending_after: datetime | None = None) -> list[EventRecord]: ...
    async def event_changes(self, *, unannounced: bool = True) -> list[EventChange]: ...
    async def mark_event_change_announced(self, change_id: int, now: datetime) -> None: ...
    async def register(
        self, event_id: str, person_id: int, fields: dict[str, Any], *, locale: str | None,
        consented: bool, now: datetime,
    ) -> RegistrationOutcome: ...
    async def get_registration(self, event_id: str, person_id: int) -> Registration | None: ...
    async def person_registrations(self, person_id: int) -> list[Registration]: ...
    async def event_registrations(
        self, event_id: str, statuses: tuple[str, ...] = ("confirmed", "waiting")
    ) -> list[Registration]: ...
    async def cancel_registration(
        self, event_id: str, person_id: int, now: datetime
    ) -> CancelOutcome: ...
    async def pending_promotion_notices(self, limit: int = 100) -> list[Registration]: ...
    async def mark_promotion_noticed(self, registration_id: int) -> None: ...


# -- events and registrations (owned by the events capability) -------------------------------
# Records of storage/sql/events.py; bot/events builds and reads them.


@dataclass(slots=True)
class EventRecord:
    """An event as stored: the columns queries need, plus the whole imported spec (JSON)."""

    id: str
    spec: dict[str, Any]
    starts_at: datetime
    ends_at: datetime | None
    timezone: str
    location: dict[str, str]
    registration_deadline: datetime
    capacity: int | None
    reminders: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""
    revision: int = 0  # +1 on every change: the iCalendar SEQUENCE
    confirmed: int = 0  # active registrations, counted when read
    waiting: int = 0
    cancelled: bool = False  # status 'cancelled' (bot.reminders.cancel_event), read only

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


@dataclass(slots=True)
class EventChange:
    """A re-import moved an event in time ('time') or space ('place')."""

    event_id: str
    what: str
    old: Any
    new: Any
    id: int | None = None
    changed_at: datetime | None = None


@dataclass(slots=True)
class Registration:
    id: int
    event_id: str
    person_id: int | None
    status: str  # confirmed | waiting | cancelled
    seq: int  # arrival order within the event
    registered_at: datetime
    fields: dict[str, Any]  # name, email, phone, organisation and the custom answers
    locale: str | None = None
    position: int | None = None  # on the waiting list: 1 = the next to get a seat


@dataclass(slots=True)
class EventSaved:
    event_id: str
    outcome: str  # created | updated | unchanged
    changes: list[EventChange] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)  # capacity was raised


@dataclass(slots=True)
class RegistrationOutcome:
    result: str  # confirmed | waiting | already | closed | unknown-event
    registration: Registration | None = None


@dataclass(slots=True)
class CancelOutcome:
    cancelled: Registration | None  # None: there was nothing to cancel
    promoted: list[Registration] = field(default_factory=list)


# -- content and question answering (qa capability: storage/sql/content.py) ---------------
# Documents, their passages with normalised index terms (bot.qa.textnorm), FAQ entries. The
# search ranks passages with BM25 over those terms: FTS5 on SQLite, the same formula over a
# tsvector on PostgreSQL (storage/postgres_content.py), so both give the same answers.


@dataclass(slots=True)
class ContentPassage:
    heading: str
    text: str
    lang: str
    terms: str  # space-separated [a-z0-9]+ index terms
    # What it means (bot/qa/semantic.py): its vector, and its sentences' (float16 rows);
    # None where it was indexed without the encoder.
    vector: bytes | None = None
    sentence_vectors: bytes | None = None
    # Its words as the answering reads them (bot.qa.textnorm.index_words), one line a word:
    # computed once, at import; None where indexed before they were kept.
    words: str | None = None


@dataclass(slots=True)
class FaqRecord:
    key: str
    questions: dict[str, str]  # locale -> question (phrasings one per line)
    answers: dict[str, str]  # locale -> answer
    source: str = ""  # the document (file) it came from


@dataclass(slots=True)
class ContentDocument:
    """An imported file (or an event's description: kind 'event', name 'event:<id>')."""

    name: str  # the imported file's base name: unique
    title: str
    lang: str
    kind: str  # document | faq | event
    checksum: str  # of the source: an unchanged one is not imported again
    indexer: str = ""  # version of the term normalisation that indexed it
    passages: list[ContentPassage] = field(default_factory=list)
    faq: list[FaqRecord] = field(default_factory=list)
    imported_at: datetime | None = None
    passage_count: int = 0  # filled by list_documents


@dataclass(slots=True)
class PassageHit:
    document: str
    title: str
    heading: str
    text: str
    lang: str
    score: float  # BM25, higher is better
    position: int
    sentence_vectors: bytes | None = None  # only from document_passages, passages_at
    words: str | None = None  # see ContentPassage.words


@dataclass(slots=True)
class PassageVector:
    """One passage's vector, for the search by meaning (see ContentStore.passage_vectors)."""

    id: int
    document: str
    position: int
    vector: bytes


class StoreUnavailable(Exception):
    """The database cannot be opened or migrated. The message is one line naming the
    database (never its password) and the reason."""

    def __init__(self, redacted: str, error: BaseException) -> None:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if isinstance(error, OSError) and error.strerror:
            reason = error.strerror + (f": {error.filename}" if error.filename else "")
        super().__init__(f"cannot open the database {redacted}: {reason}")


class ContentConflict(Exception):
    """A document that cannot be saved as it is (a FAQ key another document owns)."""


class ContentStore(Protocol):
    async def content_checksums(self, kind: str | None = None) -> dict[str, tuple[str, str]]: ...
    async def save_document(self, document: ContentDocument, now: datetime) -> str: ...
    async def sync_documents(self, kind: str, documents: list[ContentDocument],
                             keep: set[str], now: datetime) -> int: ...
    async def remove_document(self, name: str) -> bool: ...
    async def list_documents(self) -> list[ContentDocument]: ...
    async def search_passages(self, terms: list[str], limit: int) -> list[PassageHit]: ...
    async def document_passages(self, names: list[str], most: int = 40) -> list[PassageHit]: ...
    async def passages_at(self, places: list[tuple[str, int]]) -> list[PassageHit]: ...
    async def remember_answer(self, person_id: int, document: str, now: datetime) -> None: ...
    async def last_answer(self, person_id: int, since: datetime) -> str | None: ...
    async def faq_entries(self) -> list[FaqRecord]: ...
    async def vectors_version(self) -> int: ...
    async def passage_vectors(self) -> list[PassageVector]: ...


# -- admin roles, audit log, broadcasts (admin capability: storage/sql/admin.py) -----------


@dataclass(slots=True)
class AdminRole:
    platform: str
    user_id: str
    granted_by: str
    granted_at: datetime | None


@dataclass(slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    detail: str


@dataclass(slots=True)
class BroadcastRecord:
    id: int
    created_by: str
    report_to: int | None  # the person who gets progress reports
    audience: str  # all | locale:<code> | event:<id> | waitlist:<id>
    texts: dict[str, str]  # locale -> text; "*" for everyone else
    recipients: int
    created_at: datetime
    finished_at: datetime | None


class AdminStore(Protocol):
    async def grant_admin(self, platform: str, user_id: str, by: str, now: datetime) -> bool: ...
    async def revoke_admin(self, platform: str, user_id: str) -> bool: ...
    async def list_admin_roles(self) -> list[AdminRole]: ...
    async def audit(self, actor: str, action: str, detail: str, now: datetime) -> None: ...
    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]: ...


class BroadcastStore(Protocol):
    async def count_audience(self, audience: str, locales: list[str],
                             default_locale: str) -> int: ...
    async def create_broadcast(self, *, created_by: str, report_to: int | None, audience: str,
                               texts: dict[str, str], bodies: dict[str, list[dict]],
                               default_locale: str, now: datetime) -> BroadcastRecord: ...
    async def get_broadcast(self, broadcast_id: int) -> BroadcastRecord | None: ...
    async def recent_broadcasts(self, limit: int = 5) -> list[BroadcastRecord]: ...
    async def unfinished_broadcasts(self) -> list[BroadcastRecord]: ...
    async def finish_broadcast(self, broadcast_id: int, now: datetime) -> bool: ...


# -- reminders (reminders capability: storage/sql/reminders.py, bot/reminders.py) ---------


@dataclass(slots=True)
class ReminderRule:
    """One timed reminder of an event: `ref` (an ISO 8601 offset) before `moment`, due then."""

    kind: str  # deadline | event
    ref: str
    moment: datetime
    due_at: datetime


@dataclass(slots=True)
class DueReminder:
    """A claimed reminder row with what deciding and rendering it needs, read when claimed."""

    id: int
    kind: str  # deadline | event | change | cancelled
    event_id: str
    person_id: int
    ref: str
    moment: datetime
    due_at: datetime
    locale: str | None  # the person's explicit choice, else their hint
    subscribed: bool
    reminders_off: bool
    unreachable: bool
    platform: str | None  # their private chat (None: none known)
    chat_id: str | None
    registration: str | None  # confirmed | waiting | cancelled | None
    event_status: str  # scheduled | cancelled
    timezone: str
    starts_at: datetime
    ends_at: datetime | None
    registration_deadline: datetime


@dataclass(slots=True)
class ReminderDelivery:
    """A reminder handed to the outbox (rendered in the recipient's locale)."""

    reminder_id: int
    dedupe_key: str
    kind: str  # the outbox kind: deadline-reminder | event-reminder | event-change | ...
    person_id: int
    platform: str
    chat_id: str
    body: list[dict]


@dataclass(slots=True)
class PlannedReminder:
    kind: str  # deadline | event
    event_id: str
    ref: str
    moment: datetime
    due_at: datetime


@dataclass(slots=True)
class EventCancellation:
    result: str  # cancelled | already | over | unknown-event
    notified: int = 0  # registrants who will be told


class RemindersStore(Protocol):
    async def plan_reminders(
        self, now: datetime, rules: Callable[[EventRecord], list[ReminderRule]], *,
        full: bool = False,
    ) -> int: ...
    async def announce_event_changes(self, now: datetime) -> int: ...
    async def cancel_event(self, event_id: str, now: datetime) -> EventCancellation: ...
    async def event_status(self, event_id: str) -> str | None: ...
    async def claim_due_reminders(self, worker: str, now: datetime,
                                  limit: int) -> list[DueReminder]: ...
    async def settle_reminders(
        self, worker: str, now: datetime, *, sent: list[ReminderDelivery],
        skipped: list[tuple[int, str]], moved: list[tuple[int, datetime, datetime]],
        released: list[int],
    ) -> int: ...
    async def next_reminder_due(self) -> datetime | None: ...
    async def recover_reminders(self, worker: str, stale_before: datetime) -> int: ...
    async def person_reminders(self, person_id: int) -> list[PlannedReminder]: ...
    async def reminders_off(self, person_id: int) -> bool: ...
    async def set_reminders_off(self, person_id: int, off: bool) -> None: ...
    async def event_changes_by_id(self, ids: list[int]) -> list[EventChange]: ...
    async def reminder_counts(self, event_id: str | None = None) -> dict[str, int]: ...


# -- "ask the team": unanswered questions and tickets (storage/sql/handoff.py) ---------------


@dataclass(slots=True)
class Ticket:
    id: int
    person_id: int | None  # None once closed: the answer went through the outbox
    question: str
    locale: str
    display_name: str | None
    state: str  # open | answered | unreachable
    staff_chat: str  # platform:chat
    staff_message_id: str | None
    answer: str | None
    answered_by: str | None
    faq_key: str | None
    created_at: datetime
    closed_at: datetime | None


@dataclass(slots=True)
class UnansweredQuestion:
    id: int
    person_id: int | None
    text: str
    locale: str
    asked_at: datetime


@dataclass(slots=True)
class TicketOpened:
    """What opening a ticket did: `opened` (with the ticket), `exists` (that question went to
    the team before: the same ticket), `too-many` (the person has MAX open tickets)."""

    result: str
    ticket: Ticket | None = None


# The body of the staff chat's message, rendered once the ticket has its number.
TicketRender = Callable[[Ticket], list[dict]]


class HandoffStore(Protocol):
    async def record_unanswered(self, person_id: int, text: str, locale: str,
                                now: datetime) -> int: ...
    async def get_unanswered(self, question_id: int) -> UnansweredQuestion | None: ...
    async def unanswered_since(self, since: datetime, *,
                               person_id: int | None = None) -> list[UnansweredQuestion]: ...
    async def open_ticket(self, *, person_id: int, question: str, locale: str,
                          display_name: str, question_id: int | None, staff_chat: str,
                          max_open: int, render: TicketRender, now: datetime) -> TicketOpened: ...
    async def get_ticket(self, ticket_id: int) -> Ticket | None: ...
    async def ticket_by_message(self, staff_chat: str, message_id: str) -> Ticket | None: ...
    async def set_ticket_message(self, ticket_id: int, message_id: str | None) -> None: ...
    async def tickets(self, *, open_only: bool = False) -> list[Ticket]: ...
    async def person_tickets(self, person_id: int) -> list[Ticket]: ...
    async def answer_ticket(self, ticket_id: int, *, answer: str, answered_by: str,
                            outbox: dict[str, Any], now: datetime) -> bool: ...
    async def mark_ticket_unreachable(self, ticket_id: int, now: datetime) -> int | None: ...
    async def save_ticket_faq(self, ticket_id: int, key: str, now: datetime) -> bool: ...
    async def staff_faq_entries(self) -> list[FaqRecord]: ...
    async def remove_faq_entry(self, key: str) -> str | None: ...
    async def set_staff_chat_status(self, chat: str, reachable: bool, error: str | None,
                                    now: datetime) -> None: ...
    async def staff_chat_status(self, chat: str) -> tuple[bool, str | None] | None: ...
    async def forget_handoff_older_than(self, cutoff: datetime) -> int: ...


# -- uploads: files admins send in a chat (storage/sql/uploads.py, bot/content/upload.py) --


@dataclass(slots=True)
class UploadRecord:
    """One import of a file sent in a chat, with what its Undo needs."""

    id: int
    uploaded_by: str  # platform:user id
    document: str  # the file's base name
    kind: str  # document | faq | events
    status: str  # created | updated
    checksum: str  # sha256 of the file sent
    previous: dict[str, Any] | None  # the document it replaced (uploads.previous JSON)
    events_created: list[str]
    events_previous: list[dict[str, Any]]  # the event records it replaced
    created_at: datetime
    undone_at: datetime | None = None


class UploadsStore(Protocol):
    async def save_uploaded_document(self, document: ContentDocument, uploaded_by: str,
                                     checksum: str, now: datetime) -> tuple[str, int]: ...
    async def record_upload(self, *, uploaded_by: str, document: str, kind: str, status: str,
                            checksum: str, events_created: list[str],
                            events_previous: list[dict[str, Any]], now: datetime) -> int: ...
    async def add_upload_events(self, upload_id: int, events_created: list[str],
                                events_previous: list[dict[str, Any]]) -> None: ...
    async def get_upload(self, upload_id: int) -> UploadRecord | None: ...
    async def undo_document_upload(self, upload: UploadRecord, now: datetime) -> str: ...
    async def delete_unregistered_events(self, event_ids: list[str]) -> list[str]: ...
    async def mark_upload_undone(self, upload_id: int, now: datetime) -> bool: ...


# -- inbox: incoming platform updates, recorded before they are confirmed (bot/pipeline/inbox.py) --


@dataclass(slots=True)
class InboxItem:
    """One incoming update as recorded: what is needed to handle it (again, after a crash)."""

    platform: str
    update_id: int
    lane: str  # updates of one lane are handled one after another, in update id order
    verdict: str  # flood control counted at arrival: allow | warn
    payload: str  # the update as the platform sent it (JSON)
    state: str = "pending"  # pending | handled (its replies recorded, not yet all sent)
    replies: str = ""  # once handled: what to send (JSON, the adapter's own shape)


class InboxStore(Protocol):
    async def inbox_add(self, items: list[InboxItem], states: list[str], worker: str,
                        now: datetime) -> list[int]: ...
    async def inbox_state(self, platform: str, update_id: int) -> tuple[str, datetime] | None: ...
    async def inbox_take_over(self, platform: str, update_id: int, worker: str, now: datetime,
                              stale_before: datetime) -> InboxItem | None: ...
    async def inbox_pending(self, platform: str, limit: int = 1000) -> list[InboxItem]: ...
    async def inbox_handled(self, platform: str, update_id: int, replies: str) -> None: ...
    async def inbox_done(self, platform: str, update_id: int, now: datetime) -> None: ...
    async def inbox_prune(self, before: datetime) -> int: ...


# -- the one interface ---------------------------------------------------------------------


class Store(
    CoreStore, ContentStore, AdminStore, BroadcastStore, RemindersStore, HandoffStore,
    UploadsStore, InboxStore,
    Protocol,
):
    """Everything Core, Context, handlers and services may ask of storage, whichever backend
    (storage/sqlite.py, storage/postgres.py) provides it: one interface, checked by mypy."""
