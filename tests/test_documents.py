"""Admins send documents in the chat (here the console's `/file PATH`, through the real core
and store): imported as `civicbot content import` imports them, answered from at once,
undone on request, and refused with one translated line when bad or not from an admin."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import docx
import yaml

from bot.adapters.console import ConsoleAdapter
from bot.content.importer import import_paths
from bot.content.upload import UploadRefused, file_text
from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Reply
from tests.conftest import forum_event
from tests.test_content_readers import tiny_pdf
from tests.test_qa_cli import CONFERENCE

ADMIN = "99"  # console:99 is configured as an admin (tests/conftest.py)
CITIZEN = "1"
# A page on a subject nothing else in the store covers, so its answer can only come from it.
SLOVENIAN_CALL = (
    "# Razpis za mladinske projekte 2027\n\n"
    "Občina Kamnik bo mladinskim organizacijam razdelila 40.000 evrov za projekte.\n\n"
    "Prijave zbiramo do 30. aprila 2027 na naslovu razpis@kamnik.si.\n"
)


def sent(tmp_path: Path, name: str, data: bytes | str, *, user: str = ADMIN,
         lang: str = "en") -> Incoming:
    """A file sent as the console sends it: `/file PATH`."""
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    console = ConsoleAdapter(user, language=lang, stdin=io.StringIO(), stdout=io.StringIO())
    message = console._incoming(f"/file {path}")
    assert message.file is not None and message.text == ""
    return message


def says(user: str, text: str, lang: str = "en") -> Incoming:
    return Incoming(platform="console", chat_id=user, user_id=user, text=text,
                    language_hint=lang)


def press(user: str, reply: Reply, label: str) -> Incoming:
    [button] = [b for b in reply.all_buttons if b.label == label]
    return Incoming(platform="console", chat_id=user, user_id=user, payload=button.payload)


async def ask(core: Core, question: str, lang: str = "sl") -> str:
    [reply] = await core.handle(says(CITIZEN, question, lang))
    return reply.text.plain


async def test_a_document_sent_is_answered_from_at_once_and_undo_removes_it(
    core: Core, tmp_path: Path
) -> None:
    assert "40.000" not in await ask(core, "Koliko denarja razdeli občina Kamnik za projekte?")
    [reply] = await core.handle(sent(tmp_path, "razpis.md", SLOVENIAN_CALL))
    assert reply.text.plain.startswith(
        "Imported Razpis za mladinske projekte 2027 (Slovenian), 1 passage.")
    assert [b.label for b in reply.all_buttons] == ["Undo"]
    answer = await ask(core, "Koliko denarja razdeli občina Kamnik za projekte?")
    assert "40.000 evrov" in answer and "Razpis za mladinske projekte 2027" in answer
    [undone] = await core.handle(press(ADMIN, reply, "Undo"))
    assert undone.text.plain == "Undone: the import of razpis.md is reversed."
    assert [d.name for d in await core.store.list_documents()] == []
    assert "40.000" not in await ask(core, "Koliko denarja razdeli občina Kamnik za projekte?")
    [again] = await core.handle(press(ADMIN, reply, "Undo"))
    assert again.text.plain == "That import of razpis.md was undone already."
    actions = [(entry.actor, entry.action) for entry in await core.store.audit_entries()]
    assert ("console:99", "content.upload") in actions
    assert ("console:99", "content.undo") in actions


async def test_a_new_version_replaces_the_old_and_undo_puts_the_old_back(
    core: Core, tmp_path: Path
) -> None:
    old = tmp_path / "cli"
    old.mkdir()
    (old / "poziv.md").write_text(CONFERENCE, encoding="utf-8")
    await import_paths(core.store, [old / "poziv.md"], core.clock.now())  # by the command
    newer = CONFERENCE.replace("„Hajat“", "„Hilton“")
    [reply] = await core.handle(sent(tmp_path, "poziv.md", newer, lang="sr"))
    assert reply.text.plain.startswith("Замењен документ Poziv na konferenciju")
    assert "Hilton" in await ask(core, "U kom hotelu je konferencija?", "sr")
    [undone] = await core.handle(press(ADMIN, reply, "Опозови"))
    assert "poziv.md" in undone.text.plain
    assert "Hajat" in await ask(core, "U kom hotelu je konferencija?", "sr")
    [same] = await core.handle(sent(tmp_path, "poziv.md", CONFERENCE))
    assert same.text.plain == "poziv.md is already imported as it is: nothing changed."
    assert same.all_buttons == []


def every_file_type() -> dict[str, tuple[bytes | str, str]]:
    """A file of every type an admin may send, and the start of the reply each gets."""
    word = docx.Document()
    word.add_heading("Linia Współpracy", level=1)
    word.add_paragraph("Konferencja odbędzie się 21 lutego w Warszawie.")
    buffer = io.BytesIO()
    word.save(buffer)
    return {
        "note.txt": ("Volunteer day\n\nVolunteers meet at the harbour at nine.",
                     "Imported Volunteer day (English), 1 passage."),
        "agenda.md": ("# Youth forum\n\nThe youth forum meets in the library on Friday.",
                      "Imported Youth forum (English), 1 passage."),
        "page.html": ("<html><head><title>Open day</title></head><body><main><h1>Open day"
                      "</h1><p>The office is open on Saturday.</p></main></body></html>",
                      "Imported Open day (English)"),
        "vabilo.pdf": (tiny_pdf(["Rok za prijavo je 13. marec 2019."]),
                       "Imported Vabilo (Slovenian)"),
        "linia.docx": (buffer.getvalue(), "Imported Linia Współpracy (Polish)"),
        "faq.yaml": (yaml.safe_dump({"faq": [{"question": {"en": "Is there parking?"},
                                              "answer": {"en": "Yes, behind the hall."}}]}),
                     "Imported 1 FAQ entry from faq.yaml."),
        "events.yaml": (yaml.safe_dump(forum_event(fields=["name"])),
                        "Events from events.yaml: 1 created, 0 updated, 0 unchanged.\nNew: forum"),
    }


async def test_every_file_type_imports(core: Core, tmp_path: Path) -> None:
    files = every_file_type()
    for name, (data, expected) in files.items():
        [reply] = await core.handle(sent(tmp_path, name, data))
        assert reply.text.plain.startswith(expected), name
    names = {d.name for d in await core.store.list_documents() if d.kind != "event"}
    assert names == set(files) - {"events.yaml"}
    assert await core.store.get_event("forum") is not None


async def test_two_faq_files_without_keys_both_import(core: Core, tmp_path: Path) -> None:
    """Keyless entries were all keyed faq-1, faq-2...: the second file was refused as using
    the first one's keys."""
    for name, question in (("parking.yaml", "Is there parking?"), ("food.yaml", "Is there food?")):
        data = yaml.safe_dump({"faq": [{"question": {"en": question}, "answer": {"en": "Yes."}}]})
        [reply] = await core.handle(sent(tmp_path, name, data))
        assert reply.text.plain == f"Imported 1 FAQ entry from {name}.", reply.text.plain
    assert {d.name for d in await core.store.list_documents()} >= {"parking.yaml", "food.yaml"}


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/zeros.bin", b"\0" * (210 * 1024 * 1024))
    return buffer.getvalue()


