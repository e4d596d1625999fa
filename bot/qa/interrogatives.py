"""The question words of the bot's languages, by the kind of answer they ask for.

A property of the languages, not of any document: the interrogative adverbs and pronouns of
Slovenian, Serbian/Croatian/Bosnian/Montenegrin (both scripts, ekavian and ijekavian, with the
short spoken forms people type: kad, kolko, di), Polish, Ukrainian and English. They are never
content words (bot.qa.textnorm drops them), and they tell the answering which kind of fact the
sentence that answers must hold (bot.qa.answering.question_cues). Written as people spell them;
compared folded (no case, diacritics or script).
"""

from __future__ import annotations

ASKED_KIND: dict[str, dict[str, str]] = {
    "date": {
        "sl": "kdaj dokdaj dokler",
        "sr": "kada kad dokad dokada",
        "pl": "kiedy dokiedy kiedyż",
        "uk": "коли доки",
        "en": "when whenever till",
    },
    "number": {
        "sl": "koliko kolk kolko kok",
        "sr": "koliko kolko kolik kolika koliki",
        "pl": "ile ilu",
        "uk": "скільки скілько",
        "en": "",
    },
    "where": {
        "sl": "kje kam kod odkod",
        "sr": "gde gdje di đe kuda kamo odakle",
        "pl": "gdzie dokąd skąd",
        "uk": "де куди звідки",
        "en": "where wherever",
    },
    "who": {
        "sl": "kdo koga komu kom kdorkoli",
        "sr": "ko tko koga kome kim čiji čija čije",
        "pl": "kto kogo komu kim czyj czyja czyje",
        "uk": "хто кого кому ким чий чия чиє",
        "en": "who whom whose",
    },
}
