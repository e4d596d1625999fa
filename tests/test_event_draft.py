"""Events drafted from real invitations (bot.events.draft), `civicbot events draft FILE`, and
/newevent started from an invitation's text or file: review, Edit, Discard (#19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import yaml

from bot.events.draft import draft_event
from bot.pipeline.core import Core
from tests.conftest import run_cli
from tests.test_documents import sent
from tests.test_events_support import buttons_of, text_of

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
if not CORPUS.exists():  # a worktree: shared/ beside the repository's parent
    CORPUS = Path("/work/wt/shared/corpus")
OWN = Path(__file__).resolve().parent / "invitations"
ADMIN = "99"


def corpus(name: str) -> str:
    return next(CORPUS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


# -- the two shared invitations (dev: looked at while writing the code) -----------------------

def test_the_serbian_ogp_conference() -> None:
    draft = draft_event(corpus("001"), date(2019, 3, 1))
    assert draft.language == "sr" and draft.timezone == "Europe/Belgrade"
    assert draft.title == "Партнерство за отворену управу – отвореност у служби поверења"
    assert draft.start_date == date(2019, 3, 15)  # not the week of 11-17 March
    assert draft.start_time is None  # not stated: asked for
    assert draft.location is not None and "Хајат" in draft.location \
        and "Милентија Поповића 5, Нови Београд" in draft.location
    assert (draft.deadline_date, draft.deadline_time) == (date(2019, 3, 13), None)
    assert draft.contact == "danilo.rodic@civilnodrustvo.gov.rs"
    assert draft.missing() == ["start_time"]


def test_the_polish_linia_wspolpracy_conference() -> None:
    # no year in the text, no date of its own: resolved against the day it is sent
    draft = draft_event(corpus("004"), date(2013, 2, 10))
    assert draft.language == "pl" and draft.timezone == "Europe/Warsaw"
    assert draft.title == "MAC zaprasza na konferencję o Linii Współpracy"
    assert draft.start_date == date(2013, 2, 21)
    assert draft.deadline_date == date(2013, 2, 18)
    assert draft.location is None  # the invitation does not say: asked for
    assert draft.contact == "https://mac.gov.pl/liniawspolpracy-konferencja/"  # the sign-up form
    assert set(draft.missing()) == {"start_time", "location"}
    later = draft_event(corpus("004"), date(2026, 12, 3))
    assert (later.start_date, later.deadline_date) == (date(2027, 2, 21), date(2027, 2, 18))


# -- three of our own, other languages (tests/invitations/MANIFEST.md) ----------------------

def test_a_slovenian_invitation_with_a_labelled_place() -> None:
    draft = draft_event((OWN / "sl_novo_mesto_slovesnost.txt").read_text(), date(2018, 4, 1))
    assert draft.language == "sl" and draft.timezone == "Europe/Ljubljana"
    assert draft.title == "Vabilo na slovesnost ob dnevu upora proti okupatorju"
    assert (draft.start_date, draft.start_time) == (date(2018, 4, 18), time(19, 0))
    assert draft.location == "Knjižnica Mirana Jarca Novo mesto (atrij)"
    assert draft.deadline_date is None  # no registration: the admin is asked


def test_a_croatian_invitation_with_a_comma_time_range() -> None:
    draft = draft_event((OWN / "hr_okrugli_stol_prostori.txt").read_text(), date(2012, 6, 1))
    assert draft.title is not None and draft.title.startswith("Okrugli stol \"Kriteriji")
    assert (draft.start_date, draft.start_time, draft.end_time) == (
        date(2012, 6, 15), time(14, 30), time(17, 0))
    assert draft.location == "Tribini Grada Zagreba, Kaptol 27"
    assert draft.deadline_date == date(2012, 6, 10)
    # detected as Serbian (Latin), but "lipnja" is a Croatian month name: Zagreb's time zone
    assert (draft.language, draft.timezone) == ("sr_Latn", "Europe/Zagreb")


def test_a_ukrainian_invitation_dated_by_its_own_stamp() -> None:
    # "11 вересня" has no year: the news item's own date (09.09.2024) gives it, not today
    draft = draft_event((OWN / "uk_zaporizhzhia_onlain_konferentsiia.txt").read_text(),
                        date(2026, 12, 3))
    assert draft.language == "uk" and draft.invitation_date == date(2024, 9, 9)
    assert (draft.start_date, draft.start_time, draft.end_time) == (
        date(2024, 9, 11), time(14, 0), time(17, 0))
    assert draft.location == "м. Київ / платформа «ZOOM»"


# -- shapes the five real ones do not have (written for these tests) -------------------------

def test_english_month_first_with_am_capacity_and_phone() -> None:
    draft = draft_event(
        "Invitation: Open Data Day 2025\n\nPublished: 1 March 2025\n\n"
        "The Open Data Day will take place on Saturday, March 15, 2025 at 10 am in the Main "
        "Hall, City Library, 5 Park Street, Leeds. Seats are limited to 40 participants.\n\n"
        "Please register by March 10 at events@odd.example.org or call +44 113 496 0000.\n",
        date(2024, 1, 1))
    assert (draft.language, draft.title) == ("en", "Open Data Day 2025")
    assert (draft.start_date, draft.start_time) == (date(2025, 3, 15), time(10, 0))
    assert draft.location == "the Main Hall, City Library, 5 Park Street, Leeds"
    assert draft.deadline_date == date(2025, 3, 10)  # no year: after the invitation's date
    assert draft.capacity == 40
    assert draft.contact == "events@odd.example.org, +44 113 496 0000"
    assert draft.timezone is None  # English says nothing of the zone: the bot's own is used


def test_relative_days_are_resolved_against_the_invitations_date() -> None:
    draft = draft_event("Objavljeno: 3. 3. 2025\nVabilo na sestanek\nSestanek bo jutri ob 10. "
                        "uri v sejni sobi Občine Kamnik, Glavni trg 24. Prijave do danes do "
                        "16.00.\n", date(2025, 6, 1))
    assert draft.invitation_date == date(2025, 3, 3) and draft.title == "Vabilo na sestanek"
    assert (draft.start_date, draft.start_time) == (date(2025, 3, 4), time(10, 0))
    assert (draft.deadline_date, draft.deadline_time) == (date(2025, 3, 3), time(16, 0))
    assert draft.location == "sejni sobi Občine Kamnik, Glavni trg 24"


# -- civicbot events draft FILE -----------------------------------------------------------------

def test_the_cli_draft_is_yaml_that_import_takes(tmp_path: Path) -> None:
    invitation = tmp_path / "vabilo.txt"
    invitation.write_text(INVITATION, encoding="utf-8")
    drafted = run_cli(["events", "draft", str(invitation), "--today", "2027-03-01"], tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    [entry] = yaml.safe_load(drafted.stdout)["events"]
    assert entry["starts_at"] == "2027-05-20T10:00:00+02:00"
    assert entry["registration_deadline"] == "2027-05-18"
    draft_file = tmp_path / "draft.yaml"
    draft_file.write_text(drafted.stdout, encoding="utf-8")
    imported = run_cli(["events", "import", str(draft_file)], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"created   {entry['id']}" in imported.stdout
    listed = run_cli(["events", "list"], tmp_path).stdout
    assert "2027-05-20 10:00" in listed and "2027-05-18 23:59" in listed


def test_the_cli_lists_what_it_could_not_read(tmp_path: Path) -> None:
    drafted = run_cli(["events", "draft", str(next(CORPUS.glob("004_*.txt"))),
                       "--today", "2013-02-10"], tmp_path)
    assert "# not found in the invitation, please add: location" in drafted.stdout
    assert "# the start day is 2013-02-21" in drafted.stdout


# -- /newevent from an invitation, and by hand, through the console's core --------------------

INVITATION = """Vabilo na delavnico o odprtih podatkih

