"""Question answering over the store: the one code path of the chat handler and `civicbot ask`.

    question -> about our events? (bot.events.questions: the events table, read now) -> an
    answer built from the event's structure
    else -> search terms (bot.qa.answering) -> the store's BM25 search -> FAQ first, else the
    best sentences of the best passage (bot.qa.answering) -> an answer, or "don't know"

Structured data is answered from its structure, never as text extracts of its fields: a
question about an event's time, deadline, place, seats, registration (or what is coming up)
is answered from the events table, live (a change shows in the next answer), and a question
that is not goes on to document search exactly as before. Event descriptions (prose, never
the fact lines) are still indexed as documents named `event:<id>` when they changed (checked
at most once a minute per process, whoever changed them: the CLI, a chat command, another
replica), for the questions about an event that its structure does not answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.content import FaqEntry, ParsedDocument, searchable_text
from bot.events.passages import EventPassage, event_passages
from bot.events.questions import EventAnswer, answer_from_store, plain_text
from bot.events.questions import title as event_title
from bot.i18n.scripts import dominant_script
from bot.i18n.translator import N_, Translator
from bot.qa.answering import (
    CANDIDATES,
    NEAREST,
    RERANKED,
    WHOLE_DOCUMENT,
    Answer,
    Hit,
    Meaning,
    answer_follow_up,
    answer_from_hits,
    hit_text,
    load_calendar,
    passage_sentences,
    search_terms,
)
from bot.qa.semantic import (
    MeaningIndex,
    Vectors,
    document_vectors,
    encoder,
    question_vector,
    sentence_similarities,
)
from bot.qa.textnorm import LANGUAGES, detect_language, index_terms, index_words
from storage.base import ContentDocument, ContentPassage, FaqRecord, PassageHit

# The version of the index terms (bot.qa.textnorm) and of what is indexed: a document indexed
# by another version is indexed again on import even when its file did not change.
INDEXER = "19"
EVENT_PREFIX = "event:"
EVENT_SYNC_INTERVAL = timedelta(seconds=60)
MAX_SOURCES = 3

DONT_KNOW = N_("Sorry, I don't know the answer to that.")
CAN_DO = N_("I can show you the upcoming events and how to register for them.")
CONTACT = N_("For anything else, contact us: {contact}")
SOURCE = N_("{answer}\n\nSource: {title}")
EVENTS_BUTTON = N_("Upcoming events")


@dataclass(frozen=True)
class Source:
    document: str  # the imported file's base name (event:<id> for an event)
    title: str
    score: float


@dataclass(frozen=True)
class QaResult:
    question: str
    locale: str  # the asker's locale (the --lang given, else the question's language)
    answer: Answer | None  # None: don't know (or an event answer, below)
    sources: list[Source]
    searched: bool = True  # False: the question has no content words to look for
    event: EventAnswer | None = None  # answered from the events table (bot.events.questions)

    @property
    def found(self) -> bool:
        return self.answer is not None or self.event is not None


class QuestionAnswering:
    """Answers questions from one store; remembers when it last looked at the events."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._events_checked: datetime | None = None
        self._meaning = MeaningIndex()

    async def ask(
        self, question: str, *, locale: str | None, now: datetime, follow_up: str | None = None
    ) -> QaResult:
        """The answer to one question; `locale` None: the question's own language decides.
        `follow_up`: the document of the asker's previous answer in this chat, asked when the
        question alone finds none ("and until when?")."""
        result = await self._ask(question, locale=locale, now=now)
        if result.found or follow_up is None:
            return result
        passages = [
            _hit(found)
            for found in await self.store.document_passages([follow_up], WHOLE_DOCUMENT)
        ]
        lang_hint = result.locale.split("_")[0] if locale else None
        answer = await asyncio.to_thread(
            answer_follow_up, question, passages, lang_hint=lang_hint
        )
        if answer is None:
            return result
        return QaResult(question, result.locale, answer,
                        [Source(answer.document, answer.title, answer.confidence)])

    async def _ask(self, question: str, *, locale: str | None, now: datetime) -> QaResult:
        # Lemmatising and choosing sentences take CPU (the first question: seconds, if the
        # dictionaries are not loaded yet): in a thread, so that the event loop stays free.
        asker = await asyncio.to_thread(_asker_locale, question, locale)
        event = await answer_from_store(self.store, question, now)
        if event is not None:
            return QaResult(question, asker, None, _event_sources(event, asker), event=event)
        lang_hint = asker.split("_")[0] if locale else None
        terms = await asyncio.to_thread(search_terms, question, lang_hint)
        if not terms:
            return QaResult(question, asker, None, [], searched=False)
        await self.sync_events(now)
        # The question is embedded (on the encoder's own thread, ~25 ms) while the store
        # searches and then reads what needs no vector: the found documents, the FAQ.
        embedding = asyncio.ensure_future(asyncio.to_thread(question_vector, question))
        hits = [_hit(found) for found in await self.store.search_passages(terms, CANDIDATES)]
        by_words = list(dict.fromkeys(hit.document for hit in hits[:RERANKED]))
        found = await self.store.document_passages(by_words, WHOLE_DOCUMENT)
        records = await self.store.faq_entries()
        if encoder() is not None:
            await self._meaning.refresh(self.store)
        vector = await embedding
        nearest: list[tuple[str, int, float]] = []
        if vector is not None:
            nearest = await asyncio.to_thread(self._meaning.nearest, vector, NEAREST)
        by_meaning = [document for document in dict.fromkeys(d for d, _, _ in nearest)
                      if document not in by_words]
        found += await self.store.document_passages(by_meaning, WHOLE_DOCUMENT)
        found.sort(key=lambda passage: (passage.document, passage.position))
        found += await self.store.passages_at(_unread(nearest, found))
        passages = [_hit(passage) for passage in found]
        meaning = _meaning(vector, nearest, found)
        faq = [FaqEntry(record.key, record.questions, record.answers) for record in records]
        answer = await asyncio.to_thread(
            answer_from_hits, question, hits, lang_hint=lang_hint, faq=faq, locale=locale,
            passages=passages, meaning=meaning,
        )
        return QaResult(question, asker, answer, _sources(answer, hits, records))

    async def warm(self) -> None:
        """Load what the first question would otherwise wait for: babel's month names, the
        encoder, every passage's vector (seconds at 100k passages)."""
        await asyncio.to_thread(load_calendar)
        if await asyncio.to_thread(encoder) is not None:
            await self._meaning.refresh(self.store)

    async def sync_events(self, now: datetime, *, force: bool = False) -> int:
        """Index the descriptions of the events not over yet (only those that changed)."""
        checked = self._events_checked
        if not force and checked is not None and now - checked < EVENT_SYNC_INTERVAL:
            return 0
        self._events_checked = now
        current = await self.store.content_checksums("event")
        by_event: dict[str, list[EventPassage]] = {}
        for passage in await event_passages(self.store, ending_after=now):
            by_event.setdefault(passage.event_id, []).append(passage)
        changed, keep = [], set()
        for event_id, passages in by_event.items():
            document = event_document(event_id, passages)
            if current.get(document.name) == (document.checksum, indexer()):
                keep.add(document.name)
            else:
                changed.append(document)
        if not changed and set(current) <= keep:
            return 0
        # Embedding a description takes a tenth of a second a passage: off the event loop.
        await asyncio.to_thread(_with_vectors, changed)
        return await self.store.sync_documents("event", changed, keep, now)


