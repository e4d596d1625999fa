"""Questions about events in words, answered from the events table in the asker's language.

Five events in four time zones (one open, one closed, one full, one past, one cancelled,
tests/event_questions_data.py), the two of examples/events.yaml (an upcoming conference whose
2019 edition is a corpus document; a conference that took place four days before the clock),
and the shared corpus as distractors. Each answer is checked as a person would read it: the
facts, the locale's own date format, one language and one script (every word of an answer is
a word of that locale's catalog, of babel's dates in that locale, or of the events' own names,
places and descriptions), no raw ISO time, field name or typed command, and the buttons.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.pofile import read_po

from bench.qa_eval import resolve_corpus
from bot.content.importer import import_paths
from bot.events.loader import import_events, parse_events_yaml
from bot.i18n.scripts import serbian_to_latin
from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Reply, Style
from bot.qa.service import service_for
from bot.reminders import cancel_event
from tests.conftest import ROOT, run_cli
from tests.event_questions_data import (
    CANCELLED,
    CLOSED,
    EVENTS,
    FULL,
    OGP,
    OPEN,
)

EXAMPLES = ROOT / "examples" / "events.yaml"
LOCALES = ("sl", "sr", "sr_Latn", "pl", "uk", "en")
HINTS = {"sr_Latn": "sr"}  # the platform says Serbian; the Latin text picks the script
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
NEVER = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|registration_deadline|_|(?<![\w/.])/[a-z]+")


# -- the store ----------------------------------------------------------------------------


def shared_corpus() -> Path:
    corpus = resolve_corpus(None)  # as tests/test_qa_eval.py finds it ($CIVICBOT_CORPUS)
    if not corpus.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"no shared corpus at {corpus}")
        pytest.skip(f"no shared corpus at {corpus}")
    return corpus


async def load_everything(core: Core) -> None:
    corpus = shared_corpus()
    outcomes = await import_paths(core.store, [corpus, EXAMPLES], core.clock.now())
    assert all(outcome.status != "failed" for outcome in outcomes), outcomes
    await import_events(core.store, parse_events_yaml(EVENTS, "test.yaml"), core.clock.now())
    for number in range(3):  # two seats, so the third waits
        person = await core.store.person_for_identity("console", f"p{number}", f"p{number}",
                                                      core.clock.now())
        await core.store.register(FULL, person.id, {"name": "Ana", "email": "a@example.org"},
                                  locale="pl", consented=True, now=core.clock.now())
    cancelled = await cancel_event(core, CANCELLED, "console:99")
    assert cancelled.result == "cancelled"


async def ask(core: Core, locale: str, question: str, user: str = "1") -> Reply:
    """A question in the chat of a person whose platform says `locale`."""
    replies = await core.handle(Incoming(platform="console", chat_id=f"{locale}-{user}",
                                         user_id=f"{locale}-{user}", text=question,
                                         language_hint=HINTS.get(locale, locale)))
    assert len(replies) == 1
    return replies[0]


def buttons(reply: Reply) -> list[tuple[str, str]]:
    return [(button.label, button.payload) for button in reply.all_buttons]


# -- what a person would notice ----------------------------------------------------------


def names() -> list[str]:
    """The events' own texts (titles, places, descriptions) in every language and script:
    proper names may stand in any answer."""
    texts: list[str] = []
    for event in [*EVENTS["events"], *yaml.safe_load(EXAMPLES.read_text())["events"]]:
        for key in ("title", "location", "description"):
            value = event[key]
            for text in (value.values() if isinstance(value, dict) else [value]):
                text = " ".join(text.split())
                for piece in [text, *re.split(r"(?<=[.!?])\s+", text)]:  # a quoted sentence
                    texts += [piece, serbian_to_latin(piece)]
    return sorted(set(texts), key=len, reverse=True)


def catalog_words(locale: str) -> set[str]:
    """Every word of the answers' catalogs in this locale (the English source for en)."""
    found: set[str] = set()
    for domain in ("events", "qa"):
        path = ROOT / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            texts = [message.id] if locale == "en" else [message.string]
            for text in texts:
                for part in (text if isinstance(text, tuple | list) else [text]):
                    found |= words(re.sub(r"\{\w+\}", " ", part or ""))
    return found


