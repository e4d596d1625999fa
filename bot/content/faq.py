"""FAQ entries from structured YAML content.

    faq:
      - key: sign-up-deadline          # optional, defaults to <file>-1, <file>-2, ...
        question: {sl: "Do kdaj ...?", sr: "До када ...?", en: "Until when ...?"}
        answer: {sl: "...", sr: "...", en: "..."}
    events: [...]                      # the events loader's part: not read here

A question may also be a list of phrasings per locale, and a plain string stands for the
file's `locale:` (default `en`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.model import ContentError, FaqEntry
from bot.content.readers import DEFAULT_MAX_BYTES, decode_text, read_bounded

MAX_NESTING = 20
_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def read_faq(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[FaqEntry]:
    """The `faq:` entries of a YAML file (other top-level keys such as `events:` are ignored)."""
    path = Path(path)
    text = decode_text(path, read_bounded(path, max_bytes))
    content = load_yaml_safely(path, text)
    if not isinstance(content, dict):
        raise ContentError(path, "expected a mapping with a top-level 'faq:' key")
    if "faq" not in content:
        return []
    default_locale = str(content.get("locale") or "en")
    return parse_faq(path, content["faq"], default_locale)


def load_yaml_safely(path: Path, text: str) -> object:
    """`yaml.safe_load`, after refusing aliases and nesting deeper than MAX_NESTING."""
    try:
        _check_structure(path, text)
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContentError(path, f"not valid YAML{where}") from None


def parse_faq(path: Path, raw: object, default_locale: str = "en") -> list[FaqEntry]:
    """Entries from the value of `faq:`: a list of entries or a mapping key -> entry."""
    if isinstance(raw, dict):
        items: list[tuple[str | None, object]] = [(str(k), v) for k, v in raw.items()]
    elif isinstance(raw, list):
        items = [(None, value) for value in raw]
    else:
        raise ContentError(path, "'faq:' must be a list of entries")
    entries = [_entry(path, number, key, value, default_locale)
               for number, (key, value) in enumerate(items, start=1)]  # fmt: skip
    keys = [entry.key for entry in entries]
    if duplicate := next((key for key in keys if keys.count(key) > 1), None):
        raise ContentError(path, f"FAQ key {duplicate!r} is used twice")
    return entries


def _entry(path: Path, number: int, key: str | None, raw: object, locale: str) -> FaqEntry:
    if not isinstance(raw, dict):
        raise ContentError(path, f"FAQ entry {number} is not a mapping")
    questions = _localised(path, number, raw.get("question", raw.get("questions")), locale)
    answers = _localised(path, number, raw.get("answer", raw.get("answers")), locale)
    if not questions or not answers:
        raise ContentError(path, f"FAQ entry {number} needs a question and an answer")
    # A key of its own file by default: two files of keyless entries never clash.
    return FaqEntry(str(raw.get("key") or key or f"{path.stem}-{number}"), questions, answers)


def _localised(path: Path, number: int, raw: object, default_locale: str) -> dict[str, str]:
    """locale -> text from a string, a list of phrasings, or a mapping of either."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raw = {default_locale: raw}
    texts: dict[str, str] = {}
    for locale, value in raw.items():
        phrasings = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str | int | float) for item in phrasings):
            raise ContentError(path, f"FAQ entry {number}: {locale} must be text")
        text = "\n".join(str(item).strip() for item in phrasings if str(item).strip())
        if text:
            texts[str(locale)] = text
    return texts


def _check_structure(path: Path, text: str) -> None:
    """Scan tokens (no tree built yet): aliases and deep nesting are refused up front."""
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AliasToken):
            raise ContentError(path, "YAML aliases (*name) are not accepted")
        if isinstance(token, _OPENING):
            depth += 1
            if depth > MAX_NESTING:
                raise ContentError(path, f"nested deeper than {MAX_NESTING} levels")
        elif isinstance(token, _CLOSING):
            depth -= 1
