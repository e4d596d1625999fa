"""Content import: documents (txt, md, html, pdf, docx) and FAQ YAML into passages and entries.

Pure functions over files: nothing here touches the database. Storage indexes what
`read_document` and `read_faq` return; `bot.qa.textnorm` turns their text into index terms.
"""

from bot.content.faq import read_faq
from bot.content.model import ContentError, FaqEntry, ParsedDocument, Passage
from bot.content.passages import searchable_text
from bot.content.readers import (
    DEFAULT_MAX_BYTES,
    DOCUMENT_SUFFIXES,
    FAQ_SUFFIXES,
    read_document,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DOCUMENT_SUFFIXES",
    "FAQ_SUFFIXES",
    "ContentError",
    "FaqEntry",
    "ParsedDocument",
    "Passage",
    "read_document",
    "read_faq",
    "searchable_text",
]
