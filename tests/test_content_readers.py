"""Content import from the files an admin uploads: every format, encoding and bad file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from bot.content import ContentError, read_document, read_faq
from bot.content.passages import Block, build_passages

SLOVENIAN = "Inštitut bo v letu 2020 organiziral 6. Dan vključujoče informacijske družbe."
SERBIAN = "Пријаве за учешће шаљу се најкасније до среде, 13. марта 2019. године."
POLISH = "Z powodów organizacyjnych zapisy trwają do 18 lutego. Źródło: MAC, współpraca."


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def tiny_pdf(lines: list[str], title: str = "Vabilo") -> bytes:
    """A real one-page PDF with a text layer (Helvetica, ASCII text)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
    return out + f"{trailer}startxref\n{xref}\n%%EOF\n".encode()


# --- formats ----------------------------------------------------------------------------


def test_markdown_passages_keep_heading_title_and_file_name(tmp_path: Path) -> None:
    text = f"# Program dela 2020\n\n## Dogodki\n\n{SLOVENIAN}\n\n## Mreža\n\nMreža NVO-VID deluje."
    document = read_document(write(tmp_path, "program.md", text))
    assert document.document == "program.md"
    assert document.title == "Program dela 2020"
    assert document.lang == "sl"
    assert [(p.heading, p.text) for p in document.passages] == [
        ("Dogodki", SLOVENIAN),
        ("Mreža", "Mreža NVO-VID deluje."),
    ]


def test_plain_text_title_is_its_first_line_and_markup_is_dropped(tmp_path: Path) -> None:
    text = f"MAC zaprasza na konferencję\n\n**Ważne:** {POLISH}\n"
    document = read_document(write(tmp_path, "mac.txt", text))
    assert document.title == "MAC zaprasza na konferencję"
    assert "**" not in "\n".join(p.text for p in document.passages)
    assert document.lang == "pl"


def test_a_plain_texts_title_is_not_a_menu_nor_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "razpis.txt"
    path.write_text(
        "Domov | Novice | Razpisi | Kontakt\n\n"
        "Ta projekt sofinancira Evropska unija.\n\n"
        "Javni razpis za mladinske projekte 2025\n\n"
        "Občina vabi mladinske organizacije, da prijavijo svoje projekte do 20. 3. 2025.\n",
        encoding="utf-8",
    )
    assert read_document(path).title == "Javni razpis za mladinske projekte 2025"


def test_a_line_said_twice_is_kept_once(tmp_path: Path) -> None:
    # scraped pages repeat banners: "Funded by the EU Funded by the EU"
    path = tmp_path / "cetra.txt"
    banner = "Овај пројекат финансира Европска унија"
    path.write_text(f"{banner} {banner}\n\nТрајање пројекта: 01/08/2021 – 31/07/2022\n\nНе не\n",
                    encoding="utf-8")
    document = read_document(path)
    assert document.title == "Овај пројекат финансира Европска унија"
    assert document.passages[0].text.splitlines()[0] == document.title
    assert "Не не" in document.passages[0].text  # a short line is left as written


def test_utf8_with_bom(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + POLISH.encode()))
    assert document.passages[0].text == POLISH


def test_cp1250_slovenian_is_decoded(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "sl.txt", SLOVENIAN.encode("cp1250")))
    assert document.passages[0].text == SLOVENIAN


def test_cp1251_serbian_cyrillic_is_decoded(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "sr.txt", SERBIAN.encode("cp1251")))
    assert document.passages[0].text == SERBIAN
    assert document.lang == "sr"


def test_iso_8859_2_polish_is_decoded(tmp_path: Path) -> None:
    text = f"{POLISH} Zażółć gęślą jaźń, proszę się zapisać."
    document = read_document(write(tmp_path, "pl.txt", text.encode("iso8859_2")))
    assert document.passages[0].text == text


