"""Readers: one function per file format, each returning headings and text in reading order.

Every failure an admin can cause (wrong type, binary, broken, empty, too big) becomes one
`ContentError` whose message names the file and the reason.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import charset_normalizer
import docx
import docx.document
import pypdf
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table
from lxml import etree
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from bot.content.model import ContentError, ParsedDocument
from bot.content.passages import MAX_PASSAGE_CHARS, Block, assemble, clean_text, guess_title

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx is a zip: what it unpacks to is bounded too (a 20 MB file of zeros unpacks to GBs),
# counted while unpacking, never taken from the archive's directory (which may lie).
UNZIPPED_FACTOR = 10
_MAX_ZIP_ENTRIES = 5000
_DOCX_BODY = "word/document.xml"  # its text is parsed into a tree: at most max_bytes of it
_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
_CHUNK = 64 * 1024
# A 1,000-page report has some 20,000 paragraphs; past these, a file is refused, not read on.
DEFAULT_MAX_PARAGRAPHS = 50_000
DEFAULT_MAX_SECONDS = 60.0
# Legacy single-byte encodings of the region, tried when a file is not UTF-8.
_LEGACY_ENCODINGS = ["cp1250", "cp1251", "iso8859_2"]
_BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}

_HTML_DROPPED = [
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "nav",
    "header", "footer", "aside", "form", "button", "select", "menu", "dialog",
]  # fmt: skip
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_BLOCKS = _HTML_HEADINGS | frozenset([
    "p", "div", "li", "dt", "dd", "td", "th", "tr", "pre", "blockquote", "figcaption",
    "caption", "section", "article", "main", "ul", "ol", "dl", "table", "br", "hr", "address",
])  # fmt: skip
_HTML_MAIN = ("main", "article", "[role=main]")

_markdown = MarkdownIt("commonmark")

Blocks = tuple[str, list[Block]]  # (title or "", blocks)


class Limits:
    """What one file may cost: bytes (unpacked too), paragraphs, and time."""

    def __init__(self, path: Path, max_bytes: int, max_paragraphs: int, max_seconds: float):
        self.path = path
        self.max_bytes = max_bytes
        self.max_paragraphs = max_paragraphs
        self.max_seconds = max_seconds
        self._deadline = time.monotonic() + max_seconds

    def check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise ContentError(self.path, f"took longer than {self.max_seconds:g} s to read: "
                                          "refused")

    def check_paragraphs(self, count: int) -> None:
        if count > self.max_paragraphs:
            raise ContentError(self.path, f"has more than {self.max_paragraphs:,} paragraphs: "
                                          "refused")


def read_document(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = MAX_PASSAGE_CHARS,
    data: bytes | None = None, max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> ParsedDocument:
    """Read a .txt, .md, .html, .pdf or .docx file into titled, language-tagged passages
    (`data`: its bytes, when the caller has read them already). A file past its limits
    (bytes, also unpacked; paragraphs; seconds) is refused as a whole."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if path.suffix.lower() in FAQ_SUFFIXES:
        raise ContentError(path, "YAML is structured content (FAQ), not a document")
    if reader is None:
        raise ContentError(path, f"unsupported file type {path.suffix or '(none)'!r}")
    limits = Limits(path, max_bytes, max_paragraphs, max_seconds)
    if data is None:
        data = read_bounded(path, max_bytes)
    title, blocks = reader(path, data, limits)
    limits.check_paragraphs(len(blocks))
    blocks = [Block(text, block.heading) for block in blocks if (text := clean_text(block.text))]
    if not any(not block.heading for block in blocks):
        raise ContentError(path, "no text found in it")
    title = clean_text(title).replace("\n", " ") or guess_title(blocks, path.stem)
    checksum = hashlib.sha256(data).hexdigest()
    return assemble(path.name, title, blocks, checksum, max_chars)


