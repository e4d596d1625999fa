"""Matrix events into `Incoming`: pure functions, no client, no homeserver.

`incoming` reads one timeline event of a room, given what the adapter knows beyond the event
(`Seen`: whether the room is a private chat, the options shown there, the bot's recent
messages, the bot's commands). In a direct chat with one person everything is for the bot; in
a group only a command of ours, a mention of the bot or a reply to one of its messages. A
number, keycap or label among the shown options presses that button; a keycap reaction to the
message that listed them too. Edits and notices are never new messages; a file comes with the
message, downloaded only if a handler takes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import nio
from nio.crypto import decrypt_attachment

from bot.adapters.files import matrix_file
from bot.pipeline.router import option_number, parse_command, typed_button
from bot.pipeline.types import Button, Incoming, IncomingFile

PLATFORM = "matrix"


@dataclass(frozen=True, slots=True)
class Seen:
    """What the adapter knows of a room beyond the event it reads."""

    bot_id: str
    private: bool  # a direct chat with exactly one person (`is_private`)
    options: list[Button]  # the options the bot shows in the room, in order
    option_events: list[str]  # the bot's messages that list them (reactions go there)
    sent: Collection[str]  # the bot's latest messages: a reply to one is for the bot
    commands: Container[str]  # the bot's command names
    homeserver: str  # where a file is downloaded from
    access_token: Callable[[], str]  # asked at download time (a new login replaces it)


def incoming(room: nio.MatrixRoom, event: Any, seen: Seen) -> Incoming | None:
    """The message for the core, or None when the event is nothing the bot answers."""
    private = seen.private
    if isinstance(event, nio.ReactionEvent):
        return _reaction(room, event, seen)
    if isinstance(event, nio.RoomMessageNotice):
        return None  # notices are what bots send; answering them makes loops
    if isinstance(event, nio.RoomMessageText | nio.RoomMessageEmote):
        return _text_message(room, event, seen)
    if not private:
        return None  # files and stickers in a group are for the people there
    if isinstance(event, nio.RoomMessageMedia | nio.RoomEncryptedMedia):
        # A file (an image, a recording too) is downloaded only if a handler takes it
        # (an admin's document); the core answers one nobody takes as a message without text.
        content = event.source.get("content") or {}
        file = matrix_file(seen.homeserver, seen.access_token, content, decrypt_attachment)
        return _make(room, event, "", private, private, file=file)
    if isinstance(event, nio.StickerEvent):
        return _make(room, event, "", private, private)
    return None


def _text_message(room: nio.MatrixRoom, event: Any, seen: Seen) -> Incoming | None:
    private = seen.private
    content = event.source.get("content") or {}
    relation = content.get("m.relates_to") or {}
    if isinstance(relation, dict) and relation.get("rel_type") == "m.replace":
        return None  # an edit of an earlier message, which was answered already
    text = event.body if isinstance(event.body, str) else ""
    replied_to = None
    if isinstance(relation, dict) and isinstance(relation.get("m.in_reply_to"), dict):
        text = strip_reply_fallback(text)
        replied_to = relation["m.in_reply_to"].get("event_id")
    addressed = private or replied_to in seen.sent
    if not private:
        names = bot_names(room, seen.bot_id)
        if mentions_bot(text, content, seen.bot_id, names):
            addressed = True
            text = without_mention(text, seen.bot_id, names)
    text = command_alias(text, seen.commands)
    if not private and our_command(text, seen.commands):
        addressed = True  # an unknown /command in a group is for somebody else
    if not addressed:
        return None
    button = pressed_button(text, seen.options) if seen.options else None
    if button is not None:  # the typed text goes along: a number may be the answer
        return _make(room, event, text, private, True, button.payload)
    return _make(room, event, text, private, addressed, reply_to=replied_to)


def _reaction(room: nio.MatrixRoom, event: nio.ReactionEvent, seen: Seen) -> Incoming | None:
    options = seen.options
    number = keycap_number(event.key)
    if event.reacts_to not in seen.option_events or number is None or not (
        1 <= number <= len(options)
    ):
        return None  # a reaction to something else, or an emoji that is no option
    return _make(room, event, "", seen.private, True, options[number - 1].payload)


def _make(
    room: nio.MatrixRoom,
    event: Any,
    text: str,
    private: bool,
    addressed: bool,
    payload: str | None = None,
    reply_to: str | None = None,
    file: IncomingFile | None = None,
) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        chat_id=room.room_id,
        user_id=event.sender,
        text=text,
        payload=payload,
        language_hint=None,  # Matrix tells nothing: writing decides
        is_private=private,
        addressed_to_bot=addressed,
        display_name=room.user_name(event.sender) or event.sender,
        message_id=event.event_id,
        reply_to=reply_to,
        file=file,
    )


def is_private(room: nio.MatrixRoom, bot_id: str, direct_peer: str | None) -> bool:
    """A direct chat with exactly one person (a third member makes it a group); `direct_peer`:
    whom the invite to the room named as the direct chat's person, if the bot saw it."""
    others = [u for u in room.users if u != bot_id]
    if len(others) != 1:
        return False
    if direct_peer is not None:
        return True
    # A room we did not see the invite of: two members and no name is a direct chat.
    return room.name is None and room.canonical_alias is None


