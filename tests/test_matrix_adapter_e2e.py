"""The Matrix adapter end to end: the real App, a real SQLite file, a real Synapse, and citizens
played by matrix-nio clients with devices and crypto stores of their own.

One Synapse for the module (started by the harness, installed by its install.sh when missing).
Nothing is skipped unless CIVICBOT_SKIP_SYNAPSE=1 is set: a missing homeserver fails loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

if os.environ.get("CIVICBOT_SKIP_SYNAPSE") == "1":
    pytest.skip("CIVICBOT_SKIP_SYNAPSE=1", allow_module_level=True)

import nio  # after the explicit skip: a missing nio must fail, not skip
from nio.crypto import decrypt_attachment

from bot.adapters.base import RetryLater, Unreachable
from bot.adapters.matrix import MatrixAdapter
from bot.adapters.matrix.outbound import KEYCAPS
from bot.app import App
from bot.config import Config, load_config
from bot.pipeline.types import Address, Attachment, Incoming, Reply
from tests.matrix_homeserver.citizen import PASSWORD, Citizen
from tests.matrix_homeserver.harness import Homeserver

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def synapse() -> Any:
    with Homeserver() as hs:
        yield hs


class RunningBot:
    """An App with the Matrix adapter, running as `civicbot run` runs it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.adapter = MatrixAdapter(config)
        self.app: App | None = None
        self.task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        assert self.config.matrix_user
        return self.config.matrix_user

    async def start(self) -> RunningBot:
        self.app = await App.create(self.config, [self.adapter])
        self.task = asyncio.create_task(self.app.run())
        ready = asyncio.create_task(self.adapter.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self.task}, timeout=30, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self.task in done:
                self.task.result()
            raise AssertionError("the Matrix adapter did not get ready")
        return self

    async def stop(self) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def bot_config(hs: Any, data_dir: Path, user_id: str, **extra: str) -> Config:
    env = {
        "CIVICBOT_DATA_DIR": str(data_dir),
        "CIVICBOT_MATRIX_HOMESERVER": hs.base_url,
        "CIVICBOT_MATRIX_USER": user_id,
        "CIVICBOT_MATRIX_PASSWORD": PASSWORD,
        "CIVICBOT_DELIVERY_INTERVAL_SECONDS": "0.2",
        # A test person types faster than any human: keep the core's flood guard out of it.
        "CIVICBOT_FLOOD_BURST": "1000",
        "CIVICBOT_FLOOD_PER_SECOND": "1000",
    }
    env.update(extra)
    return load_config(env)


async def new_bot_account(hs: Any) -> str:
    localpart = f"civicbot{uuid.uuid4().hex[:6]}"
    user_id, _ = await hs.aregister_user(localpart, PASSWORD)
    return user_id


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(synapse: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningBot]:
    user_id = await new_bot_account(synapse)
    config = bot_config(
        synapse, tmp_path_factory.mktemp("bot"), user_id, CIVICBOT_MATRIX_GROUP_ROOMS="true"
    )
    running = await RunningBot(config).start()
    yield running
    await running.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def citizen(synapse: Any, tmp_path: Path) -> AsyncIterator[Citizen]:
    person = await Citizen.create(synapse, tmp_path)
    yield person
    await person.close()


def text_of(event: Any) -> str:
    return event.body


