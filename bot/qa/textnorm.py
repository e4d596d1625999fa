"""Text normalisation for search: one folding for documents and questions alike.

Citizens type without diacritics, in the other Serbian script, in inflected forms and in
another language than the document's. Every token of a text therefore becomes a small set
of ASCII index terms, produced the same way for passages and for questions:

- the folded surface form  (``učešće``, ``учешће``, ``ucesce`` -> ``ucesce``): exact matches;
- the folded lemma         (``Współpracy`` -> ``wspolpraca``): inflected forms meet;
- a cognate key prefix     (``konferencija``, ``konferencja``, ``conference`` -> ``konfer``):
  names and international words meet across languages and transliterations.

Folding: case folding, Serbian Cyrillic -> Gaj's Latin (``bot.i18n.scripts``), the Cyrillic
letters Serbian lacks spelt the Serbian way (я -> ja, so Ukrainian конференцію and Serbian
конференцију both fold to ``konferenciju``), then anything else (Polish and Slovenian
diacritics, đ) -> ASCII with anyascii.
Terms are plain ``[a-z0-9]+`` so any FTS5 tokenizer keeps them whole.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import NamedTuple

import simplemma
import stop_words
import stopwordsiso

from bot.i18n.scripts import dominant_script, fold
from bot.qa import lexicon
from bot.qa.glossary import concepts, glossary_words
from bot.qa.interrogatives import ASKED_KIND

LANGUAGES = ("sl", "sr", "pl", "uk", "en")
DEFAULT_LANGUAGE = "en"
YEAR_CONCEPT = "zzyear"  # the glossary's concept of the word "year" (bot.qa.glossary)
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")

# simplemma files Serbian, Croatian and Bosnian (both scripts) under one code.
_SIMPLEMMA_CODE = {"sl": "sl", "sr": "hbs", "pl": "pl", "uk": "uk", "en": "en"}
# stopwords-iso has no Serbian list; Croatian folds to the same ASCII words. The stop-words
# package adds the Polish and Ukrainian words stopwords-iso lacks (хто, треба, скільки).
_STOPWORD_CODE = {"sl": "sl", "sr": "hr", "pl": "pl", "uk": "uk", "en": "en"}
_MORE_STOPWORDS = {"pl": "polish", "uk": "ukrainian"}
# Question words neither package lists: Serbian (ekavian) spellings of the Croatian list's
# words, inflected forms of "which" and "what kind", and the words that ask what an acronym
# stands for (only the acronym counts), and the modal verbs (can, must): left in, they count
# as unanswered words, or as the word that picks the sentence ("mogę" ~ "można"); and the
# prepositions the lists lack (između, pomiędzy).
_MISSING_STOPWORDS = {
    "sr": "ko koga kome kog kom šta gde zašto koliko kakav kakva kakvo čemu kojoj kojem treba "
    "mogu može znači značiti skraćenica kakvom kakvoj kakvim kakve kakvog kakvu kojim kojih "
    "kojeg čime čiji čija moći morati trebati između među zbog tokom tijekom prema povodom "
    "najviše mnogo tačno",
    "sl": "kateri katera katero katere katerih katerim kakšen kakšna kakšno pomeni pomeniti "
    "kratica okrajšava kakšnem kakšnega kakšni kakšne kakšnih kateremu katerem katerega koliko "
    "česa čem morati glede najbolj natančno točno",
    "pl": "oznacza oznaczać znaczy znaczyć skrót skrótowiec jakim jakiej jakiego jaka jaką czym "
    "móc musieć należy pomiędzy wobec swój rzecz bardzo najbardziej dokładnie",
    "uk": "означає означати абревіатура скорочення розшифровується якому яку свій найбільше "
    "точно",
    "en": "mean means stand stands abbreviation abbreviated acronym",
}
# stopwords-iso's English list is a union of many lists and holds words people ask about.
# fmt: off
_CONTENT_WORDS_KEPT = frozenset([
    "information", "informations", "open", "opened", "date", "dates", "new", "work", "day",
    "days", "world", "first", "last", "line", "name", "names", "home", "page", "part", "help",
    "place", "places", "office", "state", "public",
])
# fmt: on
# English two-word phrases read as one word: a phrasal verb, which no other language's word
# meets, as the glossary's verb; the phrases that ask for a name in another form.
_PHRASES = {
    (form, particle): verb
    for forms, particle, verb in (
        ("set sets setting", "up", "establish"),
        ("carry carries carried carrying", "out", "implement"),
        ("take takes took taken taking", "part", "participate"),
        ("make makes made making", "up", "consist"),
        ("sign signs signed signing", "up", "register"),
        ("put puts putting", "forward", "propose"),
        ("draw draws drew drawn drawing", "up", "prepare"),
        ("find finds found finding", "out", "learn"),
        ("short", "name", "abbreviation"),  # asks what an acronym is: a stopword, like it
        ("full english official", "name", "name"),
    )
    for form in forms.split()
}
# Letters of Ukrainian that Serbian lacks: a text with them is not Serbian.
_UKRAINIAN_ONLY = frozenset("ієїґІЄЇҐ")
_SERBIAN_ONLY = frozenset("ђјљњћџЂЈЉЊЋЏ")

# How much better another language must score than the asker's locale to be believed.
_CLEARLY_OTHER = 0.6
_TOKEN = re.compile(r"[a-z0-9]+")
# A word; an acronym joined by hyphens (NVO-VID) stays one word.
_CAPITALS = r"[^\W\d_a-zа-яёђјљњћџіїєґ]{2,}"
_WORD = re.compile(rf"{_CAPITALS}(?:-{_CAPITALS})+(?!\w)|\w+(?:['’ʼ]\w+)*")
_COGNATE_PREFIX = 5
_STEM_LETTERS = 8
_STEM_MARK = "xx"

# Letter correspondences between English, Polish and the other Slavic Latin spellings,
# applied to every token alike: `sz/cz/rz/w` (Polish), `sh/ch/zh/kh` (English and
# Ukrainian transliteration), `ph/th/x/q` (international words), `j/y` -> `i` (Cyrillic
# transliterations disagree on й, я, ю, є, ї). Hard `c` -> `k` makes project/projekt and
# conference/konferencija meet; a soft `c` (before e, i) stays.
_COGNATE_DIGRAPHS = (
    ("shch", "sc"),
    ("sz", "s"),
    ("cz", "c"),
    ("rz", "z"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ch", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
)
_HARD_C = re.compile(r"c(?![eiy])")
_DOUBLED = re.compile(r"(.)\1+")
_GLIDE = re.compile(r"i(?=[aeou])")


def build_language_data() -> None:
    """Build every on-disk table the answering reads (bot.qa.lexicon), ahead of the first
    question: `python -m bot.qa.textnorm` (the set-up script and the Docker image run it)."""
    lexicon.build_all(fold, _UNACCENTED_CODES)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The language of `text`: one of sl, sr, pl, uk, en (Croatian and Bosnian count as sr)."""
    if dominant_script(text) == "Cyrl":
        return _cyrillic_language(text)
    scores = lexicon.langdetect(text, tuple(_SIMPLEMMA_CODE.values()))
    best, score = scores[0]
    if best == "unk" or score <= 0:
        return default
    return _language_from_simplemma(best)