def test_html_keeps_main_text_without_menus_or_scripts(tmp_path: Path) -> None:
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Poziv</title>
    <script>var tracking = "secret";</script><style>p {{color: red}}</style></head>
    <body><nav><a href="/">Početna</a> <a href="/o-nama">O nama</a></nav>
    <main><h1>Poziv na konferenciju</h1><p>{SERBIAN}</p>
    <ul><li>Prijave: <b>e-mail</b> danilo.rodic@civilnodrustvo.gov.rs</li></ul></main>
    <footer>© Kancelarija</footer></body></html>"""
    document = read_document(write(tmp_path, "poziv.html", page))
    text = "\n".join(p.text for p in document.passages)
    assert document.title == "Poziv"
    assert document.passages[0].heading == "Poziv na konferenciju"
    assert SERBIAN in text and "e-mail danilo.rodic@civilnodrustvo.gov.rs" in text
    for left_out in ("tracking", "color", "Početna", "O nama", "Kancelarija"):
        assert left_out not in text


def test_deeply_nested_html_is_read_without_recursion(tmp_path: Path) -> None:
    page = "<div>" * 5000 + "<p>Zapisy trwają do 18 lutego.</p>" + "</div>" * 5000
    document = read_document(write(tmp_path, "deep.html", page))
    assert document.passages[0].text == "Zapisy trwają do 18 lutego."


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    word = docx.Document()
    word.core_properties.title = "Linia Współpracy"
    word.add_heading("Konferencja", level=1)
    word.add_paragraph(POLISH)
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Termin"
    table.rows[0].cells[1].text = "21 lutego"
    path = tmp_path / "linia.docx"
    word.save(path)
    document = read_document(path)
    assert document.title == "Linia Współpracy"
    assert document.passages[0].heading == "Konferencja"
    assert document.passages[0].text == f"{POLISH}\nTermin | 21 lutego"


def test_pdf_text_layer(tmp_path: Path) -> None:
    pdf = tiny_pdf(["Rok za prijavo je 13. marec 2019.", "Prijave sprejema Simon Delakorda."])
    document = read_document(write(tmp_path, "vabilo.pdf", pdf))
    assert document.title == "Vabilo"
    text = document.passages[0].text
    assert "13. marec 2019" in text and "Simon Delakorda" in text


def test_checksum_identifies_the_content(tmp_path: Path) -> None:
    first = read_document(write(tmp_path, "a.txt", POLISH))
    again = read_document(write(tmp_path, "b.txt", POLISH))
    changed = read_document(write(tmp_path, "c.txt", POLISH + " Nowe."))
    assert first.checksum == again.checksum != changed.checksum


def test_passages_are_bounded_and_keep_their_heading() -> None:
    blocks = [Block("Dolgi razdelek", heading=True), Block(" ".join([SLOVENIAN] * 60))]
    passages = build_passages(blocks, "sl", max_chars=500)
    assert len(passages) > 1
    assert all(len(p.text) <= 500 and p.heading == "Dolgi razdelek" for p in passages)


def test_plain_text_label_lines_head_what_follows(tmp_path: Path) -> None:
    text = "Projekt\n\nPartnerzy projektu:\n\nNGO Europejski Dialog, Lwowska rada obwodowa.\n"
    document = read_document(write(tmp_path, "p.txt", text))
    assert document.passages[-1].heading == "Partnerzy projektu"
    assert "NGO Europejski Dialog" in document.passages[-1].text


# --- FAQ --------------------------------------------------------------------------------


FAQ = """
faq:
  - key: deadline
    question:
      sl: Do kdaj se lahko prijavim?
      sr:
        - До када могу да се пријавим?
        - Do kada mogu da se prijavim?
    answer:
      sl: Prijave sprejemamo do 13. marca.
      sr: Пријаве примамо до 13. марта.
  - question: Where is the conference?
    answer: In Hotel Hyatt, Belgrade.
events:
  - title: Konferencija
    starts: 2019-03-15T10:00:00+01:00
"""


def test_faq_entries_per_locale_and_events_left_alone(tmp_path: Path) -> None:
    entries = read_faq(write(tmp_path, "content.yaml", FAQ))
    assert [entry.key for entry in entries] == ["deadline", "content-2"]
    assert (
        entries[0].questions["sr"] == "До када могу да се пријавим?\nDo kada mogu da se prijavim?"
    )
    assert entries[0].answer_for("sl") == ("sl", "Prijave sprejemamo do 13. marca.")
    assert entries[0].answer_for("sr_Latn") == ("sr", "Пријаве примамо до 13. марта.")
    assert entries[1].answers == {"en": "In Hotel Hyatt, Belgrade."}


def test_yaml_without_faq_gives_no_entries(tmp_path: Path) -> None:
    assert read_faq(write(tmp_path, "events.yml", "events: []\n")) == []


# --- bad files --------------------------------------------------------------------------


def assert_refused(path: Path, reason: str, **limits: int) -> None:
    reader = read_faq if path.suffix in (".yaml", ".yml") else read_document
    with pytest.raises(ContentError) as raised:
        reader(path, **limits)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{path.name}: ")
    assert reason in message


def test_bad_files_are_refused_with_one_clear_line(tmp_path: Path) -> None:
    zip_not_docx = tmp_path / "other.docx"
    with zipfile.ZipFile(zip_not_docx, "w") as archive:
        archive.writestr("hello.txt", "hi")
    cases = [
        (write(tmp_path, "empty.txt", b""), "empty"),
        (write(tmp_path, "virus.exe", b"MZ\x90\x00"), "unsupported file type"),
        (write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
        (write(tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"), "not a readable"),
        (write(tmp_path, "fake.pdf", b"just some text, no pdf"), "not a readable PDF"),
        (write(tmp_path, "broken.docx", b"PK\x03\x04 not really a zip"), "not a readable Word"),
        (zip_not_docx, "not a Word"),
        (write(tmp_path, "blank.md", "   \n\n  \n"), "no text"),
        (write(tmp_path, "faq.yaml", "faq: [unclosed"), "not valid YAML"),
        (write(tmp_path, "no-answer.yaml", "faq:\n  - question: Kdaj?\n"), "needs a question and"),
    ]
    for path, reason in cases:
        assert_refused(path, reason)


def test_yaml_is_not_read_as_a_document(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="not a document"):
        read_document(write(tmp_path, "faq.yaml", "faq: []"))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path / "gone.txt", "cannot be read")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, "big.txt", POLISH * 10), "too large", max_bytes=100)


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/zeros.bin", b"\0" * (12 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    assert_refused(bomb, "zip bomb", max_bytes=1024 * 1024)


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, "scan.pdf", tiny_pdf([])), "no text layer")


def test_deeply_nested_yaml_is_refused(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, "deep.yaml", "faq: " + "[" * 100 + "]" * 100), "nested")


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\nfaq: []\n"
    assert_refused(write(tmp_path, "laughs.yaml", laughs), "aliases")


def test_yaml_is_never_loaded_unsafely(tmp_path: Path) -> None:
    evil = "faq: !!python/object/apply:os.system ['echo pwned']\n"
    assert_refused(write(tmp_path, "evil.yaml", evil), "not valid YAML")
