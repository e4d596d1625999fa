"""Replies into Matrix content: pure functions, no client, no homeserver.

Each reply is one m.text event (plain `body`, escaped HTML `formatted_body`, an empty
m.mentions); its buttons become a numbered list, keycaps 1️⃣ .. 🔟 while they fit, which double
as reactions the person can tap; a file is one m.file event after it. Every event carries a
transaction id derived from the caller's key and the reply itself.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any
from urllib.parse import urlsplit

from bot.adapters.console import render_plain
from bot.i18n.translator import N_
from bot.pipeline.types import Attachment, Reply, Rich, Style, replies_to_json

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
SAFE_SCHEMES = ("http", "https", "mailto", "tel", "matrix")

CHOOSE_OR_REACT = N_("To choose an option, reply with its number or tap its reaction.")
CHOOSE = N_("To choose an option, reply with its number.")


def render_html(text: Rich) -> str:
    """`formatted_body` for a Rich text: every piece of text and every URL escaped."""
    parts = []
    for segment in text.segments:
        body = html.escape(segment.text).replace("\n", "<br>")
        if segment.style is Style.BOLD:
            body = f"<strong>{body}</strong>"
        elif segment.style is Style.ITALIC:
            body = f"<em>{body}</em>"
        elif segment.style is Style.CODE:
            body = f"<code>{body}</code>"
        elif segment.style is Style.LINK and segment.url and _safe_url(segment.url):
            body = f'<a href="{html.escape(segment.url, quote=True)}">{body}</a>'
        elif segment.style is Style.LINK and segment.url and segment.url != segment.text:
            body = f"{body} ({html.escape(segment.url)})"
        parts.append(body)
    return "".join(parts)


def _safe_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in SAFE_SCHEMES


def option_marker(number: int, total: int) -> str:
    """1️⃣ .. 🔟 while the options fit the keycaps (they double as reactions), else '11.'."""
    return KEYCAPS[number - 1] if total <= len(KEYCAPS) else f"{number}."


def message_content(reply: Reply, first_number: int, total: int, hint: str | None) -> dict:
    """An m.text event for one reply: plain `body` plus HTML `formatted_body`."""
    plain = render_plain(reply.text)
    rich = render_html(reply.text)
    buttons = reply.all_buttons
    if buttons:
        lines = [
            f"{option_marker(first_number + i, total)} {b.label}" for i, b in enumerate(buttons)
        ]
        plain += "\n\n" + "\n".join(lines)
        rich += "<br><br>" + "<br>".join(html.escape(line) for line in lines)
        if hint:
            plain += "\n\n" + hint
            rich += f"<br><br><em>{html.escape(hint)}</em>"
    # An empty m.mentions: words in our text never ping anybody by accident.
    return {
        "msgtype": "m.text",
        "body": plain,
        "format": "org.matrix.custom.html",
        "formatted_body": rich,
        "m.mentions": {},
    }


def transaction_id(key: str, index: int, part: str, reply: Reply) -> str:
    """Stable across retries of the same send (Synapse then returns the first event instead of
    sending again); different for a different message under a reused key (a reset database)."""
    digest = hashlib.sha256(json.dumps(replies_to_json([reply]), sort_keys=True).encode())
    digest.update(f"\0{key}\0{index}\0{part}".encode())
    return "civicbot-" + digest.hexdigest()[:40]


def with_reactions(total: int) -> bool:
    """Whether the options of a send also get keycap reactions (up to ten of them)."""
    return 0 < total <= len(KEYCAPS)


def choice_hint(total: int) -> str:
    """The (untranslated) line that tells how to choose among `total` options."""
    return CHOOSE_OR_REACT if total <= len(KEYCAPS) else CHOOSE


def reaction_content(event_id: str, number: int) -> dict:
    """The keycap reaction of option `number` on the message `event_id` that lists it."""
    return {
        "m.relates_to": {
            "rel_type": "m.annotation",
            "event_id": event_id,
            "key": KEYCAPS[number - 1],
        }
    }


def file_content(
    attachment: Attachment, content_uri: str, *, encrypted: bool, keys: dict | None = None
) -> dict:
    """The m.file event of an uploaded attachment; in an encrypted room with the decryption
    `keys` nio's upload returned."""
    content: dict[str, Any] = {
        "msgtype": "m.file",
        "body": attachment.filename,
        "filename": attachment.filename,
        "info": {"mimetype": attachment.mime_type, "size": len(attachment.content)},
    }
    if encrypted:
        content["file"] = {
            **(keys or {}),
            "url": content_uri,
            "mimetype": attachment.mime_type,
        }
    else:
        content["url"] = content_uri
    return content