class QueryWord(NamedTuple):
    """One content word of a question: its exact terms (surface, lemmas), its cognate keys,
    its glossary concepts (bot.qa.glossary: the same meaning in another language)."""

    exact: tuple[str, ...]
    keys: tuple[str, ...]
    concepts: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()  # long cognate keys (see cognate_stem)

    @property
    def terms(self) -> tuple[str, ...]:
        return self.exact + self.keys + self.concepts + self.stems


def index_terms(text: str, lang: str) -> str:
    """Space-separated index terms of a passage written in `lang` (stopwords dropped)."""
    return " ".join(term for word in index_words(text, lang) for term in word)


def index_words(text: str, lang: str) -> list[tuple[str, ...]]:
    """The terms of each content word of a text, in order (for phrase matching)."""
    return list(_index_words(text, lang))


@lru_cache(maxsize=8192)
def _index_words(text: str, lang: str) -> tuple[tuple[str, ...], ...]:
    """Answering reads the same popular passages again and again: their words are cached."""
    langs = (lang,)
    words = (_word_variants(word, langs, langs).terms for word in _words(text))
    return tuple(_with_year_concept(terms) for terms in words if terms)


def _with_year_concept(terms: tuple[str, ...]) -> tuple[str, ...]:
    """A year in a passage ("w 2012 r.") answers the word "year" of a question in any language
    ("v katerem letu", "koje godine"); a year in a question stays that year only."""
    if len(terms) == 1 and _YEAR_NUMBER.fullmatch(terms[0]):
        return (*terms, YEAR_CONCEPT)
    return terms


