"""Answering a question from ranked passages: the best few sentences, or nothing.

The ranker (SQLite FTS5 with BM25 in the bot, rank_bm25 in the benchmark) is handed in as
a `Search` function, so this module decides only what it can judge from the text: which
passage covers the question best, whether that is good enough to answer, and which one to
three sentences of it answer. A wrong passage is worse than none: below the confidence
threshold `answer_question` returns None and the handler says it does not know.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache, lru_cache, partial

import cyrtranslit
from babel import Locale

from bot.content.model import FaqEntry
from bot.i18n.scripts import dominant_script, serbian_to_latin
from bot.qa.places import COUNTRIES_OF_LANGUAGE, countries_of, places_named
from bot.qa.textnorm import (
    QueryWord,
    detect_language,
    fold,
    index_terms,
    index_words,
    interrogatives,
    is_word,
    query_words,
    sentences,
)

# A word matched through its cognate key only (conference ~ konferencija) counts this much.
KEY_MATCH_WEIGHT = 0.75
# A word matched through its long cognate key (partnerstwo ~ partnerstvo) counts this much.
STEM_MATCH_WEIGHT = 0.9
# The decision: the document must match at least MIN_MATCHED of the question's words and
# cover MIN_COVERAGE of them. MIN_COVERAGE is the lowest at which at most one off-topic
# question in ten of the development documents (tests/eval/corpus/dev) is answered: 0.67
# (2 in 40; 0.66: 5 in 40), measured among all the evaluation documents by bench/qa_eval.py.
MIN_MATCHED = 1.5
MIN_COVERAGE = 0.67
# ... or this much where the document names the acronym the question asks about (NVO-VID,
# ПОУ): the name says what the question is about; the words around it may not be found.
MIN_NAMED_COVERAGE = 0.45
# What bench/fit_decision.py fits a logistic decision on (decision_features): how much of
# the question the candidate's document covers (plainly, by rarity, the passage alone), how
# many words it matches (log), a one-word question, question words side by side, the
# acronym named, its rank's margin over the best other document's, whether the document
# holds the kind of fact asked for (a date for "when") or lacks it, and, with the encoder,
# the cosine of its nearest passage, of the nearest passage of all, and whether it holds
# that one. Measured, it did not beat the thresholds above on unseen documents
# (docs/ARCHITECTURE.md, "Measured and not adopted"): they stay.
DECISION_FEATURES = ("intercept", "coverage", "weighted", "passage", "matched", "one_word",
                     "phrases", "names", "margin", "held", "lacking", "similarity", "best",
                     "nearest")
# bench/fit_decision.py: every candidate judged, a question at a time (see Candidate).
_deciding: list[list[Candidate]] | None = None
# A word of the question found in none of the candidates may be the document's language
# gap (purpose ~ сврха) rather than a sign of another topic: it counts this much.
UNKNOWN_WORD_WEIGHT = 0.5
MIN_FAQ_SCORE = 0.7
# How much neighbouring question words found side by side add to a passage's rank: a name
# the question spells out ("Institut za elektronsku participaciju") outweighs a page in the
# asker's own language that shares its generic words (0.45-0.75 measure the same).
PHRASE_WEIGHT = 0.6
# Passages asked of the ranker; the best RERANKED of them are judged on their words.
CANDIDATES = 20
RERANKED = 8
# A document of at most this many passages is read whole for the sentences that answer.
WHOLE_DOCUMENT = 40
# Passages nearest in meaning (bot.qa.semantic) judged beside the ranker's; how much being
# near counts in the judgement (closeness 1: the nearest passage of all; 0: MEANING_SPAN
# further or more), and how near the nearest passage must be to answer on meaning alone,
# where the question's words are not found (another language, other words).
NEAREST = 8
MEANING_SPAN = 0.05
MEANING_WEIGHT = 0.6
MIN_SIMILARITY = 0.87
# A first sentence this short ("Pripravil", "Partnerzy projektu:"), ending in a colon, or
# asking a question (a FAQ's "How old do I need to be?") is a label: the sentence after it
# carries the answer.
_LABEL_CHARS = 40
# Within one document, a cognate key picks sentences less surely than a real word; a
# glossary concept (the same meaning in another language) nearly as surely.
_SENTENCE_KEY_WEIGHT = 0.5
_SENTENCE_CONCEPT_WEIGHT = 0.9
# A sentence holding what the question asks for (a date for "when", a name for "who", a
# place for "where", an address for "e-mail") gains this much, once per kind.
# The features of a window of sentences and their weights in its score: how much of the
# question it matches (each word weighted by its rarity among the document's sentences, less
# for words of the title), question words side by side, the kinds of fact asked for that it
# holds and that it lacks, the title repeated, sentences past the first, a year other than
# the one asked, its best single word, whether it opens the document, its length (100s of
# characters), how close in meaning its nearest sentence is (1: the document's nearest; see
# Meaning.closeness). The weights were fitted on the development documents by
# bench/fit_sentences.py: one set for words alone (no encoder), one with the meaning.
WINDOW_FEATURES = ("matched", "phrases", "answered", "lacking", "repeats", "extra", "other_year",
                   "best_word", "opening", "length", "meaning")
WINDOW_WEIGHTS = (0.91, -0.17, 1.30, -0.76, -0.55, -0.65, -1.10, 1.11, 0.18, -0.74, 0.0)
MEANING_WINDOW_WEIGHTS = (0.29, -0.11, 1.45, -0.91, -0.67, 0.09, -1.11, 1.34, -0.40, -0.73, 1.69)
_fitting: list[tuple[str, tuple[float, ...]]] | None = None
# A section's heading counts this much for the question words of its sentences.
_HEADING_SHARE = 0.5
# The answer shows the runner-up window of the document beside the best when its score is
# within this of the best's and both fit in SECOND_PLACE_CHARS: the scores are the logits of
# a softmax fitted on which window holds the fact (bench/fit_sentences.py), so a runner-up
# within 1.0 is at least 1/e as likely as the best to be the one that answers, too close to
# call: both are shown rather than a guess between them. Measured on dev/ (96 documents, 480
# questions): 331 -> 340 right, median answer 279 -> 294 characters; 1.5: 342, median 307.
RUNNER_UP_MARGIN = 1.0
SECOND_PLACE_CHARS = 800
SECOND_PLACE_SHORT = 200  # a short second place always fits ("Funded by the EU.")
# ... or when it holds question words the best window lacks, worth this much (a word found in
# few sentences weighs about 1.5-2.5: see _word_weights).
SECOND_PLACE_ADDS = 1.0
MORE_PLACES = 2
# The fact asked for should start within what a phone shows first of an answer (about 300
# characters): text before it longer than half of that is left out of the answer.
LEAD_CHARS = 150
# Question words already in the passage's title or heading weigh this much in picking
# its sentences.
_CONTEXT_WORD_WEIGHT = 0.3
# Folded question words (sl, sr, pl, uk, en) and what a sentence that answers them holds.
_ASKS_FOR_NUMBER = frozenset([
    "kdaj", "dokler", "koliko", "kada", "kiedy", "dokad", "ile", "koli", "skilki", "when",
    "until", "deadline", "many", "much", "rok", "termin", "datum", "date",
])  # fmt: skip
_ASKS_FOR_DATE = frozenset([
    "kdaj", "dokler", "kada", "kiedy", "dokad", "koli", "when", "until", "deadline", "rok",
    "termin", "datum", "date", "dates", "period", "okres", "obdobje", "trajanje", "duration",
])  # fmt: skip
_ASKS_WHO = frozenset(["kdo", "koga", "ko", "kome", "kto", "kim", "kogo", "who", "whom", "hto",
                       "kogo", "komu"])  # fmt: skip
_ASKS_WHERE = frozenset(["kje", "kam", "gde", "gdje", "gdzie", "where", "de", "kudi"])
# ... and every language's question words of each kind (bot.qa.interrogatives).
_ASKS_FOR_DATE |= interrogatives("date")
_ASKS_FOR_NUMBER |= interrogatives("number") | interrogatives("date")
_ASKS_WHO |= interrogatives("who")
_ASKS_WHERE |= interrogatives("where")
# "Why", "what for": answered by a sentence that states a goal or purpose (bot.qa.glossary).
_ASKS_WHY = frozenset(["zakaj", "cemu", "zasto", "dlaczego", "czemu", "navisco", "comu", "why",
                       "purpose"])  # fmt: skip
_ASKS_WHY_PAIRS = frozenset([("po", "co"), ("what", "for"), ("za", "sto")])
# Glossary concepts (bot.qa.glossary) whose answer is an address: e-mail, web, street.
_ADDRESS_CONCEPTS = frozenset(["zzmail", "zzaddress", "zzwebsite", "zzform"])
# A sentence naming a venue (a hall, a street) tells where; "place" and "city" as words do
# not ("free use of the municipality's premises").
_PLACE_CONCEPTS = frozenset(["zzvenue", "zzlibrary"])
_GOAL_CONCEPTS = frozenset(["zzgoal"])
# The kinds of fact (see _holds) an answer must show when asked for.
_FACT_KINDS = frozenset(["date", "year", "number", "money", "who", "where", "link", "phone"])
# Glossary concepts whose answer is a phone number.
_PHONE_CONCEPTS = frozenset(["zzphone"])
# The kinds a document must hold somewhere to answer a question asking for one.
_CHECKED_KINDS = frozenset(["money"])
_DATE_CONCEPTS = frozenset([f"zz{month}" for month in (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday")])  # fmt: skip
# "Which day", "until what date", "in which year": asked for by a word of these concepts after
# "which"; "how long does it last" (zzduration) by dates too.
_DATE_QUESTION_CONCEPTS = frozenset(["zzday", "zzdate", "zzdeadline", "zzmonth", "zzyear"])
_YEAR_CONCEPTS = frozenset(["zzyear"])
# "Дата" (uk, sr) folds to "data", in English not a date: after "which" it is one, as is
# Ukrainian "якого числа" ("of which number": on which day).
_DATE_WORDS = frozenset(["data", "dati", "datu", "datum", "datuma", "date", "dates", "cisla"])
# Folded forms of "which", "what", "until which" that ask for a day or year.
_WHICH = frozenset([
    "which", "what", "kateri", "katerem", "katerega", "katero", "kateremu", "koji", "koje",
    "kog", "kom", "kojeg", "kojem", "kojoj", "ktory", "ktorego", "ktorym", "ktorej", "jaki",
    "jakim", "jakiego", "jakij", "jaka", "jakoji", "jakomu", "jakogo", "jake", "kotrij",
    "kotromu", "kotrogo", "kotroji",
])  # fmt: skip
# A number that counts something, not the marker of a list item ("1) ...", "2) ...").
_COUNT = re.compile(r"\d(?!\d*\))")
_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
# An amount of money, in folded text: digits beside a currency or its word.
# In folded text: fold() spells currency signs as their codes (€ -> eur, £ -> gbp, ₴ -> uah).
_MONEY = re.compile(
    r"\d\s*(?:\$|km\b|kn\b|gbp|(?:eur|evr)(?:o|a|ov|ow|ih)?|usd|dolar\w*|din(?:ar\w*)?|rsd|zl|zlot\w*|pln|"
    r"grn|hrn|hryv\w*|griv\w*|uah|chf|kun\w*|tis\w*|hiljad\w*|tisuc\w*|tysi\w*|mio|mln|"
    r"milij\w*|milion\w*|million\w*)(?!\w)|(?:\$|eur|usd|gbp|pln|rsd|uah)\s*\d"
)
# "How much", asking for money when a word of funding follows ("koliko sredstava").
_HOW_MUCH = interrogatives("number")
# Words that ask for an amount of money (folded lemmas and forms), beside the glossary's.
_MONEY_CONCEPTS = frozenset(["zzbudget", "zzamount", "zzcost"])
_MONEY_WORDS = frozenset([
    "money", "denar", "denarja", "novac", "novca", "pare", "pieniadz", "pieniadze", "pieniedzy",
    "grosi", "kosti", "price", "cena", "cijena", "cina", "vartist", "cost", "costs", "strosek",
    "stroski", "trosak", "troskovi", "koszt", "koszty", "kostati", "kosztowac", "kosztuje",
    "kostuje", "kostuvati", "ticket", "tickets", "vstopnica", "ulaznica", "bilet", "kvitok",
])  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_LINK = re.compile(r"\S@\S|https?://|www\.|\b[a-z0-9-]+\.(?:gov|org|com|net|eu)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")
_NAME_WORD = re.compile(r"[^\W\d_][\w-]*")
# A name and a house number (not a year: "marta 2019"); what follows tells it from a count:
# a house number ends the address ("Trg slobode 1.", "Taborski 1, Grosuplje"), a count is
# followed by what it counts ("najmanj 90 odstotkov", "do 14 časova").
_STREET = re.compile(r"\b[^\W\d_]{3,}\s\d{1,3}[a-z]?\b(?P<after>\.?\s*\w?)")
# A phone number: six to fifteen digits in groups apart by spaces, dashes, slashes or brackets
# (not dots or commas, which group an amount: "3.500.000"), opening with an international or
# a trunk prefix ("+38 067 ...", "059 927 619", "0914714711") or too long for a count and
# no run of years.
_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d[\d ()/-]{4,}\d(?![\w.,]\d)")
_PHONE_DIGITS = (6, 15)
_PLAIN_PHONE_DIGITS = 9
_URLISH = re.compile(r"(?i:\S*[@/\\.]\S*[a-z]\S*)|\b[A-Z]{2,}\b")

Words = Sequence[QueryWord]


@dataclass(frozen=True)
class Hit:
    """A passage found by the ranker; `score` is its relevance, higher is better."""

    document: str
    title: str
    heading: str
    text: str
    lang: str
    score: float
    position: int = 0  # the passage's place in its document
    # Its words (index_words of title, heading and text) as stored at import, one line a
    # word (bot.qa.service.stored_words); None: read them now.
    words: str | None = None


@dataclass(frozen=True)
class Judgement:
    """How well the best candidate passage, and its document, cover a question."""

    hit: Hit
    passage_coverage: float  # share of the question's words in the passage (0..1)
    document_coverage: float  # the same over the candidates of the passage's document
    matched: float  # question words the document matches (a key-only match counts less)
    coverage: float  # matched / words, a word found in no candidate counting less
    words: int  # content words in the question

    names: bool = False  # the document names the acronym the question names (CETRA)
    similarity: float = 0.0  # cosine of the document's nearest passage (0: unknown)
    nearest: bool = False  # the document holds the passage nearest in meaning of all
    weighted: float = 0.0  # the document's coverage, each word weighted by its rarity
    phrases: float = 0.0  # share of the question's word pairs side by side in the passage

    @property
    def found(self) -> bool:
        """Enough of the question is covered to answer (one-word questions: that word), or
        the document holds the passage nearest in meaning, and it is near enough."""
        needed = 1.0 if self.words == 1 else MIN_MATCHED
        least = MIN_NAMED_COVERAGE if self.names else MIN_COVERAGE
        if self.matched >= needed and self.coverage >= least:
            return True
        return self.nearest and self.similarity >= MIN_SIMILARITY

    @property
    def confidence(self) -> float:
        return round(self.coverage, 3)


@dataclass(frozen=True)
class Candidate:
    """A judged candidate as bench/fit_decision.py sees it: its features (DECISION_FEATURES),
    its rank, whether the thresholds find it good enough (Judgement.found), whether
    _not_in_document rules it out, and its answer, when asked."""

    features: tuple[float, ...]
    rank: float
    document: str
    found: bool
    ruled_out: bool
    answer: Callable[[], Answer]


@dataclass(frozen=True)
class Answer:
    text: str
    title: str
    document: str
    confidence: float
    source: str = "passage"  # or "faq"
    faq_key: str | None = None


@dataclass(frozen=True)
class Meaning:
    """How close in meaning the question is (cosines, bot.qa.semantic): to the passages
    nearest to it in the whole store, and to each sentence of the candidate documents."""

    passages: Mapping[tuple[str, int], float]  # (document, position) -> cosine
    sentences: Mapping[str, float]  # sentence text -> cosine

    @property
    def best(self) -> float:
        return max(self.passages.values(), default=0.0)

    def of_document(self, document: str) -> float:
        return max((score for (name, _), score in self.passages.items() if name == document),
                   default=0.0)

    def closeness(self, score: float) -> float:
        """1 for the nearest passage of all, down to 0 for MEANING_SPAN further or more."""
        return max(0.0, 1.0 - (self.best - score) / MEANING_SPAN) if score else 0.0


Search = Callable[[list[str], int], Sequence[Hit]]


def answer_question(
    question: str,
    search: Search,
    *,
    lang_hint: str | None = None,
    faq: Sequence[FaqEntry] = (),
    locale: str | None = None,
) -> Answer | None:
    """The answer to `question` in the asker's script, a matching FAQ entry first; else None.

    `search(terms, limit)` is the ranker: the FTS5 store in the bot, BM25 in the benchmark.
    An async store does the same in two steps: `search_terms`, await its search with
    CANDIDATES, then `answer_from_hits`.
    """
    terms = search_terms(question, lang_hint)
    hits = search(terms, CANDIDATES) if terms else []
    return answer_from_hits(question, hits, lang_hint=lang_hint, faq=faq, locale=locale)


def search_terms(question: str, lang_hint: str | None = None) -> list[str]:
    """The terms to ask the ranker for (an OR query over the index terms)."""
    return query_terms_of(query_words(question, lang_hint))


def answer_from_hits(
    question: str,
    hits: Sequence[Hit],
    *,
    lang_hint: str | None = None,
    faq: Sequence[FaqEntry] = (),
    locale: str | None = None,
    passages: Sequence[Hit] = (),
    meaning: Meaning | None = None,
) -> Answer | None:
    """The answer from the ranker's hits for `search_terms(question)`; a FAQ entry first.
    `passages`: all passages of the candidate documents (see document_sections); `meaning`:
    the passages nearest in meaning, judged beside the hits, and each sentence's closeness."""
    words = query_words(question, lang_hint)
    if not words:
        return None
    script = dominant_script(question) or "Latn"
    if found := match_faq(words, faq, locale or lang_hint):
        entry, score = found
        _, text = entry.answer_for(locale or lang_hint)
        return Answer(to_script(text, script), "", "", score, "faq", entry.key)
    near = _nearest_hits(meaning, hits, passages)
    hits = [*hits, *near]
    judgements = judged(words, hits, _acronyms(question, words), _elsewhere(question, hits),
                        meaning=meaning, also=near)
    if _deciding is not None:
        features = decision_features(judgements, hits, meaning, question_cues(question, words))
        _deciding.append([
            Candidate(values, rank, judgement.hit.document, judgement.found,
                      _not_in_document(question, words, judgement.hit, hits),
                      partial(_answer, question, words, judgement, hits, passages, meaning))
            for (rank, judgement), values in zip(judgements, features, strict=True)
        ])
    judgement = chosen(judgements)
    if judgement is None or not judgement.found:
        return None
    if _not_in_document(question, words, judgement.hit, hits):
        return None
    return _answer(question, words, judgement, hits, passages, meaning)


