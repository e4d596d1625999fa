"""The plain data that content import produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class ContentError(Exception):
    """A file that cannot be imported; the message is one line naming the file and why."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.document = Path(path).name
        self.reason = reason
        super().__init__(f"{self.document}: {reason}")


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str
    lang: str


@dataclass(frozen=True)
class ParsedDocument:
    document: str  # the imported file's base name
    title: str
    lang: str
    passages: list[Passage]
    checksum: str  # sha256 of the file's bytes: re-importing the same file changes nothing


@dataclass(frozen=True)
class FaqEntry:
    key: str
    questions: dict[str, str] = field(default_factory=dict)  # locale -> question
    answers: dict[str, str] = field(default_factory=dict)  # locale -> answer

    def answer_for(self, locale: str | None) -> tuple[str, str]:
        """(locale, answer) in `locale`, else its base language, else the first one given."""
        for candidate in (locale, (locale or "").split("_")[0].split("-")[0]):
            if candidate and candidate in self.answers:
                return candidate, self.answers[candidate]
        first = next(iter(self.answers))
        return first, self.answers[first]
