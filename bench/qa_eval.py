"""Score the question sets over shared/corpus against the real store.

    .venv/bin/python bench/qa_eval.py [--questions FILE]... [--postgres URL] [--corpus DIR]
                                      [--verbose]

The corpus is imported with `civicbot content import`'s code into a temporary SQLite store
(or, with --postgres, a temporary schema of that PostgreSQL database, dropped afterwards),
and every question goes through the bot's own question answering (bot.qa), as the chat
handler and `civicbot ask` do. Default question sets: tests/eval/qa_eval.yaml (the one we
tune on), then tests/eval/qa_heldout*.yaml, each written before a round of tuning and held
out from that round (see docs/ARCHITECTURE.md, "Evaluation").

A question is right when the answer comes from the expected document and contains the
expected fact (both folded), and, for an off-topic question, when there is no answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answer  # noqa: E402
from bot.qa import QuestionAnswering  # noqa: E402
from bot.qa_import import import_paths  # noqa: E402
from bot.textnorm import fold  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"
DEFAULT_QUESTIONS = (
    EVAL_DIR / "qa_eval.yaml",
    EVAL_DIR / "qa_heldout.yaml",
    *(EVAL_DIR / f"qa_heldout{number}.yaml" for number in range(2, 15)),
)
CORPUS_CANDIDATES = (ROOT.parent / "shared" / "corpus", ROOT / "shared" / "corpus")
# The question sets name the asker's language as sl, sr-Cyrl, sr-Latn, pl, uk, en.
LOCALE_OF = {"sr-Cyrl": "sr", "sr-Latn": "sr_Latn"}
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Outcome:
    id: str
    lang: str
    expected: str | None
    answer: Answer | None
    right: bool


@asynccontextmanager
async def temporary_store(postgres: str | None) -> AsyncIterator[Any]:
    """An empty store: a SQLite file in a temporary folder, or a PostgreSQL schema."""
    if postgres is None:
        from storage.sqlite import SqliteStore

        with tempfile.TemporaryDirectory() as folder:
            store = await SqliteStore.open(str(Path(folder) / "eval.db"))
            try:
                yield store
            finally:
                await store.close()
        return
    import asyncpg

    from storage.postgres import PostgresStore

    schema = f"qa_eval_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        store = await PostgresStore.open(postgres, schema=schema)
        try:
            yield store
        finally:
            await store.close()
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def evaluate(service: QuestionAnswering, questions: list[dict]) -> list[Outcome]:
    outcomes = []
    now = datetime.now(UTC)
    for item in questions:
        locale = LOCALE_OF.get(item["lang"], item["lang"])
        result = await service.ask(item["q"], locale=locale, now=now)
        right = _right(item, result.answer)
        outcomes.append(Outcome(item["id"], item["lang"], item["doc"], result.answer, right))
    return outcomes


def report(name: str, outcomes: list[Outcome], verbose: bool) -> str:
    on_topic = [o for o in outcomes if o.expected]
    off_topic = [o for o in outcomes if not o.expected]
    right = sum(o.right for o in outcomes)
    good = sum(o.right for o in on_topic)
    lines = [
        f"== {name}",
        f"accuracy: {right}/{len(outcomes)} = {right / len(outcomes):.1%}",
        f"on-topic answered right: {good}/{len(on_topic)} = {good / len(on_topic):.1%}",
        f"on-topic not answered: {sum(o.answer is None for o in on_topic)}",
        f"on-topic wrong answers: {sum(o.answer is not None and not o.right for o in on_topic)}",
        f"off-topic false answers: {sum(not o.right for o in off_topic)}/{len(off_topic)}",
        f"answer length: {_lengths([o.answer for o in on_topic if o.answer])}",
        "per language:",
    ]
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_lang[outcome.lang].append(outcome)
    for lang, items in sorted(by_lang.items()):
        count = sum(o.right for o in items)
        lines.append(f"  {lang:8} {count}/{len(items)} = {count / len(items):.0%}")
    failures = [o for o in outcomes if not o.right]
    if failures:
        lines.append("wrong:")
        lines += [_describe(o, verbose) for o in failures]
    return "\n".join(lines)


def _lengths(answers: list[Answer]) -> str:
    """Median and longest answer, in characters: an answer is a few sentences, not a page."""
    sizes = sorted(len(answer.text) for answer in answers)
    if not sizes:
        return "none"
    return f"median {sizes[len(sizes) // 2]} characters, longest {sizes[-1]}"


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


def resolve_corpus(given: Path | None) -> Path:
    """The corpus folder: as given, else $CIVICBOT_CORPUS, else shared/corpus beside the repo."""
    if given is not None:
        return given
    if env := os.environ.get("CIVICBOT_CORPUS"):
        return Path(env)
    return next((path for path in CORPUS_CANDIDATES if path.is_dir()), CORPUS_CANDIDATES[0])


async def run(args: argparse.Namespace) -> int:
    sets = args.questions or list(DEFAULT_QUESTIONS)
    async with temporary_store(args.postgres) as store:
        outcomes = await import_paths(store, [resolve_corpus(args.corpus)], datetime.now(UTC))
        failed = [line for outcome in outcomes for line in outcome.errors]
        if failed:
            print("\n".join(failed), file=sys.stderr)
            return 1
        service = QuestionAnswering(store)
        backend = "PostgreSQL" if args.postgres else "SQLite"
        for path in sets:
            questions = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["questions"]
            results = await evaluate(service, questions)
            print(report(f"{Path(path).name} ({backend})", results, args.verbose))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--questions", type=Path, action="append",
                        help="a question set (repeatable; default: every set in tests/eval)")
    parser.add_argument("--postgres", metavar="URL",
                        help="evaluate on PostgreSQL (a temporary schema of this database)")
    parser.add_argument("--verbose", action="store_true", help="print the wrong answers' text")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