def _answer(
    question: str,
    words: Words,
    judgement: Judgement,
    hits: Sequence[Hit],
    passages: Sequence[Hit],
    meaning: Meaning | None,
) -> Answer:
    """The answer from the judged document: its sentences that answer best."""
    script = dominant_script(question) or "Latn"
    hit = judgement.hit
    text = pick_sentences(
        words,
        document_sections(hit, hits, passages),
        hit.lang,
        wanted=question_cues(question, words),
        context=hit.title,
        meaning=meaning.sentences if meaning else {},
    )
    return Answer(
        to_script(text, script, hit.lang),
        to_script(hit.title, script, hit.lang),
        hit.document,
        judgement.confidence,
    )


def answer_follow_up(
    question: str, passages: Sequence[Hit], *, lang_hint: str | None = None
) -> Answer | None:
    """The answer to a follow-up ("and until when?", "what is their e-mail?") from the
    document of the previous answer (`passages`: all of it): the question's words need not
    name the document, but what it asks must be there, a kind of fact held by the sentences
    chosen, or its words."""
    if not passages:
        return None
    words = query_words(question, lang_hint)
    wanted = question_cues(question, words) & _FACT_KINDS
    if not wanted and not words:
        return None
    first = passages[0]
    if words and not wanted and coverage(words, set().union(*map(_hit_terms, passages))) < 0.5:
        return None
    text = pick_sentences(
        words, document_sections(first, [], passages), first.lang, wanted=wanted,
        context=first.title,
    )
    if not text or (wanted and not wanted & _holds(text, set())):
        return None
    script = dominant_script(question) or "Latn"
    return Answer(
        to_script(text, script, first.lang),
        to_script(first.title, script, first.lang),
        first.document,
        0.5,
    )


