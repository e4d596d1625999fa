"""Proof that the real python-telegram-bot 22 works against the patched
telegram-test-api emulator (tests/telegram_emulator/server.js).

Plain test functions that call ``asyncio.run`` (via ``emu.run``), so they do
not depend on pytest-asyncio or on the project's conftest.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harness import (  # noqa: E402
    EmulatorError,
    TelegramEmulator,
    telegram_emulator,  # noqa: F401  (fixture used by `emu`)
    telegram_emulator_session,  # noqa: F401  (fixture)
    user_entities,
)
from telegram import (  # noqa: E402
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

# PTB's own RetryAfter.__init__ reads the deprecated int-valued `retry_after`
pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)

USER = 4242
GROUP = -100777


def make_bot(emu: TelegramEmulator) -> Bot:
    return Bot(emu.token, base_url=emu.api_base_url, base_file_url=emu.file_base_url)


def make_app(emu: TelegramEmulator) -> Application:
    return (
        Application.builder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .base_file_url(emu.file_base_url)
        .build()
    )


@pytest.fixture
def emu(telegram_emulator):  # noqa: F811
    """The shared emulator (one node process per session), reset for each test."""
    return telegram_emulator


def seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
def test_user_entities_utf16():
    ents = user_entities("/start@CivicTestBot hi")
    assert ents == [{"type": "bot_command", "offset": 0, "length": 19}]
    ents = user_entities("😀 hej @CivicTestBot")
    assert ents == [{"type": "mention", "offset": 7, "length": 13}]  # 😀 is 2 UTF-16 units


def test_get_me(emu):

    async def scenario():
        async with make_bot(emu) as bot:  # initialize() calls getMe
            me = await bot.get_me()
            assert me.is_bot is True
            assert me.username == emu.bot_username
            assert me.id == emu.bot_id
            assert bot.username == emu.bot_username

    emu.run(scenario())


def test_text_and_command_reach_get_updates(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            await emu.send_text(USER, USER, "dober dan", first_name="Ana", language_code="sl")
            await emu.send_text(
                USER,
                GROUP,
                f"/start@{emu.bot_username} arg",
                first_name="Ana",
                chat_type="group",
                chat_title="Občina",
            )
            updates = await bot.get_updates(timeout=1)
            assert len(updates) == 2
            first, second = (u.message for u in updates)
            assert first.text == "dober dan"
            assert first.chat.type == "private" and first.chat.id == USER
            assert first.from_user.language_code == "sl" and first.from_user.first_name == "Ana"
            assert (
                isinstance(first.date, dtm.datetime)
                and abs(first.date.timestamp() - time.time()) < 60
            )
            assert second.chat.type == "group" and second.chat.title == "Občina"
            cmd = second.parse_entities(["bot_command"])
            assert list(cmd.values()) == [f"/start@{emu.bot_username}"]

            # the offset confirms updates; long polling returns [] after the timeout
            t0 = time.monotonic()
            assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0.3) == ()
            assert 0.25 < time.monotonic() - t0 < 3

            # long polling returns as soon as an update arrives; replies are resolved
            bot_msg = await bot.send_message(USER, "Kako lahko pomagam?")
            poll = asyncio.create_task(
                bot.get_updates(offset=updates[-1].update_id + 1, timeout=10)
            )
            await asyncio.sleep(0.1)
            await emu.send_text(USER, USER, "Luknja na cesti", reply_to=bot_msg)
            t0 = time.monotonic()
            (upd,) = await asyncio.wait_for(poll, 5)
            assert time.monotonic() - t0 < 2
            assert upd.message.reply_to_message.message_id == bot_msg.message_id
            assert upd.message.reply_to_message.from_user.is_bot

    emu.run(scenario())


def test_inline_keyboard_button_answer_and_edit(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("Da", callback_data="vote:yes"),
                        InlineKeyboardButton("Ne", callback_data="vote:no"),
                    ]
                ]
            )
            sent = await bot.send_message(USER, "Ali se strinjate?", reply_markup=markup)
            assert sent.from_user.is_bot and sent.chat.id == USER
            assert sent.reply_markup == markup

            (seen,) = await emu.wait_for_bot_messages(USER, 1)
            assert seen.message_id == sent.message_id
            assert seen.text == "Ali se strinjate?"
            assert seen.callback_data == ["vote:yes", "vote:no"]

            cq_id = await emu.press_button(USER, USER, seen, "vote:yes", first_name="Ana")
            (update,) = await bot.get_updates()
            cq = update.callback_query
            assert cq.id == cq_id
            assert cq.data == "vote:yes"
            assert cq.chat_instance
            assert cq.from_user.id == USER
            assert cq.message.message_id == sent.message_id
            assert cq.message.reply_markup == markup

            assert await cq.answer("Hvala!") is True
            answer = await emu.callback_answer(cq_id)
            assert answer["text"] == "Hvala!" and answer["show_alert"] is False
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await cq.answer("again")

            edited = await bot.edit_message_text(
                "Glas oddan ✅", chat_id=USER, message_id=sent.message_id
            )
            assert edited.text == "Glas oddan ✅"
            assert edited.reply_markup is None  # edit without reply_markup drops the keyboard
            assert edited.edit_date is not None
            with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
                await bot.edit_message_text(
                    "Glas oddan ✅", chat_id=USER, message_id=sent.message_id
                )
            edited = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=markup)
            assert edited.reply_markup == markup

            (seen,) = await emu.bot_messages(USER)
            assert seen.text == "Glas oddan ✅" and seen.edits == 2 and seen.callback_data

            with pytest.raises(EmulatorError, match="no inline button"):
                await emu.press_button(USER, USER, seen, "not-a-button")

            assert await bot.delete_message(USER, sent.message_id) is True
            assert await emu.bot_messages(USER) == []
            with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
                await bot.delete_message(USER, sent.message_id)

    emu.run(scenario())


def test_set_my_commands_per_language(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            sl = [BotCommand("start", "Začni pogovor"), BotCommand("pomoc", "Pomoč")]
            en = [BotCommand("start", "Start the conversation")]
            assert await bot.set_my_commands(sl, language_code="sl") is True
            assert await bot.set_my_commands(en) is True
            assert await bot.get_my_commands(language_code="sl") == tuple(sl)
            assert await bot.get_my_commands() == tuple(en)
            assert await emu.commands(language_code="sl") == [c.to_dict() for c in sl]
            assert await emu.commands(language_code="") == [c.to_dict() for c in en]
            assert len(await emu.commands()) == 2
            with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
                await bot.set_my_commands([BotCommand("Bad-Command", "x")])
            assert await bot.delete_my_commands(language_code="sl") is True
            assert await emu.commands(language_code="sl") is None

    emu.run(scenario())


def test_send_document_visible(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            payload = b"id;opis\n1;luknja\n"
            assert await bot.send_chat_action(USER, "upload_document") is True
            msg = await bot.send_document(
                USER,
                io.BytesIO(payload),
                filename="porocilo.csv",
                caption="<b>Poročilo</b>",
                parse_mode="HTML",
            )
            assert msg.document.file_name == "porocilo.csv"
            assert msg.document.file_size == len(payload)
            assert msg.caption == "Poročilo"

            (seen,) = await emu.wait_for_bot_messages(USER, 1)
            assert seen.document["file_name"] == "porocilo.csv"
            assert seen.caption == "Poročilo" and seen.raw_text == "<b>Poročilo</b>"
            assert await emu.download_file(seen.document["file_id"]) == payload
            assert [a["action"] for a in await emu.chat_actions(USER)] == ["upload_document"]

            # the bot can fetch it back like from Telegram, and resend it by file_id
            tg_file = await bot.get_file(msg.document.file_id)
            assert bytes(await tg_file.download_as_bytearray()) == payload
            again = await bot.send_document(USER, msg.document.file_id)
            assert again.document.file_id == msg.document.file_id

    emu.run(scenario())


def test_html_and_length_are_validated(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            ok = await bot.send_message(USER, "<b>Pozor</b> &lt;3 <i>x</i>", parse_mode="HTML")
            assert ok.text == "Pozor <3 x"
            assert [e.type for e in ok.entities] == ["bold", "italic"]
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(USER, "a <foo> b", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(USER, "<b>unclosed", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(USER, "x" * 4097)
            with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
                await bot.send_message(USER, "   ")
            assert len(await emu.bot_messages(USER)) == 1

    emu.run(scenario())


def test_injected_faults(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            await emu.inject_fault("sendMessage", "429", chat_id=USER, retry_after=7, times=1)
            with pytest.raises(RetryAfter) as exc_info:
                await bot.send_message(USER, "prvič")
            assert seconds(exc_info.value._retry_after) == 7
            # other chats are not affected, and the fault is used up
            await bot.send_message(USER + 1, "drugi chat")
            await bot.send_message(USER, "drugič")

            await emu.inject_fault("sendMessage", 403)
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(USER, "blocked")

            await emu.inject_fault("*", 500, times=2)
            with pytest.raises(NetworkError):
                await bot.send_chat_action(USER, "typing")
            with pytest.raises(NetworkError):
                await bot.get_me()
            assert await bot.send_chat_action(USER, "typing") is True

            # block_bot: persistent 403 plus a my_chat_member update
            await emu.block_bot(USER)
            with pytest.raises(Forbidden):
                await bot.send_message(USER, "x")
            (upd,) = await bot.get_updates()
            assert upd.my_chat_member.new_chat_member.status == "kicked"

            texts = [m.text for m in await emu.bot_messages()]
            assert texts == ["drugi chat", "drugič"]  # faulted calls have no side effects

            calls = await emu.calls("sendMessage")
            assert [(c["chat_id"], c["status"], c["fault"]) for c in calls] == [
                (USER, 429, "429"),
                (USER + 1, 200, None),
                (USER, 200, None),
                (USER, 403, "403"),
                (USER, 403, "blocked"),
            ]
            assert all(isinstance(c["ts"], float) for c in calls)
            assert calls == sorted(calls, key=lambda c: c["seq"])
            stats = await emu.stats()
            assert stats["sendMessage"]["count"] == 5 and stats["sendMessage"]["ok"] == 2

            await emu.reset()
            assert await emu.calls() == [] and await emu.bot_messages() == []
            await bot.send_message(USER, "after reset")  # block is gone too

    emu.run(scenario())


def test_rate_limit_emulation(emu):

    async def scenario():
        async with make_bot(emu) as bot:
            await emu.set_rate_limit(per_chat_per_second=2)
            await bot.send_message(USER, "1")
            await bot.send_message(USER, "2")
            with pytest.raises(RetryAfter):
                await bot.send_message(USER, "3")
            await bot.send_message(USER + 1, "other chat")
            await emu.set_rate_limit()
            await bot.send_message(USER, "3")

    emu.run(scenario())


# ---------------------------------------------------------------------------
# webhooks
# ---------------------------------------------------------------------------
async def _raw_receiver(received: asyncio.Queue, status: int = 200):
    """A minimal HTTP server on asyncio streams that records POSTs."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {
            k.strip().lower(): v.strip()
            for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
        }
        body = await reader.readexactly(int(headers.get("content-length", 0)))
        await received.put((lines[0], headers, json.loads(body)))
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_webhook_delivery_with_secret_token(emu):

    async def scenario():
        received: asyncio.Queue = asyncio.Queue()
        server = await _raw_receiver(received)
        port = server.sockets[0].getsockname()[1]
        try:
            async with make_bot(emu) as bot:
                url = f"http://127.0.0.1:{port}/telegram/hook"
                assert await bot.set_webhook(url, secret_token="civic_S3cret-1") is True
                info = await bot.get_webhook_info()
                assert info.url == url and info.pending_update_count == 0
                with pytest.raises(Conflict):
                    await bot.get_updates()

                result = await emu.send_text(USER, USER, "/prijava", first_name="Ana")
                assert result["webhook"]["delivered"] is True
                request_line, headers, body = await asyncio.wait_for(received.get(), 5)
                assert request_line.startswith("POST /telegram/hook")
                assert headers["content-type"] == "application/json"
                assert headers["x-telegram-bot-api-secret-token"] == "civic_S3cret-1"
                update = Update.de_json(body, bot)
                assert update.message.text == "/prijava"
                assert update.message.entities[0].type == "bot_command"

                assert await bot.delete_webhook() is True
                await emu.send_text(USER, USER, "po webhooku")
                (upd,) = await bot.get_updates()
                assert upd.message.text == "po webhooku"
        finally:
            server.close()
            await server.wait_closed()

    emu.run(scenario())


