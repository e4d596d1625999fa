"""The language data question answering reads: simplemma's dictionaries as on-disk tries.

simplemma's default dictionaries are Python dicts: Polish alone is 3.7M forms, ~480 MB and
~4 s to load, paid by every process on its first question. Here each language's dictionary
is a MARISA trie (simplemma's own `TrieDictionaryFactory`), built once per machine from the
data simplemma ships and then opened in milliseconds at a few MB each. The tables of word
forms without diacritics (`_unaccented`) are tries of the same kind. Each language is
opened on first use, so a process pays only for the languages it meets.

The tries live in `$XDG_CACHE_HOME/civicbot/lexicon-<simplemma version>` (the user's cache
folder), written atomically, so processes and replicas sharing it never read half a file.
`python -m bot.qa.textnorm` builds them all ahead of time (the set-up script and the Docker image
do); where the folder cannot be written they are built in memory (slower, still small).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

import simplemma
from marisa_trie import BytesTrie
from platformdirs import user_cache_dir
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk
from simplemma.strategies.dictionaries.trie_dictionary_factory import (
    TrieDictionaryFactory,
    TrieWrapDict,
)
from simplemma.token_sampler import MostCommonTokenSampler, RelaxedMostCommonTokenSampler
from simplemma.utils import normalize_token

log = logging.getLogger(__name__)

# simplemma's codes of the bot's languages (Serbian, Croatian, Bosnian: hbs).
CODES = ("sl", "hbs", "pl", "uk", "en")


def cache_dir() -> Path:
    return Path(user_cache_dir("civicbot")) / f"lexicon-{simplemma.__version__}"


def _save_atomically(trie: BytesTrie, target: Path) -> None:
    """Write to a temporary file beside the target, then rename: a reader sees all or none."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        trie.save(temporary)
        os.chmod(temporary, 0o644)  # language data, no secrets: readable by other users
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cached_trie(name: str, build: Callable[[], Iterable[tuple[str, bytes]]]) -> BytesTrie:
    """The trie `name` from the cache folder, built (and saved, when possible) if missing."""
    path = cache_dir() / f"{name}.trie"
    if path.exists():
        try:
            return BytesTrie().mmap(str(path))
        except Exception:  # a damaged cache file: rebuilt below
            log.warning("rebuilding damaged language data %s", path.name)
    trie = BytesTrie(build())
    try:
        _save_atomically(trie, path)
    except OSError as error:
        log.warning("language data kept in memory only (%s: %s)", path.parent, error.strerror)
    return trie


class _Factory(TrieDictionaryFactory):
    """simplemma's trie factory with our cache folder and atomic, memory-mapped files."""

    def __init__(self) -> None:
        super().__init__(cache_max_size=len(CODES), use_disk_cache=False)

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        def forms() -> Iterable[tuple[str, bytes]]:
            raw = _load_dictionary_from_disk(lang)
            return ((form.decode(), lemma) for form, lemma in raw.items())

        return TrieWrapDict(_cached_trie(lang, forms))


_FACTORY = _Factory()
_STRATEGY = DefaultStrategy(dictionary_factory=_FACTORY)
_LEMMATIZER = simplemma.Lemmatizer(lemmatization_strategy=_STRATEGY)
_SAMPLERS = (MostCommonTokenSampler(), RelaxedMostCommonTokenSampler())


def lemmatize(word: str, code: str) -> str:
    return _LEMMATIZER.lemmatize(word, lang=code)


def is_known(word: str, code: str) -> bool:
    return normalize_token(word) in _FACTORY.get_dictionary(code)


def langdetect(text: str, codes: tuple[str, ...]) -> list[tuple[str, float]]:
    """simplemma.langdetect over our dictionaries: each language's share of known words,
    best first ("unk" last); a tie is broken by the relaxed sampler, as simplemma does."""
    ranked: list[tuple[str, float]] = []
    for sampler in _SAMPLERS:
        scores = simplemma.LanguageDetector(codes, sampler, _STRATEGY).proportion_in_each_language(
            text
        )
        ranked = sorted(scores.items(), key=lambda item: (item[0] == "unk", -item[1]))
        if len(ranked) == 1 or ranked[0][1] != ranked[1][1]:
            break
    return ranked


@cache
def unaccented(code: str, fold: Callable[[str], str]) -> Mapping[str, str]:
    """The word forms of `code` folded by `fold` (no diacritics) -> their lemma; where two
    forms fold alike, the first in simplemma's order wins."""

    def folded_forms() -> Iterable[tuple[str, bytes]]:
        table: dict[str, bytes] = {}
        for form, lemma in _load_dictionary_from_disk(code).items():
            table.setdefault(fold(form.decode()), lemma)
        return table.items()

    return TrieWrapDict(_cached_trie(f"{code}-unaccented", folded_forms))


def build_all(fold: Callable[[str], str], unaccented_codes: Iterable[str]) -> None:
    for code in CODES:
        _FACTORY.get_dictionary(code)
    for code in unaccented_codes:
        unaccented(code, fold)