def _nearest_hits(
    meaning: Meaning | None, hits: Sequence[Hit], passages: Sequence[Hit]
) -> list[Hit]:
    """The passages nearest in meaning that the ranker did not find, nearest first."""
    if meaning is None:
        return []
    found = {(hit.document, hit.position) for hit in hits}
    by_key = {(passage.document, passage.position): passage for passage in passages}
    ordered = sorted(meaning.passages, key=meaning.passages.__getitem__, reverse=True)
    return [by_key[key] for key in ordered if key not in found and key in by_key]


def passage_sentences(text: str, lang: str) -> list[str]:
    """A passage's sentences, line by line, as the answer picks them."""
    return list(_passage_sentences(text, lang))


@lru_cache(maxsize=8192)  # asked for each candidate passage, several times a question
def _passage_sentences(text: str, lang: str) -> tuple[str, ...]:
    known = abbreviations(text, lang)
    return tuple(
        sentence for line in text.splitlines() for sentence in answer_sentences(line, lang, known)
    )


def _hit_terms(hit: Hit) -> set[str]:
    words = _hit_words(hit)
    return set().union(*words) if words else set()


def _not_in_document(question: str, words: Words, chosen: Hit, hits: Sequence[Hit]) -> bool:
    """Whether the question names what the chosen document never does, so that the document,
    however many other words they share, is not about it: a number or year ("the 8th Day",
    "the OGP summit in 2024" beside a page on the 7th and 2019), a city ("open data in Novi
    Sad" beside the page on Pančevo), or a kind of fact it never holds. Only "how much" asks
    for an amount: "is there a fee?" and "are travel costs covered?" are answered by words."""
    document = _document_text(chosen.document, hits)
    if set(_NUMBER.findall(question)) - set(_NUMBER.findall(document)):
        return True
    asked = places_named(question)
    if asked and _another_place(asked, places_named(document), chosen.lang):
        return True
    # The amount asked for is nowhere in the document: "how much is the ticket?" is not
    # answered by a page that names no amount.
    lacking = question_cues(question, words) & _CHECKED_KINDS - _holds(document, set())
    return bool(lacking)


