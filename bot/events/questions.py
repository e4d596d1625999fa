"""Questions about events, answered from the events table ("When is the OGP conference?").

    question -> words (folded: case, diacritics, script) -> the cues of bot.events.cues (what
    is asked: when, until when, where, how long, price, seats, how to register, who, what is
    coming up) and the events the question names (their titles in any of their languages)
    -> the event(s) meant -> an answer built from their structure, in the asker's language

A question is about events when it names an event, or when every content word it has is a
cue (question words, attribute nouns, kinds of event: "Is there still room?", "What is coming
up this week?"). Anything else goes on to document search unchanged (`understand` returns
None): a question naming an event without asking anything we know ("Who presents at ...?"),
a year no matching event has (documents about a past edition), words no event explains.

Naming: a title is cut into its parts (at dashes, colons, quotes), and a part is named when
the question holds most of its words (at least two, or its only one), inflected or typed
without diacritics (a shared beginning: `upravo` ~ `upravi`; `partnerstwo` ~ `partnerstvo`
by `bot.qa.textnorm.cognate_stem`), or its acronym (`OGP`). Kind words (conference, konferenca)
do not name an event, they narrow which are meant ("When is the conference?").

The answer is built from the event's record: its title and place in the asker's language (the
event's own text in that language, else its original; Serbian Latin may be transliterated
from Serbian Cyrillic, the same language), times by babel in the asker's locale and the
event's time zone, relative words where they help ("It starts tomorrow.", "3 days left"),
seats from the live counts, cancelled and past events as such. Several upcoming events that
fit: a short list, a button each. Nothing is cached: the store is read for every question.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time

from bot.events.cues import SCRIPTS, TABLES
from bot.events.formatting import LIST, REGISTER, SHOW, is_open, seats_line, status_line
from bot.events.model import ANY_LANGUAGE, EventSpec
from bot.i18n.scripts import dominant_script, serbian_to_latin
from bot.i18n.translator import N_, Translator, babel_locale
from bot.pipeline.router import payload
from bot.pipeline.types import Button, Reply, Rich, Segment, bold, fmt, join
from bot.qa.textnorm import (
    LANGUAGES,
    cognate_stem,
    detect_language,
    fold,
    index_words,
    is_stopword,
    is_word,
)
from storage.base import EventRecord, Registration

# -- reading the question ------------------------------------------------------------------

ATTRIBUTES = ("when", "deadline", "where", "duration", "price", "seats", "register", "who",
              "about", "upcoming")
WINDOWS = ("today", "tomorrow", "week", "next-week", "month", "next-month")
ANY_KIND = "kind:event"
RELATIVE_DAYS = 31  # "It starts in 12 days." up to a month ahead; beyond, the date says it
MAX_LISTED = 8  # events in one answer's list
MAX_LABEL = 60  # characters of a title on a button
_WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_TOKEN = re.compile(r"[a-z0-9]+")
_TITLE_PARTS = re.compile(r"\s[–—-]\s|[:|«»„“”\"()]|\s[/]\s")
_END_OF_DAY = (23, 59)
CONCEPT_MARK = "zz"  # bot.qa.glossary's concept terms


@dataclass(frozen=True)
class Word:
    folded: str
    script: str | None  # Latn | Cyrl | None (digits)
    upper: bool  # written in capitals (an acronym: OGP)
    text: str = ""  # as written


# The languages a word may be lemmatised in to find its glossary concepts, by its script.
_SCRIPT_LANGUAGES = {"Latn": ("en", "sl", "sr", "pl"), "Cyrl": ("sr", "uk")}


@dataclass(frozen=True)
class _Pattern:
    key: str
    words: tuple[tuple[str, bool], ...]  # (folded word or stem, is a stem)
    scripts: tuple[str, ...]


def words_of(text: str) -> list[Word]:
    """The words of a text, folded, with their script."""
    found = []
    for raw in _WORD.findall(unicodedata.normalize("NFC", text)):
        for part in raw.split("_"):
            folded = "".join(_TOKEN.findall(fold(part)))
            if folded:
                found.append(Word(folded, dominant_script(part), part.isupper() and len(part) > 1,
                                  part))
    return found


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    """Every table's patterns, folded, longest first (a longer pattern wins its words)."""
    patterns = []
    for lang, table in TABLES.items():
        for key, phrases in table.items():
            for phrase in phrases:
                parsed = []
                for word in phrase.split():
                    stem = word.endswith("*")
                    folded = "".join(_TOKEN.findall(fold(word.rstrip("*"))))
                    if folded:
                        parsed.append((folded, stem))
                if parsed:
                    patterns.append(_Pattern(key, tuple(parsed), SCRIPTS[lang]))
    patterns.sort(key=lambda p: (-len(p.words), -sum(len(w) for w, _ in p.words)))
    return tuple(patterns)


def _fits(word: Word, folded: str, stem: bool, scripts: tuple[str, ...]) -> bool:
    if word.script is not None and word.script not in scripts:
        return False
    return word.folded.startswith(folded) if stem else word.folded == folded


@dataclass(frozen=True)
class Cue:
    key: str
    positions: tuple[int, ...]  # the question's words it took


