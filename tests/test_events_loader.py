"""Event files: validation with precise errors, import in place, changes of time or place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.events import (
    EventFileError,
    localized,
    parse_events_yaml,
    read_events_file,
    read_events_files,
)
from bot.events.passages import event_passages
from storage.sqlite import SqliteStore
from tests.test_events_support import event, load

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def errors_of(*events: dict) -> list[str]:
    with pytest.raises(EventFileError) as caught:
        parse_events_yaml({"events": list(events)}, "bad.yaml")
    return caught.value.errors


def test_the_example_file_is_valid_and_complete() -> None:
    specs = read_events_file(ROOT / "examples" / "events.yaml")
    assert [s.id for s in specs] == ["ogp-2027", "linia-wspolpracy-2027"]
    ogp, linia = specs
    assert [f.id for f in ogp.fields] == ["name", "email", "phone", "organisation", "sector"]
    assert ogp.timezone == "Europe/Belgrade" and ogp.capacity == 150 and ogp.country == "RS"
    assert ogp.reminders == {"deadline": ["P3D", "P1D"], "event": ["P1D", "PT2H"]}
    assert ogp.starts_at.year == 2027 and ogp.registration_deadline < ogp.starts_at
    # a bare date is the end of that day in the event's zone
    assert linia.registration_deadline.isoformat() == "2027-02-22T23:59:59+01:00"
    assert [o.id for o in linia.field("working_group").options][:2] == ["e-services",
                                                                       "open-government"]


def test_titles_fall_back_sensibly() -> None:
    spec = parse_events_yaml({"events": [event(title={"sr": "Форум", "en": "Forum"})]}, "x")[0]
    assert spec.title_for("sr") == "Форум"
    assert spec.title_for("sr_Latn") == "Forum"  # transliterated from the Cyrillic
    assert spec.title_for("uk") == "Forum"  # English when the language is missing
    assert localized({"pl": "Konferencja"}, "sl") == "Konferencja"  # anything beats nothing
    plain = parse_events_yaml({"events": [event(title="Забава")]}, "x")[0]
    assert plain.title_for("pl") == "Забава"


def test_every_problem_is_named_with_event_key_and_reason() -> None:
    errors = errors_of(
        event(id="Bad Id"),
        event(id="two", starts_at="2027-04-16T10:00:00", timezone="Europe/Nowhere",
              capacity=0, colour="red"),
        event(id="three", reminders={"deadline": ["3 days"], "later": ["P1D"]},
              fields=["name", {"id": "size", "type": "choice", "label": "Size?"},
                      {"id": "status", "label": "Status?"}, "name"]),
        event(id="four", registration_deadline="2027-05-01T00:00:00+02:00", title=None),
    )
    text = "\n".join(errors)
    assert "bad.yaml: event #1 ('Bad Id'): id: 'Bad Id' is not a valid id" in text
    assert "event #2 ('two'): starts_at: 2027-04-16T10:00:00 has no UTC offset" in text
    assert "event #2 ('two'): timezone: 'Europe/Nowhere' is not an IANA time zone" in text
    assert "event #2 ('two'): capacity: expected a whole number of seats" in text
    assert "event #2 ('two'): colour: unknown key" in text
    assert "event #3 ('three'): reminders.deadline: '3 days' is not a positive ISO 8601 " \
           "duration" in text
    assert "event #3 ('three'): reminders.later: unknown" in text
    assert "event #3 ('three'): fields[2] (size).options: type: choice needs a list" in text
    assert "event #3 ('three'): fields[3] (status).id: 'status' is reserved" in text
    assert "event #3 ('three'): fields[4]: 'name' is asked twice" in text
    assert "event #4 ('four'): title: required" in text
    assert "event #4 ('four'): registration_deadline: is after the event ends" in text


def test_duplicate_ids_and_shapes_are_refused() -> None:
    assert any("used by an earlier event" in e for e in errors_of(event(), event()))
    with pytest.raises(EventFileError, match="events: expected a list"):
        parse_events_yaml({"events": {"id": "x"}}, "bad.yaml")
    assert errors_of("just text") == ["bad.yaml: event #1: expected a mapping of keys (id, "
                                      "title, ...)"]
    assert any("title.xx: unknown language" in e for e in errors_of(event(title={"xx": "?"})))
    assert any("ends_at: is not after starts_at" in e
               for e in errors_of(event(ends_at="2027-04-16T09:00:00+02:00")))


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("events:\n  - id: x\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(EventFileError, match=r"broken.yaml: not valid YAML at line \d"):
        read_events_file(path)
    with pytest.raises(EventFileError, match="no such file"):
        read_events_file(tmp_path / "missing.yaml")


async def test_reimport_updates_in_place_and_notices_time_and_place(store: SqliteStore) -> None:
    first = await load(store, event(), now=NOW)
    assert first.created == ["forum"]
    again = await load(store, event(), now=NOW)
    assert again.unchanged == ["forum"] and not again.changes

    moved = await load(store, event(starts_at="2027-04-17T10:00:00+02:00",
                                    ends_at="2027-04-17T16:00:00+02:00",
                                    location="Kino Šiška, Ljubljana"), now=NOW)
    assert moved.updated == ["forum"]
    assert moved.changed_time_or_place == ["forum"]
    assert {c.what for c in moved.changes} == {"time", "place"}
    time_change = next(c for c in moved.changes if c.what == "time")
    assert time_change.old["starts_at"].startswith("2027-04-16T08:00")  # stored in UTC
    assert time_change.new["starts_at"].startswith("2027-04-17T08:00")
    record = await store.get_event("forum")
    assert record is not None and record.revision == 1
    assert record.location == {"*": "Kino Šiška, Ljubljana"}
    rows = await store.event_changes()
    assert [(r.event_id, r.what) for r in rows] == [("forum", "time"), ("forum", "place")]
    await store.mark_event_change_announced(rows[0].id, NOW)  # type: ignore[arg-type]
    assert len(await store.event_changes()) == 1

    retitled = await load(store, event(title="Forum 2027", starts_at="2027-04-17T10:00:00+02:00",
                                       ends_at="2027-04-17T16:00:00+02:00",
                                       location="Kino Šiška, Ljubljana"), now=NOW)
    assert retitled.updated == ["forum"] and not retitled.changes  # neither time nor place


async def test_a_bad_file_changes_nothing(store: SqliteStore, tmp_path: Path) -> None:
    await load(store, event(), now=NOW)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump({"events": [event(id="new-one", title="New")]}),
                    encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"events": [event(title="Changed"), event(id="x", capacity=-1)]}),
                   encoding="utf-8")
    with pytest.raises(EventFileError) as caught:
        read_events_files([good, bad])
    assert caught.value.errors == [
        "bad.yaml: event #2 ('x'): capacity: expected a whole number of seats, at least 1 "
        "(got -1)"]
    assert [r.id for r in await store.list_events()] == ["forum"]
    record = await store.get_event("forum")
    assert record is not None and record.spec["title"]["en"] == "Civic tech forum"


async def test_a_raised_capacity_moves_the_waiting_list_up(store: SqliteStore) -> None:
    await load(store, event(capacity=1), now=NOW)
    people = [await store.person_for_identity("console", str(i), str(i), NOW) for i in range(3)]
    for person in people:
        await store.register("forum", person.id, {"name": "x"}, locale="en", consented=True,
                             now=NOW)
    result = await load(store, event(capacity=2), now=NOW + timedelta(minutes=1))
    assert [r.person_id for r in result.promoted] == [people[1].id]
    record = await store.get_event("forum")
    assert record is not None and (record.confirmed, record.waiting) == (2, 1)
    assert [r.id for r in await store.pending_promotion_notices()] == [result.promoted[0].id]


async def test_event_passages_for_question_answering(store: SqliteStore) -> None:
    await load(store, event(), now=NOW)
    passages = await event_passages(store)
    assert {(p.event_id, p.lang) for p in passages} == {("forum", "en"), ("forum", "sl")}
    slovenian = next(p for p in passages if p.lang == "sl")
    assert slovenian.heading == "Forum civilne tehnologije"
    # The description only: the facts are answered from the event's structure, never indexed
    # as text (bot.events.questions).
    assert slovenian.text == event()["description"]["sl"]


def test_hostile_event_files_are_refused_with_one_line(tmp_path: Path) -> None:
    from bot.events.loader import EventFileError, read_events_file

    bomb = tmp_path / "laughs.yaml"
    bomb.write_text('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
                    'events: [*c]\n', encoding="utf-8")
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("events: !!python/object/apply:os.system ['echo pwned']\n",
                      encoding="utf-8")
    deep = tmp_path / "deep.yaml"
    deep.write_text("events: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    for hostile in (bomb, tagged, deep):
        with pytest.raises(EventFileError) as refused:
            read_events_file(hostile)
        assert len(str(refused.value).splitlines()) == 1
