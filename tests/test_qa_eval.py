"""The question sets scored against the real store, held as floors (bench/qa_eval.py prints
the figures; docs/ARCHITECTURE.md records them)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bench.qa_eval import DEFAULT_QUESTIONS, evaluate, resolve_corpus
from bot.qa import QuestionAnswering
from bot.qa_import import import_paths
from storage.sqlite import SqliteStore


@pytest.fixture
async def corpus_store(tmp_path: Path):
    corpus = resolve_corpus(None)
    if not corpus.is_dir():
        if os.environ.get("CI"):  # CI always has shared/ beside the clone: never skip there
            pytest.fail(f"no shared corpus at {corpus}")
        pytest.skip(f"no shared corpus at {corpus}")
    store = await SqliteStore.open(str(tmp_path / "eval.db"))
    outcomes = await import_paths(store, [corpus], datetime.now(UTC))
    assert all(outcome.status == "created" for outcome in outcomes)
    yield store
    await store.close()


# The figures of docs/ARCHITECTURE.md, rounded down.
FLOORS = (0.93, 0.95, 1.0, 0.97, 0.95, 0.91, 0.93, 0.89, 0.97, 0.97, 0.97, 1.0, 0.95, 0.95, 0.87)


@pytest.mark.parametrize(("questions", "floor"), list(zip(DEFAULT_QUESTIONS, FLOORS, strict=True)))
async def test_question_sets_over_the_shared_corpus(
    corpus_store, questions: Path, floor: float
) -> None:
    items = yaml.safe_load(questions.read_text(encoding="utf-8"))["questions"]
    off_topic_count = sum(not item["doc"] for item in items)
    assert len(items) - off_topic_count >= 30 and off_topic_count >= 6
    outcomes = await evaluate(QuestionAnswering(corpus_store), items)
    off_topic = [o for o in outcomes if not o.expected]
    assert sum(not o.right for o in off_topic) <= len(off_topic) / 4  # the acceptance bar
    assert sum(o.right for o in outcomes) / len(outcomes) >= floor
