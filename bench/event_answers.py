"""What answering from the events table adds to a question (issue #15: at most 10 ms).

    .venv/bin/python bench/event_answers.py [--events 7,100,500] [--rounds 5]

Every question first goes through `bot.events.questions.answer_from_store` (read the events,
understand the question against them); only what it does not take goes on to document search.
That step is the cost event answers add. It is timed here over a real SQLite file holding the
shared corpus, examples/events.yaml and the events of tests/event_questions_data.py (one open,
closed, full, past and cancelled), plus generated copies of those events (new ids, numbered
titles) up to each `--events` size:

- event questions: the questions of tests/test_event_questions.py (sl, sr both scripts, pl,
  uk, en), answered from the events, including rendering the reply;
- document questions: those of tests/eval/qa_eval.yaml, for which the step finds nothing and
  the time is pure overhead before document search.

Reported per size: p50 / p99 / max milliseconds of the step, and the whole `ask` for
comparison. The clock is the tests' (2027-03-01 09:00 UTC).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.qa_eval import resolve_corpus  # noqa: E402
from bot.content.importer import import_paths  # noqa: E402
from bot.events.loader import import_events, parse_events_yaml  # noqa: E402
from bot.events.questions import answer_from_store, event_reply  # noqa: E402
from bot.i18n.translator import Catalogs  # noqa: E402
from bot.qa.service import service_for  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402
from tests.event_questions_data import EVENTS  # noqa: E402
from tests.test_event_questions import QUESTIONS  # noqa: E402

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EXAMPLES = ROOT / "examples" / "events.yaml"
DOCUMENT_QUESTIONS = ROOT / "tests" / "eval" / "qa_eval.yaml"
LOCALES = {"sl": "sl", "sr": "sr", "sr_Latn": "sr_Latn", "pl": "pl", "uk": "uk", "en": "en"}


def generated_events(total: int) -> dict[str, Any]:
    """The test events, then copies of them up to `total` events in all: each copy with a new
    id and a title of its own (two made-up words before the source title's first word, its
    kind: "Valoni Teruma Forum"), as an organisation's many events have distinct names."""
    base: list[dict[str, Any]] = EVENTS["events"]
    extra: list[dict[str, Any]] = []
    number = 0
    while len(base) + len(extra) < total:
        source = base[number % len(base)]
        event = copy.deepcopy(source)
        number += 1
        name = f"{_made_up(2 * number)} {_made_up(2 * number + 1)}"
        event["id"] = f"{source['id']}-copy{number}"
        event["title"] = {lang: f"{name} {text.split()[0]}"
                          for lang, text in source["title"].items()}
        extra.append(event)
    return {"events": base + extra}


def _made_up(number: int) -> str:
    """A pronounceable word that is no word of the bot's languages ("Valoni")."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    letters = []
    for _ in range(3):
        number, c = divmod(number, len(consonants))
        number, v = divmod(number, len(vowels))
        letters += [consonants[c], vowels[v]]
    return "".join(letters).capitalize() + "x"


def document_questions() -> list[tuple[str, str]]:
    data = yaml.safe_load(DOCUMENT_QUESTIONS.read_text(encoding="utf-8"))
    locale = {"sr-Cyrl": "sr", "sr-Latn": "sr_Latn"}
    return [(locale.get(q["lang"], q["lang"]), q["q"]) for q in data["questions"]]


def event_questions() -> list[tuple[str, str]]:
    return [(locale, question) for locale, cases in QUESTIONS.items()
            for question, *_ in cases]


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (f"p50 {statistics.median(ordered):6.2f}  p99 {p99:6.2f}  "
            f"max {ordered[-1]:6.2f} ms")


async def measure(size: int, rounds: int, corpus: Path) -> None:
    catalogs = Catalogs(ROOT / "locales")
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        try:
            await import_paths(store, [corpus, EXAMPLES], NOW)
            await import_events(store, parse_events_yaml(generated_events(size), "bench.yaml"),
                                NOW)
            total = len(await store.list_events())
            service = service_for(store)
            for locale, question in event_questions()[:3]:  # language data loaded, caches warm
                await service.ask(question, locale=locale, now=NOW)
            for label, questions in (("event questions", event_questions()),
                                     ("document questions", document_questions())):
                step: list[float] = []
                whole: list[float] = []
                answered = 0
                for _ in range(rounds):
                    for locale, question in questions:
                        started = time.perf_counter()
                        answer = await answer_from_store(store, question, NOW)
                        if answer is not None:
                            event_reply(catalogs.translator(LOCALES[locale]), answer)
                            answered += 1
                        step.append((time.perf_counter() - started) * 1000)
                        started = time.perf_counter()
                        await service.ask(question, locale=locale, now=NOW)
                        whole.append((time.perf_counter() - started) * 1000)
                print(f"{total:4d} events  {label:18s} ({len(questions):3d} q, "
                      f"{answered // rounds:3d} from events)  event step: {_ms(step)}   "
                      f"whole ask: {_ms(whole)}")
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="7,100,500")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = resolve_corpus(None)
    for size in (int(part) for part in args.events.split(",")):
        asyncio.run(measure(size, args.rounds, corpus))


if __name__ == "__main__":
    main()