def bot_names(room: nio.MatrixRoom, bot_id: str) -> list[str]:
    """What people may call the bot in the room: its display name there, localpart, id."""
    localpart = bot_id.split(":", 1)[0].removeprefix("@")
    shown = room.user_name(bot_id)
    return [n for n in (shown, localpart, bot_id) if n]


def command_alias(text: str, commands: Container[str]) -> str:
    """'!help' works like '/help' (Element keeps '/...' for its own commands)."""
    if text.startswith("!") and len(text) > 1:
        name = text[1:].split(maxsplit=1)[0].lower() if text[1:].strip() else ""
        if name in commands:
            return "/" + text[1:]
    return text


def our_command(text: str, commands: Container[str]) -> bool:
    command = parse_command(text)
    return command is not None and command[0] in commands


def keycap_number(text: str) -> int | None:
    """1 for '1', '1.', '1️⃣' or '1⃣'; None when the text is not a lone option number."""
    cleaned = text.strip().replace("\ufe0f", "")
    if cleaned == "🔟":
        return 10
    cleaned = cleaned.removesuffix("\u20e3").removesuffix(".").removesuffix(")")
    return option_number(cleaned)


def pressed_button(text: str, options: list[Button]) -> Button | None:
    number = keycap_number(text)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    return typed_button(text, options)


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted '> <@someone> ...' block older clients put before a reply's text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).lstrip("\n")


def mentions_bot(text: str, content: dict, bot_id: str, names: Iterable[str]) -> bool:
    mentions = content.get("m.mentions")
    if isinstance(mentions, dict) and bot_id in (mentions.get("user_ids") or []):
        return True
    formatted = content.get("formatted_body")
    if isinstance(formatted, str) and any(
        f"matrix.to/#/{target}" in formatted for target in (bot_id, quote(bot_id))
    ):
        return True
    return bot_id in text or leading_mention(text, bot_id, names) is not None


def leading_mention(text: str, bot_id: str, names: Iterable[str]) -> re.Match[str] | None:
    """'civicbot: ...', 'Civic Bot, ...', '@civicbot:example.org ...' at the start."""
    others = "|".join(
        re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n and n != bot_id
    )
    who = rf"{re.escape(bot_id)}" + (rf"|@?(?:{others})" if others else "")
    return re.match(rf"^\s*(?:{who})(?:\s*[:,]\s*|\s+|$)", text, re.IGNORECASE)


def without_mention(text: str, bot_id: str, names: Iterable[str]) -> str:
    match = leading_mention(text, bot_id, names)
    text = text[match.end() :] if match else text
    return text.replace(bot_id, "").strip()


def fresh_timeline(events: list[Any], bot_id: str) -> list[Any]:
    """The events of a room's timeline that came after the bot entered the room.

    The cut is the bot's invite when the timeline shows it, else its join: Element sends the
    first message of a new direct chat right after the invite, before the bot can join, and
    that message is meant for the bot; anything older is history and is ignored."""
    cut = -1
    for index, event in enumerate(events):
        if isinstance(event, nio.RoomMemberEvent) and event.state_key == bot_id:
            entering_join = event.membership == "join" and event.prev_membership not in (
                "join",
                "invite",
            )
            if event.membership == "invite" or entering_join:
                cut = index
    return events[cut + 1 :]
