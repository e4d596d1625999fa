"""The Matrix adapter's own logic without a homeserver: rendering, escaping, options, mentions,
history cut-off, persistence. The end-to-end tests (test_matrix_adapter_e2e.py) run it against
Synapse."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nio
import pytest

from bot.adapters.matrix import MatrixAdapter
from bot.adapters.matrix.inbound import (
    Seen,
    command_alias,
    fresh_timeline,
    incoming,
    is_private,
    keycap_number,
    mentions_bot,
    our_command,
    pressed_button,
    strip_reply_fallback,
    without_mention,
)
from bot.adapters.matrix.outbound import (
    CHOOSE,
    CHOOSE_OR_REACT,
    KEYCAPS,
    choice_hint,
    file_content,
    message_content,
    reaction_content,
    render_html,
    transaction_id,
    with_reactions,
)
from bot.adapters.matrix.state import MatrixState
from bot.config import load_config
from bot.pipeline.core import Core
from bot.pipeline.types import Attachment, Button, Reply, Rich, Segment, Style, bold, fmt, link

BOT = "@civicbot:example.org"
ANA = "@ana:example.org"


# -- rendering -----------------------------------------------------------------------------


def test_every_piece_of_text_is_escaped_in_the_html() -> None:
    text = fmt("Hello {name}, see {where}.\n<b>not bold</b>",
               name=bold("<script>alert(1)</script>"),
               where=link('the "agenda" & map', 'https://example.org/a?x=1&y="2"'))
    rendered = render_html(text)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in rendered
    assert '<a href="https://example.org/a?x=1&amp;y=&quot;2&quot;">' in rendered
    assert "the &quot;agenda&quot; &amp; map</a>" in rendered
    assert "<br>&lt;b&gt;not bold&lt;/b&gt;" in rendered


def test_a_link_with_a_dangerous_scheme_is_shown_not_linked() -> None:
    rendered = render_html(Rich((Segment("click", Style.LINK, "javascript:alert(1)"),)))
    assert "<a" not in rendered and rendered == "click (javascript:alert(1))"


def test_buttons_become_keycaps_and_a_hint_in_plain_and_html() -> None:
    reply = Reply.of("Pick <one>", [[Button("Yes & no", "a")], [Button("Later", "b")]])
    content = message_content(reply, 1, 2, "Reply with a number.")
    assert content["body"] == (f"Pick <one>\n\n{KEYCAPS[0]} Yes & no\n{KEYCAPS[1]} Later"
                               "\n\nReply with a number.")
    assert content["formatted_body"] == (
        f"Pick &lt;one&gt;<br><br>{KEYCAPS[0]} Yes &amp; no<br>{KEYCAPS[1]} Later"
        "<br><br><em>Reply with a number.</em>")
    assert content["format"] == "org.matrix.custom.html" and content["m.mentions"] == {}
    many = Reply.of("Pick", [[Button(str(i), str(i))] for i in range(12)])
    assert "\n12. 11" in message_content(many, 1, 12, None)["body"]


def test_transaction_ids_are_stable_per_send_and_differ_per_message() -> None:
    reply = Reply.of("hello")
    assert transaction_id("outbox-1", 0, "text", reply) == \
        transaction_id("outbox-1", 0, "text", reply)
    others = {transaction_id("outbox-2", 0, "text", reply),
              transaction_id("outbox-1", 1, "text", reply),
              transaction_id("outbox-1", 0, "r1", reply),
              transaction_id("outbox-1", 0, "text", Reply.of("hello!"))}
    assert len(others) == 4 and transaction_id("outbox-1", 0, "text", reply) not in others


def test_up_to_ten_options_get_keycap_reactions_and_a_hint_saying_so() -> None:
    assert not with_reactions(0) and with_reactions(1) and with_reactions(10)
    assert not with_reactions(11)
    assert choice_hint(10) == CHOOSE_OR_REACT and choice_hint(11) == CHOOSE
    assert reaction_content("$question", 2) == {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": "$question", "key": KEYCAPS[1]}}


def test_a_file_is_linked_in_clear_or_with_its_keys_in_an_encrypted_room() -> None:
    attachment = Attachment("agenda.pdf", b"%PDF-1.4", "application/pdf")
    clear = file_content(attachment, "mxc://x/abc", encrypted=False)
    assert clear == {"msgtype": "m.file", "body": "agenda.pdf", "filename": "agenda.pdf",
                     "info": {"mimetype": "application/pdf", "size": 8}, "url": "mxc://x/abc"}
    keys = {"key": {"k": "secret"}, "iv": "iv", "hashes": {"sha256": "h"}, "v": "v2"}
    secret = file_content(attachment, "mxc://x/def", encrypted=True, keys=keys)
    assert "url" not in secret and secret["file"] == {
        **keys, "url": "mxc://x/def", "mimetype": "application/pdf"}
    assert secret["info"] == clear["info"]


# -- reading answers -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("1", 1), (" 2 ", 2), ("3.", 3), ("1️⃣", 1), ("1\u20e3", 1), ("🔟", 10),
    ("12 people", None), ("one", None), ("", None), ("1234", None), ("²", None),
    ("1" * 5000, None)])
def test_option_numbers(text: str, number: int | None) -> None:
    assert keycap_number(text) == number


def test_an_answer_presses_by_number_or_label_else_it_is_text() -> None:
    options = [Button("Yes, delete my data", "f:forgetme:yes"), Button("No", "f:forgetme:no")]
    assert pressed_button("1", options) == options[0]
    assert pressed_button("no", options) == options[1]
    assert pressed_button(KEYCAPS[1], options) == options[1]
    assert pressed_button("3", options) is None
    assert pressed_button("maybe", options) is None


def test_reply_fallbacks_are_dropped() -> None:
    assert strip_reply_fallback("> <@bot:x> Which track?\n> 1 2\n\nLaw") == "Law"
    assert strip_reply_fallback("Law") == "Law"


def test_mentions_by_pill_name_or_id() -> None:
    names = ["Civic Bot", "civicbot"]
    assert mentions_bot("hi", {"m.mentions": {"user_ids": [BOT]}}, BOT, names)
    assert mentions_bot("civicbot: hi", {}, BOT, names)
    assert mentions_bot("x", {"formatted_body": '<a href="https://matrix.to/#/@civicbot:'
                                                'example.org">Civic Bot</a>: x'}, BOT, names)
    assert not mentions_bot("the civicbot project is nice", {}, BOT, names)
    assert without_mention("Civic Bot: when is it?", BOT, names) == "when is it?"
    assert without_mention(f"{BOT} /help", BOT, names) == "/help"


# -- history -------------------------------------------------------------------------------


def member(user: str, membership: str, previous: str | None = None) -> Any:
    source: dict[str, Any] = {
        "type": "m.room.member", "state_key": user, "sender": ANA, "event_id": f"$m{membership}",
        "origin_server_ts": 1, "content": {"membership": membership}}
    if previous:
        source["unsigned"] = {"prev_content": {"membership": previous}}
    return nio.Event.parse_event(source)


def text_event(body: str, sender: str = ANA) -> Any:
    return nio.Event.parse_event({
        "type": "m.room.message", "sender": sender, "event_id": f"${body}",
        "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": body}})


def bodies(events: list[Any]) -> list[str]:
    return [e.body for e in events if isinstance(e, nio.RoomMessageText)]


def test_history_before_the_invite_is_ignored_what_came_after_is_not() -> None:
    timeline = [text_event("old"), member(BOT, "invite"), text_event("hello"),
                member(BOT, "join", "invite"), text_event("after")]
    assert bodies(fresh_timeline(timeline, BOT)) == ["hello", "after"]


def test_joining_without_an_invite_cuts_at_the_join() -> None:
    timeline = [text_event("old"), member(BOT, "join"), text_event("new")]
    assert bodies(fresh_timeline(timeline, BOT)) == ["new"]


def test_a_profile_change_of_the_bot_cuts_nothing() -> None:
    timeline = [text_event("a"), member(BOT, "join", "join"), text_event("b")]
    assert bodies(fresh_timeline(timeline, BOT)) == ["a", "b"]


# -- persistence ---------------------------------------------------------------------------


async def test_state_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    state = await MatrixState.open(path)
    await state.save_session(user_id=BOT, homeserver="https://x", device_id="D",
                             access_token="t")
    await state.set_direct("!dm:x", ANA)
    await state.set_options("!dm:x", [Button("Yes", "f:a:yes")], ["$question"])
    await state.mark_handled("$e1")
    await state.close()

    state = await MatrixState.open(path)
    assert state.session() == {"user_id": BOT, "homeserver": "https://x", "device_id": "D",
                               "access_token": "t"}
    assert state.direct_peer("!dm:x") == ANA and state.direct_rooms_of(ANA) == ["!dm:x"]
    assert state.options("!dm:x") == ([Button("Yes", "f:a:yes")], ["$question"])
    assert state.handled("$e1")
    await state.checkpoint("s42")
    assert state.sync_token == "s42" and not state.handled("$e1")
    await state.set_options("!dm:x", [], [])
    assert state.options("!dm:x") == ([], [])
    await state.forget_room("!dm:x")
    await state.close()
    assert path.stat().st_mode & 0o777 == 0o600  # it holds the access token

    state = await MatrixState.open(path)
    assert state.sync_token == "s42" and not state.handled("$e1")
    assert state.direct_peer("!dm:x") is None and state.options("!dm:x") == ([], [])
    await state.close()


async def test_a_slow_state_file_does_not_stop_the_event_loop(tmp_path: Path) -> None:
    """Another process holds the file's write lock (a backup, a slow disk): the write waits
    in the state's thread, while the loop goes on (reading what it knows), and lands after."""
    path = tmp_path / "state.sqlite3"
    state = await MatrixState.open(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        write = asyncio.create_task(state.mark_handled("$e1"))
        started = time.monotonic()
        ticks = 0
        while time.monotonic() - started < 0.5:
            await asyncio.sleep(0.01)
            ticks += 1
        assert not write.done() and ticks > 20  # the loop ran while the write waited
        assert state.handled("$e1")  # and reads answer at once
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await write
    await state.close()
    state = await MatrixState.open(path)
    assert state.handled("$e1")  # on disk
    await state.close()


# -- events into Incoming ------------------------------------------------------------------


@pytest.fixture
async def adapter(core: Core, tmp_path: Path) -> AsyncIterator[MatrixAdapter]:
    config = load_config({"CIVICBOT_DATA_DIR": str(tmp_path),
                          "CIVICBOT_MATRIX_HOMESERVER": "https://matrix.example.org",
                          "CIVICBOT_MATRIX_USER": BOT, "CIVICBOT_MATRIX_PASSWORD": "secret"})
    matrix = MatrixAdapter(config)
    matrix.core = core
    matrix.session.state = await MatrixState.open(tmp_path / "state.sqlite3")
    yield matrix
    await matrix.session.state.close()


def room(room_id: str, *members: str, name: str | None = None) -> nio.MatrixRoom:
    made = nio.MatrixRoom(room_id, BOT)
    made.name = name
    for user in (BOT, *members):
        made.add_member(user, "Civic Bot" if user == BOT else None, None)
    return made


def test_a_two_person_room_is_private_if_the_invite_said_so_or_it_has_no_name() -> None:
    assert is_private(room("!dm:x", ANA), BOT, ANA)
    assert is_private(room("!dm:x", ANA), BOT, None)  # an invite the bot did not see
    assert is_private(room("!dm:x", ANA, name="Ana and the bot"), BOT, ANA)
    assert not is_private(room("!g:x", ANA, name="Ana and the bot"), BOT, None)
    assert not is_private(room("!g:x", ANA, "@bob:example.org"), BOT, ANA)
    assert not is_private(room("!alone:x"), BOT, None)


def test_only_the_bots_own_commands_take_the_bang_alias() -> None:
    commands = {"help", "events"}
    assert command_alias("!help", commands) == "/help"
    assert command_alias("!Events now", commands) == "/Events now"
    assert command_alias("!poll lunch", commands) == "!poll lunch"
    assert command_alias("!", commands) == "!" and command_alias("! ", commands) == "! "
    assert our_command("/help", commands) and not our_command("/poll", commands)


def test_events_are_read_without_a_homeserver_or_a_core() -> None:
    """`incoming` needs only the room, the event and what the adapter knows of the room."""
    group = room("!g:x", ANA, "@bob:example.org", name="Volunteers")
    seen = Seen(bot_id=BOT, private=False, options=[Button("A", "x:a")], option_events=["$q"],
                sent=[], commands={"help"}, homeserver="https://matrix.example.org",
                access_token=lambda: "")
    assert incoming(group, text_event("1"), seen) is None  # not addressed to the bot
    pressed = incoming(group, text_event("civicbot: 1"), seen)
    assert pressed is not None and pressed.payload == "x:a" and pressed.text == "1"
    assert not pressed.is_private and pressed.display_name == ANA


async def test_a_direct_chat_is_private_and_numbers_press_buttons(adapter: MatrixAdapter) -> None:
    assert adapter.session.state is not None
    dm = room("!dm:x", ANA)
    await adapter.session.state.set_direct(dm.room_id, ANA)
    incoming = adapter._incoming(dm, text_event("hello"))
    assert incoming is not None and incoming.is_private and incoming.addressed_to_bot
    assert (incoming.chat_id, incoming.user_id, incoming.language_hint) == ("!dm:x", ANA, None)

    await adapter.session.state.set_options(dm.room_id, [Button("Yes", "f:x:yes")], ["$q"])
    pressed = adapter._incoming(dm, text_event("1"))
    # the typed text goes along: a question that asks for a number takes it as the answer
    assert pressed is not None and pressed.payload == "f:x:yes" and pressed.text == "1"
    assert adapter._incoming(dm, text_event("2")).text == "2"  # type: ignore[union-attr]


async def test_a_third_member_makes_a_direct_chat_a_group(adapter: MatrixAdapter) -> None:
    assert adapter.session.state is not None
    crowded = room("!dm:x", ANA, "@bob:example.org")
    await adapter.session.state.set_direct(crowded.room_id, ANA)
    assert adapter._incoming(crowded, text_event("my phone is 123")) is None


async def test_group_rooms_answer_commands_and_mentions_only(adapter: MatrixAdapter) -> None:
    group = room("!g:x", ANA, "@bob:example.org", name="Volunteers")
    assert adapter._incoming(group, text_event("lunch at noon?")) is None
    assert adapter._incoming(group, text_event("/poll lunch")) is None  # another bot's command
    command = adapter._incoming(group, text_event("!help"))
    assert command is not None and command.text == "/help" and not command.is_private
    mention = adapter._incoming(group, text_event("Civic Bot: when is the forum?"))
    assert mention is not None and mention.addressed_to_bot
    assert mention.text == "when is the forum?"


async def test_edits_and_notices_are_not_new_messages(adapter: MatrixAdapter) -> None:
    dm = room("!dm:x", ANA)
    edit = nio.Event.parse_event({
        "type": "m.room.message", "sender": ANA, "event_id": "$edit", "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": "* fixed", "m.new_content": {
            "msgtype": "m.text", "body": "fixed"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$orig"}}})
    notice = nio.Event.parse_event({
        "type": "m.room.message", "sender": ANA, "event_id": "$n", "origin_server_ts": 1,
        "content": {"msgtype": "m.notice", "body": "I am a bot"}})
    assert adapter._incoming(dm, edit) is None and adapter._incoming(dm, notice) is None


async def test_files_in_a_direct_chat_come_with_the_message_not_yet_downloaded(
    adapter: MatrixAdapter,
) -> None:
    dm, group = room("!dm:x", ANA), room("!g:x", ANA, "@bob:example.org", name="Volunteers")

    def media(msgtype: str, name: str, **content: Any) -> Any:
        parse = nio.Event.parse_decrypted_event if "file" in content else nio.Event.parse_event
        return parse({
            "type": "m.room.message", "sender": ANA, "event_id": f"${name}",
            "origin_server_ts": 1, "content": {"msgtype": msgtype, "body": name,
                                               "info": {"size": 1234}, **content}})

    plain = adapter._incoming(dm, media("m.file", "razpis.md", url="mxc://x/abc"))
    assert plain is not None and plain.file is not None and plain.text == ""
    assert (plain.file.name, plain.file.size) == ("razpis.md", 1234)
    secret = adapter._incoming(dm, media("m.file", "linia.docx", file={
        "url": "mxc://x/def", "key": {"alg": "A256CTR", "k": "k", "ext": True,
                                    "kty": "oct", "key_ops": ["decrypt"]},
        "iv": "iv", "hashes": {"sha256": "h"}, "v": "v2"}))
    assert secret is not None and secret.file is not None and secret.file.name == "linia.docx"
    photo = adapter._incoming(dm, media("m.image", "photo.jpg", url="mxc://x/ghi"))
    assert photo is not None and photo.file is not None  # the handler refuses it by its name
    assert adapter._incoming(group, media("m.file", "notes.txt", url="mxc://x/jkl")) is None


async def test_a_reaction_presses_only_a_current_option(adapter: MatrixAdapter) -> None:
    assert adapter.session.state is not None
    dm = room("!dm:x", ANA)
    await adapter.session.state.set_options(
        dm.room_id, [Button("A", "x:a"), Button("B", "x:b")], ["$q"])

    def reaction(key: str, target: str = "$q") -> Any:
        return nio.Event.parse_event({
            "type": "m.reaction", "sender": ANA, "event_id": f"$r{key}", "origin_server_ts": 1,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": target,
                                         "key": key}}})

    pressed = adapter._incoming(dm, reaction(KEYCAPS[1]))
    assert pressed is not None and pressed.payload == "x:b"
    assert adapter._incoming(dm, reaction(KEYCAPS[2])) is None  # no third option
    assert adapter._incoming(dm, reaction("👍")) is None
    assert adapter._incoming(dm, reaction(KEYCAPS[0], "$older")) is None


def test_a_malformed_event_is_logged_without_its_content(caplog: pytest.LogCaptureFixture) -> None:
    event = nio.Event.parse_event({
        "type": "m.room.message", "sender": ANA, "event_id": "$bad", "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": 4155550123}})
    assert isinstance(event, nio.BadEvent)
    assert "Error validating event" in caplog.text and "4155550123" not in caplog.text


def test_nio_and_its_store_never_log_below_warning() -> None:
    import logging

    for name in ("nio", "nio.responses", "nio.crypto.log", "peewee"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


async def test_in_a_group_a_reply_to_the_bot_is_addressed_to_it(adapter: MatrixAdapter) -> None:
    from collections import deque

    group = room("!g:x", ANA, "@bob:example.org", name="Volunteers")
    adapter._sent[group.room_id] = deque(["$bots-question"])

    def reply_to(target: str) -> Any:
        return nio.Event.parse_event({
            "type": "m.room.message", "sender": ANA, "event_id": f"$re{target}",
            "origin_server_ts": 1, "content": {
                "msgtype": "m.text", "body": "> <@civicbot:example.org> When?\n\nFriday works",
                "m.relates_to": {"m.in_reply_to": {"event_id": target}}}})

    answer = adapter._incoming(group, reply_to("$bots-question"))
    assert answer is not None and answer.addressed_to_bot and answer.text == "Friday works"
    assert adapter._incoming(group, reply_to("$bobs-message")) is None


async def test_nothing_goes_in_clear_into_an_encrypted_room(adapter: MatrixAdapter) -> None:
    from bot.adapters.matrix.adapter import PlaintextRefused

    # A client without its crypto store (olm is None) would let nio send in clear.
    client = nio.AsyncClient("https://matrix.example.org", BOT)
    client.access_token = "not-used"
    encrypted = room("!secret:x", ANA)
    encrypted.encrypted = True
    client.rooms[encrypted.room_id] = encrypted
    adapter.session.client = client
    try:
        assert client.olm is None
        with pytest.raises(PlaintextRefused):
            await adapter._send_event(encrypted.room_id, "m.room.message",
                                      {"msgtype": "m.text", "body": "hi"}, "txn")
    finally:
        await client.close()