def _elsewhere(question: str, hits: Sequence[Hit]) -> set[str]:
    """The candidate documents that do not name the city the question names, when others do:
    "the NGO partner of the project in Lviv" is answered from the page naming Lviv, not from
    the page in the asker's own language that shares the rest of its words."""
    asked = places_named(question)
    if not asked:
        return set()
    documents = {hit.document for hit in hits}
    naming = {
        document for document in documents
        if asked & places_named(_document_text(document, hits))
    }
    return documents - naming if naming else set()


def _document_text(document: str, hits: Sequence[Hit]) -> str:
    """What the candidate passages of one document say, titles and headings included."""
    return "\n".join(
        f"{hit.title}\n{hit.heading}\n{hit.text}" for hit in hits if hit.document == document
    )


def _another_place(asked: frozenset[str], named: frozenset[str], lang: str) -> bool:
    """Whether the cities a question names are not the document's: a page about Pančevo does
    not answer for Novi Sad, and a Slovenian page that names no city may be about Ljubljana,
    not about Kharkiv."""
    if not asked or asked & named:
        return False
    if named:
        return True
    home = COUNTRIES_OF_LANGUAGE.get(lang)
    return home is not None and not countries_of(asked) & home


def asks_for_money(question: str, words: Words) -> bool:
    """Whether the question asks for an amount: "how much" ("koliko", "ile", "скільки"), with
    a word of money, price or funding right after it ("how much funding", "koliko para",
    "ile pieniędzy") or none at all ("how much is the ticket?"); a budget named elsewhere in
    the question ("how many years ... for the participatory budget") is its topic."""
    folded = _TOKEN.findall(fold(question))
    money = {term for word in words if _is_money_word(word) for term in word.exact}
    for index, token in enumerate(folded):
        if token == "how" and folded[index + 1 : index + 2] == ["much"]:
            index += 1
        elif token not in _HOW_MUCH:
            continue
        following = folded[index + 1 : index + 3]
        if money & set(following) or folded[index + 1 : index + 2] in (["is"], ["does"]):
            return True
    return False


def _is_money_word(word: QueryWord) -> bool:
    concepts = set(word.concepts) & (_MONEY_CONCEPTS | {"zzfund"})
    return bool(concepts or set(word.exact) & _MONEY_WORDS)


def document_sections(
    chosen: Hit, hits: Sequence[Hit], passages: Sequence[Hit] = ()
) -> list[tuple[str, str, str]]:
    """(heading, text, lang) of the chosen one's document, in order: all of it when
    `passages` hold it (a document of at most WHOLE_DOCUMENT passages), else its found
    passages.

    The answer may sit in a sibling passage the search did not return: a question names its
    topic (the conference) and its focus (the address), and the two may be paragraphs apart.
    """
    same = {hit.position: hit for hit in hits if hit.document == chosen.document}
    same[chosen.position] = chosen
    for passage in passages:
        if passage.document == chosen.document:
            same.setdefault(passage.position, passage)
    ordered = [same[position] for position in sorted(same)]
    return [(hit.heading, hit.text, hit.lang) for hit in ordered]


Judged = list[tuple[float, Judgement]]  # each candidate's rank and judgement


def chosen(judgements: Judged) -> Judgement | None:
    """The best ranked judgement: nearness in meaning may rank first a document that is not
    good enough to answer, above one that is: the best of those good enough wins."""
    answerable = [item for item in judgements if item[1].found]
    best = max(answerable or judgements, key=lambda item: item[0], default=None)
    return best[1] if best else None


def judged(
    words: Words,
    hits: Sequence[Hit],
    names: Words = (),
    unrelated: Set[str] = frozenset(),
    *,
    meaning: Meaning | None = None,
    also: Sequence[Hit] = (),
) -> Judged:
    """Each candidate judged: its rank and how it covers the question.

    Coverage decides; the ranker's score, relative to the best hit, only breaks near-ties,
    so the judgement does not depend on the ranker's scale (FTS5's bm25() or rank_bm25).
    A document that names what the question names (`names`: its acronyms, CETRA, MAC) wins
    over one that does not, however many other words the latter shares; an `unrelated` one
    (see _elsewhere) is never chosen. The passages nearest in meaning (`also`, at the end of
    `hits`) are judged too, and nearness counts (see Meaning.closeness).
    """
    if not words or not hits:
        return []
    sequences = [_hit_words(hit) for hit in hits]
    terms = [set().union(*sequence) if sequence else set() for sequence in sequences]
    known = set().union(*terms)
    by_document: dict[str, set[str]] = {}
    for hit, hit_terms in zip(hits, terms, strict=True):
        by_document.setdefault(hit.document, set()).update(hit_terms)
    top = max(hit.score for hit in hits) or 1.0
    rarity = _rarity(words, terms)
    judgements = []
    candidates = list(zip(hits, terms, sequences, strict=True))
    reranked = [
        candidate
        for candidate in candidates[:RERANKED] + candidates[len(hits) - len(also):]
        if candidate[0].document not in unrelated
    ]
    nearest_document = (
        max(meaning.passages, key=meaning.passages.__getitem__)[0] if meaning else None
    )
    if not reranked:
        return []
    naming = {
        document: sum(_is_known(name, document_terms) for name in names)
        for document, document_terms in by_document.items()
    }
    most = max(naming[hit.document] for hit, _, _ in reranked)
    for hit, hit_terms, sequence in reranked:
        if naming[hit.document] < most:
            continue
        document_terms = by_document[hit.document]
        matched = sum(_word_match(word, document_terms) for word in words)
        weight = sum(1.0 if _is_known(word, known) else UNKNOWN_WORD_WEIGHT for word in words)
        judgement = Judgement(
            hit,
            passage_coverage=coverage(words, hit_terms),
            document_coverage=matched / len(words),
            matched=matched,
            coverage=min(1.0, matched / weight),
            words=len(words),
            names=bool(names) and naming[hit.document] == len(names),
            similarity=meaning.of_document(hit.document) if meaning else 0.0,
            nearest=hit.document == nearest_document,
            weighted=_weighted_coverage(words, rarity, document_terms),
            phrases=phrase_coverage(words, sequence),
        )
        rank = (
            0.5 * _weighted_coverage(words, rarity, hit_terms)
            + 0.4 * judgement.weighted
            + 0.1 * max(0.0, hit.score / top)
            + PHRASE_WEIGHT * judgement.phrases
        )
        if meaning is not None:
            rank += MEANING_WEIGHT * meaning.closeness(judgement.similarity)
        judgements.append((rank, judgement))
    return judgements


# The margin feature: a rank this far above (or below) the best other document's, or more.
_MARGIN_SPAN = 1.0