_services: weakref.WeakKeyDictionary[Any, QuestionAnswering] = weakref.WeakKeyDictionary()


def service_for(store: Any) -> QuestionAnswering:
    """The process's question answering over `store` (one per store)."""
    service = _services.get(store)
    if service is None:
        service = _services[store] = QuestionAnswering(store)
    return service


def _asker_locale(question: str, locale: str | None) -> str:
    return locale or question_locale(question)


def question_locale(question: str) -> str:
    """Our locale for the language and script a question is written in."""
    lang = detect_language(question)
    if lang == "sr" and dominant_script(question) == "Latn":
        return "sr_Latn"
    return lang


# -- what is indexed ---------------------------------------------------------------------------


def indexer() -> str:
    """What a stored document was indexed by: INDEXER, and whether with the encoder (turning it
    on or off indexes the documents again on their next import)."""
    return INDEXER + ("+meaning" if encoder() is not None else "")


def document_content(document: ParsedDocument) -> ContentDocument:
    """A parsed file as stored: each passage with the words of its searchable text (what the
    answering reads), their index terms and, with the encoder, its vectors (bot.qa.semantic)."""
    passages = []
    for p in document.passages:
        words = index_words(searchable_text(document, p), p.lang)
        terms = " ".join(term for word in words for term in word)
        passages.append(ContentPassage(p.heading, p.text, p.lang, terms, words=stored_words(words)))
    content = ContentDocument(document.document, document.title, document.lang, "document",
                              document.checksum, indexer(), passages)
    _with_vectors([content])
    return content


