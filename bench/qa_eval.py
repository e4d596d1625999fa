"""Score question answering against the real store: the document-level split, and the old
question sets over shared/corpus.

    .venv/bin/python bench/qa_eval.py [--split dev|test|samples]... [--questions FILE]...
                                      [--postgres URL] [--corpus DIR] [--verbose] [--unseal]

The split (tests/eval/corpus, see its README): the development documents (`dev/`, tuned on)
and the test documents (`test/`, never tuned on: only their figures are printed, never a
failure, unless --unseal) are imported together with shared/corpus into one store, so each
question is answered among some 130 documents of the same kinds; a question is right when
the answer comes from the expected document and holds the expected fact within its first
MAX_FACT_AT characters, and, off topic, when there is no answer. The old sets over the five
documents of shared/corpus alone (`samples`) are the regression floor.

The corpus is imported with `civicbot content import`'s code into a temporary SQLite store
(or, with --postgres, a temporary schema of that PostgreSQL database, dropped afterwards),
and every question goes through the bot's own question answering (bot.qa.service), as the chat
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

from bot.content.importer import import_paths  # noqa: E402
from bot.qa.answering import Answer  # noqa: E402
from bot.qa.service import QuestionAnswering  # noqa: E402
from bot.qa.textnorm import fold  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"
SPLIT_DIR = EVAL_DIR / "corpus"
SPLITS = ("dev", "test")
MAX_FACT_AT = 300  # the fact within what a phone shows of the answer
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
    fact: str | None = None


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


async def evaluate(
    service: QuestionAnswering, questions: list[dict], within: int | None = None
) -> list[Outcome]:
    """Each question asked in its asker's locale; `within`: the fact must be that early."""
    outcomes = []
    now = datetime.now(UTC)
    for item in questions:
        locale = LOCALE_OF.get(item["lang"], item["lang"])
        result = await service.ask(item["q"], locale=locale, now=now)
        right = _right(item, result.answer, within)
        outcomes.append(
            Outcome(item["id"], item["lang"], item["doc"], result.answer, right, item.get("fact"))
        )
    return outcomes


def split_documents(split: str) -> list[Path]:
    return sorted(p for p in (SPLIT_DIR / split).iterdir() if p.suffix in (".txt", ".md"))


def split_questions(split: str) -> list[dict]:
    questions: list[dict] = []
    for path in sorted((SPLIT_DIR / split).glob("questions-*.yaml")):
        questions += yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return questions


def report(name: str, outcomes: list[Outcome], verbose: bool, sealed: bool = False) -> str:
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
    if failures and not sealed:
        lines.append("wrong:")
        lines += [_describe(o, verbose) for o in failures]
    return "\n".join(lines)


def _lengths(answers: list[Answer]) -> str:
    """Median and longest answer, in characters: an answer is a few sentences, not a page."""
    sizes = sorted(len(answer.text) for answer in answers)
    if not sizes:
        return "none"
    return f"median {sizes[len(sizes) // 2]} characters, longest {sizes[-1]}"


def _right(item: dict, answer: Answer | None, within: int | None = None) -> bool:
    if not item["doc"]:
        return answer is None
    if answer is None or answer.document != item["doc"]:
        return False
    shown = answer.text if within is None else answer.text[:within]
    return _folded(str(item["fact"])) in _folded(shown)


def _folded(text: str) -> str:
    return " ".join(_TOKEN.findall(fold(text)))


def _describe(outcome: Outcome, verbose: bool) -> str:
    answer = outcome.answer
    got = "no answer" if answer is None else f"{answer.document} ({answer.confidence:.2f})"
    line = f"  {outcome.id}: expected {outcome.expected or 'no answer'}, got {got}"
    if verbose:
        line += f"\n      fact: {outcome.fact}"
        if answer is not None:
            line += f"\n      {answer.text[:MAX_FACT_AT]}"
    return line


def resolve_corpus(given: Path | None) -> Path:
    """The corpus folder: as given, else $CIVICBOT_CORPUS, else shared/corpus beside the repo."""
    if given is not None:
        return given
    if env := os.environ.get("CIVICBOT_CORPUS"):
        return Path(env)
    return next((path for path in CORPUS_CANDIDATES if path.is_dir()), CORPUS_CANDIDATES[0])


async def run(args: argparse.Namespace) -> int:
    splits = args.split or ([] if args.questions else [*SPLITS, "samples"])
    backend = "PostgreSQL" if args.postgres else "SQLite"
    if set(splits) & set(SPLITS):
        async with temporary_store(args.postgres) as store:
            paths = [resolve_corpus(args.corpus), *(p for s in SPLITS for p in split_documents(s))]
            if not await _imported(store, paths):
                return 1
            service = QuestionAnswering(store)
            for split in SPLITS:
                if split in splits:
                    results = await evaluate(service, split_questions(split), MAX_FACT_AT)
                    sealed = split == "test" and not args.unseal
                    name = f"{split} documents ({backend}{', sealed' if sealed else ''})"
                    print(report(name, results, args.verbose, sealed))
    if "samples" not in splits and not args.questions:
        return 0
    sets = args.questions or list(DEFAULT_QUESTIONS)
    async with temporary_store(args.postgres) as store:
        if not await _imported(store, [resolve_corpus(args.corpus)]):
            return 1
        service = QuestionAnswering(store)
        for path in sets:
            questions = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["questions"]
            results = await evaluate(service, questions)
            print(report(f"{Path(path).name} ({backend})", results, args.verbose))
    return 0


@asynccontextmanager
async def fitting_store(split: str) -> AsyncIterator[QuestionAnswering]:
    """The answering over a temporary SQLite store holding shared/corpus and, unless `split`
    is `samples`, every part's documents, as `run` imports them (bench/fit_*.py)."""
    async with temporary_store(None) as store:
        paths = [resolve_corpus(None)]
        if split != "samples":
            paths += [p for s in SPLITS for p in split_documents(s)]
        if not await _imported(store, paths):
            raise SystemExit(1)
        yield QuestionAnswering(store)


def fitting_questions(split: str) -> list[dict]:
    """The split's questions; `samples`: every old set's, each id prefixed by its set."""
    if split != "samples":
        return split_questions(split)
    return [
        {**item, "id": f"{path.stem}:{item['id']}"}
        for path in DEFAULT_QUESTIONS
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]


async def _imported(store: Any, paths: list[Path]) -> bool:
    outcomes = await import_paths(store, paths, datetime.now(UTC))
    failed = [line for outcome in outcomes for line in outcome.errors]
    if failed:
        print("\n".join(failed), file=sys.stderr)
    return not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--questions", type=Path, action="append",
                        help="a question set (repeatable; default: every set in tests/eval)")
    parser.add_argument("--postgres", metavar="URL",
                        help="evaluate on PostgreSQL (a temporary schema of this database)")
    parser.add_argument("--split", action="append", choices=(*SPLITS, "samples"),
                        help="score only this part (repeatable; default: dev, test, samples)")
    parser.add_argument("--verbose", action="store_true", help="print the wrong answers' text")
    parser.add_argument("--unseal", action="store_true",
                        help="also list the test documents' failures (after which they are "
                        "development documents: write new test documents)")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