def babel_words(locale: str) -> set[str]:
    """The words babel writes in this locale's dates and times."""
    found: set[str] = set()
    zone = ZoneInfo("Europe/Ljubljana")
    for day in range(0, 366, 3):
        moment = datetime(2027, 1, 1, 9, tzinfo=zone) + timedelta(days=day, hours=day % 14)
        for form in ("full", "long", "medium"):
            found |= words(format_date(moment, form, locale=Locale.parse(locale)))
        found |= words(format_time(moment, "short", locale=Locale.parse(locale)))
    return found


def words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"[^\W\d_]+", text)}


def without_names(text: str) -> str:
    for name in names():
        text = text.replace(name, " ")
    return text


def check_reader(reply: Reply, locale: str) -> None:
    """One language and one script; no ISO time, field name or command."""
    text = reply.text.plain
    assert not NEVER.search(text), text
    rest = without_names(text)
    if locale in ("sr", "uk"):
        assert not LATIN.search(rest), (LATIN.findall(rest), text)
    else:
        assert not CYRILLIC.search(rest), (CYRILLIC.findall(rest), text)
    allowed = catalog_words(locale) | babel_words(locale)
    stray = words(rest) - allowed
    assert not stray, (stray, text)
    for button in reply.all_buttons:
        label = button.label
        if label.endswith("…") and any(name.startswith(label[:-1]) for name in names()):
            continue  # a long title, cut
        assert not words(without_names(label)) - allowed, button


