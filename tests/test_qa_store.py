"""The content store on both backends: whole documents, FAQ keys, and one BM25 for both."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from storage.base import ContentConflict, ContentDocument, ContentPassage, FaqRecord

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def document(name: str, *texts: str, kind: str = "document", checksum: str = "c1",
             faq: list[FaqRecord] | None = None) -> ContentDocument:
    passages = [ContentPassage(f"h{i}", text, "en", text) for i, text in enumerate(texts)]
    return ContentDocument(name, name.upper(), "en", kind, checksum, "1", passages, faq or [])


def fts5_bm25(corpus: list[list[str]], query: list[str], row: list[str]) -> float:
    """FTS5's bm25() for one row (k1 1.2, b 0.75, idf floored at 1e-6), as a positive score."""
    total = len(corpus)
    average = sum(map(len, corpus)) / total
    score = 0.0
    for term in dict.fromkeys(query):
        hits = sum(term in terms for terms in corpus)
        idf = max(math.log((total - hits + 0.5) / (hits + 0.5)), 1e-6)
        tf = row.count(term)
        score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(row) / average))
    return score


async def test_search_ranks_with_the_same_bm25_on_both_backends(store) -> None:
    texts = ["konfer ogp hajat hajat", "konfer lini wspolpraca 18 lutego", "ogp ucesce prijava",
             "cetra pancevo strategija podaci", "zzgoal svrha promovisanje ogp konfer",
             "biblioteka irex lwow", "dzien dan dan", "ogp"]
    await store.save_document(document("a.txt", *texts[:4]), NOW)
    await store.save_document(document("b.txt", *texts[4:]), NOW)
    query = ["ogp", "konfer", "hajat", "nothing"]
    hits = await store.search_passages(query, 10)
    corpus = [text.split() for text in texts]
    expected = sorted(
        ((fts5_bm25(corpus, query, terms), text) for terms, text in zip(corpus, texts, strict=True)
         if set(terms) & set(query)), key=lambda pair: -pair[0])
    assert [hit.text for hit in hits] == [text for _, text in expected]
    for hit, (score, _) in zip(hits, expected, strict=True):
        assert hit.score == pytest.approx(score, rel=1e-9)
    first = hits[0]
    assert (first.document, first.title, first.heading, first.position) == ("a.txt", "A.TXT",
                                                                            "h0", 0)
    assert await store.search_passages(["absent"], 10) == []
    assert await store.search_passages([], 10) == []
    assert len(await store.search_passages(query, 2)) == 2


async def test_a_document_is_replaced_whole_and_removed_with_its_passages(store) -> None:
    assert await store.save_document(document("a.txt", "alpha beta", "gamma"), NOW) == "created"
    assert await store.content_checksums() == {"a.txt": ("c1", "1")}
    assert await store.save_document(document("a.txt", "delta", checksum="c2"), NOW) == "updated"
    assert await store.search_passages(["alpha", "gamma"], 10) == []
    assert [hit.text for hit in await store.search_passages(["delta"], 10)] == ["delta"]
    listed = await store.list_documents()
    assert [(d.name, d.kind, d.passage_count, d.checksum) for d in listed] == [
        ("a.txt", "document", 1, "c2")]
    assert listed[0].imported_at == NOW
    assert await store.remove_document("a.txt") is True
    assert await store.remove_document("a.txt") is False
    assert await store.search_passages(["delta"], 10) == []
    assert await store.list_documents() == []


async def test_faq_keys_belong_to_one_document(store) -> None:
    entry = FaqRecord("deadline", {"en": "When?"}, {"en": "Friday.", "sl": "Petek."})
    await store.save_document(document("faq.yaml", kind="faq", faq=[entry]), NOW)
    assert await store.faq_entries() == [FaqRecord("deadline", {"en": "When?"},
                                                   {"en": "Friday.", "sl": "Petek."}, "faq.yaml")]
    # the same file again replaces its own entries; another file may not take the key
    await store.save_document(document("faq.yaml", kind="faq", faq=[entry]), NOW)
    with pytest.raises(ContentConflict, match=r"faq\.yaml"):
        await store.save_document(document("other.yaml", kind="faq", faq=[entry]), NOW)
    assert [d.name for d in await store.list_documents()] == ["faq.yaml"]  # nothing half-saved
    await store.remove_document("faq.yaml")
    assert await store.faq_entries() == []