async def test_encrypted_dm_opened_like_element_answers_start(
    bot: RunningBot, citizen: Citizen
) -> None:
    room = await citizen.open_dm(bot.user_id)
    # Element sends the first message of a new chat right away, before the bot has joined.
    await citizen.say(room, "/start")
    welcome = await citizen.next_message(room)
    if welcome.body.startswith("I could not decrypt"):
        # The room key can lose the race with the invite (seen once in CI: the bot had no Olm
        # session with the citizen's device yet). The bot says so, and the citizen does what
        # it asks: sends again, now that the bot is in the room.
        assert welcome.decrypted
        await citizen.say(room, "/start")
        welcome = await citizen.next_message(room)
    assert welcome.decrypted, "the answer in an encrypted room must be encrypted"
    assert "Hello! I am" in welcome.body
    assert "<strong>civicbot</strong>" in welcome.formatted_body
    assert f"{KEYCAPS[0]} Language" in welcome.body
    options = sum(1 for key in KEYCAPS if f"{key} " in welcome.body)  # one per menu button
    await citizen.wait_until(
        lambda: len(citizen.reactions.get(room, [])) == options, "a reaction key per option"
    )
    assert [r.key for r in citizen.reactions[room]] == list(KEYCAPS[:options])
    assert all(r.reacts_to == welcome.event_id for r in citizen.reactions[room])

    # Answering with the number presses the button.
    await citizen.say(room, "1")
    menu = await citizen.next_message(room)
    assert menu.body.startswith("Choose your language:")

    # And so does the label, without any number.
    await citizen.say(room, "Slovenščina")
    chosen = await citizen.next_message(room)
    assert chosen.body == "Odslej vam bom pisal v slovenščini."

    # Free text: the translated fallback.
    # Free text: answered in the person's language (whatever the answer is, an English speaker
    # asking the same gets it in English).
    question = "Kdaj je naslednja delavnica?"
    await citizen.say(room, question)
    answer = await citizen.next_message(room)
    assert bot.app is not None
    english = await bot.app.core.handle(
        Incoming("console", "en-1", "en-1", question, language_hint="en")
    )
    assert answer.decrypted and answer.body.strip()
    assert english and answer.body.split("\n")[0] != english[0].text.plain.split("\n")[0]

    # The server only ever saw ciphertext.
    types = {e["type"] for e in await citizen.raw_events(room) if "state_key" not in e}
    assert "m.room.message" not in types and "m.reaction" not in types
    assert not citizen.undecrypted


async def exchange(citizen: Citizen, room: str, text: str, answers: int = 1) -> list[Any]:
    """Say something and collect the bot's next `answers` messages."""
    await citizen.say(room, text)
    return [await citizen.next_message(room) for _ in range(answers)]


def upcoming_event() -> dict[str, Any]:
    from tests.test_events_support import event

    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    return event(
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=6)).isoformat(),
        registration_deadline=(start - timedelta(days=2)).isoformat(),
        reminders=None,
    )


async def test_a_whole_registration_by_number_label_and_reaction(
    bot: RunningBot, citizen: Citizen
) -> None:
    from tests.test_events_support import load

    assert bot.app is not None
    await load(bot.app.core, upcoming_event())
    room = await citizen.open_dm(bot.user_id)
    await citizen.wait_for_member(room, bot.user_id)

    intro, ask_name = await exchange(citizen, room, "/register forum", answers=2)
    assert "I will ask you 6 questions" in intro.body
    assert "(1/6) What is your full name?" in ask_name.body
    assert "<strong>What is your full name?</strong>" in ask_name.formatted_body
    [ask_email] = await exchange(citizen, room, "Ana <b>Novak</b>")
    assert "(2/6)" in ask_email.body
    [ask_phone] = await exchange(citizen, room, "ana@example.org")
    assert "(3/6)" in ask_phone.body
    [ask_organisation] = await exchange(citizen, room, "+386 41 123 456")
    assert f"{KEYCAPS[0]} Skip" in ask_organisation.body

    # A tap on the reaction key under the question presses its button.
    await citizen.wait_until(
        lambda: any(
            r.reacts_to == ask_organisation.event_id for r in citizen.reactions.get(room, [])
        ),
        "the reaction key under the question",
    )
    await citizen.react(room, ask_organisation.event_id, KEYCAPS[0])
    ask_track = await citizen.next_message(room)
    assert "Which track?" in ask_track.body
    assert f"{KEYCAPS[0]} Open data\n{KEYCAPS[1]} Law" in ask_track.body

    [ask_guests] = await exchange(citizen, room, "2")  # the number of an option
    assert "How many guests?" in ask_guests.body
    [consent] = await exchange(citizen, room, "2")  # a number that is no option: just text
    assert "We keep your data until the forum is over." in consent.body
    [summary] = await exchange(citizen, room, "i agree")  # an option's label
    assert "Name: Ana <b>Novak</b>" in summary.body
    # User data is escaped in the HTML: it shows as typed and formats nothing.
    assert "Ana &lt;b&gt;Novak&lt;/b&gt;" in summary.formatted_body
    assert "Which track?: Law" in summary.body and "How many guests?: 2" in summary.body

    confirmed, calendar = await exchange(citizen, room, KEYCAPS[0], answers=2)
    assert "You are registered for" in confirmed.body
    assert isinstance(calendar, nio.RoomEncryptedFile), "the .ics must be uploaded encrypted"
    assert calendar.body.endswith(".ics")
    encrypted = await citizen.download(calendar.url)
    ics = decrypt_attachment(encrypted, calendar.key["k"], calendar.hashes["sha256"], calendar.iv)
    assert ics.startswith(b"BEGIN:VCALENDAR") and b"forum@events.civicbot" in ics

    registrations = await bot.app.store.event_registrations("forum")
    assert [(r.status, r.fields["name"], r.fields["track"]) for r in registrations] == [
        ("confirmed", "Ana <b>Novak</b>", "law")
    ]