def spaced(text: str) -> str:
    """Babel's narrow and no-break spaces ("2027 р.", "5:00 PM") as plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def bold_texts(reply: Reply) -> list[str]:
    return [segment.text for segment in reply.text.segments if segment.style is Style.BOLD]


# -- the questions ------------------------------------------------------------------------

# locale -> (question, [texts the answer holds], [texts it must not hold], buttons or None)
QUESTIONS: dict[str, list[tuple[str, list[str], list[str], list[tuple[str, str]] | None]]] = {
    "sl": [
        ("Kdaj je Forum civilne tehnologije?",
         ["Forum civilne tehnologije", "četrtek, 4. marec 2027", "od 17:00 do 19:30",
          "Začne se čez 3 dni.", "Mestna hiša, Mestni trg 1, Ljubljana",
          "sreda, 3. marec 2027 ob 12:00", "še 2 dneva"], [],
         [("Prijavi se", f"reg:{OPEN}"), ("Več o dogodku", f"ev:{OPEN}")]),
        ("Kdaj je konferenca Partnerstvo za odprto upravo?",  # its 2019 edition: a document
         ["Partnerstvo za odprto upravo – odprtost v službi zaupanja", "petek, 19. marec 2027",
          "od 10:00 do 16:00"], ["2019", "15. mar"],
         [("Prijavi se", f"reg:{OGP}"), ("Več o dogodku", f"ev:{OGP}")]),
        ("Do kdaj se lahko prijavim na dan lokalne samouprave?",
         ["so se zaprle", "petek, 26. februar 2027"], ["Prijavi se"],
         [("Več o dogodku", f"ev:{CLOSED}")]),
        ("Ali je še kaj prostih mest na delavnici odprtih podatkov?",
         ["Warsztaty otwartych danych", "so vsa mesta zasedena", "čakalni seznam"], [],
         [("Na čakalni seznam", f"reg:{FULL}"), ("Več o dogodku", f"ev:{FULL}")]),
        ("Kdaj je bila javna obravnava proracuna?",
         ["je potekal", "sreda, 10. februar 2027", "od 18:00 do 20:00"], ["Prijav"],
         [("Vsi dogodki", "events")]),
        ("Ali bo festival nevladnih organizacij?",
         ["Festival nevladnih organizacij", "je odpovedan", "četrtek, 15. april 2027 ob 10:00"],
         [], [("Vsi dogodki", "events")]),
        ("Kateri dogodki so ta teden?",
         ["Dogodki ta teden:", "Forum civilne tehnologije", "4. mar. 2027 ob 17:00"],
         ["Warsztaty", "Partnerstvo"], [("Forum civilne tehnologije", f"ev:{OPEN}")]),
    ],
    "sr": [
        ("Када почиње Форум грађанске технологије?",
         ["Форум грађанске технологије", "четвртак, 4. март 2027.", "од 17:00 до 19:30",
          "Почиње за 3 дана.", "Градска већница, Местни трг 1, Љубљана", "још 2 дана"], [],
         [("Пријави се", f"reg:{OPEN}"), ("Више о догађају", f"ev:{OPEN}")]),
        ("Докад траје пријава за Дан локалне самоуправе?",
         ["Дан локалне самоуправе", "затворене су", "петак, 26. фебруар 2027."],
         ["2027..", "Пријави се"], [("Више о догађају", f"ev:{CLOSED}")]),
        ("Има ли слободних места на радионици о отвореним подацима?",
         ["Warsztaty otwartych danych", "попуњена", "листу чекања"], [],
         [("Упиши ме на листу чекања", f"reg:{FULL}"), ("Више о догађају", f"ev:{FULL}")]),
        ("Када је била јавна расправа о буџету?",
         ["одржан је", "среда, 10. фебруар 2027.", "од 18:00 до 20:00"], [],
         [("Сви догађаји", "events")]),
        ("Где ће бити фестивал невладиних организација?",
         ["Фестивал невладиних организација", "је отказан", "четвртак, 15. април 2027. у 10:00"],
         ["Где:"], [("Сви догађаји", "events")]),
        ("Које догађаје имате овог месеца?",
         ["Догађаји овог месеца:", "Форум грађанске технологије", "Warsztaty otwartych danych",
          "Партнерство за отворену управу", "Дан локалне самоуправе", "пријаве затворене"],
         ["Фестивал", "Громадські"], None),
    ],
    "sr_Latn": [
        ("Kada pocinje forum gradjanske tehnologije?",
         ["Forum građanske tehnologije", "četvrtak, 4. mart 2027.", "od 17:00 do 19:30",
          "Počinje za 3 dana.", "Gradska većnica, Mestni trg 1, Ljubljana"], [],
         [("Prijavi se", f"reg:{OPEN}"), ("Više o događaju", f"ev:{OPEN}")]),
        ("Ima li još slobodnih mesta?",
         ["još 40 slobodnih mesta", "sva mesta su popunjena", "još 150 slobodnih mesta",
          "prijave zatvorene"], [],
         [("Forum građanske tehnologije", f"reg:{OPEN}"),
          ("Warsztaty otwartych danych", f"reg:{FULL}"),
          ("Partnerstvo za otvorenu upravu – otvorenost u službi povere…", f"reg:{OGP}"),
          ("Dan lokalne samouprave", f"ev:{CLOSED}")]),
        ("Do kada mogu da se prijavim za konferenciju Partnerstvo za otvorenu upravu?",
         ["Partnerstvo za otvorenu upravu – otvorenost u službi poverenja",
          "sreda, 17. mart 2027. u 16:00", "još 16 dana"], ["2019"], None),
    ],
    "pl": [
        ("Kiedy są warsztaty otwartych danych?",
         ["Warsztaty otwartych danych", "środa, 10 marca 2027, godz. 09:30",
          "czwartek, 11 marca 2027, godz. 15:00", "Zaczyna się za 9 dni.",
          "Biblioteka Uniwersytecka, ul. Dobra 56/66, Warszawa"], [],
         [("Zapisz mnie na listę rezerwową", f"reg:{FULL}"),
          ("Więcej o wydarzeniu", f"ev:{FULL}")]),
        ("Czy są jeszcze wolne miejsca na warsztaty otwartych danych?",
         ["nie ma już wolnych miejsc", "listę rezerwową"], [], None),
        ("Do kiedy można się zapisać na konferencję Linia Współpracy?",  # it took place
         ["Konferencja „Linia Współpracy”", "odbyło się", "czwartek, 25 lutego 2027",
          "w godz. 10:00–15:30"], ["18 lutego", "21 lutego", "zapisać"],
         [("Wszystkie wydarzenia", "events")]),
        ("Ile kosztuje udział w Forum technologii obywatelskich?",
         ["Forum technologii obywatelskich", "Udział jest bezpłatny."], [], None),
        ("Jak się zapisać na forum technologii obywatelskich?",
         ["możesz zapisać się tutaj na czacie", "odpowiedz na 2 pytania",
          "środa, 3 marca 2027, godz. 12:00", "zostały 2 dni"], [],
         [("Zapisz się", f"reg:{OPEN}"), ("Więcej o wydarzeniu", f"ev:{OPEN}")]),
        ("Jakie wydarzenia są w przyszłym tygodniu?",
         ["Wydarzenia w przyszłym tygodniu:", "Warsztaty otwartych danych",
          "10 mar 2027, godz. 09:30"], ["Forum", "Partnerstvo"],
         [("Warsztaty otwartych danych", f"ev:{FULL}")]),
    ],
    "uk": [
        ("Коли відбудеться форум громадянських технологій?",
         ["Форум громадянських технологій", "четвер, 4 березня 2027 р.", "з 17:00 до 19:30",
          "Починається через 3 дні.", "Ратуша, Местні трг 1, Любляна"], [],
         [("Зареєструватися", f"reg:{OPEN}"), ("Більше про подію", f"ev:{OPEN}")]),
        ("Коли були громадські слухання щодо бюджету?",
         ["Громадські слухання щодо бюджету", "відбулася", "середа, 10 лютого 2027 р.",
          "з 18:00 до 20:00"], [], [("Усі події", "events")]),
        ("Як зареєструватися на воркшоп відкритих даних?",
         ["Воркшоп відкритих даних", "усі місця зайняті", "списку очікування"], [],
         [("Записатися до списку очікування", f"reg:{FULL}"),
          ("Більше про подію", f"ev:{FULL}")]),
        ("Чи відбудеться фестиваль неурядових організацій?",
         ["скасовано", "четвер, 15 квітня 2027 р. о 10:00"], [], [("Усі події", "events")]),
        ("Скільки місць залишилося на форумі громадянських технологій?",
         ["залишилося ще 40 вільних місць з 40"], [], None),
        ("Які події відбудуться цього місяця?",
         ["Події цього місяця:", "Форум громадянських технологій", "Воркшоп відкритих даних",
          "Дан локалне самоуправе", "реєстрацію закрито"], ["Фестивал"], None),
    ],
    "en": [
        ("When is the Civic Tech Forum?",
         ["Civic Tech Forum", "Thursday, March 4, 2027", "from 5:00 PM to 7:30 PM",
          "It starts in 3 days.", "Town Hall, Mestni trg 1, Ljubljana", "2 days left"], [],
         [("Register", f"reg:{OPEN}"), ("More about the event", f"ev:{OPEN}")]),
        ("Is there still room?",
         ["40 seats left", "fully booked; 1 person is on the waiting list", "150 seats left",
          "registration closed"], ["Public budget", "NGO festival"],
         [("Civic Tech Forum", f"reg:{OPEN}"), ("Open data workshop", f"reg:{FULL}"),
          ("Open Government Partnership – openness in the service of tr…", f"reg:{OGP}"),
          ("Local self-government day", f"ev:{CLOSED}")]),
        ("How do I register?",
         ["You can register for these events:", "Civic Tech Forum", "Open data workshop",
          "Press an event to register."], ["/register"], None),
        ("What events are coming up?",
         ["Upcoming events:", "Civic Tech Forum — Mar 4, 2027 at 5:00 PM",
          "Open data workshop — Mar 10, 2027 at 9:30 AM",
          "Local self-government day — Mar 20, 2027 at 10:00 AM"],
         ["Line of Cooperation", "NGO festival", "budget"], None),
        ("Until when can I sign up for the local self-government day?",
         ["Registration for Local self-government day closed on Friday, February 26, 2027."],
         [], [("More about the event", f"ev:{CLOSED}")]),
        ("How long is the open data workshop?",
         ["Open data workshop lasts 2 days", "Wednesday, March 10, 2027 at 9:30 AM",
          "Thursday, March 11, 2027 at 3:00 PM"], [], None),
        ("Where is the OGP conference?",
         ["Hyatt Regency hotel, Milentija Popovića 5, New Belgrade",
          "Friday, March 19, 2027 at 10:00 AM – 4:00 PM"], ["2019"], None),
        ("When was the public budget hearing?",
         ["Public budget hearing took place on Wednesday, February 10, 2027, from 6:00 PM to "
          "8:00 PM."], [], [("All events", "events")]),
        ("Is the NGO festival still on?",
         ["NGO festival has been cancelled.", "Thursday, April 15, 2027 at 10:00 AM"], [],
         [("All events", "events")]),
    ],
}


@pytest.mark.parametrize("locale", LOCALES)
async def test_event_questions_are_answered_from_the_events_in_the_askers_language(
        core: Core, locale: str) -> None:
    await load_everything(core)
    for question, holds, lacks, expected_buttons in QUESTIONS[locale]:
        reply = await ask(core, locale, question)
        text = spaced(reply.text.plain)
        for fact in holds:
            assert fact in text, (question, fact, text)
        for wrong in lacks:
            assert wrong not in text, (question, wrong, text)
        if expected_buttons is not None:
            assert buttons(reply) == expected_buttons, (question, buttons(reply))
        check_reader(reply, locale)
        result = await service_for(core.store).ask(question, locale=locale, now=core.clock.now())
        assert result.event is not None, question
        assert all(s.document.startswith("event:") for s in result.sources), result.sources


async def test_the_title_is_the_events_own_text_never_another_languages_transliterated(
        core: Core) -> None:
    await load_everything(core)
    # No Serbian title: the Polish original, not the English one in Cyrillic letters.
    reply = await ask(core, "sr", "Када је конференција Линија сарадње (Line of Cooperation)?")
    assert bold_texts(reply) == ["Konferencja „Linia Współpracy”"]
    assert "Лајн" not in reply.text.plain and "Опен" not in reply.text.plain
    # Serbian Latin readers get the Serbian title in Latin letters (the same language).
    reply = await ask(core, "sr_Latn", "Kada je Dan lokalne samouprave?")
    assert bold_texts(reply)[0] == "Dan lokalne samouprave"
    # An English reader of an event with no English place gets the original.
    reply = await ask(core, "en", "Where is the Civic Tech Forum?")
    assert "Town Hall, Mestni trg 1, Ljubljana" in spaced(reply.text.plain)


async def test_questions_about_something_else_go_on_to_document_search(core: Core) -> None:
    await load_everything(core)
    service = service_for(core.store)
    for locale, question, document in [
        ("sr", "Када је била конференција Партнерство за отворену управу 2019. године?",
         "001_6a47ecb23ad1ff06.txt"),
        ("en", "What is the goal of the CETRA project?", "003_d5e82de8882d076e.txt"),
        ("sl", "Katere aktivnosti bo inštitut izvajal v letu 2020?", "000_8e1e15bdfb1cf730.txt"),
    ]:
        result = await service.ask(question, locale=locale, now=core.clock.now())
        assert result.event is None, question
        assert result.answer is not None and result.answer.document == document, question
    result = await service.ask("Who won the football match yesterday?", locale="en",
                               now=core.clock.now())
    assert result.event is None and result.answer is None


# "What is coming up?" and "what is on soon?", as people ask them in each language.
SOON = {
    "sl": ("Kateri dogodki so na sporedu?", "Kaj bo kmalu?", "kateri dogodki so v kratkem"),
    "sr": ("Који су предстојећи догађаји?", "Шта имате ускоро?", "Који догађаји су ускоро?"),
    "sr_Latn": ("Koji su predstojeći događaji?", "Sta ima uskoro?",
                "koji dogadjaji su u skorije vreme"),
    "pl": ("Jakie są nadchodzące wydarzenia?", "Co będzie wkrótce?",
           "Jakie wydarzenia są w najbliższym czasie?"),
    "uk": ("Які майбутні події?", "Що буде незабаром?", "Які події найближчим часом?"),
    "en": ("What events are coming up?", "What is coming soon?",
           "any events in the near future?"),
}


async def test_a_question_typed_as_on_a_phone_gets_the_same_answer(core: Core) -> None:
    """People type "ogp" in lower case and "jel" for "je li": the upcoming event, not the
    2019 page or "don't know", answers."""
    await load_everything(core)
    for locale, upper, lower in [
        ("en", "Where is the OGP conference?", "where is the ogp conference"),
        ("sr_Latn", "Do kada mogu da se prijavim za OGP?", "do kada mogu da se prijavim za ogp"),
        ("sl", "Kje bo konferenca OGP?", "kje bo konferenca ogp"),
        ("sr_Latn", "Ima li mesta na OGP konferenciji?", "jel ima mesta na ogp konferenciji"),
    ]:
        named = await ask(core, locale, upper)
        typed = await ask(core, locale, lower)
        assert typed.text.plain == named.text.plain, (lower, typed.text.plain)
        assert (f"reg:{OGP}") in [payload for _, payload in buttons(typed)], lower
        check_reader(typed, locale)


@pytest.mark.parametrize("locale", LOCALES)
async def test_what_is_on_soon_lists_the_upcoming_events(core: Core, locale: str) -> None:
    await load_everything(core)
    canonical, *soon = SOON[locale]
    listed = await ask(core, locale, canonical)
    assert listed.text.plain.count("•") >= 3, listed.text.plain
    for question in soon:
        reply = await ask(core, locale, question)
        assert reply.text.plain == listed.text.plain, (question, reply.text.plain)
        check_reader(reply, locale)

async def test_changes_show_in_the_next_answer(core: Core) -> None:
    await load_everything(core)
    question = "When is the Civic Tech Forum?"
    assert "Thursday, March 4, 2027" in spaced((await ask(core, "en", question)).text.plain)
    moved = json.loads(json.dumps(EVENTS["events"][0]))
    moved["starts_at"], moved["ends_at"] = "2027-03-05T16:00:00+01:00", None
    await import_events(core.store, parse_events_yaml({"events": [moved]}, "b.yaml"),
                        core.clock.now())
    text = spaced((await ask(core, "en", question)).text.plain)
    assert "Friday, March 5, 2027 at 4:00 PM" in text and "March 4" not in text
    # An admin moves it again by chat.
    await core.handle(Incoming(platform="console", chat_id="99", user_id="99",
                               text=f"/editevent {OPEN}"))
    await core.handle(Incoming(platform="console", chat_id="99", user_id="99",
                               payload="f:editevent:starts_at"))
    await core.handle(Incoming(platform="console", chat_id="99", user_id="99",
                               text="2027-03-06 11:00"))
    assert "Saturday, March 6, 2027 at 11:00 AM" in spaced(
        (await ask(core, "en", question)).text.plain)
    # Seats taken show at once; so does a cancellation.
    seats = "How many seats are left at the Civic Tech Forum?"
    assert "40 seats left, of 40" in (await ask(core, "en", seats)).text.plain
    person = await core.store.person_for_identity("console", "x", "x", core.clock.now())
    await core.store.register(OPEN, person.id, {"name": "B", "email": "b@example.org"},
                              locale="en", consented=True, now=core.clock.now())
    assert "39 seats left, of 40" in (await ask(core, "en", seats)).text.plain
    await cancel_event(core, OPEN, "console:99")
    reply = await ask(core, "en", question)
    assert "Civic Tech Forum has been cancelled." in reply.text.plain
    assert buttons(reply) == [("All events", "events")]


async def test_a_registered_person_sees_their_place_instead_of_the_button(core: Core) -> None:
    await load_everything(core)
    person = await core.store.person_for_identity("console", "en-7", "en-7", core.clock.now())
    await core.store.register(OPEN, person.id, {"name": "C", "email": "c@example.org"},
                              locale="en", consented=True, now=core.clock.now())
    reply = await ask(core, "en", "When is the Civic Tech Forum?", user="7")
    assert "You are registered." in bold_texts(reply)
    assert buttons(reply) == [("More about the event", f"ev:{OPEN}")]
    # The registration button of the answer starts the existing form.
    other = await ask(core, "en", "When is the Civic Tech Forum?", user="8")
    [start, first] = await core.handle(Incoming(platform="console", chat_id="en-8",
                                                user_id="en-8", payload=f"reg:{OPEN}"))
    assert "Registration for Civic Tech Forum" in start.text.plain
    assert buttons(other)[0] == ("Register", f"reg:{OPEN}")
    assert first.text.plain.startswith("(1/2)")


async def test_ask_json_and_the_chat_give_the_same_facts(tmp_path: Path, core: Core) -> None:
    """`civicbot ask --json` as a script runs it (the real clock), and the chat over the same
    database file."""
    if core.store.__class__.__name__ != "SqliteStore":
        pytest.skip("the CLI runs on the configured SQLite file")
    corpus = shared_corpus()
    start = (datetime.now(UTC) + timedelta(days=12)).astimezone(ZoneInfo("Europe/Warsaw"))
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    event = {**EVENTS["events"][2], "id": "warsztaty-cli", "capacity": 30,
             "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=5)).isoformat(),
             "registration_deadline": (start - timedelta(days=5)).date().isoformat()}
    events_file = tmp_path / "events.yaml"
    events_file.write_text(yaml.safe_dump({"events": [event]}, allow_unicode=True),
                           encoding="utf-8")
    imported = run_cli(["content", "import", str(corpus), str(events_file)], tmp_path,
                       timeout=300)
    assert imported.returncode == 0, imported.stderr
    questions = {"pl": "Kiedy są warsztaty otwartych danych?",
                 "uk": "Чи є ще вільні місця на воркшоп відкритих даних?",
                 "en": "How long is the open data workshop?"}
    asked_at = datetime.now(UTC)
    lines = {}
    for locale, question in questions.items():
        done = run_cli(["ask", "--json", "--lang", locale, question], tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        lines[locale] = json.loads(done.stdout)
    core.clock.set(asked_at)  # type: ignore[attr-defined]
    for locale, question in questions.items():  # the chat, on the file the CLI wrote
        line = lines[locale]
        assert set(line) == {"question", "found", "answer", "lang", "sources"}
        assert line["found"] is True and line["lang"] == locale
        assert [s["document"] for s in line["sources"]] == ["event:warsztaty-cli"]
        assert set(line["sources"][0]) == {"document", "title", "score"}
        reply = await ask(core, locale, question)
        assert reply.text.plain == line["answer"], (reply.text.plain, line["answer"])
        assert buttons(reply)[0][1] == "reg:warsztaty-cli"
        check_reader(reply, locale)