def decision_features(
    judgements: Judged, hits: Sequence[Hit], meaning: Meaning | None, wanted: frozenset[str]
) -> list[tuple[float, ...]]:
    """Each judged candidate's DECISION_FEATURES (`wanted`: see question_cues)."""
    asked = wanted & _FACT_KINDS
    holds: dict[str, frozenset[str]] = {}
    features: list[tuple[float, ...]] = []
    for rank, judgement in judgements:
        document = judgement.hit.document
        others = [other for other, them in judgements if them.hit.document != document]
        margin = rank - max(others) if others else _MARGIN_SPAN
        if asked and document not in holds:
            holds[document] = _holds(_document_text(document, hits), _hit_terms_of(document, hits))
        held = holds.get(document, frozenset())
        features.append((
            1.0,
            judgement.coverage,
            judgement.weighted,
            judgement.passage_coverage,
            math.log1p(judgement.matched),
            float(judgement.words == 1),
            judgement.phrases,
            float(judgement.names),
            max(-_MARGIN_SPAN, min(_MARGIN_SPAN, margin)),
            float(bool(asked & held)),
            float(bool(asked - held)),
            judgement.similarity,
            meaning.best if meaning else 0.0,
            float(judgement.nearest),
        ))
    return features


def _hit_terms_of(document: str, hits: Sequence[Hit]) -> set[str]:
    return set().union(*(_hit_terms(hit) for hit in hits if hit.document == document))


def _acronyms(question: str, words: Words) -> list[QueryWord]:
    """The question's words written as acronyms (CETRA, MAC, ЦЕТРЕ) that name something of
    their own: not a glossary concept (EU, NGO, NVO)."""
    written = {
        "".join(_TOKEN.findall(fold(word)))  # NVO-VID -> nvovid, as bot.qa.textnorm spells it
        for word in _NAME_WORD.findall(question)
        if len(word) >= 3 and word.isupper()
    }
    return [word for word in words if word.exact[0] in written and not word.concepts]


def coverage(words: Words, terms: set[str]) -> float:
    """Share of question words found in `terms` (a cognate-key-only match counts less)."""
    if not words:
        return 0.0
    return sum(_word_match(word, terms) for word in words) / len(words)


def best_sentences(
    question_terms: Words | Sequence[str],
    passage_text: str,
    lang: str,
    max_sentences: int = 3,
    *,
    asks_for_number: bool = False,
    context: str = "",
    heading: str = "",
) -> str:
    """The one to `max_sentences` contiguous sentences of a passage that answer best."""
    words = _as_words(question_terms)
    wanted = frozenset(["number", "date"]) if asks_for_number else frozenset()
    picked = pick_sentences(
        words, [(heading, passage_text, lang)], lang, max_sentences, wanted=wanted,
        context=context,
    )
    return picked or passage_text.strip()


def pick_sentences(
    words: Words,
    sections: Sequence[tuple[str, str, str]],
    lang: str,
    max_sentences: int = 3,
    *,
    wanted: frozenset[str] = frozenset(),
    context: str = "",
    meaning: Mapping[str, float] | None = None,
) -> str:
    """The best window of one to `max_sentences` sentences among (heading, text) sections,
    and, joined by " … ", separate places of the document beside it: one holding the kind of
    fact asked for when the best window has none (see _cue_place), else the runner-up when
    it scores nearly as well (RUNNER_UP_MARGIN) and up to MORE_PLACES holding question words
    the places shown lack.

    Words that many sentences share, or that the `context` (the document's title) holds,
    say what the document is about rather than which sentence answers: they weigh less. A
    section's heading counts half for its sentences ("2020" heads a list of that year's
    events); question words standing side by side in a sentence count extra (names); a
    sentence holding what the question asks for (`wanted`: see question_cues) gains; a sentence that
    repeats the title says little; a label line brings the line after it along. A title that
    is not a line of the text is a sentence of its own ("Programme for 2020-2021").
    """
    units = [
        _unit(sentence, section_lang, _real_heading(heading, text))
        for heading, text, section_lang in sections
        for sentence in passage_sentences(text, section_lang)
    ]
    if not units or not (words or wanted):
        return ""
    if context and not any(context in text for _, text, _ in sections):
        units.insert(0, _unit(context, lang, ""))  # a title may answer ("... for 2020-2021")
    title_terms = _recurring(set(index_terms(context, lang).split()), units)
    weights = [
        weight * (_CONTEXT_WORD_WEIGHT if _word_match(word, title_terms) else 1.0)
        for word, weight in zip(words, _word_weights(words, [u.terms for u in units]), strict=True)
    ]
    asked_years = {term for word in words for term in word.exact if _YEAR.fullmatch(term)}
    closeness = _sentence_closeness(units, meaning or {})
    pairs = list(itertools.pairwise(words))
    unit_pairs = [unit.pairs_found(words) for unit in units]  # once, not once per window

    @cache  # asked again for every further place considered
    def word_matches(start: int, end: int) -> list[float]:
        """How well the window holds each question word (its heading counting half)."""
        window = units[start:end]
        terms = set().union(*(unit.terms for unit in window))
        heading_terms = window[0].heading_terms
        return [
            max(
                _word_match(word, terms, _SENTENCE_KEY_WEIGHT, _SENTENCE_CONCEPT_WEIGHT),
                _HEADING_SHARE
                * _word_match(word, heading_terms, _SENTENCE_KEY_WEIGHT, _SENTENCE_CONCEPT_WEIGHT),
            )
            for word in words
        ]

    def window_features(start: int, end: int) -> tuple[float, ...]:
        """What the window holds (see WINDOW_FEATURES); its score is their weighted sum."""
        window = units[start:end]
        matches = word_matches(start, end)
        matched = sum(w * m for w, m in zip(weights, matches, strict=True))
        phrases = len(set().union(*unit_pairs[start:end])) if pairs else 0
        # A label's line comes along (below), so what it holds counts for the label.
        shown = units[start:_with_labels_followed(units, start, end, max_sentences)]
        held = set().union(*(unit.holds for unit in shown))
        answered = len(wanted & held)
        years = set().union(*(unit.years for unit in shown)) | window[0].heading_years
        other_year = bool(asked_years and years and not years & asked_years)
        repeats = sum(
            _window_score(words, weights, [unit.terms], _SENTENCE_KEY_WEIGHT)
            for unit in window
            if unit.terms and unit.terms <= title_terms
        )
        return (
            matched,
            phrases,
            answered,
            len(wanted & _FACT_KINDS - held),
            repeats,
            end - start - 1,
            other_year,
            max((w * m for w, m in zip(weights, matches, strict=True)), default=0.0),
            start == 0,
            sum(len(unit.text) for unit in shown) / 100,
            max(closeness[start:end]),
        )

    model = MEANING_WINDOW_WEIGHTS if meaning else WINDOW_WEIGHTS

    def window_score(start: int, end: int) -> float:
        features = window_features(start, end)
        return sum(weight * value for weight, value in zip(model, features, strict=True))

    windows = [
        (start, end)
        for start in range(len(units))
        for end in range(start + 1, min(start + max_sentences, len(units)) + 1)
        if all(unit.heading == units[start].heading for unit in units[start:end])
    ]
    if _fitting is not None:  # bench/fit_sentences.py: every window, as shown, and its features
        _fitting.extend(
            (_joined(units, [_shown(units, w, max_sentences)]), window_features(*w))
            for w in windows
        )
    scores = {window: window_score(*window) for window in windows}
    ranked = sorted(windows, key=scores.__getitem__, reverse=True)
    shown = [_shown(units, ranked[0], max_sentences)]

    def fits(window: tuple[int, int]) -> bool:
        start, end = _shown(units, window, max_sentences)
        overlaps = any(start < other_end and other_start < end for other_start, other_end in shown)
        own = sum(len(unit.text) for unit in units[start:end])
        length = own + sum(len(unit.text) for place in shown for unit in units[slice(*place)])
        return not overlaps and (length <= SECOND_PLACE_CHARS or own <= SECOND_PLACE_SHORT)

    shown = [_leading_with_fact(units, shown[0], wanted)]
    if cue_place := _cue_place(units, ranked, scores, wanted, word_matches, fits, max_sentences):
        return _joined(units, [cue_place, *shown])  # the place holding the fact leads
    for window in ranked[1:]:  # the first that fits, if it is nearly as likely to answer
        if scores[window] < scores[ranked[0]] - RUNNER_UP_MARGIN:
            break
        if fits(window):
            shown.append(_shown(units, window, max_sentences))
            break
    # What the places shown leave out (a word they lack: "who finances" beside the project's
    # name) may be what another place of the document holds: up to MORE_PLACES of them.
    for _ in range(MORE_PLACES):
        held = [max(matches) for matches in zip(*(word_matches(*p) for p in shown), strict=True)]
        missing = [
            weight * (1 - match) if match < 0.5 else 0.0
            for weight, match in zip(weights, held, strict=True)
        ]

        def adds(window: tuple[int, int], missing: list[float] = missing) -> float:
            matches = word_matches(*window)
            return sum(gap * match for gap, match in zip(missing, matches, strict=True))

        complement = max(
            (window for window in ranked[1:] if fits(window)),
            key=lambda window: (round(adds(window), 6), window[0] - window[1], scores[window]),
            default=None,
        )
        if complement is None or adds(complement) < SECOND_PLACE_ADDS:
            break
        shown.append(_shown(units, complement, max_sentences))
    return _joined(units, shown)


