"""Search normalisation as a citizen notices it: what they type finds what the documents say."""

from __future__ import annotations

import re

import pytest

from bot.qa.textnorm import (
    cognate_stem,
    detect_language,
    fold,
    index_terms,
    query_terms,
    query_words,
)


def finds(question: str, document_text: str, doc_lang: str, hint: str | None = None) -> bool:
    """Whether every content word of the question meets the document's index terms."""
    indexed = set(index_terms(document_text, doc_lang).split())
    words = query_words(question, hint)
    return bool(words) and all(set(word.terms) & indexed for word in words)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Učešće", "ucesce"),
        ("УЧЕШЋЕ", "ucesce"),
        ("Współpracy", "wspolpracy"),
        ("ЦЕТРА", "cetra"),
        ("Љубљана", "ljubljana"),
        ("Львів", "lviv"),
    ],
)
def test_fold_removes_case_diacritics_and_script(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_ucesce_without_diacritics_finds_cyrillic_and_latin() -> None:
    assert finds("ucesce", "пријаве за учешће", "sr", "sr")
    assert finds("ucesce", "prijave za učešće", "sr", "sr")


def test_wspolpracy_without_diacritics_finds_polish() -> None:
    assert finds("wspolpracy", "MAC zaprasza na konferencję o Linii Współpracy", "pl", "pl")


def test_latin_name_finds_cyrillic_name() -> None:
    assert finds("CETRA", "Центар за едукацију и транспарентност - ЦЕТРА", "sr", "en")


def test_cyrillic_question_finds_latin_serbian() -> None:
    assert finds("Партнерство за отворену управу", "Partnerstvo za otvorenu upravu", "sr")


@pytest.mark.parametrize(
    ("question", "text", "lang"),
    [
        ("konferencija", "у сарадњи са Конференцијом", "sr"),
        ("konferencijama", "Позив на конференцију", "sr"),
        ("współpraca", "Linia Współpracy ma pomóc", "pl"),
        ("delavnica", "sodeloval na delavnicah", "sl"),
        ("конференція", "учасники конференції", "uk"),
        ("conferences", "the conference", "en"),
    ],
)
def test_inflected_forms_meet_through_lemmas(question: str, text: str, lang: str) -> None:
    assert finds(question, text, lang, lang)


def test_ukrainian_and_serbian_cyrillic_fold_alike() -> None:
    assert fold("конференцію") == fold("конференцију")
    assert fold("інформації") == fold("informaciji")


def test_english_name_finds_serbian_invitation() -> None:
    invitation = (
        "међународне иницијативе Партнерство за отворену управу - ПОУ "
        "(енг. Open Government Parntership – ОGP)"
    )
    indexed = set(index_terms(invitation, "sr").split())
    terms = query_terms("Open Government Partnership", "en")
    assert {"open", "government"} <= indexed & set(terms)
    # the cognate key carries "partnership" to "Партнерство" (and past the typo)
    assert any(term in indexed for term in query_words("partnership", "en")[0].keys)


def test_cognates_meet_across_languages() -> None:
    assert finds("conference", "Позив на конференцију", "sr", "en")
    assert finds("projekt", "проект центрів", "uk", "pl")
    assert finds("Kyiv", "Київ", "uk", "en")


def test_long_cognates_share_a_stem_short_words_have_none() -> None:
    polish = query_words("Partnerstwo", "pl")[0]
    indexed = set(index_terms("Партнерство за отворену управу", "sr").split())
    assert polish.stems == ("xxpartners",)
    assert set(polish.stems) & indexed
    assert not set(polish.exact) & indexed  # the stem, not the word, meets the document
    assert cognate_stem("konferencji") == cognate_stem("konferencija") == "xxkonferen"
    assert cognate_stem("projekt") == ""  # too short to tell a word from its relatives
    assert cognate_stem("20212022") == ""


def test_question_words_and_stopwords_are_dropped() -> None:
    assert query_terms("Kdaj je konferenca?", "sl") == query_terms("konferenca", "sl")
    assert query_terms("Kada je konferencija?", "sr") == query_terms("konferencija", "sr")
    assert query_terms("Kiedy jest konferencja?", "pl") == query_terms("konferencja", "pl")
    assert query_terms("Коли буде конференція?", "uk") == query_terms("конференція", "uk")
    assert not {"when", "is", "the"} & set(query_terms("When is the conference?", "en"))
    assert query_terms("Ko je to?", "sr") == []


def test_a_stopword_of_one_language_stays_a_word_in_another() -> None:
    # Slovenian "cel" means whole; Polish "cel" is the goal a citizen asks about
    assert "cel" in query_terms("Jaki jest cel projektu?", "pl")


def test_words_of_the_domain_are_never_stopwords() -> None:
    # stopwords-iso lists "website" and "year" for English and the months for Slovenian
    assert {"website", "year"} <= set(query_terms("Which website and which year?", "en"))
    assert "marec" in query_terms("Kaj bo marca?", "sl") or "marca" in query_terms(
        "Kaj bo marca?", "sl")


def test_a_plural_of_a_domain_word_is_never_a_stopword() -> None:
    # stopwords-iso lists "groups" and "points" for English; the glossary has group, point
    assert {"groups", "group"} <= set(query_terms("Which working groups meet?", "en"))


def test_modal_verbs_and_prepositions_are_stopwords() -> None:
    assert query_terms("Do kiedy mogę się zapisać?", "pl") == query_terms("zapisać", "pl")
    assert query_terms("saradnja između ministarstva", "sr") == query_terms(
        "saradnja ministarstva", "sr")


def test_a_hyphenated_acronym_is_one_word() -> None:
    assert finds("Що означає NVO-VID?", "mreže nevladnih organizacij (NVO-VID)", "sl", "uk")
    assert not finds("Що означає NVO-VID?", "nevladne organizacije in vid", "sl", "uk")
    assert "mail" in query_terms("Which e-mail?", "en")  # a word with a hyphen still splits


def test_an_english_phrasal_verb_meets_the_verb_it_means() -> None:
    assert finds("Who set up the working group?", "Ustanowiono grupę roboczą.", "pl", "en")
    assert finds("When was it carried out?", "Projekt realizowano w 2015.", "pl", "en")
    assert not finds("Who set the table?", "Ustanowiono grupę roboczą.", "pl", "en")


def test_a_year_in_a_passage_answers_the_word_year() -> None:
    assert finds("V katerem letu?", "w 2012 r. zasady współpracy", "pl", "sl")
    assert finds("Koje godine?", "w 2012 r.", "pl", "sr")
    assert not finds("Koje godine?", "zasady współpracy", "pl", "sr")
    # a year asked stays that year: 2021 is not answered by any year
    assert not finds("u 2021", "w 2012 r.", "pl", "sr")


def test_slovenian_and_serbian_typed_without_diacritics_are_lemmatised() -> None:
    assert "rezim" in query_words("v kaksnem rezimu", "sl")[0].exact  # režimu -> režim
    assert "nacelo" in query_words("nacela", "sl")[0].exact  # načela -> načelo


def test_polish_typed_without_diacritics_gets_them_back() -> None:
    assert "trwac" in query_words("kiedy trwal projekt", "pl")[0].exact  # trwał -> trwać
    assert finds("do kiedy mozna sie zapisac", "zapisać się można do 18 lutego", "pl", "pl")


def test_a_form_the_lemmatiser_misses_still_reaches_its_concept() -> None:
    # simplemma knows neither "samoupravami" (sl, instrumental) nor "Słowenii" (pl, genitive)
    assert "zzgovernment" in query_words("samoupravami", "sl")[0].concepts
    assert "zzslovenia" in query_words("Słowenii", "pl")[0].concepts


def test_an_acronym_meets_its_inflected_forms() -> None:
    # Serbian inflects acronyms: ЦЕТРА, ЦЕТРЕ (of CETRA), ЦЕТРИ (to CETRA)
    text = "Стратешку оријентацију ЦЕТРЕ представља њен капацитет."
    indexed = set(index_terms(text, "sr").split())
    assert set(query_terms("V kateri regiji deluje CETRA?", "sl")) & indexed


def test_terms_are_plain_ascii_words() -> None:
    text = "Позив: «Партнерство» – 15. марта 2019, e-mail danilo.rodic@gov.rs; Współpraca, Київ"
    for terms in (index_terms(text, "sr"), " ".join(query_terms(text, "sr"))):
        assert re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", terms)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Inštitut bo v letu 2020 nadaljeval z uresničevanjem svojega poslanstva.", "sl"),
        ("Министарство државне управе обавештава све заинтересоване.", "sr"),
        ("Ministarstvo državne uprave obaveštava sve zainteresovane.", "sr"),
        ("Z powodów organizacyjnych zapisy trwają do 18 lutego.", "pl"),
        ("Коли відбудеться конференція про відкритий уряд?", "uk"),
        ("The contents of this publication are the sole responsibility of the Office.", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_falls_back_to_default() -> None:
    assert detect_language("1234 5678", default="sl") == "sl"
