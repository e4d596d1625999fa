"""The events of tests/test_event_questions.py: one open, one closed, one full, one past and
one cancelled, in four time zones, beside examples/events.yaml (an upcoming OGP conference
whose 2019 edition is a corpus document, and a Line of Cooperation conference that took place
four days before the tests' clock, also with an older edition in the corpus)."""

from __future__ import annotations

from typing import Any

OPEN, CLOSED, FULL, PAST, CANCELLED = ("tech-forum-2027", "lokalna-uprava-2027",
                                       "warsztaty-danych-2027", "sluhannia-2027",
                                       "festival-nvo-2027")
OGP, LINIA = "ogp-2027", "linia-wspolpracy-2027"

EVENTS: dict[str, Any] = {"events": [
    {
        "id": OPEN,
        "title": {"sl": "Forum civilne tehnologije", "en": "Civic Tech Forum",
                  "sr": "Форум грађанске технологије", "pl": "Forum technologii obywatelskich",
                  "uk": "Форум громадянських технологій"},
        "description": {
            "sl": "Predstavitve odprtokodnih orodij za občine in nevladne organizacije. "
                  "Udeležba je brezplačna.",
            "en": "Open-source tools for municipalities and NGOs, presented by their makers. "
                  "Participation is free of charge.",
            "sr": "Представљање алата отвореног кода за општине и удружења. Учешће је "
                  "бесплатно.",
            "pl": "Prezentacje narzędzi open source dla gmin i organizacji pozarządowych. "
                  "Udział jest bezpłatny.",
            "uk": "Презентації інструментів з відкритим кодом для громад і громадських "
                  "організацій. Участь безкоштовна."},
        "starts_at": "2027-03-04T17:00:00+01:00",
        "ends_at": "2027-03-04T19:30:00+01:00",
        "timezone": "Europe/Ljubljana",
        "location": {"sl": "Mestna hiša, Mestni trg 1, Ljubljana",
                     "en": "Town Hall, Mestni trg 1, Ljubljana",
                     "sr": "Градска већница, Местни трг 1, Љубљана",
                     "pl": "Ratusz, Mestni trg 1, Lublana",
                     "uk": "Ратуша, Местні трг 1, Любляна"},
        "country": "SI",
        "registration_deadline": "2027-03-03T12:00:00+01:00",
        "capacity": 40,
        "fields": ["name", "email"],
    },
    {
        "id": CLOSED,
        "title": {"sr": "Дан локалне самоуправе", "en": "Local self-government day"},
        "description": {"sr": "Скуп градоначелника и удружења о сарадњи у локалној заједници.",
                        "en": "Mayors and associations on cooperation in the local community."},
        "starts_at": "2027-03-20T10:00:00+01:00",
        "ends_at": "2027-03-20T14:00:00+01:00",
        "timezone": "Europe/Belgrade",
        "location": {"sr": "Скупштина града, Трг Николе Пашића 6, Београд",
                     "en": "City Assembly, Trg Nikole Pašića 6, Belgrade"},
        "country": "RS",
        "registration_deadline": "2027-02-26",
        "capacity": 100,
        "fields": ["name", "email", {"id": "organisation", "required": True}],
    },
    {
        "id": FULL,
        "title": {"pl": "Warsztaty otwartych danych", "en": "Open data workshop",
                  "uk": "Воркшоп відкритих даних"},
        "description": {"pl": "Dwa dni pracy z danymi publicznymi gmin.",
                        "en": "Two days of work with the public data of municipalities."},
        "starts_at": "2027-03-10T09:30:00+01:00",
        "ends_at": "2027-03-11T15:00:00+01:00",
        "timezone": "Europe/Warsaw",
        "location": {"pl": "Biblioteka Uniwersytecka, ul. Dobra 56/66, Warszawa",
                     "en": "University Library, Dobra 56/66, Warsaw"},
        "country": "PL",
        "registration_deadline": "2027-03-08T20:00:00+01:00",
        "capacity": 2,
        "fields": ["name", "email"],
    },
    {
        "id": PAST,
        "title": {"uk": "Громадські слухання щодо бюджету", "en": "Public budget hearing"},
        "description": {"uk": "Мешканці обговорюють проєкт міського бюджету.",
                        "en": "Residents discuss the draft city budget."},
        "starts_at": "2027-02-10T18:00:00+02:00",
        "ends_at": "2027-02-10T20:00:00+02:00",
        "timezone": "Europe/Kyiv",
        "location": {"uk": "Київська міська рада, вул. Хрещатик, 36",
                     "en": "Kyiv City Council, 36 Khreshchatyk Street"},
        "country": "UA",
        "registration_deadline": "2027-02-08",
        "fields": ["name", "email"],
    },
    {
        "id": CANCELLED,
        "title": {"sl": "Festival nevladnih organizacij", "en": "NGO festival",
                  "sr": "Фестивал невладиних организација"},
        "description": {"sl": "Predstavitve nevladnih organizacij na prostem.",
                        "en": "NGOs present their work in the open air."},
        "starts_at": "2027-04-15T10:00:00+02:00",
        "ends_at": "2027-04-15T18:00:00+02:00",
        "timezone": "Europe/Ljubljana",
        "location": {"sl": "Kongresni trg, Ljubljana", "en": "Congress Square, Ljubljana"},
        "country": "SI",
        "registration_deadline": "2027-04-10",
        "capacity": 300,
        "fields": ["name", "email"],
    },
]}
