"""The answering's meaning encoder (bot/qa/semantic.py): its vectors kept by both backends,
through an upload's undo, and the CLI with the encoder on and off."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.qa.semantic import DIMENSIONS, MeaningIndex, packed, unpacked
from storage.base import ContentDocument, ContentPassage
from tests.conftest import run_cli

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

CLEAN_UP = (
    "# Poziv volonterima: čišćenje obale Save\n\n"
    "Udruga Zeleni grad poziva volontere na akciju čišćenja obale rijeke Save u subotu, "
    "17. travnja, od 9 do 13 sati. Okupljanje je kod Mosta slobode, na južnoj strani.\n\n"
    "Udruga osigurava rukavice, vreće za otpad i vodu. Preporučujemo čvrstu obuću.\n\n"
    "Prijave primamo do četvrtka, 15. travnja, na adresu volonteri@zelenigrad.hr. "
    "Broj mjesta ograničen je na 60 volontera.\n"
)


def rows(seed: int, count: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSIONS))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def document(name: str, *texts: str, seed: int = 0, checksum: str = "c1",
             with_vectors: bool = True) -> ContentDocument:
    passages = [
        ContentPassage(f"h{i}", text, "hr", text,
                       packed(rows(seed + i, 1)) if with_vectors else None,
                       packed(rows(seed + 100 + i, 2)) if with_vectors else None,
                       f"{name}\nh{i}\n{text}")
        for i, text in enumerate(texts)
    ]
    return ContentDocument(name, name, "hr", "document", checksum, "1", passages)


async def test_both_backends_keep_each_passage_and_sentence_vector(store) -> None:
    before = await store.vectors_version()
    await store.save_document(document("a.md", "alpha", "beta", seed=1), NOW)
    await store.save_document(document("words.md", "gamma", with_vectors=False), NOW)
    saved = await store.passage_vectors()
    assert [(row.document, row.position) for row in saved] == [("a.md", 0), ("a.md", 1)]
    for row, seed in zip(saved, (1, 2), strict=True):
        assert np.allclose(unpacked(row.vector), rows(seed, 1), atol=1e-3)
    first = await store.vectors_version()
    assert first != before

    passages = await store.document_passages(["a.md", "words.md"])
    by_text = {hit.text: hit.sentence_vectors for hit in passages}
    assert np.allclose(unpacked(by_text["beta"]), rows(102, 2), atol=1e-3)
    assert by_text["gamma"] is None and len(unpacked(by_text["gamma"])) == 0

    index = MeaningIndex()
    await index.refresh(store)
    assert index.nearest(rows(2, 1)[0], 1)[0][:2] == ("a.md", 1)
    await store.save_document(document("a.md", "alpha", "delta", seed=5, checksum="c2"), NOW)
    assert await store.vectors_version() != first  # a replica reads the vectors again
    await index.refresh(store)
    # Replaced again by as many passages (the ids freed are taken again): read again too.
    await store.save_document(document("a.md", "alpha", "omega", seed=7, checksum="c3"), NOW)
    await index.refresh(store)
    [(name, position, cosine)] = index.nearest(rows(8, 1)[0], 1)
    assert (name, position) == ("a.md", 1) and cosine > 0.99
    await store.remove_document("a.md")
    await index.refresh(store)
    assert await store.passage_vectors() == [] and index.nearest(rows(8, 1)[0], 1) == []


async def test_undoing_an_upload_puts_back_the_vectors_it_replaced(store) -> None:
    await store.save_uploaded_document(document("a.md", "first", seed=1), "admin", "c1", NOW)
    _, upload_id = await store.save_uploaded_document(
        document("a.md", "second", seed=9, checksum="c2"), "admin", "c2", NOW)
    assert np.allclose(unpacked((await store.passage_vectors())[0].vector), rows(9, 1),
                       atol=1e-3)
    upload = await store.get_upload(upload_id)
    assert await store.undo_document_upload(upload, NOW) == "undone"
    restored = await store.passage_vectors()
    assert len(restored) == 1 and np.allclose(unpacked(restored[0].vector), rows(1, 1),
                                              atol=1e-3)
    [hit] = await store.document_passages(["a.md"])
    assert hit.text == "first" and np.allclose(unpacked(hit.sentence_vectors), rows(101, 2),
                                               atol=1e-3)
    assert hit.words == "a.md\nh0\nfirst"  # the words read at its import, kept too


def stored_vectors(data: Path) -> list[tuple[int, int | None, int | None]]:
    with sqlite3.connect(data / "civicbot.db") as db:
        return db.execute("SELECT position, length(vector), length(sentence_vectors) "
                          "FROM passages ORDER BY position").fetchall()


def test_the_cli_embeds_on_import_and_answers_with_the_encoder_on_or_off(
    tmp_path: Path, meaning: None
) -> None:
    page = tmp_path / "volonteri.md"
    page.write_text(CLEAN_UP, encoding="utf-8")
    imported = run_cli(["content", "import", str(page)], tmp_path)
    assert imported.returncode == 0, imported.stderr
    [(position, vector, sentences)] = stored_vectors(tmp_path)
    row = DIMENSIONS * 2  # one float16 row
    assert (position, vector) == (0, row)
    assert sentences is not None and sentences % row == 0 and sentences >= 4 * row

    answered = run_cli(["ask", "kada je ciscenje obale"], tmp_path)
    assert answered.stdout.startswith("Udruga Zeleni grad poziva volontere"), answered.stdout
    assert "17. travnja" in answered.stdout

    # Turned off, the same page is indexed again by words alone, and still answers.
    again = run_cli(["content", "import", str(page)], tmp_path, CIVICBOT_QA_MODEL="off")
    assert again.stdout.split()[0] == "updated", again.stdout
    assert stored_vectors(tmp_path) == [(0, None, None)]
    by_words = run_cli(["ask", "do kada su prijave"], tmp_path, CIVICBOT_QA_MODEL="off")
    assert "15. travnja" in by_words.stdout, by_words.stdout
    unchanged = run_cli(["content", "import", str(page)], tmp_path, CIVICBOT_QA_MODEL="off")
    assert unchanged.stdout.split()[0] == "unchanged"

    # A configuration file may turn it off too.
    settings = tmp_path / "civicbot.toml"
    settings.write_text("qa_model = false\n", encoding="utf-8")
    on_again = run_cli(["content", "import", str(page)], tmp_path)
    assert on_again.stdout.split()[0] == "updated"
    assert stored_vectors(tmp_path)[0][1] == DIMENSIONS * 2
    from_file = run_cli(["content", "import", str(page)], tmp_path,
                        CIVICBOT_CONFIG=str(settings), CIVICBOT_QA_MODEL="")
    assert from_file.stdout.split()[0] == "updated"
    assert stored_vectors(tmp_path) == [(0, None, None)]


def test_a_bad_encoder_setting_is_one_configuration_error(tmp_path: Path) -> None:
    done = run_cli(["content", "list"], tmp_path, CIVICBOT_QA_MODEL="sometimes")
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert done.stderr.startswith("civicbot: configuration error:")
    assert "CIVICBOT_QA_MODEL: expected true or false, got 'sometimes'" in done.stderr


@pytest.mark.parametrize("rows_a_shard", [20_000, 100])  # one scan; one per core (two here)
def test_the_faiss_scan_finds_what_numpy_finds_over_the_stored_float16_rows(
    monkeypatch: pytest.MonkeyPatch, rows_a_shard: int
) -> None:
    from bot.qa import semantic
    from bot.qa.semantic import _numpy_scan, _scan_of

    monkeypatch.setattr(semantic, "_ROWS_A_SHARD", rows_a_shard)

    stored = [packed(row[None]) for row in rows(3, 500)]
    question = rows(4, 1)[0]
    exact = _numpy_scan(np.vstack([unpacked(data) for data in stored]))(question, 8)
    found = _scan_of(stored)(question, 8)
    assert [row for row, _ in found] == [row for row, _ in exact]
    assert np.allclose([score for _, score in found], [score for _, score in exact], atol=1e-4)
    assert _scan_of([])(question, 1) == []


async def test_an_events_description_is_embedded_as_a_documents_passages_are(
    core, meaning: None
) -> None:
    from bot.qa.service import service_for
    from tests.test_event_admin_language import new_event

    await new_event(core, "Radionica o otvorenim podacima",
                    "Radionica za udruženja građana o objavi otvorenih podataka.",
                    "Dom omladine, Beograd")
    await service_for(core.store).sync_events(core.clock.now(), force=True)
    [row] = await core.store.passage_vectors()
    assert row.document.startswith("event:") and len(unpacked(row.vector)) == 1
    [passage] = await core.store.document_passages([row.document])
    assert len(unpacked(passage.sentence_vectors)) == 1  # its one sentence


async def test_a_long_documents_passage_nearest_in_meaning_is_read_and_answers(
    store, monkeypatch
) -> None:
    import bot.qa.service as service
    from bot.qa.answering import WHOLE_DOCUMENT

    texts = [f"Poglavlje {i}: izvještaj o radu udruge za godinu {2000 + i}."
             for i in range(WHOLE_DOCUMENT + 5)]
    texts[43] = "Volonteri se okupljaju svake subote u 9 sati kod Mosta slobode."
    vectors = rows(1, len(texts))  # each passage one sentence: its vector the passage's
    passages = [ContentPassage("", text, "hr", text, packed(vectors[i : i + 1]),
                               packed(vectors[i : i + 1]), f"poglavlje\n{i}")
                for i, text in enumerate(texts)]
    await store.save_document(ContentDocument("izvjestaj.md", "Izvještaj", "hr", "document",
                                              "c1", "1", passages), NOW)
    [hit] = await store.passages_at([("izvjestaj.md", 43)])
    assert (hit.text, hit.words) == (texts[43], "poglavlje\n43")
    assert np.allclose(unpacked(hit.sentence_vectors), vectors[43], atol=1e-3)
    # The question shares no word with the document: only its meaning (passage 43's own
    # vector, as if the encoder had put it there) leads to it.
    monkeypatch.setattr(service, "question_vector", lambda question: vectors[43])
    monkeypatch.setattr(service, "encoder", object)  # on, as the service sees it
    result = await service.QuestionAnswering(store).ask(
        "kad se nalaze pomagači?", locale="hr", now=NOW)
    assert result.answer is not None and result.answer.document == "izvjestaj.md"
    assert result.answer.text.startswith("Volonteri se okupljaju svake subote")


async def test_the_start_up_warm_up_reads_the_vectors_before_the_first_question(
    store, meaning: None
) -> None:
    from bot.qa.service import service_for
    from handlers.qa import _warm

    await store.save_document(document("a.md", "alpha", "beta", seed=1), NOW)
    await _warm(store)
    index = service_for(store)._meaning
    assert index.nearest(rows(2, 1)[0], 1)[0][:2] == ("a.md", 1)  # no refresh asked here