@lru_cache(maxsize=1)
def _first_words() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The patterns by their first word: whole words, and stems (by the stem)."""
    whole: dict[str, list[int]] = {}
    stems: dict[str, list[int]] = {}
    for number, pattern in enumerate(_patterns()):
        first, stem = pattern.words[0]
        (stems if stem else whole).setdefault(first, []).append(number)
    return whole, stems


def find_cues(words: list[Word]) -> list[Cue]:
    """The cues of a question, in the order they appear (longer patterns first take their
    words; patterns are looked up by the question's words, not tried one by one)."""
    patterns = _patterns()
    whole, stems = _first_words()
    found: list[tuple[int, int]] = []  # (pattern number: its rank, start)
    for start, word in enumerate(words):
        numbers = list(whole.get(word.folded, ()))
        for end in range(1, len(word.folded) + 1):
            numbers.extend(stems.get(word.folded[:end], ()))
        for number in numbers:
            pattern = patterns[number]
            size = len(pattern.words)
            if start + size <= len(words) and all(
                    _fits(words[start + k], w, stem, pattern.scripts)
                    for k, (w, stem) in enumerate(pattern.words)):
                found.append((number, start))
    taken: set[int] = set()
    cues = []
    for number, start in sorted(found):
        span = range(start, start + len(patterns[number].words))
        if not any(i in taken for i in span):
            taken.update(span)
            cues.append(Cue(patterns[number].key, tuple(span)))
    return sorted(cues, key=lambda cue: cue.positions[0])


def kinds_of(text: str) -> frozenset[str]:
    """The kinds of event a text names (kind:conference, ...)."""
    return frozenset(cue.key for cue in find_cues(words_of(text)) if cue.key.startswith("kind:"))


# -- what each event is called -------------------------------------------------------------


@lru_cache(maxsize=16384)
def concepts_of(text: str, langs: tuple[str, ...]) -> frozenset[str]:
    """A word's concepts in the project's glossary (bot.qa.glossary through
    bot.qa.textnorm.index_words): `odprtih`, `otwartych`, `open` -> the concept "open", so that a
    title is named in a language it has no text in ("delavnica odprtih podatkov" names the
    "Warsztaty otwartych danych")."""
    return frozenset(term for lang in langs for word in index_words(text, lang) for term in word
                     if term.startswith(CONCEPT_MARK))


@lru_cache(maxsize=4096)
def _word_concepts(word: Word) -> frozenset[str]:
    return concepts_of(word.text, _SCRIPT_LANGUAGES.get(word.script or "", ()))


@dataclass(frozen=True)
class _NameWord:
    folded: str
    concepts: frozenset[str]


@dataclass(frozen=True)
class _Names:
    parts: tuple[tuple[_NameWord, ...], ...]  # each title part's naming words
    acronyms: frozenset[str]
    kinds: frozenset[str]
    places: frozenset[str]  # words of its place, in every language
    year: int
    keys: frozenset[str] = frozenset()  # `_match_keys` of every naming word and acronym


@lru_cache(maxsize=65536)
def _is_content(folded: str) -> bool:
    return len(folded) > 1 and not folded.isdigit() and not is_stopword(folded)


def _title_language(lang: str, text: str) -> str:
    base = lang.split("_")[0]
    return base if base in LANGUAGES else detect_language(text)


@lru_cache(maxsize=4096)
def _names(titles: tuple[tuple[str, str], ...], descriptions: tuple[str, ...],
           places: tuple[str, ...], event_id: str, year: int) -> _Names:
    parts: list[tuple[_NameWord, ...]] = []
    acronyms: set[str] = set()
    kinds: set[str] = set()
    for lang, title in titles:
        kinds |= kinds_of(title)
        language = (_title_language(lang, title),)
        for part in [title, *_TITLE_PARTS.split(title)]:
            words = words_of(part)
            kind_positions = {i for cue in find_cues(words) if cue.key.startswith("kind:")
                              for i in cue.positions}
            naming = tuple(_NameWord(w.folded, concepts_of(w.text, language))
                           for i, w in enumerate(words)
                           if i not in kind_positions and _is_content(w.folded))
            if naming and naming not in parts:
                parts.append(naming)
            capitalised = [w for w in _WORD.findall(part) if w[:1].isupper()]
            if len(capitalised) >= 3:
                acronyms.add(fold("".join(w[0] for w in capitalised)))
            acronyms.update(w.folded for w in words if w.upper and len(w.folded) >= 3)
    for description in descriptions:  # "The closing conference of ...": its kind
        kinds |= kinds_of(" ".join(description.split()[:12]))
    slug = tuple(_NameWord(w, frozenset()) for w in re.split(r"[-_]", event_id)
                 if _is_content(w))
    if len(slug) >= 2:
        parts.append(slug)
    place_words = frozenset(w.folded for place in places for w in words_of(place)
                            if _is_content(w.folded))
    keys = {key for part in parts for name in part
            for key in _match_keys(name.folded, name.concepts)}
    for acronym in acronyms:
        keys |= _match_keys(acronym, frozenset())
    return _Names(tuple(parts), frozenset(acronyms), frozenset(kinds), place_words, year,
                  frozenset(keys))


def _match_keys(folded: str, concepts: frozenset[str]) -> set[str]:
    """Keys two words share whenever `same_word` or a shared concept could pair them: the
    word itself (short words match only themselves), its first four letters (a shared
    beginning of four or more), its cognate stem, its concepts. A question sharing no key
    with an event's names cannot name it, so most events are passed over unread."""
    keys = {f"w:{folded}" if len(folded) < 4 else f"p:{folded[:4]}"}
    if stem := cognate_stem(folded):
        keys.add(f"s:{stem}")
    keys.update(f"c:{concept}" for concept in concepts)
    return keys


def _question_keys(words: list[Word]) -> set[str]:
    keys: set[str] = set()
    for word in words:
        concepts = _word_concepts(word) if _is_content(word.folded) else frozenset()
        keys |= _match_keys(word.folded, concepts)
    return keys


def event_names(record: EventRecord) -> _Names:
    """What names the event; every question asks it of every event, so it is kept by the
    record's parsed spec (the store reuses an unchanged event's: storage/sql/events.py)."""
    kept = _NAMES_BY_SPEC.get(id(record.spec))
    if kept is not None and kept[0] is record.spec and kept[1] == record.location:
        return kept[2]
    spec = record.spec
    descriptions = tuple(spec.get("description", {}).values())
    year = record.starts_at.astimezone(ZoneInfo(record.timezone)).year
    names = _names(tuple(spec.get("title", {}).items()), descriptions,
                   tuple(record.location.values()), record.id, year)
    if len(_NAMES_BY_SPEC) >= _NAMES_KEPT:
        _NAMES_BY_SPEC.clear()
    # the spec itself is kept too, so that its id is not reused by another while here
    _NAMES_BY_SPEC[id(spec)] = (spec, record.location, names)
    return names


_NAMES_KEPT = 8192
_NAMES_BY_SPEC: dict[int, tuple[dict[str, Any], dict[str, str], _Names]] = {}


@lru_cache(maxsize=65536)  # each question compares its words with every event's names
def same_word(a: str, b: str) -> bool:
    """One word in two forms: inflected (`upravo`, `upravi`), in another language or script
    (`partnerstwo`, `партнерство`), typed without diacritics (folded already)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter >= 4 and _shared(a, b) >= max(4, shorter - 2):
        return True
    if shorter < 8:
        return False
    stem = cognate_stem(a)
    return bool(stem) and stem == cognate_stem(b)


def same_place(a: str, b: str) -> bool:
    """A word of a place, in another case (`Beogradu` ~ `Beograd`): stricter than names,
    since a place's words are common ones (`ministry` is not `minister`)."""
    shorter = min(len(a), len(b))
    return a == b or (shorter >= 4 and _shared(a, b) >= max(4, shorter - 1))


def _shared(a: str, b: str) -> int:
    """How many letters two words begin with in common."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _names_word(name: _NameWord, word: Word) -> bool:
    if same_word(name.folded, word.folded):
        return True
    return bool(name.concepts) and _is_content(word.folded) and bool(
        name.concepts & _word_concepts(word))


@dataclass(frozen=True)
class _Naming:
    record: EventRecord
    ratio: float  # the share of a title part's words the question holds
    matched: int
    missing: int  # that part's words the question lacks (perhaps said in another language)
    positions: frozenset[int]  # the question's words that name it


def naming(words: list[Word], record: EventRecord) -> _Naming | None:
    """Whether (and how well) the question names this event."""
    names = event_names(record)
    best: _Naming | None = None
    for i, word in enumerate(words):
        # "ogp" typed in lower case names the Open Government Partnership; "dan" does not.
        if word.folded in names.acronyms and (
            word.upper or len(word.folded) >= 4 or not is_word(word.folded)
        ):
            best = _Naming(record, 1.0, 1, 0, frozenset([i]))
    for part in names.parts:
        used: set[int] = set()
        for name_word in part:
            for i, word in enumerate(words):
                if i not in used and _names_word(name_word, word):
                    used.add(i)
                    break
        ratio = len(used) / len(part)
        strong = (len(used) >= 2 and ratio >= 0.5) or (len(part) == 1 and used)
        if strong and (best is None or (ratio, len(used)) > (best.ratio, best.matched)):
            best = _Naming(record, ratio, len(used), len(part) - len(used), frozenset(used))
    return best


# -- understanding -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventAnswer:
    """What to answer: one event (`mode` one), several (list), or that none is coming (none)."""

    mode: str  # one | list | none
    asked: tuple[str, ...]  # attributes, in the order the question asks them
    events: tuple[EventRecord, ...]
    now: datetime
    cancelled: frozenset[str] = frozenset()
    window: str | None = None
    named: bool = False  # the question named the event(s)
    score: float = 1.0
    next_event: EventRecord | None = None  # mode none with a window: the first one after it

    @property
    def event_ids(self) -> list[str]:
        return [record.id for record in self.events]


@dataclass
class _Question:
    words: list[Word]
    cues: list[Cue]
    asked: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    window: str | None = None
    years: set[int] = field(default_factory=set)


def read_question(question: str) -> _Question:
    words = words_of(question)
    cues = find_cues(words)
    read = _Question(words, cues)
    read.years = {int(w.folded) for w in words if _YEAR.fullmatch(w.folded)}
    return read


def _asked(read: _Question, ignore: frozenset[int]) -> None:
    """The attributes asked, from the cues not taken by an event's name."""
    keys = [cue.key for cue in read.cues if not set(cue.positions) <= ignore]
    asked: list[str] = []
    lasting = "last" in keys or "duration" in keys
    registering = "register" in keys
    others = set(keys) & (set(ATTRIBUTES) - {"register"})
    for key in keys:
        if key == "until":
            key = "duration" if lasting and not registering else "deadline"
        elif key == "when" and registering:
            key = "deadline"  # "When can I sign up?"
        elif key == "attend":  # "Who can take part?", "Can I still attend?"
            key = "who" if "who" in keys else ("" if others else "register")
        elif key == "last":  # "How long is sign-up open?" is the deadline
            key = "" if registering else "duration"
        if key in ATTRIBUTES and key not in asked:
            asked.append(key)
        elif key in WINDOWS:
            read.window = key
        elif key.startswith("kind:"):
            read.kinds.add(key)
    if "deadline" in asked and "register" in asked:
        asked.remove("register")
    if "who" in asked and "register" in asked:
        asked.remove("register")
    read.asked = asked


def _leftover(read: _Question, taken: set[int], places: frozenset[str]) -> list[str]:
    """Content words neither a cue, nor an event's name, nor its place explain."""
    for cue in read.cues:
        taken.update(cue.positions)
    left = []
    for i, word in enumerate(read.words):
        if i in taken or not _is_content(word.folded):
            continue
        if any(same_place(word.folded, place) for place in places):
            continue
        left.append(word.folded)
    return left


def understand(question: str, records: list[EventRecord], live: set[str],
               now: datetime) -> EventAnswer | None:
    """The event answer for a question, or None: not a question about our events.

    `records`: every event (past and cancelled too); `live`: the ids of those not over and
    not cancelled (`Store.list_events(ending_after=now)`).
    """
    if not records:
        return None
    read = read_question(question)
    keys = _question_keys(read.words)
    namings = [found for record in records
               if not event_names(record).keys.isdisjoint(keys)
               and (found := naming(read.words, record))]
    if read.years:
        namings = [n for n in namings if event_names(n.record).year in read.years]
    if namings:
        return _named(read, namings, live, now)
    return _general(read, records, live, now)


def _named(read: _Question, namings: list[_Naming], live: set[str],
           now: datetime) -> EventAnswer | None:
    top = max((n.ratio, n.matched) for n in namings)
    chosen = [n for n in namings if n.ratio >= top[0] - 0.15 and n.matched >= top[1] - 1]
    name_positions = frozenset().union(*(n.positions for n in chosen))
    _asked(read, name_positions)
    places = frozenset().union(*(event_names(n.record).places for n in chosen))
    left = _leftover(read, set(name_positions), places)
    kinds = frozenset().union(*(event_names(n.record).kinds for n in chosen))
    unnamed = min(n.missing for n in chosen)
    if len(left) > unnamed and not read.kinds & kinds:
        # "Where can I find open data on budgets?" uses the words of "Open data workshop"
        # but asks for something else; "When do the working groups meet at the Line of
        # Cooperation conference?" says which event it means, and "javna obravnava
        # proračuna" names the "Public budget hearing" with a word no bridge reaches.
        return None
    if not read.asked:
        # "What is the Open Government Partnership?" asks about the thing, not the event:
        # only a question that says "event" (a kind, "details") or nothing else is ours.
        if left or not (read.kinds or read.window):
            return None
        read.asked = ["about"]
    if read.asked == ["upcoming"]:
        read.asked = ["about"]
    records = [n.record for n in chosen]
    score = round(max(n.ratio for n in chosen), 4)
    upcoming = [r for r in records if r.id in live]
    cancelled = frozenset(r.id for r in records if r.id not in live and _not_over(r, now))
    if len(upcoming) == 1:
        return EventAnswer("one", tuple(read.asked), (upcoming[0],), now, named=True,
                           score=score)
    if upcoming:
        return EventAnswer("list", tuple(read.asked), tuple(upcoming[:MAX_LISTED]), now,
                           named=True, score=score)
    latest = max(records, key=lambda r: r.starts_at)  # a past or cancelled edition
    return EventAnswer("one", tuple(read.asked), (latest,), now, cancelled=cancelled,
                       named=True, score=score)


def _general(read: _Question, records: list[EventRecord], live: set[str],
             now: datetime) -> EventAnswer | None:
    _asked(read, frozenset())
    kinds = read.kinds - {ANY_KIND}
    if not read.asked and not read.kinds and not read.window:
        return None
    places = frozenset().union(*(event_names(r).places for r in records if r.id in live))
    if _leftover(read, set(), places):
        return None  # words no event explains: a question about something else
    cued = {i for cue in read.cues for i in cue.positions}
    named_places = {w.folded for i, w in enumerate(read.words) if i not in cued
                    and _is_content(w.folded) and any(same_place(w.folded, p) for p in places)}
    candidates = [r for r in records if r.id in live]
    if read.years:
        candidates = [r for r in candidates if event_names(r).year in read.years]
    if kinds:
        candidates = [r for r in candidates if event_names(r).kinds & kinds]
        if not candidates:
            return None  # "When was the workshop?": perhaps a document knows
    if named_places:
        candidates = [r for r in candidates
                      if all(any(same_place(w, p) for p in event_names(r).places)
                             for w in named_places)]
    asked = [a for a in read.asked if a not in ("upcoming", "about")] or ["when"]
    listing = "upcoming" in read.asked or read.window is not None or (
        not read.asked and not kinds)
    if read.window is not None:
        inside = [r for r in candidates if _in_window(r, read.window, now)]
        if not inside:
            after = [r for r in candidates if _local(r.starts_at, r) > _window_end(
                read.window, now, r)]
            return EventAnswer("none", tuple(asked), (), now, window=read.window,
                               next_event=after[0] if after else None)
        candidates = inside
    if not candidates:
        return EventAnswer("none", tuple(asked), (), now, window=read.window)
    if len(candidates) == 1 and not listing:
        return EventAnswer("one", tuple(asked), (candidates[0],), now, score=0.5)
    return EventAnswer("list", tuple(asked), tuple(candidates[:MAX_LISTED]), now,
                       window=read.window, score=0.5)


def _not_over(record: EventRecord, now: datetime) -> bool:
    return (record.ends_at or record.starts_at) > now


def _local(moment: datetime, record: EventRecord) -> datetime:
    return moment.astimezone(ZoneInfo(record.timezone))


def _window_bounds(window: str, now: datetime, record: EventRecord) -> tuple[date, date]:
    """First and last day of a window, in the event's own time zone."""
    today = _local(now, record).date()
    if window == "today":
        return today, today
    if window == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1)
    if window in ("week", "next-week"):
        monday = today - timedelta(days=today.weekday())
        if window == "next-week":
            monday += timedelta(days=7)
        return max(monday, today), monday + timedelta(days=6)
    first = today.replace(day=1)
    if window == "next-month":
        first = (first + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return max(first, today), last


def _in_window(record: EventRecord, window: str, now: datetime) -> bool:
    first, last = _window_bounds(window, now, record)
    start = _local(record.starts_at, record).date()
    end = _local(record.ends_at or record.starts_at, record).date()
    return start <= last and end >= first


def _window_end(window: str, now: datetime, record: EventRecord) -> datetime:
    last = _window_bounds(window, now, record)[1] + timedelta(days=1)
    return datetime.combine(last, datetime.min.time(), ZoneInfo(record.timezone))


# -- the event's own texts in the asker's language -----------------------------------------


# The language an event's texts are first written in, from its country (the texts are
# stored as a map, without their order): the original shown to readers of other languages.
COUNTRY_LANGUAGES = {"SI": ("sl",), "RS": ("sr", "sr_Latn"), "ME": ("sr_Latn", "sr"),
                     "BA": ("sr_Latn", "sr"), "HR": ("sr_Latn",), "PL": ("pl",), "UA": ("uk",),
                     "GB": ("en",), "IE": ("en",), "US": ("en",)}


def own_text(texts: dict[str, str], locale: str, country: str | None = None) -> str:
    """The text in the asker's language, else the original (in the event's country's
    language); when the original is in a script the asker does not read and an English text
    is in theirs, the English one (a Slovenian reader gets "Hyatt Regency hotel, ..." rather
    than "Хотел „Хајат”, ..."). Never another language's text transliterated: only Serbian
    Latin is made from Serbian Cyrillic, the same language."""
    if not texts:
        return ""
    own = text_in(texts, locale)
    if own is not None:
        return own
    original = next((texts[c] for c in (*COUNTRY_LANGUAGES.get(country or "", ()),
                                         ANY_LANGUAGE) if c in texts), None)
    english = texts.get("en")
    script = "Cyrl" if locale in ("sr", "uk") else "Latn"
    if original is not None and (dominant_script(original) in (script, None) or english is None
                                 or dominant_script(english) != script):
        return original
    return english if english is not None else next(iter(texts.values()))


def text_in(texts: dict[str, str], locale: str) -> str | None:
    """The text only when it is in the asker's language (else None: never mixed)."""
    if locale in texts:
        return texts[locale]
    if locale == "sr_Latn" and "sr" in texts:
        return serbian_to_latin(texts["sr"])
    plain = texts.get(ANY_LANGUAGE)
    if plain and detect_language(plain) == locale.split("_")[0]:
        if locale == "sr" and dominant_script(plain) != "Cyrl":
            return None
        return serbian_to_latin(plain) if locale == "sr_Latn" else plain
    return None


def title(record: EventRecord, locale: str) -> str:
    return own_text(record.spec.get("title", {}), locale, record.spec.get("country"))


def place(event: EventSpec, locale: str) -> str:
    return own_text(event.location, locale, event.country)


# -- answers -------------------------------------------------------------------------------

AT = N_("{date} at {time}")
TAKES_PLACE = N_("{title} takes place on {date}, from {start} to {end}.")
STARTS_ENDS = N_("{title} starts on {start} and ends on {end}.")
STARTS = N_("{title} starts on {start}.")
TOOK_PLACE_DAY = N_("{title} took place on {date}, from {start} to {end}.")
TOOK_PLACE_DAYS = N_("{title} took place from {start} to {end}.")
TOOK_PLACE = N_("{title} took place on {start}.")
ON_NOW = N_("{title} is taking place right now, until {end}.")
CANCELLED = N_("{title} has been cancelled.")
WAS_PLANNED = N_("It was planned for {start}.")
STARTS_TODAY = N_("It starts today.")
STARTS_TOMORROW = N_("It starts tomorrow.")
PLACE = N_("{title} takes place at {place}.")
LASTS_DAY = N_("{title} lasts {duration}: on {date}, from {start} to {end}.")
LASTS_DAYS = N_("{title} lasts {duration}: from {start} to {end}.")
ONLY_START = N_("The announcement of {title} gives only its start: {start}.")
OPEN_UNTIL = N_("You can register for {title} until {deadline}: still open, {left}.")
CLOSES_TODAY = N_("closes today")
CLOSES_TOMORROW = N_("closes tomorrow")
CLOSED_ON = N_("Registration for {title} closed on {deadline}.")
REGISTRATION_LINE = N_("Registration is open until {deadline} ({left}).")
REGISTRATION_CLOSED_LINE = N_("Registration closed on {deadline}.")
FULL = N_("{title} is full — you can join the waiting list.")
UNLIMITED = N_("{title} has no limit on the number of seats.")
HOW_FULL = N_("{title} is full, but you can join the waiting list here in the chat: press "
              "the button below.")
NO_PRICE = N_("The announcement of {title} does not say anything about a fee.")
NO_AUDIENCE = N_("The announcement of {title} does not say who it is for.")
SAYS = N_("About {title}, the announcement says: {text}")
WAITLIST_BUTTON = N_("Join the waiting list")
DETAILS_BUTTON = N_("More about the event")
ALL_EVENTS = N_("All events")
REGISTER_BUTTON = N_("Register")
WHEN_LINE = N_("When: {when}")
WHERE_LINE = N_("Where: {place}")
SEVERAL = N_("I found several upcoming events:")
UPCOMING = N_("Upcoming events:")
WINDOW_HEADERS = {
    "today": N_("Events today:"), "tomorrow": N_("Events tomorrow:"),
    "week": N_("Events this week:"), "next-week": N_("Events next week:"),
    "month": N_("Events this month:"), "next-month": N_("Events next month:"),
}
REGISTER_HEADER = N_("You can register for these events:")
CHOOSE = N_("Choose an event to see the details and to register.")
PRESS_TO_REGISTER = N_("Press an event to register.")
NONE_UPCOMING = N_("There are no upcoming events at the moment.")
NONE_IN_WINDOW = N_("There are no events in that time.")
NEXT_ONE = N_("The next one is {title}, on {date}.")
OPEN_NOTE = N_("registration open until {deadline} ({left})")
CLOSED_NOTE = N_("registration closed")
# the price and the audience: words of a sentence of the description that speaks of them
_PRICE_KEYS = ("price",)
_MONEY = re.compile(r"\d\s?(?:€|eur|euro|evra|zł|zl|pln|din|rsd|uah|грн|дин)|(?:€|\$)\s?\d",
                    re.IGNORECASE)


def event_reply(t: Translator, answer: EventAnswer,
                registration: Registration | None = None) -> Reply:
    """The answer as the chat shows it (the CLI prints its text): text and buttons."""
    if answer.mode == "none":
        reply = _none(t, answer)
    elif answer.mode == "list":
        reply = _listed(t, answer)
    else:
        reply = _one(t, answer, answer.events[0], registration)
    return dataclasses.replace(reply, text=_tidy(reply.text))


def _tidy(text: Rich) -> Rich:
    """One full stop where a date that ends in one ("26. фебруар 2027.") ends a sentence."""
    segments: list[Segment] = []
    for segment in text.segments:
        if segments and segments[-1].text.endswith(".") and segment.text.startswith(".") \
                and not segment.text.startswith(".."):
            segment = dataclasses.replace(segment, text=segment.text[1:])
        if segment.text:
            segments.append(segment)
    return Rich(tuple(segments))


def plain_text(t: Translator, answer: EventAnswer) -> str:
    return event_reply(t, answer).text.plain


# -- one event -----------------------------------------------------------------------------


def _one(t: Translator, answer: EventAnswer, record: EventRecord,
         registration: Registration | None) -> Reply:
    event = EventSpec.from_record(record)
    now = answer.now
    name = bold(title(record, t.locale))
    lines: list[Rich | Segment | str] = []
    buttons: list[list[Button]] = []
    if record.id in answer.cancelled:
        lines += [fmt(t.gettext(CANCELLED), title=name),
                  fmt(t.gettext(WAS_PLANNED), start=_moment(t, event.starts_at, event))]
        return Reply.of(join(*lines, sep=" "), [[Button(t.gettext(ALL_EVENTS), payload(LIST))]])
    end = event.ends_at or event.starts_at
    if end <= now:  # over: the past tense, whatever was asked
        lines.append(_when_past(t, event, name))
        if "where" in answer.asked or "about" in answer.asked:
            lines.append(fmt(t.gettext(WHERE_LINE), place=place(event, t.locale)))
        return Reply.of(join(*lines, sep="\n"),
                        [[Button(t.gettext(ALL_EVENTS), payload(LIST))]])
    if event.starts_at <= now:
        lines.append(fmt(t.gettext(ON_NOW), title=name, end=_end_of(t, event, now)))
        lines.append(fmt(t.gettext(WHERE_LINE), place=place(event, t.locale)))
        return Reply.of(join(*lines, sep="\n"),
                        [[Button(t.gettext(DETAILS_BUTTON), payload(SHOW, event.id))]])
    asked = list(answer.asked)
    main, rest = asked[0], asked[1:]
    lines.extend(_main(t, main, record, event, name, now))
    for other in rest:
        lines.extend(_line(t, other, record, event, name, now))
    shown = set(asked)
    if main == "when" and "where" not in shown:
        lines.append(fmt(t.gettext(WHERE_LINE), place=place(event, t.locale)))
    if main == "where" and "when" not in shown:
        lines.append(fmt(t.gettext(WHEN_LINE), when=_span(t, event)))
    if main == "about":
        seats = seats_line(t, record)
        if seats:
            lines.append(seats)
    if not shown & {"deadline", "register"}:
        lines.append(_registration_line(t, event, now))
    if registration is not None:
        lines.append(bold(status_line(t, registration)))
    elif is_open(event, now):
        full = record.seats_left == 0
        label = t.gettext(WAITLIST_BUTTON if full else REGISTER_BUTTON)
        buttons.append([Button(label, payload(REGISTER, event.id))])
    buttons.append([Button(t.gettext(DETAILS_BUTTON), payload(SHOW, event.id))])
    return Reply.of(join(*lines, sep="\n"), buttons)


def _main(t: Translator, asked: str, record: EventRecord, event: EventSpec, name: Segment,
          now: datetime) -> list[Rich | Segment | str]:
    """The sentence that answers what was asked first, with the event's title."""
    if asked == "where":
        return [fmt(t.gettext(PLACE), title=name, place=place(event, t.locale))]
    if asked == "duration":
        return [_duration(t, event, name)]
    if asked == "deadline":
        return [_deadline(t, event, name, now)]
    if asked == "seats":
        return [_seats(t, record, name), *_closed_note(t, event, now)]
    if asked == "register":
        return [_how_to_register(t, record, event, name, now)]
    if asked == "price":
        return [_from_description(t, event, name, _PRICE_KEYS, NO_PRICE)]
    if asked == "who":
        return [_from_description(t, event, name, (), NO_AUDIENCE)]
    return _when(t, event, name, now)  # when, about


def _line(t: Translator, asked: str, record: EventRecord, event: EventSpec, name: Segment,
          now: datetime) -> list[Rich | Segment | str]:
    """A further thing asked, shorter (the title was said)."""
    if asked == "where":
        return [fmt(t.gettext(WHERE_LINE), place=place(event, t.locale))]
    if asked in ("when", "duration", "about"):
        return [fmt(t.gettext(WHEN_LINE), when=_span(t, event))]
    if asked in ("deadline", "register"):
        return [_registration_line(t, event, now)]
    if asked == "seats":
        return [seats_line(t, record) or fmt(t.gettext(UNLIMITED), title=name)]
    return _main(t, asked, record, event, name, now)


def _when(t: Translator, event: EventSpec, name: Segment,
          now: datetime) -> list[Rich | Segment | str]:
    zone = ZoneInfo(event.timezone)
    start = event.starts_at.astimezone(zone)
    if event.ends_at is None:
        sentence = fmt(t.gettext(STARTS), title=name, start=_moment(t, event.starts_at, event))
    elif event.ends_at.astimezone(zone).date() == start.date():
        sentence = fmt(t.gettext(TAKES_PLACE), title=name, date=_date(t, event.starts_at, event),
                       start=_time(t, event.starts_at, event),
                       end=_time(t, event.ends_at, event))
    else:
        sentence = fmt(t.gettext(STARTS_ENDS), title=name,
                       start=_moment(t, event.starts_at, event),
                       end=_moment(t, event.ends_at, event))
    days = (start.date() - now.astimezone(zone).date()).days
    relative = None
    if days == 0:
        relative = t.gettext(STARTS_TODAY)
    elif days == 1:
        relative = t.gettext(STARTS_TOMORROW)
    elif 1 < days <= RELATIVE_DAYS:
        relative = fmt(t.ngettext("It starts in {n} day.", "It starts in {n} days.", days),
                       n=t.number(days)).plain
    return [join(sentence, " ", relative) if relative else sentence]


def _when_past(t: Translator, event: EventSpec, name: Segment) -> Rich:
    zone = ZoneInfo(event.timezone)
    if event.ends_at is None:
        return fmt(t.gettext(TOOK_PLACE), title=name, start=_moment(t, event.starts_at, event))
    if event.ends_at.astimezone(zone).date() == event.starts_at.astimezone(zone).date():
        return fmt(t.gettext(TOOK_PLACE_DAY), title=name, date=_date(t, event.starts_at, event),
                   start=_time(t, event.starts_at, event), end=_time(t, event.ends_at, event))
    return fmt(t.gettext(TOOK_PLACE_DAYS), title=name, start=_moment(t, event.starts_at, event),
               end=_moment(t, event.ends_at, event))


def _duration(t: Translator, event: EventSpec, name: Segment) -> Rich:
    if event.ends_at is None:
        return fmt(t.gettext(ONLY_START), title=name, start=_moment(t, event.starts_at, event))
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if start.date() == end.date():
        minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(fmt(t.ngettext("{n} hour", "{n} hours", hours), n=t.number(hours)).plain)
        if minutes or not hours:
            parts.append(fmt(t.ngettext("{n} minute", "{n} minutes", minutes),
                             n=t.number(minutes)).plain)
        return fmt(t.gettext(LASTS_DAY), title=name, duration=" ".join(parts),
                   date=_date(t, event.starts_at, event), start=_time(t, event.starts_at, event),
                   end=_time(t, event.ends_at, event))
    days = (end.date() - start.date()).days + 1
    return fmt(t.gettext(LASTS_DAYS), title=name,
               duration=fmt(t.ngettext("{n} day", "{n} days", days), n=t.number(days)).plain,
               start=_moment(t, event.starts_at, event), end=_moment(t, event.ends_at, event))


def _left(t: Translator, event: EventSpec, now: datetime) -> str:
    zone = ZoneInfo(event.timezone)
    days = (event.registration_deadline.astimezone(zone).date()
            - now.astimezone(zone).date()).days
    if days <= 0:
        return t.gettext(CLOSES_TODAY)
    if days == 1:
        return t.gettext(CLOSES_TOMORROW)
    return fmt(t.ngettext("{n} day left", "{n} days left", days), n=t.number(days)).plain


def _deadline(t: Translator, event: EventSpec, name: Segment, now: datetime) -> Rich:
    deadline = _moment(t, event.registration_deadline, event)
    if is_open(event, now):
        return fmt(t.gettext(OPEN_UNTIL), title=name, deadline=deadline, left=_left(t, event, now))
    return fmt(t.gettext(CLOSED_ON), title=name, deadline=deadline)


def _registration_line(t: Translator, event: EventSpec, now: datetime) -> Rich:
    deadline = _moment(t, event.registration_deadline, event)
    if is_open(event, now):
        return fmt(t.gettext(REGISTRATION_LINE), deadline=deadline, left=_left(t, event, now))
    return fmt(t.gettext(REGISTRATION_CLOSED_LINE), deadline=deadline)


def _closed_note(t: Translator, event: EventSpec, now: datetime) -> list[Rich]:
    return [] if is_open(event, now) else [_registration_line(t, event, now)]


def _seats(t: Translator, record: EventRecord, name: Segment) -> Rich:
    left = record.seats_left
    if left is None:
        return fmt(t.gettext(UNLIMITED), title=name)
    if left == 0:
        return fmt(t.gettext(FULL), title=name)
    return fmt(t.ngettext("{title} has {n} seat left, of {capacity}.",
                          "{title} has {n} seats left, of {capacity}.", left),
               title=name, n=t.number(left), capacity=t.number(record.capacity or 0))


def _how_to_register(t: Translator, record: EventRecord, event: EventSpec, name: Segment,
                     now: datetime) -> Rich:
    if not is_open(event, now):
        return fmt(t.gettext(CLOSED_ON), title=name,
                   deadline=_moment(t, event.registration_deadline, event))
    if record.seats_left == 0:
        text = fmt(t.gettext(HOW_FULL), title=name)
    else:
        n = len(event.fields)
        text = fmt(t.ngettext(
            "You can register for {title} right here in the chat: press the button below and "
            "answer {n} question.",
            "You can register for {title} right here in the chat: press the button below and "
            "answer {n} questions.", n), title=name, n=t.number(n))
    return join(text, "\n", _registration_line(t, event, now))


def _from_description(t: Translator, event: EventSpec, name: Segment,
                      keys: tuple[str, ...], missing: str) -> Rich:
    """What the event's own description says (in the asker's language only): for the price,
    its sentences that speak of money; for the audience, the description itself."""
    text = text_in(event.description, t.locale)
    if text and keys:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text)
                     if _MONEY.search(s) or any(c.key in keys for c in find_cues(words_of(s)))]
        text = " ".join(sentences) or None
    if not text:
        return fmt(t.gettext(missing), title=name)
    return fmt(t.gettext(SAYS), title=name, text=" ".join(text.split()))