Delavnica bo potekala v sredo, 20. maja 2027, od 10:00 do 14:00 v dvorani Zavoda Pip, \
Tivolska 30, Ljubljana. Praktična delavnica za nevladne organizacije o tem, kako objaviti \
odprte podatke.

Število mest je omejeno na 25. Prijave zbiramo do 18. maja 2027 na naslovu ana@pip.si.
"""


async def admin(core: Core, text: str = "", payload: str | None = None):
    from bot.pipeline.types import Incoming

    return await core.handle(Incoming(platform="console", chat_id=ADMIN, user_id=ADMIN,
                                      text=text, payload=payload, language_hint="en"))


async def test_an_invitation_sent_as_text_is_reviewed_then_published(core: Core) -> None:
    await admin(core, "/newevent")
    replies = await admin(core, INVITATION)
    shown = text_of(replies)
    assert "I have read the invitation and drafted the event." in shown
    # the card as citizens see it (in the event's language), then every field
    assert "Vabilo na delavnico o odprtih podatkih" in shown
    assert "Kje: dvorani Zavoda Pip, Tivolska 30, Ljubljana" in shown
    assert "Rok za prijavo: " in shown
    assert "Deadline: " in shown and "Contact: ana@pip.si" in shown and "Seats: 25" in shown
    assert "Language: sl" in shown
    assert [label for label, _ in buttons_of(replies)] == ["Publish", "Edit a field", "Discard"]
    assert await core.store.list_events() == []  # nothing before the confirmation
    done = text_of(await admin(core, payload="f:newevent:publish"))
    assert "Saved vabilo-na-delavnico-o-odprtih-2027." in done
    record = await core.store.get_event("vabilo-na-delavnico-o-odprtih-2027")
    assert record is not None
    assert record.starts_at == datetime(2027, 5, 20, 8, 0, tzinfo=UTC)
    assert record.ends_at == datetime(2027, 5, 20, 12, 0, tzinfo=UTC)
    assert record.capacity == 25
    assert record.registration_deadline == datetime(2027, 5, 18, 21, 59, 59, tzinfo=UTC)
    assert "Kontakt: ana@pip.si" in record.spec["description"]["sl"]


async def test_discard_publishes_nothing_and_edit_changes_one_field(core: Core) -> None:
    await admin(core, "/newevent")
    await admin(core, INVITATION)
    discarded = text_of(await admin(core, payload="f:newevent:no"))
    assert discarded == "Discarded. Nothing was published."
    assert await core.store.list_events() == []

    await admin(core, "/newevent " + INVITATION)
    asked = await admin(core, payload="f:newevent:edit")
    assert "What should change?" in text_of(asked)
    assert "Place" in [label for label, _ in buttons_of(asked)]
    assert "Where is it?" in text_of(await admin(core, payload="f:newevent:edit:location"))
    reviewed = text_of(await admin(core, "Mestna knjižnica, Kersnikova 2"))
    assert "Place: Mestna knjižnica, Kersnikova 2" in reviewed
    assert "Seats: 25" in reviewed and "Contact: ana@pip.si" in reviewed  # the rest kept
    await admin(core, payload="f:newevent:edit")
    await admin(core, payload="f:newevent:edit:timezone")
    reviewed = text_of(await admin(core, "Europe/Kyiv"))  # the times stay 10:00-14:00
    assert "Time zone: Europe/Kyiv" in reviewed
    await admin(core, payload="f:newevent:publish")
    [record] = await core.store.list_events()
    assert record.location == {"sl": "Mestna knjižnica, Kersnikova 2"}
    assert record.capacity == 25
    assert (record.timezone, record.starts_at) == ("Europe/Kyiv",
                                                   datetime(2027, 5, 20, 7, 0, tzinfo=UTC))


async def test_what_an_invitation_does_not_say_is_asked(core: Core) -> None:
    await admin(core, "/newevent")
    replies = await admin(core, corpus("004").replace("21 lutego", "21 maja")
                          .replace("18 lutego", "18 maja"))
    shown = text_of(replies)
    assert "I could not read: Start time, End time, Place, Seats." in shown
    assert "is on 2027-05-21, but not at what time" in shown
    assert "I could not read that time." in text_of(await admin(core, "ten"))
    assert "When does it end?" in text_of(await admin(core, "10:00"))
    assert "Where is it?" in text_of(await admin(core, payload="f:newevent:noend"))
    assert "How many seats" in text_of(await admin(core, "Warszawa, ul. Królewska 27"))
    reviewed = text_of(await admin(core, payload="f:newevent:nolimit"))
    assert "End time: — not stated" in reviewed and "Seats: No limit" in reviewed
    assert "Contact: https://mac.gov.pl/liniawspolpracy-konferencja/" in reviewed
    assert "Publish it?" in reviewed
    await admin(core, payload="f:newevent:edit")
    await admin(core, payload="f:newevent:edit:contact")
    reviewed = text_of(await admin(core, payload="f:newevent:nocontact"))
    assert "Contact: — not stated" in reviewed
    await admin(core, payload="f:newevent:publish")
    [record] = await core.store.list_events()
    assert record.starts_at == datetime(2027, 5, 21, 8, 0, tzinfo=UTC)  # 10:00 in Warsaw


async def test_an_invitation_file_starts_the_draft(core: Core, tmp_path: Path) -> None:
    await admin(core, "/newevent")
    replies = await core.handle(sent(tmp_path, "vabilo.md", INVITATION, user=ADMIN))
    assert "Publish it?" in text_of(replies)
    assert "Contact: ana@pip.si" in text_of(replies)
    assert [d.name for d in await core.store.list_documents()] == []  # read, not imported
    refused = await core.handle(sent(tmp_path, "vabilo.exe", b"MZ", user=ADMIN))
    assert "I can import only" in text_of(refused)


async def test_typed_by_hand_with_an_end_time_and_a_date_only_deadline(core: Core) -> None:
    for step in ("/newevent", "Delavnica", "Za društva.", "1", "2027-05-20 10:00"):
        await admin(core, step)
    assert "Where is it?" in text_of(await admin(core, "14:00"))
    await admin(core, "Ljubljana")
    assert "How many seats" in text_of(await admin(core, "18.5.2027"))  # a date, no time
    await admin(core, "30")
    reviewed = await admin(core, payload="f:newevent:fields:default")
    shown = text_of(reviewed)
    assert "This is how citizens will see it:" in shown and "Publish it?" in shown
    assert "End time: Thursday, May 20, 2027, 2:00" in shown
    assert "Kdaj: " in shown  # the card in the event's language (Slovenian)
    assert "Language: sl" in shown
    assert await core.store.list_events() == []
    await admin(core, payload="f:newevent:publish")
    [record] = await core.store.list_events()
    assert record.ends_at == datetime(2027, 5, 20, 12, 0, tzinfo=UTC)
    assert record.registration_deadline == datetime(2027, 5, 18, 21, 59, 59, tzinfo=UTC)