async def test_proactive_message_goes_out_through_the_outbox(
    bot: RunningBot, citizen: Citizen
) -> None:
    assert bot.app is not None
    room = await citizen.open_dm(bot.user_id)
    await exchange(citizen, room, "/language uk")
    person = await bot.app.store.find_person("matrix", citizen.user_id)
    assert person is not None

    queued = await bot.app.core.notify(
        person.id,
        lambda t: [Reply.of(t.gettext("Nothing was deleted."))],
        kind="test",
        dedupe_key=f"proactive:{person.id}",
        batch=f"proactive:{person.id}",
    )
    assert queued
    notice = await citizen.next_message(room)
    expected = bot.app.core.translator("uk").gettext("Nothing was deleted.")
    assert expected != "Nothing was deleted."  # in the person's language
    assert notice.decrypted and notice.body == expected
    await wait_for(lambda: outbox_counts(bot, f"proactive:{person.id}"), {"sent": 1})


async def test_broadcast_style_send_reaches_every_direct_chat(
    bot: RunningBot, synapse: Any, tmp_path: Path
) -> None:
    assert bot.app is not None
    people = [await Citizen.create(synapse, tmp_path, f"reader{i}") for i in range(3)]
    try:
        rooms = [await person.open_dm(bot.user_id) for person in people]
        for person, room in zip(people, rooms, strict=True):
            await exchange(person, room, "/help")
        for person in people:
            found = await bot.app.store.find_person("matrix", person.user_id)
            assert found is not None
            await bot.app.core.notify(
                found.id,
                lambda t: [Reply.of("The library opens at 9 tomorrow.")],
                kind="announcement",
                dedupe_key=f"b1:{found.id}",
                batch="b1",
            )
        for person, room in zip(people, rooms, strict=True):
            message = await person.next_message(room)
            assert message.decrypted and message.body == "The library opens at 9 tomorrow."
        await wait_for(lambda: outbox_counts(bot, "b1"), {"sent": 3})
    finally:
        for person in people:
            await person.close()


