"""Question answering latency over generated corpora: the answering, a bare FTS5 query,
rank_bm25.

    .venv/bin/python bench/qa_latency.py [--sizes 1000,10000,100000] [--rounds 3]
                                         [--postgres URL] [--no-rank-bm25] [--no-meaning]

For each size, a corpus of that many passages is generated from the real documents of
shared/corpus: each passage is 2-4 of their sentences (in their language) plus 20 words
drawn from a Zipf-distributed synthetic vocabulary of 50,000 words, so common words are
common and rare ones rare. Every passage is stored through `save_document` (1,000 passages
per document) exactly as `content import` stores them; the questions of
tests/eval/qa_eval.yaml are then asked `--rounds` times through bot.qa.service (the code path of the
chat handler and `civicbot ask`: terms, the store's BM25 search, FAQ, sentence choice).
In the same process and on the same database file, a bare FTS5 query (every term of the
question OR-ed, `ORDER BY rank LIMIT 20`, nothing else) is timed for the same questions: the
floor any answering over SQLite pays. Beside them, in its own process, rank_bm25 (BM25Okapi)
ranks the same passages' terms for the same questions, followed by the same answering.

With the meaning encoder (bot/qa/semantic.py; row `+meaning`), each question is embedded by
the real encoder and multiplied with every passage's vector, and the sentence closeness is
read for the candidates, as in production. Embedding 100,000 passages would take hours on two
cores, so the stored vectors are random unit vectors (float16, one per passage and one per
sentence): right for timing, meaningless for answers. That row's import/s is the real
encoder's, measured on 100 of the generated passages (what an import of real documents pays).

Each measurement runs in a child process, so that its peak memory (ru_maxrss) is its own.
Reported: ask latency p50/p99 (ms), import throughput (passages/s, including computing the
index terms), peak RSS (MB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.qa_eval import LOCALE_OF, resolve_corpus  # noqa: E402
from bot.content import read_document  # noqa: E402
from bot.qa.answering import (  # noqa: E402
    CANDIDATES,
    Hit,
    answer_from_hits,
    hit_text,
    passage_sentences,
    search_terms,
)
from bot.qa.semantic import DIMENSIONS, document_vectors, packed  # noqa: E402
from bot.qa.service import QuestionAnswering, indexer, stored_words  # noqa: E402
from bot.qa.textnorm import index_terms, index_words, sentences  # noqa: E402
from storage.base import ContentDocument, ContentPassage  # noqa: E402
from storage.sql.content import match_expression  # noqa: E402

QUESTIONS = ROOT / "tests" / "eval" / "qa_eval.yaml"
PER_DOCUMENT = 1000
TITLE = "Generated"
SYNTHETIC_WORDS = 50_000
SYNTHETIC_PER_PASSAGE = 20
SEED = 20261124


# -- the generated corpus ----------------------------------------------------------------------


@cache
def _sentence_pool() -> list[tuple[str, str, str]]:
    """(sentence, lang, its index terms) of every sentence of the real corpus."""
    pool = []
    for path in sorted(resolve_corpus(None).iterdir()):
        document = read_document(path)
        for passage in document.passages:
            for line in passage.text.splitlines():
                for sentence in sentences(line, passage.lang):
                    pool.append((sentence, passage.lang, index_terms(sentence, passage.lang)))
    return pool


def _synthetic_word(rank: int) -> str:
    letters = "bcdfghklmnprstvz"
    word, number = "", rank
    while True:
        word += letters[number % len(letters)] + "aeiou"[number // len(letters) % 5]
        number //= len(letters) * 5
        if not number:
            return "x" + word


def generate(size: int) -> list[tuple[str, str, str]]:
    """`size` passages: (text, lang, terms)."""
    rng = random.Random(SEED + size)
    pool = _sentence_pool()
    weights = [1 / rank for rank in range(1, SYNTHETIC_WORDS + 1)]
    ranks = range(SYNTHETIC_WORDS)
    passages = []
    for _ in range(size):
        chosen = rng.sample(pool, rng.randint(2, 4))
        extra = [_synthetic_word(r) for r in rng.choices(ranks, weights, k=SYNTHETIC_PER_PASSAGE)]
        text = " ".join(sentence for sentence, _, _ in chosen) + "\n" + " ".join(extra)
        lang = chosen[0][1]
        terms = " ".join([*(t for _, _, t in chosen), index_terms(" ".join(extra), lang)])
        passages.append((text, lang, terms))
    return passages


def questions() -> list[tuple[str, str]]:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    return [(item["q"], LOCALE_OF.get(item["lang"], item["lang"])) for item in items]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(p99 * 1000, 2)}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- children ----------------------------------------------------------------------------------


def random_vectors(rng: Any, count: int) -> bytes:
    """`count` random unit vectors, packed as the store keeps them (timing only)."""
    import numpy as np

    rows = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
    return packed(rows / np.linalg.norm(rows, axis=1, keepdims=True))


def embedding_rate(generated: list[tuple[str, str, str]]) -> float:
    """Passages per second the real encoder embeds (each with its sentences)."""
    sample = generated[:100]
    begin = time.perf_counter()
    document_vectors(TITLE, [("", text, passage_sentences(text, lang))
                                   for text, lang, _ in sample])
    return len(sample) / (time.perf_counter() - begin)


def stored_passage(text: str, lang: str, terms: str, rng: Any) -> ContentPassage:
    """As `content import` stores it: with its words read once (and, with the encoder, its
    vectors: random ones here, see above)."""
    words = stored_words(index_words(hit_text(TITLE, "", text), lang))
    if rng is None:
        return ContentPassage("", text, lang, terms, words=words)
    return ContentPassage("", text, lang, terms, random_vectors(rng, 1),
                          random_vectors(rng, len(passage_sentences(text, lang))), words)


async def store_child(size: int, rounds: int, postgres: str | None,
                      meaning: bool) -> dict[str, Any]:
    import numpy as np

    from bench.qa_eval import temporary_store

    started = time.perf_counter()
    generated = generate(size)
    rng = np.random.default_rng(SEED) if meaning else None
    async with temporary_store(postgres) as store:
        now = datetime.now(UTC)
        for start in range(0, size, PER_DOCUMENT):
            batch = generated[start : start + PER_DOCUMENT]
            passages = [stored_passage(text, lang, terms, rng) for text, lang, terms in batch]
            document = ContentDocument(f"generated-{start // PER_DOCUMENT:04}.txt", TITLE,
                                       batch[0][1], "document", str(start), indexer(), passages)
            await store.save_document(document, now)
        import_rate = embedding_rate(generated) if meaning else size / (
            time.perf_counter() - started)
        service = QuestionAnswering(store)
        asked = questions()
        await service.warm()  # as the bot does at start (handlers/qa.py)
        await service.ask(asked[0][0], locale=asked[0][1], now=now)  # warm caches
        samples = []
        for _ in range(rounds):
            for question, locale in asked:
                begin = time.perf_counter()
                await service.ask(question, locale=locale, now=now)
                samples.append(time.perf_counter() - begin)
        bare = None if postgres else bare_fts5(store.path, asked, rounds)
    result = {"import_per_s": round(import_rate), **percentiles(samples), "peak_mb": peak_mb()}
    return result if bare is None else {**result, "fts5": bare}


def bare_fts5(path: str, asked: list[tuple[str, str]], rounds: int) -> dict[str, float]:
    """A bare FTS5 query per question on the same file: every term OR-ed, best 20."""
    db = sqlite3.connect(path)
    try:
        samples = []
        for _ in range(rounds):
            for question, locale in asked:
                begin = time.perf_counter()
                terms = search_terms(question, locale.split("_")[0])
                if terms:
                    db.execute("SELECT rowid, bm25(passage_index) FROM passage_index WHERE "
                               "passage_index MATCH ? ORDER BY rank LIMIT ?",
                               (match_expression(terms), CANDIDATES)).fetchall()
                samples.append(time.perf_counter() - begin)
    finally:
        db.close()
    return percentiles(samples)


def bm25_child(size: int, rounds: int) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    generated = generate(size)
    hits = [Hit(f"generated-{i // PER_DOCUMENT:04}.txt", TITLE, "", text, lang, 0.0,
                i % PER_DOCUMENT) for i, (text, lang, _) in enumerate(generated)]
    ranker = BM25Okapi([terms.split() for _, _, terms in generated])
    imported = time.perf_counter() - started
    asked = questions()
    samples = []
    for _ in range(rounds):
        for question, locale in asked:
            begin = time.perf_counter()
            hint = locale.split("_")[0]
            terms = search_terms(question, hint)
            scores = ranker.get_scores(terms)
            top = sorted(range(len(hits)), key=lambda i: -scores[i])[:CANDIDATES]
            found = [Hit(hits[i].document, hits[i].title, "", hits[i].text, hits[i].lang,
                         float(scores[i]), hits[i].position) for i in top if scores[i] > 0]
            answer_from_hits(question, found, lang_hint=hint, locale=locale)
            samples.append(time.perf_counter() - begin)
    return {"import_per_s": round(size / imported), **percentiles(samples), "peak_mb": peak_mb()}


# -- the parent --------------------------------------------------------------------------------


def run_child(kind: str, size: int, rounds: int, postgres: str | None) -> dict[str, Any]:
    backend, _, with_meaning = kind.partition("+")
    command = [sys.executable, __file__, "--child", backend, "--sizes", str(size),
               "--rounds", str(rounds)]
    if postgres:
        command += ["--postgres", postgres]
    environment = {**os.environ, "CIVICBOT_QA_MODEL": "on" if with_meaning else "off"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_row(size: int, kind: str, result: dict[str, Any]) -> None:
    print(f"{size:>9} {kind:<19} {result['p50_ms']:>8} {result['p99_ms']:>8} "
          f"{result.get('import_per_s', ''):>9} {result.get('peak_mb', ''):>8}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also measure the PostgreSQL store")
    parser.add_argument("--no-rank-bm25", action="store_true")
    parser.add_argument("--no-meaning", action="store_true",
                        help="leave out the rows with the meaning encoder")
    parser.add_argument("--child", choices=("sqlite", "postgresql", "rank_bm25"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.child:
        size = sizes[0]
        if args.child == "rank_bm25":
            result = bm25_child(size, args.rounds)
        else:
            postgres = args.postgres if args.child == "postgresql" else None
            meaning = os.environ.get("CIVICBOT_QA_MODEL") == "on"
            result = asyncio.run(store_child(size, args.rounds, postgres, meaning))
        print(json.dumps(result))
        return 0
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    kinds = [*backends, *([] if args.no_meaning else [f"{b}+meaning" for b in backends]),
             *([] if args.no_rank_bm25 else ["rank_bm25"])]
    print(f"{len(questions())} questions x {args.rounds} rounds per corpus; "
          "ask = terms + search (+ meaning) + FAQ + sentence choice")
    print(f"{'passages':>9} {'ranker':<19} {'p50 ms':>8} {'p99 ms':>8} {'import/s':>9} "
          f"{'peak MB':>8}")
    for size in sizes:
        for kind in kinds:
            result = run_child(kind, size, args.rounds, args.postgres)
            print_row(size, kind, result)
            if "fts5" in result:
                print_row(size, f"{kind.split('+')[0]} bare FTS5", result["fts5"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
