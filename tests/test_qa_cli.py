"""`civicbot content ...` and `civicbot ask` as an organiser and a script would run them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

CONFERENCE = (
    "Poziv na konferenciju\n\n"
    "Konferencija Partnerstvo za otvorenu upravu održaće se u petak, 15. marta 2019. godine "
    "u hotelu „Hajat“, Novi Beograd.\n\n"
    "Prijave za učešće šalju se na adresu danilo.rodic@civilnodrustvo.gov.rs najkasnije do "
    "srede, 13. marta 2019. godine.\n"
)
CONTENT_YAML = """\
faq:
  - key: parking
    question: {en: "Is there parking at the venue?", sl: "Ali je pri prizorišču parkirišče?"}
    answer: {en: "Yes, free parking behind the hall.", sl: "Da, brezplačno parkirišče za dvorano."}
events:
  - id: budget-forum-2030
    title: {en: "Citizens' budget forum"}
    description: {en: "A public forum on the municipal budget with the city council."}
    starts_at: 2030-05-14T17:00:00+02:00
    timezone: Europe/Ljubljana
    location: {en: "Town hall, Mestni trg 1, Ljubljana"}
    registration_deadline: 2030-05-10
    fields: [name, email]
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_import_reports_each_bad_file_and_imports_the_rest(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "poziv.md", CONFERENCE)
    write(docs, "cp1250.txt", "Prijave za delavnico zbiramo do petka, 12. junija.".encode("cp1250"))
    write(docs, "binary.txt", b"\x00\x01\x02 not text")
    write(docs, "broken.pdf", b"%PDF-1.4\nthis is no pdf at all")
    write(docs, "empty.md", "")
    write(docs, "picture.xyz", "what is this")
    done = run_cli(["content", "import", str(docs), str(tmp_path / "missing.txt")], tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("civicbot:")]
    assert len(errors) == 5, done.stderr
    for name in ("binary.txt", "broken.pdf", "empty.md", "picture.xyz", "missing.txt"):
        assert sum(name in line for line in errors) == 1, (name, errors)
    assert "Traceback" not in done.stderr
    assert "created   " in done.stdout and "poziv.md (1 passage)" in done.stdout
    assert "cp1250.txt" in done.stdout

    write(docs, "poziv.md", CONFERENCE.replace("13. marta", "14. marta"))
    again = run_cli(["content", "import", str(docs / "cp1250.txt"), str(docs / "poziv.md")],
                    tmp_path)
    assert again.returncode == 0
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["unchanged", "updated"]

    listed = run_cli(["content", "list"], tmp_path)
    assert "poziv.md" in listed.stdout and "cp1250.txt" in listed.stdout
    assert "broken.pdf" not in listed.stdout

    answer = run_cli(["ask", "--json", "do kada se salju prijave?"], tmp_path)
    result = json.loads(answer.stdout)
    assert result["found"] is True and "14. marta 2019" in result["answer"]
    assert result["sources"][0]["document"] == "poziv.md"

    assert run_cli(["content", "remove", "poziv.md"], tmp_path).returncode == 0
    assert "poziv.md" not in run_cli(["content", "list"], tmp_path).stdout


def test_ask_reads_questions_from_stdin_one_line_each(tmp_path: Path) -> None:
    write(tmp_path, "poziv.md", CONFERENCE)
    write(tmp_path, "content.yaml", CONTENT_YAML)
    imported = run_cli(["content", "import", str(tmp_path / "poziv.md"),
                        str(tmp_path / "content.yaml")], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "event created   budget-forum-2030" in imported.stdout
    questions = [
        "U kom hotelu je konferencija?",
        "У ком хотелу је конференција?",
        "Is there parking at the venue?",
        "When is the citizens' budget forum?",
        "Who won the football match yesterday?",
    ]
    done = run_cli(["ask", "--json", "-"], tmp_path, stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert set(line) == {"question", "found", "answer", "lang", "sources"}
    latin, cyrillic, faq, event, off_topic = lines
    assert "hotelu „Hajat“" in latin["answer"] and latin["lang"] == "sr_Latn"
    assert "хотелу „Хајат“" in cyrillic["answer"] and cyrillic["lang"] == "sr"
    assert faq["answer"] == "Yes, free parking behind the hall."
    assert faq["sources"][0]["document"] == "content.yaml"
    assert event["found"] and event["sources"][0]["document"] == "event:budget-forum-2030"
    assert "Tuesday, May 14, 2030" in event["answer"] and "2030-05-14" not in event["answer"]
    assert off_topic == {"question": questions[4], "found": False, "lang": "en", "sources": [],
                         "answer": "Sorry, I don't know the answer to that."}

    plain = run_cli(["ask", "--lang", "sl", "-"], tmp_path,
                    stdin="Ali je pri prizorišču parkirišče?\nKakšno bo vreme jutri?\n")
    assert plain.stdout.splitlines() == ["Da, brezplačno parkirišče za dvorano.",
                                         "Žal odgovora na to ne poznam."]
    removed = run_cli(["content", "remove", "nothing.md"], tmp_path)
    assert removed.returncode == 1 and "no document 'nothing.md'" in removed.stderr