def read_bounded(path: Path, max_bytes: int, *, follow_links: bool = True) -> bytes:
    """The file's bytes, refusing a missing, empty or oversized file before reading it (and
    never reading more than `max_bytes`, should it grow meanwhile). `follow_links=False`:
    a symbolic link is refused, also one swapped in after the folder was walked."""
    flags = os.O_RDONLY | (0 if follow_links else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise ContentError(path, "is a symbolic link: not followed") from None
        raise ContentError(path, f"cannot be read ({error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        size = status.st_size
        if not stat.S_ISREG(status.st_mode):
            raise ContentError(path, "is not a regular file")
        if size == 0:
            raise ContentError(path, "the file is empty")
        if size > max_bytes:
            raise ContentError(path, f"too large ({_megabytes(size)}, "
                                     f"limit {_megabytes(max_bytes)})")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ContentError(path, f"too large (over {_megabytes(max_bytes)})")
    return data


def decode_text(path: Path, data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16, cp1250, cp1251 or ISO-8859-2."""
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            return _decode(path, data, encoding)
    if b"\x00" in data:
        raise ContentError(path, "looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None:
        raise ContentError(path, "not text in a known encoding (UTF-8, cp1250, cp1251, ISO-8859-2)")
    return str(best)


def read_plain_or_markdown(path: Path, data: bytes, limits: Limits) -> Blocks:
    """Plain text and Markdown alike: CommonMark reads plain paragraphs as paragraphs."""
    blocks: list[Block] = []
    tokens = _markdown.parse(decode_text(path, data))
    in_heading = False
    number = ""  # "7. " of an ordered list item: plain text often starts a line that way
    limits.check_time()
    limits.check_paragraphs(sum(token.type == "inline" for token in tokens))
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "list_item_open" and token.info:
            number = f"{token.info}{token.markup} "
        elif token.type == "inline":
            text = number + _inline_text(token.children or [])
            blocks.append(Block(text, heading=in_heading))
            number = ""
        elif token.type in ("code_block", "fence", "html_block"):
            blocks.append(Block(token.content))
    return "", blocks


def read_html(path: Path, data: bytes, limits: Limits) -> Blocks:
    """The main text of a page: menus, headers, footers, scripts and forms left out."""
    tree = LexborHTMLParser(decode_text(path, data))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    tree.strip_tags(_HTML_DROPPED)
    root = next((node for sel in _HTML_MAIN if (node := tree.css_first(sel))), None) or tree.body
    if root is None:
        return title, []
    blocks = _html_blocks(root, limits)
    if not title:
        title = next((block.text for block in blocks if block.heading), "")
    return title, blocks


def read_pdf(path: Path, data: bytes, limits: Limits) -> Blocks:
    """The text layer of a PDF, page by page; a scanned PDF without one is refused."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ContentError(path, "the PDF is password-protected")
        title = (reader.metadata.title if reader.metadata else None) or ""
        pages = []
        for page in reader.pages:
            limits.check_time()
            pages.append(page.extract_text() or "")
    except ContentError:
        raise
    except Exception:
        raise ContentError(path, "not a readable PDF (damaged or not a PDF)") from None
    blocks = [Block(paragraph) for page in pages for paragraph in _pdf_paragraphs(page)]
    if not blocks:
        raise ContentError(path, "the PDF has no text layer (a scan?); import its text instead")
    return str(title), blocks


def read_docx(path: Path, data: bytes, limits: Limits) -> Blocks:
    """Paragraphs and tables of a Word document in order; Heading and Title styles head."""
    _check_docx_archive(path, data, limits)
    try:
        document = docx.Document(io.BytesIO(data))  # the very bytes that were checked
        headings = _docx_heading_styles(document)
    except Exception:  # python-docx raises many types for a damaged package
        raise ContentError(path, "not a readable Word (.docx) document") from None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        limits.check_time()
        if isinstance(item, Table):
            blocks.extend(_docx_table_rows(item))
        else:
            # The style id read directly: python-docx's Paragraph.style looks the default
            # style up again for every paragraph (a millisecond each).
            style_id = item._p.style
            blocks.append(Block(item.text, heading=headings.get(style_id, headings[None])))
    return document.core_properties.title or "", blocks


def _docx_heading_styles(document: docx.document.Document) -> dict[str | None, bool]:
    """Paragraph style id -> whether it heads (Heading n, Title); None: the default style."""
    styles = document.styles
    default = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    heads = {
        style.style_id: (style.name or "").startswith(("Heading", "Title"))
        for style in styles if style.type == WD_STYLE_TYPE.PARAGRAPH
    }
    heads[None] = bool(default is not None and heads.get(default.style_id))
    return heads


def _check_docx_archive(path: Path, data: bytes, limits: Limits) -> None:
    """Unpack every member as a stream, counting the bytes it really gives (an archive's
    directory may lie about them) and the body's paragraphs, before python-docx builds
    anything: refused past the limits, in constant memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ContentError(path, "not a readable Word (.docx) document") from None
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise ContentError(path, f"has {len(entries):,} parts: refused as a zip bomb")
    if _DOCX_BODY not in {entry.filename for entry in entries}:
        raise ContentError(path, "not a Word (.docx) document")
    budget = limits.max_bytes * UNZIPPED_FACTOR
    unpacked = 0
    try:
        for entry in entries:
            body = entry.filename == _DOCX_BODY
            counted, paragraphs = 0, 0
            parser = etree.XMLPullParser(events=("end",), tag=_W_P, resolve_entities=False,
                                         no_network=True) if body else None
            with archive.open(entry) as member:
                while chunk := member.read(_CHUNK):
                    counted += len(chunk)
                    unpacked += len(chunk)
                    if unpacked > budget:
                        raise ContentError(path, f"unpacks to more than {_megabytes(budget)}: "
                                                 "refused as a zip bomb")
                    if body and counted > limits.max_bytes:
                        raise ContentError(path, f"its text unpacks to more than "
                                                 f"{_megabytes(limits.max_bytes)}: refused")
                    limits.check_time()
                    if parser is not None:
                        parser.feed(chunk)
                        paragraphs += _forget_paragraphs(parser)
                        limits.check_paragraphs(paragraphs)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            etree.XMLSyntaxError):
        raise ContentError(path, "not a readable Word (.docx) document (damaged)") from None


def _forget_paragraphs(parser: etree.XMLPullParser) -> int:
    """How many paragraphs the parser finished, each dropped at once (memory stays flat)."""
    count = 0
    for _, element in parser.read_events():
        count += 1
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
    return count


def _docx_table_rows(table: Table) -> list[Block]:
    rows = []
    for row in table.rows:
        cells = dict.fromkeys(cell.text.strip() for cell in row.cells)  # merged cells repeat
        rows.append(Block(" | ".join(cell for cell in cells if cell)))
    return rows


def _inline_text(children: list) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


def _html_blocks(root, limits: Limits) -> list[Block]:
    """Text between block-level tags; iterative, so deep nesting cannot overflow the stack."""
    blocks: list[Block] = []
    parts: list[str] = []
    heading = False
    for number, node in enumerate(root.traverse(include_text=True)):
        if number % 1024 == 0:
            limits.check_time()
            limits.check_paragraphs(len(blocks))
        if node.is_text_node:
            parts.append(node.text_content or "")
        elif node.tag in _HTML_BLOCKS:
            blocks.append(Block(" ".join("".join(parts).split()), heading))
            parts.clear()
            heading = node.tag in _HTML_HEADINGS
    blocks.append(Block(" ".join("".join(parts).split()), heading))
    return [block for block in blocks if block.text]


def _pdf_paragraphs(page_text: str) -> list[str]:
    """Paragraphs of a page: blank lines separate, hard-wrapped lines are joined."""
    paragraphs = []
    for chunk in page_text.replace("\r", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        text = ""
        for line in lines:
            if text.endswith("-") and line[:1].islower():
                text = text[:-1] + line  # a word hyphenated at the line end
            else:
                text = f"{text} {line}".strip()
        if text:
            paragraphs.append(text)
    return paragraphs


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ContentError(path, f"not valid {encoding} text") from None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_READERS: dict[str, Callable[[Path, bytes, Limits], Blocks]] = {
    ".txt": read_plain_or_markdown,
    ".md": read_plain_or_markdown,
    ".markdown": read_plain_or_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}
DOCUMENT_SUFFIXES = frozenset(_READERS)
FAQ_SUFFIXES = frozenset({".yaml", ".yml"})
