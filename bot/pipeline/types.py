"""Platform-neutral messages: what adapters hand to the core and what the core hands back.

Formatting is structural: a `Rich` text is a sequence of styled segments, never markup. User
data can only ever become the *content* of a segment, so every adapter escapes it when it
renders its own markup (Telegram HTML, Matrix formatted_body) and nobody can inject formatting.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum


class Style(Enum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    style: Style = Style.PLAIN
    url: str | None = None  # only for Style.LINK


@dataclass(frozen=True, slots=True)
class Rich:
    segments: tuple[Segment, ...]

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.segments)

    def __add__(self, other: Rich | str) -> Rich:
        return Rich(self.segments + as_rich(other).segments)

    def __len__(self) -> int:
        return sum(len(s.text) for s in self.segments)


def as_rich(value: Rich | Segment | str) -> Rich:
    if isinstance(value, Rich):
        return value
    if isinstance(value, Segment):
        return Rich((value,))
    return Rich((Segment(str(value)),))


def bold(text: str) -> Segment:
    return Segment(str(text), Style.BOLD)


def italic(text: str) -> Segment:
    return Segment(str(text), Style.ITALIC)


def code(text: str) -> Segment:
    return Segment(str(text), Style.CODE)


def link(text: str, url: str) -> Segment:
    return Segment(str(text), Style.LINK, url)


def join(*parts: Rich | Segment | str, sep: str = "") -> Rich:
    segments: list[Segment] = []
    for i, part in enumerate(parts):
        if i and sep:
            segments.append(Segment(sep))
        segments.extend(as_rich(part).segments)
    return Rich(tuple(segments))


_FIELD = re.compile(r"\{(\w+)\}")


def fmt(template: str, **values: Rich | Segment | str | int | float) -> Rich:
    """Fill `{name}` fields of a (translated) template with styled values.

    Unlike str.format the values keep their styles, and the template's own braces need no
    escaping beyond `{name}` fields, which is what translators see in the catalogs.
    """
    segments: list[Segment] = []
    position = 0
    for match in _FIELD.finditer(template):
        name = match.group(1)
        if name not in values:
            continue
        if match.start() > position:
            segments.append(Segment(template[position : match.start()]))
        value = values[name]
        styled = value if isinstance(value, Rich | Segment) else str(value)
        segments.extend(as_rich(styled).segments)
        position = match.end()
    if position < len(template):
        segments.append(Segment(template[position:]))
    return Rich(tuple(segments))


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str  # short, opaque to the adapter; parsed and validated by the router


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: Rich
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    attachment: Attachment | None = None

    @staticmethod
    def of(
        text: Rich | Segment | str,
        buttons: Iterable[Iterable[Button]] = (),
        attachment: Attachment | None = None,
    ) -> Reply:
        return Reply(as_rich(text), tuple(tuple(row) for row in buttons), attachment)

    @property
    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


@dataclass(frozen=True, slots=True)
class Address:
    """Where a message goes: a chat on a platform (a private chat is the person's address)."""

    platform: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file a person sent (a Telegram document, a Matrix m.file, a console /file PATH),
    not yet read: `fetch(max_bytes)` downloads it only when a handler decides to, refusing
    more than `max_bytes` (bot.adapters.files.FileTooLarge) before and while downloading."""

    name: str  # as the sender named it (never trusted as a path)
    size: int | None  # as the platform declares it; None when it does not say
    mime_type: str
    fetch: Callable[[int], Awaitable[bytes]] = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message or button press from a person, as any adapter delivers it."""

    platform: str
    chat_id: str
    user_id: str
    text: str = ""
    payload: str | None = None  # set when a button was pressed
    language_hint: str | None = None  # e.g. Telegram's language_code
    is_private: bool = True
    addressed_to_bot: bool = True  # in groups: a command, a mention or a reply to the bot
    display_name: str = ""
    message_id: str | None = None
    reply_to: str | None = None  # the id of the message this one replies to, if any
    file: IncomingFile | None = None  # a document sent; `text` is then its caption

    @property
    def address(self) -> Address:
        return Address(self.platform, self.chat_id)


@dataclass(slots=True)
class Outgoing:
    """A proactive message for the outbox: replies addressed to a chat."""

    address: Address
    replies: list[Reply]
    kind: str  # reminder | broadcast | promotion | ...
    dedupe_key: str  # unique per intended delivery: the outbox refuses a second copy
    person_id: int | None = None
    meta: Mapping[str, str] = field(default_factory=dict)


def replies_to_json(replies: Iterable[Reply]) -> list[dict]:
    """Serialise replies for the outbox (rendered in the recipient's locale before storing)."""
    import base64

    return [
        {
            "text": [[s.text, s.style.value, s.url] for s in r.text.segments],
            "buttons": [[[b.label, b.payload] for b in row] for row in r.buttons],
            "attachment": None
            if r.attachment is None
            else {
                "filename": r.attachment.filename,
                "mime_type": r.attachment.mime_type,
                "content": base64.b64encode(r.attachment.content).decode(),
            },
        }
        for r in replies
    ]


def replies_from_json(data: list[dict]) -> list[Reply]:
    import base64

    replies = []
    for item in data:
        text = Rich(tuple(Segment(t, Style(s), u) for t, s, u in item["text"]))
        buttons = tuple(
            tuple(Button(label, payload) for label, payload in row) for row in item["buttons"]
        )
        att = item.get("attachment")
        attachment = (
            None
            if att is None
            else Attachment(att["filename"], base64.b64decode(att["content"]), att["mime_type"])
        )
        replies.append(Reply(text, buttons, attachment))
    return replies
