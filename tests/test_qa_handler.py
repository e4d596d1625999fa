"""Free text in a chat: an answer with its source in bold, or an honest "don't know"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.content.importer import import_paths
from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Style
from tests.test_qa_cli import CONFERENCE


def msg(text: str, *, hint: str | None = None, user: str = "1") -> Incoming:
    return Incoming(platform="console", chat_id=user, user_id=user, text=text,
                    language_hint=hint)


async def load(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "poziv.md"
    path.write_text(CONFERENCE, encoding="utf-8")
    outcomes = await import_paths(core.store, [path], core.clock.now())
    assert [outcome.status for outcome in outcomes] == ["created"]


async def test_a_question_gets_the_answering_sentence_and_its_source(core: Core,
                                                                     tmp_path: Path) -> None:
    await load(core, tmp_path)
    [reply] = await core.handle(msg("У ком хотелу је конференција?", hint="sr"))
    assert "у хотелу „Хајат“, Нови Београд" in reply.text.plain
    assert "13. марта" not in reply.text.plain  # the sentence that answers, not the page
    bold = [segment.text for segment in reply.text.segments if segment.style is Style.BOLD]
    assert bold == ["Позив на конференцију"]
    assert "Извор:" in reply.text.plain
    [latin] = await core.handle(msg("do kada se salju prijave", hint="sr", user="2"))
    assert "najkasnije do srede, 13. marta 2019." in latin.text.plain


async def test_below_the_threshold_the_bot_says_it_does_not_know(core: Core,
                                                                 tmp_path: Path) -> None:
    await load(core, tmp_path)
    [reply] = await core.handle(msg("Kje lahko podaljšam osebno izkaznico?", hint="sl"))
    assert reply.text.plain.startswith("Žal odgovora na to ne poznam.")
    assert [(b.label, b.payload) for b in reply.all_buttons] == [("Prihajajoči dogodki",
                                                                  "events")]
    core.config = dataclasses.replace(core.config, org_contact="info@example.org")
    [reply] = await core.handle(msg("Who won the football match yesterday?", hint="en"))
    assert "contact us: info@example.org" in reply.text.plain
    [events] = await core.handle(Incoming(platform="console", chat_id="1", user_id="1",
                                          payload="events"))
    assert events.text.plain  # the button leads to the events list


async def test_a_message_without_content_words_is_left_to_the_fallback(core: Core) -> None:
    [reply] = await core.handle(msg("ok?", hint="en"))
    assert "Send /help" in reply.text.plain


async def test_a_follow_up_is_answered_from_the_previous_answers_document(
    core: Core, tmp_path: Path
) -> None:
    import datetime as dt

    await load(core, tmp_path)
    [first] = await core.handle(msg("u kom hotelu je konferencija partnerstvo?", hint="sr",
                                    user="7"))
    assert "Hajat" in first.text.plain
    [follow] = await core.handle(msg("a do kada?", hint="sr", user="7"))
    assert "marta 2019" in follow.text.plain  # a date of the same page
    assert "Poziv na konferenciju" in follow.text.plain  # its source named
    [stranger] = await core.handle(msg("a do kada?", hint="sr", user="8"))
    assert "marta" not in stranger.text.plain  # nothing asked before: nothing to follow
    core.clock.advance(dt.timedelta(minutes=31))  # type: ignore[attr-defined]
    [late] = await core.handle(msg("a do kada?", hint="sr", user="7"))
    assert "marta" not in late.text.plain  # half an hour later it is a new conversation
