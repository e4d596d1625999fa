"""Documents sent on Matrix: the real App and adapter, a real Synapse (authenticated media), an
admin's plain and encrypted direct chats, a citizen's, and a real SQLite file. What the bot
downloaded is read from Synapse's own access log."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

if os.environ.get("CIVICBOT_SKIP_SYNAPSE") == "1":
    pytest.skip("CIVICBOT_SKIP_SYNAPSE=1", allow_module_level=True)

import docx
import yaml

from bot.adapters.matrix.outbound import KEYCAPS
from tests.matrix_homeserver.citizen import Citizen
from tests.matrix_homeserver.harness import Homeserver
from tests.test_documents import SLOVENIAN_CALL, every_file_type
from tests.test_handoff_matrix import first_answer
from tests.test_matrix_adapter_e2e import RunningBot, bot_config, new_bot_account

pytestmark = pytest.mark.asyncio(loop_scope="module")
QUESTION = "Koliko denarja razdeli občina Kamnik za projekte?"


@pytest.fixture(scope="module")
def synapse() -> Any:
    with Homeserver(log_level="INFO") as hs:  # INFO: the access log shows every download
        yield hs


class World:
    def __init__(self, bot: RunningBot, admin: Citizen, citizen: Citizen, hs: Any) -> None:
        self.bot, self.admin, self.citizen, self.hs = bot, admin, citizen, hs

    def downloads(self, mxc: str) -> list[str]:
        """The media download requests Synapse served for `mxc`."""
        media_id = mxc.rsplit("/", 1)[1]
        return [line for line in self.hs.log_path.read_text(errors="replace").splitlines()
                if "/download/" in line and media_id in line and "Processed request" in line]

    @property
    def store(self) -> Any:
        assert self.bot.app is not None
        return self.bot.app.core.store


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    root = tmp_path_factory.mktemp("documents")
    bot_id = await new_bot_account(synapse)
    admin = await Citizen.create(synapse, root, "mojca")
    citizen = await Citizen.create(synapse, root, "ana")
    config = bot_config(synapse, root / "bot", bot_id, CIVICBOT_ADMINS=f"matrix:{admin.user_id}")
    (root / "bot").mkdir(exist_ok=True)
    bot = await RunningBot(config).start()
    try:
        yield World(bot, admin, citizen, synapse)
    finally:
        await bot.stop()
        await admin.close()
        await citizen.close()


async def plain_dm(person: Citizen, bot_id: str) -> str:
    room = await person.open_dm(bot_id, encrypted=False)
    await person.wait_for_member(room, bot_id)
    return room


async def send(person: Citizen, room: str, name: str, data: bytes, **kw: Any) -> tuple[Any, str]:
    """The bot's one answer to a file, and the file's mxc URL."""
    _, mxc = await person.send_file(room, name, data, **kw)
    return await person.next_message(room), mxc


async def test_an_admins_files_in_a_plain_dm_are_imported_and_undone(world: World) -> None:
    admin, bot_id = world.admin, world.bot.user_id
    room = await plain_dm(admin, bot_id)
    faq = yaml.safe_dump({"faq": [{"question": {"en": "Is there parking?"},
                                   "answer": {"en": "Yes, behind the town hall."}}]})
    answer, _ = await send(admin, room, "faq.yaml", faq.encode(), mimetype="application/yaml")
    assert answer.body.startswith("Imported 1 FAQ entry from faq.yaml.")
    reply, md_mxc = await send(admin, room, "razpis.md", SLOVENIAN_CALL.encode(),
                               mimetype="text/markdown")
    assert reply.body.startswith(
        "Imported Razpis za mladinske projekte 2027 (Slovenian), 1 passage."), reply.body
    assert f"{KEYCAPS[0]} Undo" in reply.body
    assert len(world.downloads(md_mxc)) == 1 and "/_matrix/client/v1/media/download/" in \
        world.downloads(md_mxc)[0]  # authenticated media, once
    documents = {d.name: d.passage_count for d in await world.store.list_documents()}
    assert documents == {"faq.yaml": 1, "razpis.md": 1}

    # anybody asking is answered from it at once
    ana = world.citizen
    ana_room = await plain_dm(ana, bot_id)
    await ana.say(ana_room, QUESTION)
    assert "40.000 evrov" in (await ana.next_message(ana_room)).body

    # Undo, by tapping the reaction under the import's answer (the options of a Matrix room
    # are those of the bot's latest message)
    await admin.wait_until(lambda: any(r.reacts_to == reply.event_id
                                       for r in admin.reactions.get(room, [])), "Undo's key")
    await admin.react(room, reply.event_id, KEYCAPS[0])
    undone = await admin.next_message(room)
    assert undone.body == "Undone: the import of razpis.md is reversed."
    assert {d.name for d in await world.store.list_documents()} == {"faq.yaml"}
    assert ("matrix:" + admin.user_id, "content.undo") in [
        (entry.actor, entry.action) for entry in await world.store.audit_entries()]
    await ana.say(ana_room, QUESTION)
    assert "40.000" not in (await ana.next_message(ana_room)).body

    # bad files: one clear line each, nothing imported, nothing downloaded past the declared size
    photo, _ = await send(admin, room, "photo.jpg", b"\xff\xd8\xff\xe0 not much of a jpeg",
                          mimetype="image/jpeg", msgtype="m.image")
    assert photo.body == ("I can import only .docx, .html, .md, .pdf, .txt, .yaml files: "
                          "photo.jpg was not imported.")
    broken, _ = await send(admin, room, "broken.pdf", b"%PDF-1.4 this is not really a pdf",
                           mimetype="application/pdf")
    assert broken.body.startswith("I could not read broken.pdf: it is damaged")
    huge, huge_mxc = await send(admin, room, "huge.txt", b"small really",
                                declared_size=50 * 2**20)
    assert huge.body == "huge.txt is too large (the limit is 20 MB): nothing was imported."
    assert world.downloads(huge_mxc) == []
    assert {d.name for d in await world.store.list_documents()} == {"faq.yaml"}


async def test_an_admins_word_file_in_an_encrypted_dm_is_decrypted_and_imported(
    world: World,
) -> None:
    admin, bot_id = world.admin, world.bot.user_id
    room = await admin.open_dm(bot_id)
    hello = await first_answer(admin, room, "/start")
    assert hello.decrypted
    word = docx.Document()
    word.add_heading("Linia Współpracy", level=1)
    word.add_paragraph("Konferencja Linia Współpracy odbędzie się 21 lutego w Warszawie, "
                       "w Centrum Konferencyjnym przy ulicy Zielnej.")
    buffer = io.BytesIO()
    word.save(buffer)
    reply, mxc = await send(admin, room, "linia.docx", buffer.getvalue(), mimetype=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    assert reply.decrypted
    assert reply.body.startswith("Imported Linia Współpracy (Polish), 1 passage."), reply.body
    assert world.downloads(mxc), "the encrypted attachment was fetched from the homeserver"
    [document] = [d for d in await world.store.list_documents() if d.name == "linia.docx"]
    assert (document.title, document.lang, document.passage_count) == \
        ("Linia Współpracy", "pl", 1)
    assert not admin.undecrypted


async def test_every_file_type_in_an_encrypted_dm_imports(world: World) -> None:
    admin, bot_id = world.admin, world.bot.user_id
    room = await admin.open_dm(bot_id)
    await first_answer(admin, room, "/help")
    for name, (data, expected) in every_file_type().items():
        sent_as = f"all-{name}"  # beside the other tests' files of this homeserver
        raw = data.encode() if isinstance(data, str) else data
        reply, _ = await send(admin, room, sent_as, raw)
        assert reply.decrypted
        assert reply.body.startswith(expected.replace(name, sent_as)), (name, reply.body)
    names = {d.name for d in await world.store.list_documents() if d.kind != "event"}
    assert {f"all-{n}" for n in every_file_type() if n != "events.yaml"} <= names
    assert await world.store.get_event("forum") is not None


async def test_a_citizens_file_is_not_downloaded(world: World) -> None:
    ana, bot_id = world.citizen, world.bot.user_id
    room = await plain_dm(ana, bot_id)
    reply, mxc = await send(ana, room, "notes.txt", b"Some notes of mine.",
                            mimetype="text/plain")
    # in her language (she asked in Slovenian before)
    assert reply.body.startswith("Hvala, vendar datoteke sprejemam le od skrbnikov "
                                 "organizacije.")
    assert world.downloads(mxc) == []
    assert "notes.txt" not in {d.name for d in await world.store.list_documents()}