async def test_group_room_mentions_are_answered_other_chatter_is_not(
    bot: RunningBot, citizen: Citizen
) -> None:
    room = await citizen.open_group(bot.user_id)
    await citizen.wait_for_member(room, bot.user_id)
    localpart = bot.user_id.split(":")[0][1:]

    await citizen.say(room, "Does anyone know when the next workshop is?")
    await citizen.say(
        room,
        f"{localpart}: when is the next workshop?",
        **{"m.mentions": {"user_ids": [bot.user_id]}},
    )
    answer = await citizen.next_message(room)
    assert answer.body.strip()  # the answer to the mention; the chatter before it got none:

    [invite] = await exchange(citizen, room, "!forgetme")  # ('!' works like '/')
    assert "private chat" in invite.body
    assert f'href="https://matrix.to/#/{bot.user_id}"' in invite.formatted_body
    await citizen.say(room, "thanks, bye")
    [helped] = await exchange(citizen, room, "/help")
    assert helped.body.startswith("Ask me a question")  # nothing came for "thanks, bye"

    # In a room without encryption a file goes up as it is, with its url.
    agenda = Attachment("agenda.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    await bot.adapter.send(Address("matrix", room), [Reply.of("The agenda:", attachment=agenda)])
    text, file = await citizen.next_message(room), await citizen.next_message(room)
    assert text.body == "The agenda:" and not text.decrypted
    assert isinstance(file, nio.RoomMessageFile) and file.body == "agenda.ics"
    assert await citizen.download(file.url) == agenda.content


async def test_undecryptable_message_gets_a_hint_and_is_logged_without_content(
    bot: RunningBot, citizen: Citizen, caplog: pytest.LogCaptureFixture
) -> None:
    room = await citizen.open_dm(bot.user_id)
    await exchange(citizen, room, "/help")
    secret = "U2VjcmV0IGNpcGhlcnRleHQ"
    fake = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": secret,
        "sender_key": "x" * 43,
        "session_id": "unknownsession" + "0" * 29,
        "device_id": citizen.client.device_id,
    }
    path = (
        f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/send/m.room.encrypted/"
        f"{uuid.uuid4().hex}"
    )
    status, _ = await citizen.hs.arequest(
        "PUT", path, access_token=citizen.client.access_token, json_body=fake
    )
    assert status == 200
    hint = await citizen.next_message(room)
    assert hint.decrypted, "in an encrypted room the hint is encrypted too"
    assert "could not decrypt" in hint.body
    assert "could not decrypt a message" in caplog.text and secret not in caplog.text


async def test_send_errors_map_to_delivery_outcomes(
    bot: RunningBot, synapse: Any, citizen: Citizen
) -> None:
    with pytest.raises(Unreachable):
        await bot.adapter.send(Address("matrix", "!gone:localhost"), [Reply.of("hello")])

    room = await citizen.open_dm(bot.user_id)
    await exchange(citizen, room, "/help")
    # 429: a rate limit for the bot's account only, through Synapse's admin API.
    _, admin_token = await synapse.aregister_user(
        f"admin{uuid.uuid4().hex[:6]}", PASSWORD, admin=True
    )
    limit = f"/_synapse/admin/v1/users/{urllib.parse.quote(bot.user_id)}/override_ratelimit"
    status, _ = await synapse.arequest(
        "POST",
        limit,
        access_token=admin_token,
        json_body={"messages_per_second": 1, "burst_count": 1},
    )
    assert status == 200
    try:
        with pytest.raises(RetryLater) as limited:
            for i in range(5):
                await bot.adapter.send(
                    Address("matrix", room), [Reply.of(f"quick {i}")], key=f"limited-{i}"
                )
        assert 0 < limited.value.seconds <= 10
    finally:
        await synapse.arequest("DELETE", limit, access_token=admin_token)

    # The same key again: Synapse returns the first event, the citizen sees one copy.
    await bot.adapter.send(Address("matrix", room), [Reply.of("once")], key="idempotent")
    await bot.adapter.send(Address("matrix", room), [Reply.of("once")], key="idempotent")
    await bot.adapter.send(Address("matrix", room), [Reply.of("end")], key="end")
    await citizen.wait_until(lambda: citizen.messages[room][-1].body == "end", "the end")
    assert [m.body for m in citizen.messages[room]].count("once") == 1

    # The person leaves: the bot leaves the empty room, and the person is unreachable there.
    await citizen.client.room_leave(room)
    await wait_for(lambda: room in bot.adapter.session.client.rooms, False)  # type: ignore[union-attr]
    with pytest.raises(Unreachable):
        await bot.adapter.send(Address("matrix", room), [Reply.of("still there?")])


async def test_restart_between_two_messages_answers_once_and_loses_nothing(
    synapse: Any, tmp_path: Path
) -> None:
    user_id = await new_bot_account(synapse)
    config = bot_config(synapse, tmp_path / "bot", user_id)
    citizen = await Citizen.create(synapse, tmp_path)
    first = await RunningBot(config).start()
    try:
        room = await citizen.open_dm(user_id)
        [welcome] = await exchange(citizen, room, "/start")
        assert f"{KEYCAPS[0]} Language" in welcome.body
        device = first.adapter.session.client.device_id  # type: ignore[union-attr]
        await first.stop()

        # While the bot is away: an answer to its question, by number.
        await citizen.say(room, "1")
        second = await RunningBot(config).start()
        try:
            assert second.adapter.session.client.device_id == device  # same device, same keys
            menu = await citizen.next_message(room)
            assert menu.body.startswith("Choose your language:")  # the options survived
            [helped] = await exchange(citizen, room, "/help")
            assert helped.body.startswith("Ask me a question")
            assert [m.event_id for m in citizen.messages[room]] == [
                welcome.event_id,
                menu.event_id,
                helped.event_id,
            ]  # nothing twice
            assert not citizen.undecrypted
        finally:
            await second.stop()
    finally:
        await citizen.close()


