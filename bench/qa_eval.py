"""Score the question set tests/eval/qa_eval.yaml over shared/corpus.

    .venv/bin/python bench/qa_eval.py [--corpus DIR] [--questions FILE] [--verbose]

A question is right when the answer comes from the expected document and contains the
expected fact (both folded), and, for an off-topic question, when there is no answer.

Ranking is the stand-in BM25 of rank_bm25 over the same index terms the bot stores; the
bot itself ranks with SQLite FTS5. `make_search` is the one place that chooses the ranker.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answer, Hit, Search, answer_question  # noqa: E402
from bot.content import ParsedDocument, read_document, searchable_text  # noqa: E402
from bot.textnorm import fold, index_terms  # noqa: E402

DEFAULT_QUESTIONS = ROOT / "tests" / "eval" / "qa_eval.yaml"
CORPUS_CANDIDATES = (ROOT.parent / "shared" / "corpus", ROOT / "shared" / "corpus")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Outcome:
    id: str
    lang: str
    expected: str | None
    answer: Answer | None
    right: bool


def load_corpus(corpus: Path) -> list[ParsedDocument]:
    return [read_document(path) for path in sorted(corpus.iterdir()) if path.is_file()]


def bm25_search(documents: Sequence[ParsedDocument]) -> Search:
    """A `Search` over every passage with rank_bm25 (the stand-in for the FTS5 store)."""
    hits = [
        Hit(doc.document, doc.title, p.heading, p.text, p.lang, 0.0, position)
        for doc in documents
        for position, p in enumerate(doc.passages)
    ]
    texts = [searchable_text(doc, p) for doc in documents for p in doc.passages]
    langs = [p.lang for doc in documents for p in doc.passages]
    ranker = BM25Okapi(
        [index_terms(text, lang).split() for text, lang in zip(texts, langs, strict=True)]
    )

    def search(terms: list[str], limit: int) -> list[Hit]:
        scores = ranker.get_scores(terms)
        ranked = sorted(range(len(hits)), key=lambda i: scores[i], reverse=True)
        return [_scored(hits[i], scores[i]) for i in ranked[:limit] if scores[i] > 0]

    return search


def make_search(documents: Sequence[ParsedDocument]) -> Search:
    """The ranker under evaluation: swap this line for the FTS5 store's search."""
    return bm25_search(documents)


def evaluate(questions: list[dict], search: Search) -> list[Outcome]:
    outcomes = []
    for item in questions:
        hint = item["lang"].split("-")[0]
        answer = answer_question(item["q"], search, lang_hint=hint)
        right = _right(item, answer)
        outcomes.append(Outcome(item["id"], item["lang"], item["doc"], answer, right))
    return outcomes


def report(outcomes: list[Outcome], verbose: bool) -> str:
    on_topic = [o for o in outcomes if o.expected]
    off_topic = [o for o in outcomes if not o.expected]
    right = sum(o.right for o in outcomes)
    lines = [
        f"accuracy: {right}/{len(outcomes)} = {right / len(outcomes):.1%}",
        f"on-topic answered right: {sum(o.right for o in on_topic)}/{len(on_topic)}",
        f"on-topic not answered: {sum(o.answer is None for o in on_topic)}",
        f"on-topic wrong answers: {sum(o.answer is not None and not o.right for o in on_topic)}",
        f"off-topic false answers: {sum(not o.right for o in off_topic)}/{len(off_topic)}",
        "per language:",
    ]
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_lang[outcome.lang].append(outcome)
    for lang, items in sorted(by_lang.items()):
        good = sum(o.right for o in items)
        lines.append(f"  {lang:8} {good}/{len(items)} = {good / len(items):.0%}")
    failures = [o for o in outcomes if not o.right]
    if failures:
        lines.append("wrong:")
        lines += [_describe(o, verbose) for o in failures]
    return "\n".join(lines)


def _right(item: dict, answer: Answer | None) -> bool:
    if not item["doc"]:
        return answer is None
    if answer is None or answer.document != item["doc"]:
        return False
    return _folded(str(item["fact"])) in _folded(answer.text)


def _folded(text: str) -> str:
    return " ".join(_TOKEN.findall(fold(text)))


def _describe(outcome: Outcome, verbose: bool) -> str:
    answer = outcome.answer
    got = "no answer" if answer is None else f"{answer.document} ({answer.confidence:.2f})"
    line = f"  {outcome.id}: expected {outcome.expected or 'no answer'}, got {got}"
    if verbose and answer is not None:
        line += f"\n      {answer.text[:300]}"
    return line


def _scored(hit: Hit, score: float) -> Hit:
    return dataclasses.replace(hit, score=float(score))


def resolve_corpus(given: Path | None) -> Path:
    """The corpus folder: as given, else $CIVICBOT_CORPUS, else shared/corpus beside the repo."""
    if given is not None:
        return given
    if env := os.environ.get("CIVICBOT_CORPUS"):
        return Path(env)
    return next((path for path in CORPUS_CANDIDATES if path.is_dir()), CORPUS_CANDIDATES[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--verbose", action="store_true", help="print the wrong answers' text")
    args = parser.parse_args(argv)
    questions = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["questions"]
    search = make_search(load_corpus(resolve_corpus(args.corpus)))
    print(report(evaluate(questions, search), args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
