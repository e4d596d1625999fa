"""Fit the weights of bot.qa.answering.WINDOW_FEATURES on the development documents.

    .venv/bin/python bench/fit_sentences.py [--split dev] [--iterations N]

Every development question is asked through the bot's own question answering (the store
holding every document of the split and shared/corpus, as bench/qa_eval.py does). Where the
expected document was chosen, each window of sentences the answering considered is a
candidate, right when it holds the expected fact within its first MAX_FACT_AT characters.
The weights maximise the likelihood that
the best-scored window is a right one (a softmax over each question's windows, the
questions with no right window left out), by gradient ascent from the current weights with
a small pull towards them. Prints the new weights and how many questions' best window holds
the fact before and after; paste them into MEANING_WINDOW_WEIGHTS (with the encoder) or
WINDOW_WEIGHTS (CIVICBOT_QA_MODEL=off). Never run it on the test split.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.qa_eval import (
    LOCALE_OF,
    MAX_FACT_AT,
    _folded,
    fitting_questions,
    fitting_store,
)
from bot.qa import answering
from bot.qa.semantic import encoder

Question = tuple[np.ndarray, np.ndarray]  # features (windows x features), right (windows)


async def collect(split: str, part: str | None = None, other: bool = False) -> list[Question]:
    """The questions of `part` (all: None), or, `other`, of every part but it; split
    `samples`: the old question sets over shared/corpus alone."""
    questions: list[Question] = []
    async with fitting_store(split) as service:
        for item in fitting_questions(split):
            if not item["doc"] or (part and item["doc"].startswith(f"{part}_") == other):
                continue
            answering._fitting = []
            locale = LOCALE_OF.get(item["lang"], item["lang"])
            result = await service.ask(item["q"], locale=locale, now=datetime.now(UTC))
            windows, answering._fitting = answering._fitting, None
            if result.answer is None or result.answer.document != item["doc"] or not windows:
                continue
            fact = _folded(str(item["fact"]))
            right = np.array(
                [fact in _folded(text[:MAX_FACT_AT]) for text, _ in windows], dtype=float
            )
            if right.any():
                questions.append((np.array([f for _, f in windows], dtype=float), right))
    return questions


def best_is_right(weights: np.ndarray, questions: list[Question]) -> int:
    return sum(int(right[int(np.argmax(features @ weights))]) for features, right in questions)


def fit(questions: list[Question], start: np.ndarray, iterations: int) -> np.ndarray:
    weights = start.copy()
    rate, pull = 0.05, 0.01
    for _ in range(iterations):
        gradient = -pull * (weights - start)
        for features, right in questions:
            scores = features @ weights
            chances = np.exp(scores - scores.max())
            chances /= chances.sum()
            wanted = chances * right
            wanted /= wanted.sum()
            gradient += (wanted - chances) @ features
        weights += rate * gradient / len(questions)
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev"])
    parser.add_argument("--with-samples", action="store_true",
                        help="also fit on the old question sets over shared/corpus")
    parser.add_argument("--iterations", type=int, default=400)
    parser.add_argument("--part", help="fit on this part only (d1), measure on the others too")
    args = parser.parse_args()
    questions = asyncio.run(collect(args.split, args.part))
    if args.with_samples:
        questions += asyncio.run(collect("samples"))
    # With the encoder (bot.qa.semantic) the answering weighs windows by the meaning's set.
    name = "MEANING_WINDOW_WEIGHTS" if encoder() is not None else "WINDOW_WEIGHTS"
    start = np.array(getattr(answering, name), dtype=float)
    fitted = fit(questions, start, args.iterations)
    if args.part:
        others = asyncio.run(collect(args.split, args.part, other=True))
        print(f"the other parts' {len(others)} questions: best window right "
              f"{best_is_right(start, others)} now, {best_is_right(fitted, others)} fitted")
    print(f"questions with a right window: {len(questions)}")
    print(f"best window right: {best_is_right(start, questions)} now, "
          f"{best_is_right(fitted, questions)} fitted")
    print(f"{name} = (" + ", ".join(f"{w:.2f}" for w in fitted) + ")")
    for name, weight in zip(answering.WINDOW_FEATURES, fitted, strict=True):
        print(f"  {name:12} {weight:+.2f}")


if __name__ == "__main__":
    main()