async def test_group_invites_are_declined_when_group_rooms_are_off(
    synapse: Any, tmp_path: Path
) -> None:
    user_id = await new_bot_account(synapse)
    citizen = await Citizen.create(synapse, tmp_path)
    running = await RunningBot(bot_config(synapse, tmp_path / "bot", user_id)).start()
    try:
        group = await citizen.open_group(user_id)
        await citizen.wait_until(
            lambda: user_id not in citizen.client.rooms[group].users, "the invite declined"
        )
        dm = await citizen.open_dm(user_id)
        [helped] = await exchange(citizen, dm, "/help")  # direct chats are always joined
        assert helped.decrypted
    finally:
        await running.stop()
        await citizen.close()


# -- helpers -------------------------------------------------------------------------------


async def outbox_counts(bot: RunningBot, batch: str) -> dict[str, int]:
    assert bot.app is not None
    return await bot.app.store.outbox_counts(batch)


async def wait_for(probe: Any, expected: Any, timeout: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = probe()
        if asyncio.iscoroutine(value):
            value = await value
        if value == expected:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {value!r}, expected {expected!r}")
        await asyncio.sleep(0.1)


async def test_a_lost_store_or_a_logged_out_device_does_not_kill_the_bot(synapse: Any,
                                                                     tmp_path: Path) -> None:
    user_id = await new_bot_account(synapse)
    config = bot_config(synapse, tmp_path / "bot", user_id)
    citizen = await Citizen.create(synapse, tmp_path)
    first = await RunningBot(config).start()
    try:
        room = await citizen.open_dm(user_id)
        await exchange(citizen, room, "/help")
        old_device = first.adapter.session.client.device_id  # type: ignore[union-attr]
    finally:
        await first.stop()
    for crypto_store in config.matrix_store.glob("*.db"):  # nio's store; the session stays
        crypto_store.unlink()

    second = await RunningBot(config).start()
    try:
        new_device = second.adapter.session.client.device_id  # type: ignore[union-attr]
        assert new_device != old_device and new_device.startswith(config.matrix_device_id)
        status, devices = await synapse.arequest(
            "GET", "/_matrix/client/v3/devices",
            access_token=second.adapter.session.client.access_token)  # type: ignore[union-attr]
        assert status == 200
        ids = {d["device_id"] for d in devices["devices"]}
        assert new_device in ids and old_device not in ids  # the dead device was removed
        [helped] = await exchange(citizen, room, "/help")
        assert helped.decrypted and helped.body.startswith("Ask me a question")
        # Somebody logs the bot's device out while it runs ("sign out all sessions" in
        # Element): it logs in again as a new device and goes on.
        status, _ = await synapse.arequest(
            "POST", "/_matrix/client/v3/logout",
            access_token=second.adapter.session.client.access_token)  # type: ignore[union-attr]
        assert status == 200
        # Any event ends the bot's long poll; its next sync finds the token revoked.
        await citizen.client.room_put_state(room, "m.room.topic", {"topic": "wake up"})

        def newest_device() -> str | None:
            client = second.adapter.session.client
            return client.device_id if client is not None and client.logged_in else None

        await wait_for(lambda: newest_device() not in (None, old_device, new_device), True, 30)
        newest = newest_device()
        await citizen.wait_until(lambda: newest in {
            d.id for d in citizen.client.device_store.active_user_devices(user_id)},
            "the bot's new device")
        [helped] = await exchange(citizen, room, "/help")
        assert helped.decrypted and helped.body.startswith("Ask me a question")
        assert not second.task.done()  # type: ignore[union-attr]
    finally:
        await second.stop()
        await citizen.close()