async def test_bad_files_get_one_translated_line_and_change_nothing(
    core: Core, tmp_path: Path
) -> None:
    bad = {
        "setup.exe": (b"MZ\x90\x00", "Uvozim lahko samo datoteke .docx, .html, .md, .pdf, "
                                     ".txt, .yaml: setup.exe ni uvožena."),
        "empty.txt": (b"", "empty.txt je prazna: nič ni uvoženo."),
        "binary.txt": (b"\x00\x01\x02garbage", "binary.txt ni besedilo v kodiranju, ki ga "
                                               "poznam"),
        "broken.pdf": (b"%PDF-1.4 this is not really a pdf", "Datoteke broken.pdf ne morem "
                                                             "prebrati"),
        "broken.docx": (b"PK\x03\x04 not a zip", "Datoteke broken.docx ne morem prebrati"),
        "scan.pdf": (tiny_pdf([]), "scan.pdf nima besedilne plasti"),
        "bomb.docx": (zip_bomb(), "bomb.docx se razširi v veliko več"),
        "bad.yaml": (b"faq: [unclosed", "bad.yaml ni veljavna datoteka"),
        "events.yaml": (yaml.safe_dump({"events": [{"id": "x", "title": "No dates"}]}).encode(),
                        "Dogodki v events.yaml imajo napake: nič ni uvoženo."),
    }
    for name, (data, expected) in bad.items():
        replies = await core.handle(sent(tmp_path, name, data, lang="sl"))
        assert len(replies) == 1 and replies[0].all_buttons == [], name
        assert expected in replies[0].text.plain, (name, replies[0].text.plain)
        assert "Traceback" not in replies[0].text.plain
    assert await core.store.list_documents() == []
    assert await core.store.list_events() == []


