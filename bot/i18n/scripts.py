"""Writing systems: Serbian is written in Cyrillic and Latin, people switch freely.

Serbian Cyrillic maps to Gaj's Latin one-to-one (a few letters become digraphs), so a
Latin catalog, a Latin answer or a Latin search key can be derived mechanically.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_CYR_TO_LAT = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Д": "D",
    "Ђ": "Đ",
    "Е": "E",
    "Ж": "Ž",
    "З": "Z",
    "И": "I",
    "Ј": "J",
    "К": "K",
    "Л": "L",
    "Љ": "Lj",
    "М": "M",
    "Н": "N",
    "Њ": "Nj",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "Ћ": "Ć",
    "У": "U",
    "Ф": "F",
    "Х": "H",
    "Ц": "C",
    "Ч": "Č",
    "Џ": "Dž",
    "Ш": "Š",
}
_CYR_TO_LAT |= {c.lower(): lat.lower() for c, lat in _CYR_TO_LAT.items()}
_TABLE = str.maketrans(_CYR_TO_LAT)


def serbian_to_latin(text: str) -> str:
    """Transliterate Serbian Cyrillic to Latin; other characters pass through.

    A digraph in an all-caps word stays all caps (ЉУБАВ -> LJUBAV, not LjUBAV).
    """
    out = text.translate(_TABLE)
    if out == text or not any(c in text for c in "ЉЊЏ"):
        return out
    words = []
    for src, dst in zip(text.split(" "), out.split(" "), strict=True):
        letters = [c for c in src if c.isalpha()]
        words.append(dst.upper() if len(letters) > 1 and all(c.isupper() for c in letters) else dst)
    return " ".join(words)


def is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def dominant_script(text: str) -> str | None:
    """'Cyrl' or 'Latn' for the letters that dominate text, None when it has no letters."""
    cyr = lat = 0
    for char in text:
        if char.isalpha():
            if is_cyrillic(char):
                cyr += 1
            elif "LATIN" in unicodedata.name(char, ""):
                lat += 1
    if not cyr and not lat:
        return None
    return "Cyrl" if cyr > lat else "Latn"


# Ukrainian and Russian letters outside the Serbian alphabet, in Serbian Latin spelling.
_OTHER_CYRILLIC = str.maketrans({
    "є": "je", "ї": "ji", "і": "i", "й": "j", "ю": "ju", "я": "ja", "щ": "šč", "ґ": "g",
    "ь": "", "ъ": "", "ы": "y", "э": "e", "ё": "jo",
})  # fmt: skip
_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`](?=\w)")


def fold(text: str) -> str:
    """Case, diacritics and script folded to lower-case ASCII (`Učešće`, `УЧЕШЋЕ` -> `ucesce`)."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    return anyascii(serbian_to_latin(text).translate(_OTHER_CYRILLIC)).lower()