# -- several events, or none ---------------------------------------------------------------


def _listed(t: Translator, answer: EventAnswer) -> Reply:
    asked = set(answer.asked)
    registering = bool(asked & {"register", "deadline", "seats"})
    if answer.window is not None:
        header = t.gettext(WINDOW_HEADERS[answer.window])
    elif "register" in asked:
        header = t.gettext(REGISTER_HEADER)
    elif answer.named or asked - {"when", "about", "upcoming"}:
        header = t.gettext(SEVERAL)
    else:
        header = t.gettext(UPCOMING)
    lines: list[Rich | Segment | str] = [header]
    buttons = []
    for record in answer.events:
        event = EventSpec.from_record(record)
        name = title(record, t.locale)
        notes = [_short_moment(t, event)]
        if "where" in asked:
            notes.append(place(event, t.locale))
        if "seats" in asked and (seats := seats_line(t, record)):
            notes.append(_as_note(seats))
        if registering or "when" in asked:
            notes.append(_open_note(t, event, answer.now))
        lines.append(join("• ", bold(name), " — " + "; ".join(notes)))
        target = REGISTER if registering and is_open(event, answer.now) else SHOW
        buttons.append([Button(_label(name), payload(target, event.id))])
    lines.append(t.gettext(PRESS_TO_REGISTER if registering else CHOOSE))
    return Reply.of(join(*lines, sep="\n"), buttons)