def _sentence_closeness(units: Sequence[_Unit], meaning: Mapping[str, float]) -> list[float]:
    """Each sentence's closeness in meaning to the question: 1 for the document's nearest,
    down to 0 for MEANING_SPAN further or more (0 too where unknown)."""
    scores = [meaning.get(unit.text, 0.0) for unit in units]
    best = max(scores, default=0.0)
    return [max(0.0, 1.0 - (best - score) / MEANING_SPAN) if score else 0.0 for score in scores]


def _joined(units: Sequence[_Unit], shown: list[tuple[int, int]]) -> str:
    """The places shown, the best first: a phone shows the start of an answer."""
    return " … ".join(" ".join(unit.text for unit in units[start:end]) for start, end in shown)


def _cue_place(
    units: Sequence[_Unit],
    ranked: list[tuple[int, int]],
    scores: dict[tuple[int, int], float],
    wanted: frozenset[str],
    word_matches: Callable[[int, int], list[float]],
    fits: Callable[[tuple[int, int]], bool],
    most: int,
) -> tuple[int, int] | None:
    """A second place that holds the kind of fact asked for (a date for "when", a number for
    "how many") when the best window, chosen on the question's words, holds none: the answer
    to "until when can I sign up?" is the sentence with the date, not the one on signing up."""
    start, end = _shown(units, ranked[0], most)
    held = set().union(*(unit.holds for unit in units[start:end]))
    lacking = wanted & _FACT_KINDS - held
    if not lacking:
        return None
    for window in ranked[1:]:
        if scores[window] <= 0 or not fits(window):
            continue
        place = _shown(units, window, most)
        if lacking & set().union(*(unit.holds for unit in units[slice(*place)])) and any(
            match >= 0.5 for match in word_matches(*window)
        ):
            return place
    return None


def _leading_with_fact(
    units: Sequence[_Unit], place: tuple[int, int], wanted: frozenset[str]
) -> tuple[int, int]:
    """The place, starting at its first sentence holding the kind of fact asked for (or the
    label just before it) when the sentences before it would push the fact off what a phone
    shows first (LEAD_CHARS)."""
    start, end = place
    kinds = wanted & _FACT_KINDS
    holding = next((i for i in range(start, end) if units[i].holds & kinds), None)
    if holding is None or sum(len(unit.text) + 1 for unit in units[start:holding]) <= LEAD_CHARS:
        return place
    if holding - 1 > start and _is_label(units[holding - 1].text):
        holding -= 1
    return holding, end


def _shown(units: Sequence[_Unit], window: tuple[int, int], most: int) -> tuple[int, int]:
    """The window as shown: a label at its end brings what it announces."""
    start, end = window
    return start, _with_labels_followed(units, start, end, most)


def _recurring(title_terms: set[str], units: Sequence[_Unit]) -> set[str]:
    """The title's terms that recur in the text: those say what the document is about. A
    plain-text file's title is its first line, which may be a sentence like any other
    ("This project is funded by the EU"): its words, found once, answer questions."""
    return {term for term in title_terms if sum(term in unit.terms for unit in units) > 1}


# A short word before a full stop that the text never writes without one and that is no word
# of the language is an abbreviation ("вул. Грушевського", "tel. 059 ...", "pl. 1000-lecia"),
# which the sentence splitter takes for a sentence's end: learnt from the passage itself,
# Punkt-style, not listed. A short word of the dictionary before a personal name is a title
# ("mag. Simon Delakorda"); else it ends a sentence ("kreativan rad."), as do an acronym ("the
# EU.") and a unit after a number ("500 грн."); a capitalised word is one only when shorter
# still ("Dr.", not "Bled.").
_ABBREVIATION_LETTERS = 4
_CAPITALISED_ABBREVIATION_LETTERS = 3
_WRITTEN_WORD = re.compile(r"(?<![\w.])([^\W\d_]+)(\.?)")
_LAST_WORD = re.compile(r"(?<![\w.])([^\W\d_]+)\.$")
_AFTER_NUMBER = re.compile(r"\d[\d.,]*\s+[^\W\d_]+\.$")
_OPENING_NAME = re.compile(r"[^\W\d_][^\W\d_]+\s+[^\W\d_][^\W\d_]+")


def abbreviations(text: str, lang: str) -> frozenset[str]:
    """The folded words of `text` that look like abbreviations: short, no word of `lang`,
    and written with a full stop wherever they occur."""
    stopped: set[str] = set()
    bare: set[str] = set()
    for match in _WRITTEN_WORD.finditer(text):
        word, stop = match.groups()
        (stopped if stop else bare).add(word)
    unstopped = {_folded_word(word) for word in bare}
    return frozenset(
        _folded_word(word) for word in stopped
        if _folded_word(word) not in unstopped and _abbreviation_shaped(word)
        and not is_word(_folded_word(word), (lang,))
    )


_folded_word = lru_cache(maxsize=1 << 16)(fold)  # a passage's words, again and again


def _abbreviation_shaped(word: str) -> bool:
    if len(word) > 1 and word.isupper():
        return False
    most = _CAPITALISED_ABBREVIATION_LETTERS if word[0].isupper() else _ABBREVIATION_LETTERS
    return len(word) <= most


def answer_sentences(line: str, lang: str, known: frozenset[str] | None = None) -> list[str]:
    """The sentences of a line, a piece that ends in an abbreviation (`known`: learnt from
    the line's passage, see abbreviations) or a title joined to what follows it."""
    if known is None:
        known = abbreviations(line, lang)
    joined: list[str] = []
    for sentence in sentences(line, lang):
        if joined and _continues(joined[-1], sentence, known):
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


