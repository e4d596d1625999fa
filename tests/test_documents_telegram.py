"""Documents sent on Telegram: the real adapter and App against the Bot API emulator (the file
served by its getFile and file URL), with a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram_emulator.harness import (  # noqa: F401  (fixtures)
    TelegramEmulator,
    telegram_emulator,
    telegram_emulator_session,
)
from tests.test_content_readers import tiny_pdf
from tests.test_documents import SLOVENIAN_CALL, every_file_type
from tests.test_telegram_adapter import (  # noqa: F401  (fixtures)
    bot,
    emu,
    logs_keep_secrets,
    running,
    telegram_config,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)
ADMIN = 7101
CITIZEN = 7102


async def send(emu: TelegramEmulator, user: int, data: bytes, name: str,  # noqa: F811
               **kw: object):
    after = await emu.last_message_id()
    await emu.send_document(user, user, data, name, **kw)  # type: ignore[arg-type]
    [reply] = await emu.wait_for_bot_messages(user, 1, timeout=15, after=after)
    return reply


async def test_an_admins_document_is_imported_and_a_citizens_is_not_read(
    tmp_path: Path, emu: TelegramEmulator  # noqa: F811
) -> None:
    config = telegram_config(tmp_path, emu, admins=f"telegram:{ADMIN}")
    async with running(config, emu) as r:
        reply = await send(emu, ADMIN, SLOVENIAN_CALL.encode(), "razpis.md",
                           language_code="sl")
        assert reply.text.startswith("Uvožen dokument Razpis za mladinske projekte 2027")
        assert [b["text"] for b in reply.buttons] == ["Prekliči"]
        pdf = await send(emu, ADMIN, tiny_pdf(["Rok za prijavo je 13. marec 2019."]),
                         "vabilo.pdf", mime_type="application/pdf", language_code="sl")
        assert pdf.text.startswith("Uvožen dokument Vabilo")
        calls = len(await emu.calls("getFile"))
        refused = await send(emu, CITIZEN, b"secret", "notes.txt", language_code="en")
        assert refused.text.startswith("Thank you, but I take files only from")
        assert len(await emu.calls("getFile")) == calls  # the citizen's file was not fetched
        huge = await send(emu, ADMIN, b"small really", "huge.txt", file_size=50 * 2**20,
                          language_code="en")
        assert huge.text == "huge.txt is too large (the limit is 20 MB): nothing was imported."
        assert len(await emu.calls("getFile")) == calls  # refused before getFile
        answer = await r.say(CITIZEN, "Koliko denarja razdeli občina Kamnik za projekte?",
                             language_code="sl")
        assert "40.000 evrov" in answer[0].text
        _, [undone] = await r.press(ADMIN, reply, reply.callback_data[0])
        # the emulator's button press carries no language_code: the default (en) answers
        assert undone.text == "Undone: the import of razpis.md is reversed."
        names = {d.name for d in await r.core.store.list_documents()}
        assert names == {"vabilo.pdf"}


async def test_every_file_type_sent_on_telegram_imports(
    tmp_path: Path, emu: TelegramEmulator  # noqa: F811
) -> None:
    config = telegram_config(tmp_path, emu, admins=f"telegram:{ADMIN}")
    async with running(config, emu) as r:
        files = every_file_type()
        for name, (data, expected) in files.items():
            raw = data.encode() if isinstance(data, str) else data
            reply = await send(emu, ADMIN, raw, name, language_code="en")
            assert (reply.text or "").startswith(expected), (name, reply.text)
        names = {d.name for d in await r.core.store.list_documents() if d.kind != "event"}
        assert names == set(files) - {"events.yaml"}
        assert await r.core.store.get_event("forum") is not None


async def test_newevent_from_an_invitation_file_is_reviewed_then_published(
    tmp_path: Path, emu: TelegramEmulator  # noqa: F811
) -> None:
    """/newevent, then the invitation as a file: the bot fetches it by getFile, proposes the
    event as the citizens' card with every field, and publishes only on Publish (#19)."""
    from tests.test_event_draft import INVITATION

    config = telegram_config(tmp_path, emu, admins=f"telegram:{ADMIN}")
    async with running(config, emu) as r:
        [question] = await r.say(ADMIN, "/newevent", language_code="en")
        assert "send or forward me the invitation" in question.text
        calls = len(await emu.calls("getFile"))
        after = await emu.last_message_id()
        await emu.send_document(ADMIN, ADMIN, INVITATION.encode(), "vabilo.md",
                                mime_type="text/markdown", language_code="en")
        drafted, review = await emu.wait_for_bot_messages(ADMIN, 2, timeout=15, after=after)
        assert len(await emu.calls("getFile")) == calls + 1
        assert drafted.text == "I have read the invitation and drafted the event."
        assert "Kje: dvorani Zavoda Pip, Tivolska 30, Ljubljana" in review.text
        assert "Contact: ana@pip.si" in review.text and "Seats: 25" in review.text
        assert [b["text"] for b in review.buttons] == ["Publish", "Edit a field", "Discard"]
        assert await r.core.store.list_events() == []
        _, [saved] = await r.press(ADMIN, review, "f:newevent:publish")
        assert saved.text.startswith("Saved vabilo-na-delavnico-o-odprtih-2027.")
        [record] = await r.core.store.list_events()
        assert record.capacity == 25