def test_webhook_failure_is_reported_and_retried(emu):

    async def scenario():
        received: asyncio.Queue = asyncio.Queue()
        server = await _raw_receiver(received, status=500)
        port = server.sockets[0].getsockname()[1]
        try:
            async with make_bot(emu) as bot:
                await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
                await emu.set_webhook(None, retry_ms=100)
                result = await emu.send_text(USER, USER, "halo")
                assert result["webhook"]["delivered"] is False
                info = await bot.get_webhook_info()
                assert info.pending_update_count == 1
                assert "500" in info.last_error_message
                await asyncio.wait_for(received.get(), 5)
                await asyncio.wait_for(received.get(), 5)  # retried
                # after deleteWebhook the undelivered update is available to getUpdates
                await bot.delete_webhook()
                (upd,) = await bot.get_updates()
                assert upd.message.text == "halo"
        finally:
            server.close()
            await server.wait_closed()

    emu.run(scenario())


def test_application_webhook_mode(emu):
    """PTB's own webhook server (tornado; what Application.run_webhook uses)."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE):
        await update.message.reply_text(f"Pozdravljeni, {update.effective_user.first_name}!")

    async def scenario():
        app = make_app(emu)
        app.add_handler(CommandHandler("start", start))
        port = free_port()
        async with app:
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="tg/hook",
                webhook_url=f"http://127.0.0.1:{port}/tg/hook",
                secret_token="civic-secret",
            )
            await app.start()
            try:
                info = await emu.webhook_info()
                assert info["url"].endswith("/tg/hook") and info["secret_token_set"]
                result = await emu.send_text(USER, USER, "/start", first_name="Ana")
                assert result["webhook"] == {"delivered": True, "status": 200}
                (reply,) = await emu.wait_for_bot_messages(USER, 1)
                assert reply.text == "Pozdravljeni, Ana!"

                # a wrong secret is refused by PTB (403) and the emulator reports it
                await emu.set_webhook(info["url"], secret_token="wrong", retry_ms=60000)
                result = await emu.send_text(USER, USER, "/start", first_name="Bojan")
                assert (
                    result["webhook"]["delivered"] is False and result["webhook"]["status"] == 403
                )
                await asyncio.sleep(0.3)  # time enough for a wrongly accepted update's reply
                assert not [m for m in await emu.bot_messages(USER) if "Bojan" in m.text]
            finally:
                await app.updater.stop()
                await app.stop()

    emu.run(scenario())


def test_application_run_webhook(emu):
    """The blocking ``Application.run_webhook`` itself, stopped from a handler."""
    port = free_port()
    state: dict = {}
    errors: list[BaseException] = []

    async def post_init(app: Application) -> None:
        state["loop"] = asyncio.get_running_loop()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE):
        await update.message.reply_text("Pozdravljeni!")

    async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE):
        await update.message.reply_text("Nasvidenje!")
        context.application.stop_running()

    app = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .post_init(post_init)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("stop", stop))

    def abort() -> None:
        loop = state.get("loop")
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)

    async def drive() -> None:
        deadline = time.monotonic() + 10
        while not (await emu.webhook_info())["url"]:
            assert time.monotonic() < deadline, "run_webhook did not set the webhook"
            await asyncio.sleep(0.02)
        result = await emu.send_text(USER, USER, "/start", first_name="Ana")
        assert result["webhook"]["delivered"] is True
        await emu.wait_for_bot_messages(USER, 1)
        await emu.send_text(USER, USER, "/stop")
        await emu.wait_for_bot_messages(USER, 2)

    def driver() -> None:
        try:
            emu.run(drive())
        except BaseException as exc:
            errors.append(exc)
            abort()

    thread = threading.Thread(target=driver, daemon=True)
    watchdog = threading.Timer(20, abort)
    thread.start()
    watchdog.start()
    try:
        app.run_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="civic-secret",
            stop_signals=None,
            close_loop=False,
        )
    finally:
        watchdog.cancel()
        thread.join(10)
        loop = state.get("loop")
        if loop is not None:
            loop.close()
        asyncio.set_event_loop(None)
    if errors:
        raise errors[0]
    texts = [m.text for m in emu.run(emu.bot_messages(USER))]
    assert texts == ["Pozdravljeni!", "Nasvidenje!"]
    info = emu.run(emu.webhook_info())
    assert info["secret_token_set"] and all(d["status"] == 200 for d in info["deliveries"])


# ---------------------------------------------------------------------------
# polling Application end to end
# ---------------------------------------------------------------------------
def test_application_polling_end_to_end(emu):

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE):
        lang = update.effective_user.language_code
        text = "Pozdravljeni! Izberite:" if lang == "sl" else "Hello! Choose:"
        await update.message.reply_text(
            text,
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Prijava", callback_data="report")]]
            ),
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE):
        query = update.callback_query
        await query.answer()
        await query.edit_message_text(f"Izbrali ste: {query.data}")

    async def scenario():
        app = make_app(emu)
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(on_button))
        async with app:
            await app.updater.start_polling(poll_interval=0.02)
            await app.start()
            try:
                await emu.send_text(USER, USER, "/start", first_name="Ana", language_code="sl")
                (reply,) = await emu.wait_for_bot_messages(USER, 1)
                assert reply.text == "Pozdravljeni! Izberite:"
                assert reply.callback_data == ["report"]

                cq_id = await emu.press_button(USER, USER, reply, "report")
                deadline = time.monotonic() + 5
                while (await emu.bot_messages(USER))[0].edits == 0:
                    assert time.monotonic() < deadline, "button press was not handled"
                    await asyncio.sleep(0.02)
                (edited,) = await emu.bot_messages(USER)
                assert edited.text == "Izbrali ste: report"
                assert (await emu.callback_answers(cq_id))[0]["answered"] is True
            finally:
                await app.updater.stop()
                await app.stop()
        assert await emu.pending_updates() == []  # everything was confirmed
        assert not [c for c in await emu.calls() if c.get("unsupported")]

    emu.run(scenario())


def test_standalone_context_manager():
    """A private emulator via ``async with`` (own process, own state)."""

    async def scenario():
        async with TelegramEmulator(bot_username="OtherBot") as emu, make_bot(emu) as bot:
            assert bot.username == "OtherBot"
            await bot.send_message(1, "x")
            assert len(await emu.bot_messages(1)) == 1
        assert not emu.running

    asyncio.run(scenario())