def _continues(piece: str, following: str, known: frozenset[str]) -> bool:
    """Whether the piece's full stop ends an abbreviation or a title, not a sentence."""
    last = _LAST_WORD.search(piece)
    if last is None or _AFTER_NUMBER.search(piece):
        return False
    word = last[1]
    if fold(word) in known:
        return True
    return _abbreviation_shaped(word) and _opens_with_name(following)


def _opens_with_name(sentence: str) -> bool:
    """Whether the sentence opens with two capitalised words (Simon Delakorda)."""
    opening = _OPENING_NAME.match(sentence)
    return opening is not None and all(word[0].isupper() for word in opening[0].split())


def _with_labels_followed(units: Sequence[_Unit], start: int, end: int, most: int) -> int:
    """The window's end once a label ("Pripravil", "... grupy robocze:") at its end brings
    along what it announces."""
    while end < len(units) and end - start <= most and _is_label(units[end - 1].text):
        end += 1
    return end


def _real_heading(heading: str, text: str) -> str:
    """A heading that is also a line of the text (a plain-text label) is not counted twice."""
    lines = {line.strip().rstrip(":") for line in text.splitlines()}
    return "" if heading in lines else heading


@lru_cache(maxsize=16384)  # a popular passage's sentences, question after question (read-only)
def _unit(text: str, lang: str, heading: str) -> _Unit:
    return _Unit(text, lang, heading)


class _Unit:
    """A sentence with its index words and its section heading's terms."""

    def __init__(self, text: str, lang: str, heading: str) -> None:
        self.text = text
        self.heading = heading
        self.words = index_words(text, lang)
        self.terms: set[str] = set().union(*self.words) if self.words else set()
        self.places = term_places(self.words)
        self.heading_terms = set(index_terms(heading, lang).split())
        self.holds = _holds(text, self.terms)
        self.years = {term for term in self.terms if _YEAR.fullmatch(term)}
        self.heading_years = {term for term in self.heading_terms if _YEAR.fullmatch(term)}

    def pairs_found(self, words: Words) -> set[int]:
        """Indexes i of the question's neighbouring words (i, i + 1) standing side by side
        here."""
        return pairs_side_by_side(words, self.places)


def _is_label(sentence: str) -> bool:
    return len(sentence) < _LABEL_CHARS or sentence.rstrip().endswith((":", "?"))


def asks_for_number(question: str) -> bool:
    """Whether a question asks when, until when or how many (in any of the five languages)."""
    return bool({"number", "date"} & question_cues(question))


def question_cues(question: str, words: Words = ()) -> frozenset[str]:
    """What kind of fact a question asks for: a number or date ("when", "how many"), a name
    ("who"), a place ("where"), an address ("which e-mail", "what website"), a goal ("why")."""
    folded = _TOKEN.findall(fold(question))
    tokens = set(folded)
    cues = set()
    concepts = {concept for word in words for concept in word.concepts}
    if _asks_which_date(folded, words, _YEAR_CONCEPTS):
        cues.add("year")  # "koje godine", "in which year": a year answers
    elif tokens & _ASKS_FOR_DATE or "zzduration" in concepts or _asks_which_date(folded, words):
        cues.add("date")
    elif tokens & _ASKS_FOR_NUMBER:
        cues.add("number")
    if tokens & _ASKS_WHO:
        cues.add("who")
    if tokens & _ASKS_WHERE:
        cues.add("where")
    if tokens & _ASKS_WHY or set(itertools.pairwise(folded)) & _ASKS_WHY_PAIRS:
        cues.add("why")
    if concepts & _ADDRESS_CONCEPTS and "where" not in cues:
        cues.add("link")  # "where is it, which address?" asks for a street, not an e-mail
    if asks_for_money(question, words):
        cues.add("money")
    if concepts & _PHONE_CONCEPTS:
        cues.add("phone")
    return frozenset(cues)


def _asks_which_date(
    folded: list[str], words: Words, concepts: frozenset[str] = frozenset()
) -> bool:
    """Whether the question asks which day, date or year ("do którego dnia", "koje godine",
    "з якої дати"), not merely names one ("this year"); with `concepts`, which of those."""
    asked = {
        word.exact[0] for word in words
        if set(word.concepts) & (concepts or _DATE_QUESTION_CONCEPTS)
    } | ({token for token in folded if token in _DATE_WORDS} if not concepts else set())
    return any(
        token in asked and previous in _WHICH for previous, token in itertools.pairwise(folded)
    )


# The locales whose month names make a date: the bot's languages and the Serbo-Croatian
# standards people write in (hr, bs: "ožujka", "marta"), by babel's CLDR data.
_MONTH_LOCALES = ("sl", "hr", "bs", "sr", "sr_Latn", "pl", "uk", "en")


def load_calendar() -> None:
    """Read babel's month names of every language now (0.1 s), not at the first question
    that names a date."""
    _calendar()


@cache
def _month_stems() -> tuple[str, ...]:
    """Folded beginnings of every month's name, which a text inflects: what the forms CLDR
    gives share (wide, format and stand-alone: "listopad", "listopada" -> "listopad";
    "березень", "березня" -> "berez"), or, where it gives one form, that form less a
    two-letter ending, never below four letters ("septembar" -> "septemb" for "septembra";
    "mart" stays whole)."""
    stems = set()
    for code in _MONTH_LOCALES:
        months = Locale.parse(code).months
        for number in range(1, 13):
            forms = {fold(months[context]["wide"][number]) for context in ("format", "stand-alone")}
            stem = "".join(
                letters[0] for letters in itertools.takewhile(lambda c: len(set(c)) == 1,
                                                             zip(*forms, strict=False))
            )
            if len(forms) == 1:
                stem = stem[: max(len(stem) - 2, min(len(stem), 4))]
            stems.add(stem)
    return tuple(sorted(stems, key=len, reverse=True))


@cache
def _day_date() -> re.Pattern[str]:
    """A day in folded text, a date finer than a year (what "when?" asks for): day and month
    in numbers (15. 3., 15.03, 01/08/2021, 2027-03-19, also a time 13:00), a day beside a
    month's name ("25. marta", "13 bereznja", "7th march", "february 22"): the month's stem and
    an ending of at most four letters, so that "29 let" or "90 odstotkov" are not dates."""
    month = "(?:" + "|".join(map(re.escape, _month_stems())) + r")[a-z]{0,4}"
    day = r"\d{1,2}(?:\.|st|nd|rd|th)?"
    return re.compile(
        rf"\b\d{{1,2}}\s?[./:-]\s?\d{{1,2}}\b|\b{day}\s+{month}\b|\b{month}\s+\d{{1,2}}\b"
    )


@cache
def _calendar() -> re.Pattern[str]:
    """A year or a day in folded text: numbers that date, not count."""
    return re.compile(rf"\b(?:1[89]|20)\d\d\b|{_day_date().pattern}")


def _holds(text: str, terms: set[str]) -> frozenset[str]:
    """The kinds of fact a sentence holds (see question_cues)."""
    if text.startswith("/"):
        return frozenset()  # a command to type ("/register forum-2030") answers nothing
    kinds = set()
    folded = fold(text)
    if _COUNT.search(_calendar().sub(" ", folded)):
        kinds.add("number")  # "how many" is not answered by a date
    if _day_date().search(folded) or terms & _DATE_CONCEPTS:
        kinds.add("date")
    if _YEAR.search(folded):
        kinds.add("year")
    if _has_name(text):
        kinds.add("who")
    if terms & _PLACE_CONCEPTS or _has_street(text) or places_named(text):
        kinds.add("where")
    if _LINK.search(text):
        kinds.add("link")
    if _MONEY.search(folded):
        kinds.add("money")
    if _has_phone(text):
        kinds.add("phone")
    if terms & _GOAL_CONCEPTS:
        kinds.add("why")
    return frozenset(kinds)