def query_words(text: str, lang_hint: str | None = None) -> list[QueryWord]:
    """The content words of a question, each with its exact terms and cognate keys.

    A question is short, so its language is uncertain: each word is lemmatised in the
    detected language and in the asker's locale, and keeps every variant.
    """
    langs = _query_languages(text, lang_hint)
    # English question words turn up in every language's questions ("kdaj je deadline").
    stop_langs = (*langs, "en")
    words: list[QueryWord] = []
    for token in _words(text):
        word = _word_variants(token, langs, stop_langs, typed=True)
        if word.exact and word not in words:
            words.append(word)
    return words


def query_terms(text: str, lang_hint: str | None = None) -> list[str]:
    """The distinct index terms of a question, stopwords dropped (for an OR query)."""
    seen: dict[str, None] = {}
    for word in query_words(text, lang_hint):
        seen.update(dict.fromkeys(word.terms))
    return list(seen)


def sentences(text: str, lang: str) -> list[str]:
    """Sentences of a text with simplemma's splitter (abbreviations and dates kept whole)."""
    return simplemma.split_sentences(text, lang=_SIMPLEMMA_CODE.get(lang, lang))


def cognate_key(folded: str) -> str:
    """The cross-language key of a folded word, cut to a prefix (see _COGNATE_DIGRAPHS)."""
    if folded.isdigit():
        return folded
    return _normalised(folded)[:_COGNATE_PREFIX]


def _normalised(folded: str) -> str:
    key = folded
    for spelling, sound in _COGNATE_DIGRAPHS:
        key = key.replace(spelling, sound)
    return _GLIDE.sub("", _DOUBLED.sub(r"\1", _HARD_C.sub("k", key)))


@lru_cache(maxsize=65536)  # called for every pair of words an event question compares
def cognate_stem(folded: str) -> str:
    """The long cross-language key of a long word ("" for a short one): the spelling-
    normalised word's first _STEM_LETTERS letters, marked `xx` (partnerstwo, partnerstvo ->
    ``xxpartners``; konferencji, konferencija -> ``xxkonferen``). Where the short key only
    says two words may be related, a shared stem says they are the same word in another
    language or script, all but its ending."""
    if folded.isdigit():
        return ""
    key = _normalised(folded)
    return f"{_STEM_MARK}{key[:_STEM_LETTERS]}" if len(key) >= _STEM_LETTERS else ""


@lru_cache(maxsize=65536)
def is_stopword(folded: str, langs: tuple[str, ...] = LANGUAGES) -> bool:
    """Whether a folded word is a stopword of any of `langs`."""
    return any(folded in _stopwords(lang) for lang in langs)


@lru_cache(maxsize=65536)
def is_word(folded: str, langs: tuple[str, ...] = LANGUAGES) -> bool:
    """Whether a folded word is in the dictionary of any of `langs` (an unknown short word,
    "ogp", "nvo", may be an acronym typed in lower case)."""
    return any(lexicon.is_known(folded, _SIMPLEMMA_CODE.get(lang, lang)) for lang in langs)