def _none(t: Translator, answer: EventAnswer) -> Reply:
    if answer.window is None:
        return Reply.of(t.gettext(NONE_UPCOMING))
    text = join(t.gettext(NONE_IN_WINDOW))
    buttons: list[list[Button]] = []
    following = answer.next_event
    if following is not None:
        event = EventSpec.from_record(following)
        text = join(text, " ", fmt(t.gettext(NEXT_ONE), title=bold(title(following, t.locale)),
                                   date=_date(t, event.starts_at, event)))
        buttons.append([Button(_label(title(following, t.locale)), payload(SHOW, event.id))])
    return Reply.of(text, buttons)


def _open_note(t: Translator, event: EventSpec, now: datetime) -> str:
    if not is_open(event, now):
        return t.gettext(CLOSED_NOTE)
    return fmt(t.gettext(OPEN_NOTE), deadline=_moment(t, event.registration_deadline, event),
               left=_left(t, event, now)).plain


def _as_note(sentence: str) -> str:
    """A sentence as a note in a list: "Fully booked; ..." -> "fully booked; ..."."""
    sentence = sentence.rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1].rstrip() + "…"


# -- dates and times (babel, the event's time zone) ----------------------------------------


def _date(t: Translator, moment: datetime, event: EventSpec) -> str:
    return t.date(moment, event.timezone, "full")