def _has_phone(text: str) -> bool:
    for match in _PHONE.finditer(text):
        number = match[0]
        digits = sum(character.isdigit() for character in number)
        if not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
            continue
        if number[0] in "+(0" or (digits >= _PLAIN_PHONE_DIGITS and not _YEAR.search(number)):
            return True
    return False


def _has_street(text: str) -> bool:
    return any(not match["after"][-1:].islower() for match in _STREET.finditer(text))


def _has_name(text: str) -> bool:
    """Two capitalised words in a row after the first word (Simon Delakorda, Michał Boni), or
    an acronym (IREX, ОЕБС): who-questions are answered by names."""
    words = _NAME_WORD.findall(text)
    for index, word in enumerate(words):
        if 2 <= len(word) <= 6 and word.isupper():
            return True
        if index and word[0].isupper() and index + 1 < len(words) and words[index + 1][0].isupper():
            return True
    return False


def match_faq(
    words: Words, entries: Sequence[FaqEntry], locale: str | None = None
) -> tuple[FaqEntry, float] | None:
    """The FAQ entry whose question (in any locale) matches both ways, if one does well."""
    best: tuple[FaqEntry, float] | None = None
    for entry in entries:
        for text in entry.questions.values():
            for phrasing in text.splitlines():
                score = _faq_score(words, phrasing, locale)
                if score >= MIN_FAQ_SCORE and (best is None or score > best[1]):
                    best = (entry, score)
    return best


def to_script(text: str, script: str | None, lang: str | None = None) -> str:
    """Serbian text in the asker's script ('Latn' or 'Cyrl'; None leaves it).

    Cyrillic to Latin is exact. Latin to Cyrillic only touches Serbian text (`lang`, else
    detected) and leaves e-mail and web addresses and acronyms (NVO, OGP, EU) as written.
    """
    if script == "Latn":
        return serbian_to_latin(text)
    latin = script == "Cyrl" and dominant_script(text) == "Latn"
    if latin and (lang or detect_language(text)) == "sr":
        return _latin_to_cyrillic(text)
    return text


def query_terms_of(words: Words) -> list[str]:
    """The distinct terms of question words, for the ranker's OR query."""
    return list(dict.fromkeys(term for word in words for term in word.terms))


def _faq_score(words: Words, phrasing: str, locale: str | None) -> float:
    """Harmonic mean of how much of the question and of the FAQ question each covers."""
    faq_words = query_words(phrasing, locale)
    if not faq_words:
        return 0.0
    asked = coverage(words, set(query_terms_of(faq_words)))
    answered = coverage(faq_words, set(query_terms_of(words)))
    return 0.0 if not asked or not answered else 2 * asked * answered / (asked + answered)


def phrase_coverage(words: Words, sequence: Sequence[Sequence[str]]) -> float:
    """Share of the question's neighbouring word pairs that stand side by side in a passage
    ("Linii Współpracy", "Open Government"): names are phrases."""
    if len(words) < 2:
        return 0.0
    return len(pairs_side_by_side(words, term_places(sequence))) / (len(words) - 1)


def pairs_side_by_side(words: Words, places: Mapping[str, set[int]]) -> set[int]:
    """Indexes i of the question's neighbouring words (i, i + 1) that stand side by side in
    the words whose `places` (term_places) are given."""
    at = [_places_of(word, places) for word in words]
    return {index for index in range(len(words) - 1)
            if any(place + 1 in at[index + 1] for place in at[index])}


def term_places(sequence: Sequence[Sequence[str]]) -> dict[str, set[int]]:
    """Where each term stands in a sequence of words (one pass, not one per question word)."""
    places: dict[str, set[int]] = {}
    for place, here in enumerate(sequence):
        for term in here:
            places.setdefault(term, set()).add(place)
    return places


def _places_of(word: QueryWord, places: Mapping[str, set[int]]) -> set[int]:
    return set().union(*(places.get(term, ()) for term in word.terms))


def _hit_words(hit: Hit) -> list[tuple[str, ...]]:
    if hit.words is not None:
        return list(_stored_words(hit.words))
    return index_words(hit_text(hit.title, hit.heading, hit.text), hit.lang)


@lru_cache(maxsize=8192)  # a popular passage is found by question after question
def _stored_words(stored: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(line.split(" ")) for line in stored.split("\n")) if stored else ()


def hit_text(title: str, heading: str, text: str) -> str:
    """What a passage's words are read from: its document's title, its heading, its text."""
    return "\n".join((title, heading, text))


def _word_match(
    word: QueryWord,
    terms: set[str],
    key_weight: float = KEY_MATCH_WEIGHT,
    concept_weight: float | None = None,
) -> float:
    """1 when the word or one of its lemmas is there, `key_weight` for its cognate key only,
    `concept_weight` (default: key_weight) for its glossary concept only, at least
    STEM_MATCH_WEIGHT for its long cognate key (the same word in another language)."""
    if any(term in terms for term in word.exact):
        return 1.0
    concept = key_weight if concept_weight is None else concept_weight
    best = concept if any(term in terms for term in word.concepts) else 0.0
    if best < STEM_MATCH_WEIGHT and any(term in terms for term in word.stems):
        best = STEM_MATCH_WEIGHT
    if best < key_weight and any(term in terms for term in word.keys):
        best = key_weight
    return best


def _rarity(words: Words, candidate_terms: list[set[str]]) -> list[float]:
    """Inverse frequency of each word among the candidates: a year or a name found in one
    passage tells passages apart better than a word found in all of them."""
    count = len(candidate_terms)
    return [
        math.log(1 + count / (1 + sum(1 for terms in candidate_terms if _is_known(word, terms))))
        for word in words
    ]


def _weighted_coverage(words: Words, weights: list[float], terms: set[str]) -> float:
    total = sum(weights) or 1.0
    matches = (_word_match(word, terms) for word in words)
    return sum(w * m for w, m in zip(weights, matches, strict=True)) / total


def _is_known(word: QueryWord, terms: set[str]) -> bool:
    return any(term in terms for term in word.terms)


def _word_weights(words: Words, unit_terms: list[set[str]]) -> list[float]:
    """Words found in few sentences of the passage tell sentences apart: they weigh more."""
    count = len(unit_terms)
    weights = []
    for word in words:
        df = sum(1 for terms in unit_terms if _word_match(word, terms))
        weights.append(math.log(1 + count / (1 + df)) + 0.1)
    return weights


def _window_score(
    words: Words, weights: list[float], window: list[set[str]], key_weight: float
) -> float:
    terms = set().union(*window) if window else set()
    return sum(
        weight * _word_match(word, terms, key_weight)
        for word, weight in zip(words, weights, strict=True)
    )


def _as_words(question_terms: Words | Sequence[str]) -> Words:
    """Question words as given, or plain terms (from `query_terms`) as one word each."""
    return [QueryWord((term,), ()) if isinstance(term, str) else term for term in question_terms]


def _latin_to_cyrillic(text: str) -> str:
    """Serbian Latin to Cyrillic, leaving addresses and acronyms as they are."""
    parts = []
    last = 0
    for match in _URLISH.finditer(text):
        parts.append(cyrtranslit.to_cyrillic(text[last : match.start()], "sr"))
        parts.append(match.group())
        last = match.end()
    parts.append(cyrtranslit.to_cyrillic(text[last:], "sr"))
    return "".join(parts)