@lru_cache(maxsize=1 << 17)
def _word_variants(
    word: str, langs: tuple[str, ...], stop_langs: tuple[str, ...], typed: bool = False
) -> QueryWord:
    """Folded surface and lemmas of one word, then their cognate keys; empty for a stopword."""
    surface = _single_token(fold(word))
    if surface is None:
        return QueryWord((), ())
    if not _is_content(surface, stop_langs) and not _inflects_a_domain_word(word, langs):
        return QueryWord((), ())
    exact = [surface]
    if word.isupper() and len(surface) >= 4 and surface[-1] in "aeiouy":
        exact.append(surface[:-1])  # an acronym's case ending: ЦЕТРА, ЦЕТРЕ, CETRI -> cetr
    for lang in langs:
        lemma = _single_token(fold(_lemma(word, lang, typed)))
        if lemma and is_stopword(lemma, stop_langs):
            return QueryWord((), ())  # an inflected function word (kim -> kto)
        if lemma and lemma not in exact:
            exact.append(lemma)
    keys = dict.fromkeys(key for term in exact if (key := cognate_key(term)) not in exact)
    stems = dict.fromkeys(stem for term in exact if (stem := cognate_stem(term)))
    return QueryWord(tuple(exact), tuple(keys), concepts(tuple(exact)), tuple(stems))


def _inflects_a_domain_word(word: str, langs: tuple[str, ...]) -> bool:
    """Whether a word a stopword list drops is the form of a glossary word ("groups", "years",
    "members": stopwords-iso lists the plural where the glossary keeps the singular)."""
    domain = glossary_words()
    return any(_single_token(fold(_lemma(word, lang))) in domain for lang in langs)


def _words(text: str) -> list[str]:
    """Words split the way `fold` would split them (e-mail -> e, mail; 2015-2017 -> 2 words),
    an English phrase as the one word it means (set up -> establish, _PHRASES)."""
    words: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        words.extend(part for part in word.split("_") if part)
    return _phrases_joined(words)


def _phrases_joined(words: list[str]) -> list[str]:
    joined: list[str] = []
    index = 0
    while index < len(words):
        pair = (words[index].lower(), words[index + 1].lower()) if index + 1 < len(words) else None
        if pair and (verb := _PHRASES.get(pair)):
            joined.append(verb)
            index += 2
        else:
            joined.append(words[index])
            index += 1
    return joined


def _single_token(folded: str) -> str | None:
    """The folded word as one [a-z0-9] token; None when folding split or emptied it."""
    tokens = _TOKEN.findall(folded)
    return "".join(tokens) if tokens else None


def _is_content(folded: str, stop_langs: tuple[str, ...]) -> bool:
    if folded.isdigit():
        return True
    return len(folded) > 1 and not is_stopword(folded, stop_langs)


@cache
def _lemma_cached(word: str, code: str) -> str:
    return lexicon.lemmatize(word, code)


def _lemma(word: str, lang: str, typed: bool = False) -> str:
    """simplemma's lemma; for a word `typed` by a person (a question), also when typed without
    diacritics."""
    code = _SIMPLEMMA_CODE.get(lang, _SIMPLEMMA_CODE[DEFAULT_LANGUAGE])
    if not _script_fits(word, code):
        return word
    lemma = _lemma_cached(word.lower(), code)
    if lemma == word.lower() and code in _UNACCENTED_CODES and word.isascii():
        return _unaccented(code).get(lemma, lemma)  # typed without diacritics: "ucesce"
    if typed and code == "pl" and word.isascii() and not lexicon.is_known(word.lower(), "pl"):
        restored = _polish_diacritics_restored(word.lower())
        return _lemma_cached(restored, code) if restored else lemma
    return lemma


