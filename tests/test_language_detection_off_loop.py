"""Detecting a person's language from their writing never stalls the other chats (#16.1).

At a cold start the Serbian/Slovenian detector loads its data on its first call: seconds of
CPU. Here the detector is held back on purpose while another person writes.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import bot.qa.textnorm
from bot.pipeline.core import Core
from tests.test_foundation_core import msg, text_of


async def test_a_slow_first_detection_does_not_stall_other_chats(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.qa.textnorm.detect_language
    detecting, release, detected = threading.Event(), threading.Event(), threading.Event()

    def cold_detector(text: str, default: str = "en") -> str:
        detecting.set()
        release.wait(3)  # a cold start takes 10-16 s; the test waits less
        detected.set()
        return real(text, default)

    monkeypatch.setattr(bot.qa.textnorm, "detect_language", cold_detector)
    question = msg("Kdaj je naslednja konferenca v Ljubljani", user="1")
    first = asyncio.create_task(core.handle(question))
    assert await asyncio.to_thread(detecting.wait, 5)
    other = await asyncio.wait_for(core.handle(msg("/help", user="2")), 2)
    assert not detected.is_set(), "the other person waited for the first one's detection"
    assert "/language" in text_of(other)
    release.set()
    assert text_of(await first)  # answered, once its language was known
    person = await core.store.find_person("console", "1")
    assert person is not None and person.hint_locale == "sl"