async def test_sync_keeps_exactly_the_wanted_documents_of_a_kind(store) -> None:
    await store.save_document(document("a.txt", "alpha"), NOW)
    await store.sync_documents("event", [document("event:x", "xray", kind="event"),
                                         document("event:y", "yankee", kind="event")], set(), NOW)
    changed = await store.sync_documents("event", [], {"event:y"}, NOW)
    assert changed == 1
    assert sorted(await store.content_checksums("event")) == ["event:y"]
    assert sorted(await store.content_checksums()) == ["a.txt", "event:y"]
    assert await store.search_passages(["xray"], 5) == []


async def test_term_counts_follow_saves_and_removals_on_both_backends(store) -> None:
    await store.save_document(document("a.txt", "ogp konfer", "ogp hajat"), NOW)
    await store.save_document(document("b.txt", "ogp"), NOW)
    assert await store.term_counts(["ogp", "hajat", "absent"]) == {"ogp": 3, "hajat": 1}
    await store.save_document(document("a.txt", "konfer", checksum="c2"), NOW)
    assert await store.term_counts(["ogp", "hajat", "konfer"]) == {"ogp": 1, "konfer": 1}
    await store.remove_document("b.txt")
    assert await store.term_counts(["ogp", "konfer"]) == {"konfer": 1}


async def test_kept_term_counts_follow_this_and_other_connections_writes(
    tmp_path, monkeypatch
) -> None:
    import storage.sql.content as content
    from storage.sqlite import SqliteStore

    monkeypatch.setattr(content, "COMMON_TERM_PASSAGES", 1)  # every count is kept
    path = str(tmp_path / "content.db")
    bot, importer = await SqliteStore.open(path), await SqliteStore.open(path)
    try:
        await bot.save_document(document("a.txt", "ogp konfer", "ogp hajat"), NOW)
        assert await bot.term_counts(["ogp", "hajat"]) == {"ogp": 2, "hajat": 1}
        await importer.save_document(document("b.txt", "ogp"), NOW)  # another process imports
        assert await bot.term_counts(["ogp", "hajat"]) == {"ogp": 3, "hajat": 1}
        await bot.remove_document("a.txt")
        assert await bot.term_counts(["ogp", "hajat"]) == {"ogp": 1}
    finally:
        await bot.close()
        await importer.close()


def test_the_search_keeps_the_rarest_terms_within_its_budget(monkeypatch) -> None:
    import storage.sql.content as content

    counts = {"rare": 2, "mid": 40, "common": 900, "other": 40}
    assert content.selective_terms(["common", "rare", "absent", "mid", "other"], counts) == [
        "rare", "mid", "other", "common"]  # a small corpus: every term found, rarest first
    monkeypatch.setattr(content, "POSTING_BUDGET", 100)
    assert content.selective_terms(["common", "rare", "mid", "other"], counts) == [
        "rare", "mid", "other"]
    monkeypatch.setattr(content, "MAX_QUERY_TERMS", 2)
    assert content.selective_terms(["common", "mid", "rare", "other"], counts) == ["rare", "mid"]
    monkeypatch.setattr(content, "POSTING_BUDGET", 1)
    assert content.selective_terms(["common"], counts) == ["common"]  # the rarest always goes


async def test_a_passages_words_read_at_import_come_back_with_it_and_answer_alike(
    store, tmp_path
) -> None:
    from bot.content.importer import import_paths
    from bot.qa.answering import hit_text
    from bot.qa.service import QuestionAnswering
    from bot.qa.textnorm import index_words

    (tmp_path / "poziv.md").write_text(
        "# Javni poziv udrugama za mlade\n\n"
        "Grad Varaždin poziva udruge mladih da prijave programe za 2027. godinu.\n\n"
        "Prijave se primaju do 15. ožujka 2027. na adresu mladi@varazdin.hr.\n",
        encoding="utf-8",
    )
    await import_paths(store, [tmp_path], NOW)
    found = [*await store.search_passages(["prijave"], 5),
             *await store.document_passages(["poziv.md"])]
    assert len(found) == 2  # the one passage, found by its words and as its document
    for hit in found:
        computed = index_words(hit_text(hit.title, hit.heading, hit.text), hit.lang)
        assert hit.words is not None
        assert [tuple(line.split(" ")) for line in hit.words.split("\n")] == computed

    question = "do kada se primaju prijave za programe mladih?"
    kept = await QuestionAnswering(store).ask(question, locale="hr", now=NOW)
    await store._write("UPDATE passages SET words = NULL")  # as indexed before words were kept
    assert (await store.search_passages(["prijave"], 5))[0].words is None
    computed = await QuestionAnswering(store).ask(question, locale="hr", now=NOW)
    assert kept.answer is not None and "15. ožujka 2027" in kept.answer.text
    assert computed.answer == kept.answer