# Polish letters typed without their diacritics, and what they may have been.
_POLISH_MARKS = {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż"}


@cache
def _polish_diacritics_restored(word: str, most: int = 2) -> str | None:
    """The word simplemma knows that `word` is, typed without at most `most` of its diacritics
    ("trwal" -> "trwał", "wspolpracy" -> "współpracy"); None if there is none. Reading the
    dictionary's 3.7M forms without diacritics, as for Slovenian, would take 15 s and 900 MB;
    trying the few spellings of one word takes microseconds."""
    places = [index for index, letter in enumerate(word) if letter in _POLISH_MARKS]
    for changes in range(1, most + 1):
        for chosen in itertools.combinations(places, changes):
            for marks in itertools.product(*(_POLISH_MARKS[word[index]] for index in chosen)):
                letters = list(word)
                for index, mark in zip(chosen, marks, strict=True):
                    letters[index] = mark
                candidate = "".join(letters)
                if lexicon.is_known(candidate, "pl"):
                    return candidate
    return None


# Dictionaries small enough to read once more without diacritics (Slovenian 157k forms,
# Serbo-Croatian 610k: ~3 s and ~80 MB, on the first such question). Polish's 3.7M forms
# would take 15 s and 900 MB: its words get their diacritics back one by one instead.
_UNACCENTED_CODES = frozenset(["sl", "hbs"])


def _unaccented(code: str) -> Mapping[str, str]:
    """simplemma's word forms of `code` folded (no diacritics) -> their lemma."""
    return lexicon.unaccented(code, fold)


def _script_fits(word: str, code: str) -> bool:
    """Whether simplemma's `code` dictionary is written in the word's script (hbs: both)."""
    if code == "hbs":
        return True
    return (dominant_script(word) == "Cyrl") == (code == "uk")


def _query_languages(text: str, lang_hint: str | None) -> tuple[str, ...]:
    """The question's language first, then the other candidate.

    A short question is easily misread ("Jaki jest cel projektu?" looks Slovenian), so
    the asker's locale leads unless the text clearly says otherwise.
    """
    if lang_hint not in LANGUAGES:
        return (detect_language(text),)
    detected = _clearly_other_language(text, lang_hint)
    return (detected, lang_hint) if detected else (lang_hint,)


def _clearly_other_language(text: str, hint: str) -> str | None:
    if dominant_script(text) == "Cyrl":
        detected = _cyrillic_language(text)
        return detected if detected != hint else None
    if hint == "uk":  # a Latin question from a Ukrainian locale
        return detect_language(text)
    scores = dict(lexicon.langdetect(text, tuple(_SIMPLEMMA_CODE.values())))
    best = max(scores, key=lambda code: scores[code])
    hint_score = scores.get(_SIMPLEMMA_CODE[hint], 0.0)
    if best == "unk" or scores[best] - hint_score < _CLEARLY_OTHER:
        return None
    detected = _language_from_simplemma(best)
    return detected if detected != hint else None


def _cyrillic_language(text: str) -> str:
    """Serbian or Ukrainian: letters unique to one alphabet decide, else simplemma does."""
    ukrainian = sum(char in _UKRAINIAN_ONLY for char in text)
    serbian = sum(char in _SERBIAN_ONLY for char in text)
    if ukrainian != serbian:
        return "uk" if ukrainian > serbian else "sr"
    scores = dict(lexicon.langdetect(text, ("hbs", "uk")))
    return "uk" if scores.get("uk", 0) > scores.get("hbs", 0) else "sr"


def _language_from_simplemma(code: str) -> str:
    return "sr" if code == "hbs" else code


@cache
def _stopwords(lang: str) -> frozenset[str]:
    """The folded stopwords of one language (a word dropped in one may matter in another:
    Polish `cel` is a goal, Slovenian `cel` is "whole")."""
    code = _STOPWORD_CODE.get(lang)
    if code is None:
        return frozenset()
    listed = set(stopwordsiso.stopwords(code)) | set(_MISSING_STOPWORDS.get(lang, "").split())
    if lang in _MORE_STOPWORDS:
        listed |= set(stop_words.get_stop_words(_MORE_STOPWORDS[lang]))
    if lang == "en":
        listed -= _CONTENT_WORDS_KEPT
    folded = {token for word in listed for token in _TOKEN.findall(fold(word))}
    return frozenset((folded - glossary_words()) | interrogatives())


@cache
def interrogatives(kind: str | None = None) -> frozenset[str]:
    """The folded question words of every language (bot.qa.interrogatives), of one kind or all:
    never content words, whichever language the question is read in."""
    kinds = [kind] if kind else list(ASKED_KIND)
    return frozenset(
        token
        for name in kinds
        for words in ASKED_KIND[name].values()
        for token in _TOKEN.findall(fold(words))
    )


if __name__ == "__main__":
    build_language_data()
    print(f"language data ready in {lexicon.cache_dir()}")