def _time(t: Translator, moment: datetime, event: EventSpec) -> str:
    local = moment.astimezone(ZoneInfo(event.timezone))
    return format_time(local, "short", locale=babel_locale(t.locale))


def _moment(t: Translator, moment: datetime, event: EventSpec) -> str:
    """'Wednesday, March 17, 2027 at 4:00 PM'; a deadline at the end of a day is the day."""
    local = moment.astimezone(ZoneInfo(event.timezone))
    if (local.hour, local.minute) == _END_OF_DAY:
        return _date(t, moment, event)
    return fmt(t.gettext(AT), date=_date(t, moment, event), time=_time(t, moment, event)).plain


def _short_moment(t: Translator, event: EventSpec) -> str:
    return fmt(t.gettext(AT), date=t.date(event.starts_at, event.timezone, "medium"),
               time=_time(t, event.starts_at, event)).plain


def _span(t: Translator, event: EventSpec) -> str:
    """The start, and the end: 'Thursday, ... at 10:00 AM – 3:30 PM'."""
    start = _moment(t, event.starts_at, event)
    if event.ends_at is None:
        return start
    zone = ZoneInfo(event.timezone)
    if event.ends_at.astimezone(zone).date() == event.starts_at.astimezone(zone).date():
        return f"{start} – {_time(t, event.ends_at, event)}"
    return f"{start} – {_moment(t, event.ends_at, event)}"


def _end_of(t: Translator, event: EventSpec, now: datetime) -> str:
    end = event.ends_at or event.starts_at
    zone = ZoneInfo(event.timezone)
    if end.astimezone(zone).date() == now.astimezone(zone).date():
        return _time(t, end, event)
    return _moment(t, end, event)


# -- from the store ------------------------------------------------------------------------


async def answer_from_store(store: Any, question: str, now: datetime) -> EventAnswer | None:
    """Read the events now (every question: a change by import, /editevent or another
    replica shows in the next answer) and understand the question against them."""
    records = await store.list_events()
    if not records:
        return None
    # what people can still go to: the store's `list_events(ending_after=now)`, from one read
    live = {record.id for record in records
            if (record.ends_at or record.starts_at) > now and not record.cancelled}
    # Comparing the question's words with every event's names is CPU work: off the loop.
    answer = await asyncio.to_thread(understand, question, records, live, now)
    if answer is not None and answer.mode == "one":
        record = answer.events[0]
        if record.cancelled and record.id not in answer.cancelled:
            answer = dataclasses.replace(answer, cancelled=frozenset([record.id]))
    return answer