def faq_content(name: str, checksum: str, entries: Sequence[FaqEntry]) -> ContentDocument:
    records = [FaqRecord(entry.key, dict(entry.questions), dict(entry.answers), name)
               for entry in entries]
    return ContentDocument(name, name, "", "faq", checksum, indexer(), faq=records)


def event_document(event_id: str, passages: Sequence[EventPassage]) -> ContentDocument:
    """One event's descriptions (one passage per language) as a document."""
    content = []
    for passage in passages:
        lang = _event_language(passage)
        text = _event_text(passage)
        terms = index_terms(f"{passage.heading}\n{text}", lang)
        words = index_words(hit_text(passages[0].heading, passage.heading, text), lang)
        content.append(ContentPassage(passage.heading, text, lang, terms,
                                      words=stored_words(words)))
    source = json.dumps([dataclasses.astuple(p) for p in passages], ensure_ascii=False)
    checksum = hashlib.sha256(source.encode()).hexdigest()
    title = passages[0].heading
    return ContentDocument(f"{EVENT_PREFIX}{event_id}", title, content[0].lang, "event",
                           checksum, indexer(), content)


def _with_vectors(documents: Sequence[ContentDocument]) -> None:
    """Each passage's vectors and its sentences' (bot.qa.semantic); none when it is off."""
    for document in documents:
        vectors = document_vectors(document.title, [
            (p.heading, p.text, passage_sentences(p.text, p.lang)) for p in document.passages
        ])
        for passage, (vector, sentence_vectors) in zip(
            document.passages, vectors or (), strict=False
        ):
            passage.vector, passage.sentence_vectors = vector, sentence_vectors


def _event_text(passage: EventPassage) -> str:
    """The description: prose only (the facts are answered from the event's structure)."""
    return " ".join(passage.text.split())


def _event_language(passage: EventPassage) -> str:
    lang = passage.lang.split("_")[0]
    return lang if lang in LANGUAGES else detect_language(passage.text)


# -- rendering -----------------------------------------------------------------------------------


def plain_answer(t: Translator, result: QaResult) -> str:
    """The answer as plain text (the CLI): the sentences and their source, or don't know;
    an event answer exactly as the chat shows it (bot.events.questions)."""
    if result.event is not None:
        return plain_text(t, result.event)
    answer = result.answer
    if answer is None:
        return t.gettext(DONT_KNOW)
    if not answer.title:
        return answer.text
    return t.gettext(SOURCE).replace("{answer}", answer.text).replace("{title}", answer.title)


def _event_sources(event: EventAnswer, locale: str) -> list[Source]:
    return [Source(f"{EVENT_PREFIX}{record.id}", event_title(record, locale), event.score)
            for record in event.events[:MAX_SOURCES]]


def _meaning(
    vector: Vectors | None, nearest: list[tuple[str, int, float]], found: list[PassageHit]
) -> Meaning | None:
    """How close in meaning the question is to the nearest passages and to each sentence of
    the candidate documents."""
    if vector is None or not nearest:
        return None
    sentences: dict[str, float] = {}
    for passage in found:
        sentences.update(sentence_similarities(
            vector, passage_sentences(passage.text, passage.lang), passage.sentence_vectors
        ))
    return Meaning({(document, position): score for document, position, score in nearest},
                   sentences)


def stored_words(words: Sequence[Sequence[str]]) -> str:
    """A passage's words as stored: one line a word, its terms ([a-z0-9]+) separated by spaces."""
    return "\n".join(" ".join(word) for word in words)


def _unread(
    nearest: list[tuple[str, int, float]], found: list[PassageHit]
) -> list[tuple[str, int]]:
    """The nearest passages that a document read whole did not bring (a long one's)."""
    read = {passage.document for passage in found}
    return [(document, position) for document, position, _ in nearest if document not in read]


def _hit(found: PassageHit) -> Hit:
    return Hit(found.document, found.title, found.heading, found.text, found.lang, found.score,
               found.position, found.words)


def _sources(
    answer: Answer | None, hits: Sequence[Hit], faq: Sequence[FaqRecord]
) -> list[Source]:
    """Where the answer came from first, then the other documents found, best first."""
    if answer is None:
        return []
    if answer.source == "faq":
        source = next((record.source for record in faq if record.key == answer.faq_key), "")
        return [Source(source, "", round(answer.confidence, 4))]
    best: dict[str, Hit] = {}
    for hit in hits:
        if hit.document not in best or hit.score > best[hit.document].score:
            best[hit.document] = hit
    ordered = sorted(best.values(), key=lambda hit: (hit.document != answer.document, -hit.score))
    return [Source(hit.document, hit.title, round(hit.score, 4)) for hit in ordered[:MAX_SOURCES]]

