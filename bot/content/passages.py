"""Splitting a document's blocks into passages of bounded size that keep their heading.

A reader turns its format into a flat list of `Block`s (headings and text in reading
order); everything after that is the same for every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.model import ParsedDocument, Passage
from bot.qa.textnorm import detect_language, sentences

MAX_PASSAGE_CHARS = 1000
MAX_TITLE_CHARS = 120
# A plain-text line this short with no sentence end ("Partnerzy projektu:", "Позив") that
# text follows acts as a heading for it.
_PSEUDO_HEADING_CHARS = 60
# Below this many letters a passage's own language guess is noise: the document's wins.
_MIN_LETTERS_FOR_OWN_LANGUAGE = 80
_MIN_PASSAGE_CHARS = 200
_SENTENCE_END = ".!?…;"
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False
    label: bool = False  # a plain-text line taken for a heading (see _with_pseudo_headings)


def clean_text(text: str) -> str:
    """Runs of spaces collapsed, line ends kept, blank edges trimmed, a line that says the
    same thing twice (a scraped banner: "Funded by the EU Funded by the EU") said once."""
    lines = (_said_once(_SPACES.sub(" ", line).strip()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _said_once(line: str) -> str:
    words = line.split(" ")
    half = len(words) // 2
    if len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return line


def build_passages(
    blocks: list[Block], default_lang: str, max_chars: int = MAX_PASSAGE_CHARS
) -> list[Passage]:
    """Consecutive text blocks under one heading, cut at about `max_chars`."""
    passages: list[Passage] = []
    heading = ""
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            text = "\n".join(chunk)
            passages.append(Passage(heading, text, _passage_language(text, default_lang)))
            chunk.clear()

    for block in _with_pseudo_headings(blocks):
        if block.heading:
            # in plain text, a few stray lines before a label join the next section
            if not block.label or sum(map(len, chunk)) >= _MIN_PASSAGE_CHARS:
                flush()
            heading = block.text
            continue
        for piece in _pieces(block.text, default_lang, max_chars):
            if chunk and sum(map(len, chunk)) + len(piece) > max_chars:
                flush()
            chunk.append(piece)
    flush()
    return passages


def guess_title(blocks: list[Block], fallback: str) -> str:
    """The first heading, else the first of the first lines that reads as a title, else the
    first line, else `fallback` (the file name). A line reads as a title when it is short,
    does not end as a sentence does ("This project is funded by the EU."), and is not a
    site's menu ("Home | News | Contact")."""
    for block in blocks[:5]:
        if block.heading:
            return _shorten(block.text)
    lines = [line.strip() for block in blocks for line in block.text.splitlines() if line.strip()]
    for line in lines[:TITLE_LINES]:
        if _reads_as_title(line):
            return _shorten(line)
    return _shorten(lines[0]) if lines else fallback


# How many first lines of a plain text may hold its title.
TITLE_LINES = 5
_MENU_SEPARATORS = re.compile(r"\s[|»>•·/]\s")


def _reads_as_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 20
        and not line.endswith((".", ":", ";", ","))
        and len(_MENU_SEPARATORS.findall(line)) < 2
        and any(char.isalpha() for char in line)
    )


def assemble(
    document: str, title: str, blocks: list[Block], checksum: str, max_chars: int
) -> ParsedDocument:
    """The parsed document: language of the whole text, then passages with their own."""
    whole = "\n".join(block.text for block in blocks)
    lang = detect_language(whole)
    passages = build_passages(blocks, lang, max_chars)
    return ParsedDocument(document, title, lang, passages, checksum)


def searchable_text(document: ParsedDocument, passage: Passage) -> str:
    """What to index for a passage: its title and heading count as its words too."""
    return "\n".join(part for part in (document.title, passage.heading, passage.text) if part)


def _with_pseudo_headings(blocks: list[Block]) -> list[Block]:
    """Short label lines head the text after them; they stay in the text as well, since a
    plain-text label may also carry content ("Partneri 2021/22")."""
    result: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if not block.heading and following and not following.heading and _is_label(block.text):
            result.append(Block(block.text.rstrip(":"), heading=True, label=True))
        result.append(block)
    return result


def _is_label(text: str) -> bool:
    text = text.strip()
    if "\n" in text or ": " in text or not any(char.isalpha() for char in text):
        return False
    if text.endswith(":"):
        return len(text) <= MAX_TITLE_CHARS
    return len(text) <= _PSEUDO_HEADING_CHARS and text[-1] not in _SENTENCE_END + ",)"


def _pieces(text: str, lang: str, max_chars: int) -> list[str]:
    """A block as is, or cut at sentence ends (words, for a run-on sentence) to fit."""
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in sentences(text, lang):
        for part in _split_words(sentence, max_chars):
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = ""
            current = f"{current} {part}".strip()
    if current:
        pieces.append(current)
    return pieces


def _split_words(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts: list[str] = []
    current = ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > max_chars:
            parts.append(current)
            current = ""
        current = f"{current} {word}".strip()
    return [*parts, current] if current else parts


def _passage_language(text: str, default_lang: str) -> str:
    if sum(char.isalpha() for char in text) < _MIN_LETTERS_FOR_OWN_LANGUAGE:
        return default_lang
    return detect_language(text, default=default_lang)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_TITLE_CHARS:
        return text
    return text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
