"""The Telegram adapter's pure parts: HTML rendering, splitting long texts, keyboards, limits."""

from __future__ import annotations

import asyncio
import time

from bot.adapters.telegram import (
    MAX_MESSAGE,
    Limits,
    SendLimiter,
    keyboard,
    parts_of,
    render_html,
    split_rich,
    utf16_len,
)
from bot.pipeline.types import Attachment, Button, Reply, bold, code, italic, join, link


def test_every_piece_is_escaped_and_styles_become_tags():
    text = join("a <b>fake</b> & ", bold("<i>x</i>"), " ", italic("it"), " ", code("1 < 2"))
    assert render_html(text) == (
        "a &lt;b&gt;fake&lt;/b&gt; &amp; <b>&lt;i&gt;x&lt;/i&gt;</b> <i>it</i> "
        "<code>1 &lt; 2</code>")


def test_links_are_escaped_and_only_safe_schemes_become_anchors():
    assert render_html(join(link("site", 'https://e.org/?a=1&b="2"'))) == (
        '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">site</a>')
    assert render_html(join(link("x", "javascript:alert(1)"))) == "x (javascript:alert(1))"
    assert render_html(join(link("https://t.me/Bot", "https://t.me/Bot"))) == (
        '<a href="https://t.me/Bot">https://t.me/Bot</a>')


def test_short_text_is_one_piece():
    text = join("Hello ", bold("Ana"))
    assert split_rich(text) == [text]


def test_long_text_splits_on_paragraphs_and_keeps_styles():
    paragraph = "word " * 300  # 1,500 characters
    text = join(*[join(bold(f"Title {i}"), "\n", paragraph.strip()) for i in range(6)],
                sep="\n\n")
    pieces = split_rich(text)
    assert len(pieces) == 3
    assert all(len(p.plain) <= MAX_MESSAGE for p in pieces)
    assert all(p.plain.startswith("Title") and p.plain.endswith("word") for p in pieces)
    assert "\n\n".join(p.plain for p in pieces) == text.plain
    assert all(render_html(p).startswith("<b>Title") for p in pieces)


def test_a_paragraph_without_breaks_splits_on_words_then_hard():
    words = join(" ".join(["abcdefghij"] * 1000))
    pieces = split_rich(words)
    assert all(len(p.plain) <= MAX_MESSAGE for p in pieces)
    assert "".join(p.plain for p in pieces).replace(" ", "") == words.plain.replace(" ", "")
    one_word = join("y" * 10_000)
    assert [len(p.plain) for p in split_rich(one_word)] == [4096, 4096, 1808]


def test_length_counts_utf16_units_like_telegram():
    emoji = join("😀" * 3000)  # 6,000 UTF-16 units
    pieces = split_rich(emoji)
    assert [utf16_len(p.plain) for p in pieces] == [4096, 1904]


def test_buttons_become_an_inline_keyboard_and_bad_ones_are_dropped():
    markup = keyboard([[Button("Yes", "f:x:yes"), Button("No", "f:x:no")],
                       [Button("too long", "p" * 65), Button(" ", "empty")]])
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["f:x:yes", "f:x:no"]]
    assert keyboard([[Button("x", "y" * 70)]]) is None


def test_parts_put_buttons_under_the_last_piece_and_files_as_documents():
    long_text = "para\n\n" * 1500
    parts = parts_of(Reply.of(long_text, [[Button("OK", "ok")]]))
    assert len(parts) == 3 and parts[-1].markup is not None
    assert all(p.markup is None for p in parts[:-1])
    ics = Attachment("event.ics", b"BEGIN:VCALENDAR", "text/calendar")
    (doc,) = parts_of(Reply.of(join("Your ", bold("ticket")), attachment=ics))
    assert doc.document is ics and doc.html == "Your <b>ticket</b>"
    split = parts_of(Reply.of("c" * 2000, attachment=ics))  # too long for a caption
    assert [p.document is not None for p in split] == [False, True]
    assert parts_of(Reply.of("   ")) == []


async def test_limiter_keeps_one_message_a_second_per_chat_and_a_global_rate():
    limiter = SendLimiter(Limits(per_second=20, chat_interval=0.2, group_per_minute=None,
                                 margin=0.0))
    starts: list[float] = []

    async def send(chat: int) -> None:
        async with limiter.slot(chat):
            starts.append(time.monotonic())

    began = time.monotonic()
    await asyncio.gather(*(send(1) for _ in range(3)))
    assert starts[-1] - began >= 0.39  # 3 to one chat: two pauses of 0.2 s
    starts.clear()
    began = time.monotonic()
    await asyncio.gather(*(send(100 + i) for i in range(40)))
    assert starts[-1] - began >= 0.99  # 40 chats at 20/s: the second 20 wait a second


async def test_limiter_holds_a_chat_after_flood_control():
    limiter = SendLimiter(Limits(per_second=None, chat_interval=None, group_per_minute=None))
    limiter.hold(7, 0.3)
    began = time.monotonic()
    async with limiter.slot(8):
        assert time.monotonic() - began < 0.1  # other chats are not held
    async with limiter.slot(7):
        assert time.monotonic() - began >= 0.29