async def test_an_oversized_file_is_refused_before_it_is_read(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 21 MB that cost nothing
        handle.truncate(21 * 1024 * 1024)
    console = ConsoleAdapter(ADMIN, language="pl", stdin=io.StringIO(), stdout=io.StringIO())
    [reply] = await core.handle(console._incoming(f"/file {path}"))
    assert reply.text.plain == "huge.txt jest za duży (limit to 20 MB): nic nie zaimportowano."
    assert await core.store.list_documents() == []


async def test_a_citizen_sending_a_file_gets_a_polite_line_and_nothing_is_imported(
    core: Core, tmp_path: Path
) -> None:
    [reply] = await core.handle(sent(tmp_path, "razpis.md", SLOVENIAN_CALL, user=CITIZEN,
                                     lang="uk"))
    assert reply.text.plain.startswith("Дякуємо, але файли я приймаю лише від адміністраторів")
    assert await core.store.list_documents() == []
    # and a forged Undo button does nothing for them either
    [forged] = await core.handle(Incoming(platform="console", chat_id=CITIZEN,
                                          user_id=CITIZEN, payload="upl:undo:1"))
    assert "admins" in forged.text.plain or "адміністратор" in forged.text.plain


async def test_undo_of_events_removes_the_new_ones_but_keeps_those_people_registered_for(
    core: Core, tmp_path: Path
) -> None:
    two = forum_event(fields=["name"])
    two["events"].append({**copy.deepcopy(two["events"][0]), "id": "picnic",
                          "title": "Picnic"})
    [reply] = await core.handle(sent(tmp_path, "events.yaml", yaml.safe_dump(two)))
    assert "2 created" in reply.text.plain
    person = await core.store.person_for_identity("console", CITIZEN, CITIZEN,
                                                  core.clock.now())
    await core.store.register("picnic", person.id, {"name": "Ana"}, locale="en",
                              consented=True, now=core.clock.now())
    [undone] = await core.handle(press(ADMIN, reply, "Undo"))
    assert "Events removed: forum" in undone.text.plain
    assert "picnic is kept: people have registered for it." in undone.text.plain
    assert await core.store.get_event("forum") is None
    assert await core.store.get_event("picnic") is not None


async def test_documents_lists_and_removes_after_a_confirmation(
    core: Core, tmp_path: Path
) -> None:
    await core.handle(sent(tmp_path, "razpis.md", SLOVENIAN_CALL))
    [listing] = await core.handle(says(ADMIN, "/documents"))
    assert "1. Razpis za mladinske projekte 2027 (Slovenian, " in listing.text.plain
    assert "1 passage)" in listing.text.plain
    [confirm] = await core.handle(press(ADMIN, listing, "Remove 1"))
    assert confirm.text.plain.startswith("Remove Razpis za mladinske projekte 2027 (razpis.md)?")
    assert len(await core.store.list_documents()) == 1  # nothing yet
    [removed] = await core.handle(press(ADMIN, confirm, "Remove"))
    assert removed.text.plain == "Removed Razpis za mladinske projekte 2027."
    assert await core.store.list_documents() == []
    assert ("console:99", "content.remove") in [
        (entry.actor, entry.action) for entry in await core.store.audit_entries()]
    [citizen] = await core.handle(says(CITIZEN, "/documents"))
    assert "only the organisation's admins" in citizen.text.plain


async def test_file_text_reads_a_sent_document_for_other_capabilities(tmp_path: Path) -> None:
    message = sent(tmp_path, "vabilo.pdf", tiny_pdf(["Rok za prijavo je 13. marec 2019."]))
    assert message.file is not None
    assert "Rok za prijavo je 13. marec 2019." in await file_text(message.file)
    broken = sent(tmp_path, "broken.pdf", b"%PDF-1.4 nothing")
    assert broken.file is not None
    try:
        await file_text(broken.file)
    except UploadRefused as refused:
        assert refused.problem == "damaged"
    else:
        raise AssertionError("a broken PDF was read")


async def test_a_file_inside_a_form_or_in_a_group_is_not_imported(
    core: Core, tmp_path: Path
) -> None:
    await core.handle(says(ADMIN, "/broadcast"))
    replies = await core.handle(sent(tmp_path, "razpis.md", SLOVENIAN_CALL))
    assert replies[0].text.plain == ("I can only read text messages. Send /help to see what I "
                                     "can do.")
    assert len(replies) > 1 and replies[1].all_buttons  # the form's question again
    await core.handle(says(ADMIN, "/cancel"))
    group = sent(tmp_path, "razpis.md", SLOVENIAN_CALL)
    group = Incoming(platform="console", chat_id="group-1", user_id=ADMIN, file=group.file,
                     is_private=False, addressed_to_bot=True)
    [reply] = await core.handle(group)
    assert reply.text.plain.startswith("Please send documents to me in a private chat")
    assert await core.store.list_documents() == []
