"""An event drafted from an invitation's text: title, start and end, place, registration
deadline, contact, capacity, language. Pure (no I/O, no clock): `draft_event(text, today)`.

Dates are typed entities found by their shape, not by rules for one document:

- a day and a month name ('15. марта 2019.', '21 lutego', 'March 15, 2025'), a numeric date
  (15. 3. 2025, 2025-03-15) or a relative day ('jutri', 'завтра', 'tomorrow'); the month
  names, weekday names, hour words and relative days are dateparser's own locale data for the
  text's languages (sl, sr in both scripts, hr, bs, pl, uk, en), matched by their stem so
  that the inflected forms its data lacks ('marca', 'марта') are read too (Serbian in both
  scripts from dateparser's sr-Cyrl and sr-Latn data, so nothing is transliterated); the day
  is then resolved by dateparser, year-less and relative dates against the invitation's own
  date when it states one, else `today`;
- a time beside a date (10:00, 10.00, 10h, '10 sati'), a range of times (10:00–14:00) or of
  days (11–17 March) gives the end;
- which date is which comes from small per-language cue words (`CUES`): a date after a
  deadline word ('rok', 'najkasnije', 'zapisy', 'deadline' ...) is the registration
  deadline, the start is the date with most signs of being the event (a weekday, a time, a
  word like 'bo potekal', 'odbędzie się', 'takes place' in its sentence);
- the place is a labelled line ('Kraj:', 'Miejsce:', 'Venue:') or the locative phrase after
  the start date in its sentence ('у хотелу ...', 'w sali ...'); contact the e-mail address
  (and phone) nearest the registration sentence; capacity a number beside a seats word.

What cannot be read stays None; the caller asks the admin for it. dateparser is imported
here, and this module only when an invitation is drafted (its import costs ~0.2 s and
~20 MB: replicas that never draft never pay it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from bot.i18n.scripts import dominant_script

# dateparser's locales for a language the text is detected as (Croatian and Bosnian are
# detected as Serbian, so their month names are read for it too; they do not clash).
DATEPARSER_LOCALES = {
    "sl": ("sl",),
    "sr": ("sr-Latn", "sr-Cyrl", "hr", "bs"),
    "sr_Latn": ("sr-Latn", "sr-Cyrl", "hr", "bs"),
    "hr": ("hr", "sr-Latn", "bs"),
    "bs": ("bs", "sr-Latn", "hr"),
    "pl": ("pl",),
    "uk": ("uk",),
    "en": ("en",),
    # to tell a Croatian text (detected as Serbian) by its month names
    "hr_only": ("hr",), "sr_only": ("sr-Latn", "sr-Cyrl", "bs"),
}
ZONES = {"sl": "Europe/Ljubljana", "sr": "Europe/Belgrade", "sr_Latn": "Europe/Belgrade",
         "hr": "Europe/Zagreb", "bs": "Europe/Sarajevo", "pl": "Europe/Warsaw",
         "uk": "Europe/Kyiv"}

# The cue words of a language, as word stems (lower case), a property of the language: what
# introduces a deadline, what says an event takes place, a published-on date, an invitation,
# a labelled place, seats, and the prepositions of place. Kept small on purpose.
_SOUTH_SLAVIC = {
    "deadline": ("rok", "najkasnij", "prijav", "prijem prijav", "рок", "најкасниј", "пријав",
                 "до краја", "prijavn"),
    "event": ("održa", "одржа", "održat", "odvija", "одвија", "počinje", "почиње"),
    "published": ("objavljen", "објављен", "datum objav", "датум"),
    "invitation": ("poziv", "позив", "pozivamo", "позивамо"),
    "place": ("mjesto", "mesto", "место", "lokacija", "локација", "adresa", "адреса",
              "gdje", "gde", "где"),
    "seats": ("mjesta", "mesta", "места", "učesnik", "учесник", "sudionik", "polaznik"),
    "prepositions": ("u", "na", "у", "на"),
}
CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "sl": {
        "deadline": ("rok", "najkasnej", "prijav", "do zasedenosti"),
        "event": ("bo potekal", "bo potekala", "bo potekalo", "poteka", "potekal", "začetek",
                  "bo v", "bo na"),
        "published": ("objavljen", "datum"),
        "invitation": ("vabilo", "vabimo", "vabljen", "vabi"),
        "place": ("kraj", "lokacija", "prizorišče", "naslov", "kje"),
        "seats": ("mest", "udeležen"),
        "prepositions": ("v", "na"),
    },
    "sr": _SOUTH_SLAVIC, "sr_Latn": _SOUTH_SLAVIC, "hr": _SOUTH_SLAVIC, "bs": _SOUTH_SLAVIC,
    "pl": {
        "deadline": ("termin", "zgłosz", "zapis", "rejestrac", "zarejestr", "nie później"),
        "event": ("odbędzie", "odbędą", "odbywa", "rozpocznie"),
        "published": ("opublikowan", "data publikacji"),
        "invitation": ("zaprasza", "zaprosz"),
        "place": ("miejsce", "lokalizacja", "adres", "gdzie"),
        "seats": ("miejsc", "uczestnik"),
        "prepositions": ("w", "we", "na"),
    },
    "uk": {
        "deadline": ("термін", "реєстр", "зареєстр", "заявк", "не пізніше", "до кінця"),
        "event": ("відбудеться", "відбудуться", "пройде", "триватиме", "початок"),
        "published": ("опубліковано", "дата публікації"),
        "invitation": ("запрош",),
        "place": ("місце", "адреса", "локація", "де"),
        "seats": ("місць", "учасник"),
        "prepositions": ("в", "у", "на"),
    },
    "en": {
        "deadline": ("deadline", "register", "registration", "apply", "applications", "rsvp",
                     "sign up", "no later than"),
        "event": ("take place", "takes place", "will be held", "is held", "starts", "begins"),
        "published": ("published", "posted on", "date:"),
        "invitation": ("invitation", "invite", "inviting"),
        "place": ("venue", "location", "place", "where", "address"),
        "seats": ("seats", "places", "participants", "attendees"),
        "prepositions": ("at", "in"),
    },
}

MAX_TITLE = 150
MAX_DESCRIPTION = 600
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁЂЈЉЊЋЏŠĐČĆŽŚŁŻŹ„“\"(])|\n")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d /-]{6,16}\d(?!\w)")
URL = re.compile(r"https?://\S+|www\.\S+")
_TIME = r"([01]?\d|2[0-3])(?:[:.,]([0-5]\d))"


@dataclass
class Found:
    """One date in the text: where it is, what it says."""

    start: int
    end: int
    day: date
    last_day: date | None = None  # a range of days (11-17 March)
    at: time | None = None
    until: time | None = None  # a range of times
    weekday: bool = False


@dataclass
class Draft:
    language: str
    timezone: str | None
    title: str | None = None
    description: str | None = None
    start_date: date | None = None
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    location: str | None = None
    deadline_date: date | None = None
    deadline_time: time | None = None
    contact: str | None = None
    capacity: int | None = None
    invitation_date: date | None = None
    notes: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """The required fields not read (the caller asks for them)."""
        wanted = {"title": self.title, "start_date": self.start_date,
                  "start_time": self.start_time, "location": self.location,
                  "registration_deadline": self.deadline_date, "timezone": self.timezone}
        return [key for key, value in wanted.items() if value is None]

    def entry(self, event_id: str = "") -> dict[str, Any]:
        """The fields read, as an `events:` entry (ISO strings with the zone's offset; a
        date-only deadline stays a date, as YAML allows)."""
        from zoneinfo import ZoneInfo

        data: dict[str, Any] = {}
        if event_id:
            data["id"] = event_id
        for key in ("title", "description", "location"):
            value = getattr(self, key)
            if value:
                data[key] = {self.language: value}
        if self.timezone:
            data["timezone"] = self.timezone
            zone = ZoneInfo(self.timezone)
            if self.start_date and self.start_time:
                starts = datetime.combine(self.start_date, self.start_time, zone)
                data["starts_at"] = starts.isoformat()
                end_day = self.end_date or self.start_date
                if self.end_time or self.end_date:
                    ends = datetime.combine(end_day, self.end_time or time(23, 59), zone)
                    if ends > starts:
                        data["ends_at"] = ends.isoformat()
            if self.deadline_date:
                data["registration_deadline"] = (
                    datetime.combine(self.deadline_date, self.deadline_time, zone).isoformat()
                    if self.deadline_time else self.deadline_date.isoformat())
        if self.capacity:
            data["capacity"] = self.capacity
        data["fields"] = ["name", "email"]
        return data


# -- vocabulary from dateparser ------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@cache
def vocabulary(language: str) -> dict[str, Any]:
    """Month and weekday names (month -> forms), hour words and relative days of the
    language, from dateparser's locale data."""
    from dateparser.languages.loader import default_loader

    months: dict[str, int] = {}
    weekdays: set[str] = set()
    hours: set[str] = set()
    relative: dict[str, int] = {}
    for code in DATEPARSER_LOCALES.get(language, ("en",)):
        info = default_loader.get_locale(code).info
        for number, month in enumerate(MONTHS, 1):
            for form in info.get(month, ()):
                months.setdefault(form.lower().rstrip("."), number)
        for day in WEEKDAYS:
            weekdays.update(form.lower() for form in info.get(day, ()) if len(form) > 2)
        hours.update(form.lower() for form in info.get("hour", ()) if len(form) > 1)
        for key, offset in (("0 day ago", 0), ("in 1 day", 1)):
            for form in info.get("relative-type", {}).get(key, ()):
                if " " not in form:
                    relative.setdefault(form.lower(), offset)
    return {"months": months, "weekdays": weekdays, "hours": hours, "relative": relative}


def month_of(word: str, months: dict[str, int]) -> int | None:
    """The month a (possibly inflected) word names: an exact form, else the longest form
    (at least 3 letters, a final vowel dropped) the word starts with."""
    word = word.lower().rstrip(".")
    if word in months:
        return months[word]
    best, length = None, 0
    for form, number in months.items():
        stem = form[:-1] if len(form) > 4 and form[-1] in "aeiouyаеиоуяюєіїй" else form
        if len(stem) >= 3 and word.startswith(stem) and len(stem) > length \
                and len(word) - len(stem) <= 4:
            best, length = number, len(stem)
    return best


# -- finding dates ---------------------------------------------------------------------------------

_WORD = r"([^\W\d_]{3,12})\.?"
_DAY_MONTH = re.compile(
    r"(?<!\d)(\d{1,2})\.?(?:\s*[-–]\s*(\d{1,2})\.?)?\s+" + _WORD + r"(?:,?\s+(\d{4})\.?)?")
_MONTH_DAY = re.compile(r"\b" + _WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{1,2}))?"
                        r"(?:,\s*|\s+)(\d{4})?")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b|"
                      r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _parse_day(day: int, month: int, year: int | None, base: date) -> date | None:
    """A date by dateparser, a year-less one the next such day from `base`."""
    import dateparser

    settings: dict[str, Any] = {"RELATIVE_BASE": datetime.combine(base, time()),
                                "PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY",
                                "REQUIRE_PARTS": ["day", "month"]}
    text = f"{day} {MONTHS[month - 1]}" + (f" {year}" if year else "")
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    found = parsed.date()
    if year is None and found < base:  # dateparser's "future" is relative to the base day
        try:
            found = found.replace(year=found.year + 1)
        except ValueError:
            return None
    return found


def find_dates(text: str, language: str, base: date) -> list[Found]:
    words = vocabulary(language)
    months, weekdays = words["months"], words["weekdays"]
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(match: re.Match[str], day: int, month: int, year: int | None,
            last: int | None) -> None:
        if not free(match.start(), match.end()):
            return
        first = _parse_day(day, month, year, base)
        if first is None:
            return
        last_day = None
        if last is not None and last > day:
            last_day = _parse_day(last, month, first.year, base)
        taken.append((match.start(), match.end()))
        found.append(Found(match.start(), match.end(), first, last_day))

    for match in _DAY_MONTH.finditer(text):
        month = month_of(match.group(3), months)
        if month:
            add(match, int(match.group(1)), month,
                int(match.group(4)) if match.group(4) else None,
                int(match.group(2)) if match.group(2) else None)
    for match in _MONTH_DAY.finditer(text):
        if match.group(1).lower().rstrip(".") in months:
            add(match, int(match.group(2)), months[match.group(1).lower().rstrip(".")],
                int(match.group(4)) if match.group(4) else None,
                int(match.group(3)) if match.group(3) else None)
    for match in _NUMERIC.finditer(text):
        if match.group(1):
            day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        else:
            year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(match, day, month, year, None)
    lowered = text.lower()
    for word, offset in words["relative"].items():
        for match in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lowered):
            if free(match.start(), match.end()):
                taken.append((match.start(), match.end()))
                found.append(Found(match.start(), match.end(), base + timedelta(days=offset)))
    for item in found:
        before = lowered[max(0, item.start - 16):item.start]
        item.weekday = any(re.search(r"(?<!\w)" + re.escape(w) + r"\w*[\s,]*$", before)
                           for w in weekdays)
        _read_time(text, item, words["hours"])
    found.sort(key=lambda item: item.start)
    return found


def _read_time(text: str, item: Found, hours: set[str]) -> None:
    """A time, or a range of times, just after the date (or just before it)."""
    after = text[item.end:item.end + 48].split("\n")[0]
    before = text[max(0, item.start - 30):item.start].split("\n")[-1]
    # hour words by their stem ('ura' reads 'uri'), after a number: '19. uri', '10 sati'
    stems = {h[:-1] if len(h) >= 3 and h[-1] in "aeiouyаеиоуяюєіїй" else h for h in hours}
    hour_words = "|".join(sorted((re.escape(h) + r"\w{0,4}" for h in stems), key=len,
                                 reverse=True)) or "h"
    clock = rf"(?:{_TIME}|([01]?\d|2[0-3])\.?\s*(?:{hour_words}|h|am|pm)\b\.?)"
    span = re.compile(clock + r"(?:\s*(?:[-–]|do|до|to|until|till)\s*" + clock + ")?",
                      re.IGNORECASE)
    for part, edge in ((after, 0), (before, 1)):
        for match in span.finditer(part):
            groups = match.groups()
            if edge == 0 and re.search(r"\d{4}", part[:match.start()]) is None \
                    and match.start() > 32:
                break
            hour = groups[0] or groups[2]
            if hour is None:
                continue
            ampm = match.group(0).lower()
            start = time(_hour(int(hour), ampm.split("-")[0]), int(groups[1] or 0))
            item.at = start
            until_hour = groups[3] or groups[5]
            if until_hour is not None:
                until = time(_hour(int(until_hour), ampm), int(groups[4] or 0))
                if until > start:
                    item.until = until
            return


def _hour(hour: int, text: str) -> int:
    return hour + 12 if "pm" in text and hour < 12 else hour


# -- the draft -------------------------------------------------------------------------------------


def detect(text: str) -> str:
    from bot.qa.textnorm import detect_language

    language = detect_language(text, "en")
    if language == "sr" and dominant_script(text) != "Cyrl":
        return "sr_Latn"
    return language


def draft_event(text: str, today: date, language: str | None = None) -> Draft:
    """The event an invitation describes, as far as it can be read."""
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    language = language or detect(text)
    cues = CUES.get(language, CUES["en"])
    draft = Draft(language=language, timezone=ZONES.get(language))
    lowered = text.lower()

    draft.invitation_date = _invitation_date(text, language, cues, today)
    base = draft.invitation_date or today
    dates = find_dates(text, language, base)
    deadlines: list[Found] = []
    others: list[Found] = []
    for item in dates:
        (deadlines if _has_cue(_clause_before(text, item.start), cues["deadline"])
         else others).append(item)
    if draft.invitation_date:
        others = [item for item in others if item.day != draft.invitation_date
                  or item.at is not None]
    if deadlines:
        deadline = deadlines[0]
        draft.deadline_date, draft.deadline_time = deadline.day, deadline.at
    if others:
        start = max(others, key=lambda item: _score(text, item, cues))
        draft.start_date, draft.start_time = start.day, start.at
        if start.until:
            draft.end_time = start.until
        if start.last_day:
            draft.end_date = start.last_day
        draft.location = _place(text, start, cues)
        draft.description = _description(text, start)
    if draft.location is None:
        draft.location = _labelled(text, cues["place"])
    if language in ("sr", "sr_Latn") and others and _croatian(text, start):
        draft.timezone = ZONES["hr"]  # detected as Serbian, but its months are Croatian
    draft.title = _title(text, cues)
    if draft.description is None:
        draft.description = _description(text, None)
    draft.contact = _contact(text, deadlines[0] if deadlines else None, cues)
    draft.capacity = _capacity(lowered, cues["seats"])
    return draft


def _croatian(text: str, item: Found) -> bool:
    """Whether a date is written with a month name only Croatian has (lipnja, ožujka)."""
    words = re.findall(r"[^\W\d_]{3,12}", text[item.start:item.end])
    croatian, serbian = vocabulary("hr_only")["months"], vocabulary("sr_only")["months"]
    return any(month_of(w, croatian) and not month_of(w, serbian) for w in words)


def _has_cue(part: str, words: tuple[str, ...]) -> bool:
    part = part.lower()
    return any(re.search(r"(?<!\w)" + re.escape(word), part) for word in words)


def _sentence(text: str, position: int) -> tuple[int, int]:
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, position)]
    start = starts[-1] if starts else 0
    following = SENTENCE_END.search(text, position)
    return start, following.start() if following else len(text)


def _clause_before(text: str, position: int) -> str:
    """The words just before a date in its sentence (a deadline word is there)."""
    start, _ = _sentence(text, position)
    return text[max(start, position - 120):position]


def _score(text: str, item: Found, cues: dict[str, tuple[str, ...]]) -> int:
    start, end = _sentence(text, item.start)
    score = 3 if item.weekday else 0
    score += 2 if item.at else 0
    score += 2 if _has_cue(text[start:end], cues["event"]) else 0
    score -= 2 if item.last_day and not item.at else 0
    return score * 1000 - item.start // 1000  # equal signs: the earlier date


def _invitation_date(text: str, language: str, cues: dict[str, tuple[str, ...]],
                     today: date) -> date | None:
    """The invitation's own date: on a line with a published-on word, or a first line that
    is only a date (a news item's stamp), or a last line 'Place, date' (a letter's)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines):
        if len(line) > 120:
            continue
        stamp = (number == 0 and re.fullmatch(r"[\d.\s:/-]+", line)) or (
            number == len(lines) - 1 and re.fullmatch(r"[^\W\d][^,]{1,40},\s*[\d.\s]+", line))
        if stamp or (number < 40 and _has_cue(line, cues["published"])):
            found = find_dates(line, language, today)
            if found:
                return found[0].day
    return None


def _labelled(text: str, words: tuple[str, ...]) -> str | None:
    labels = "|".join(re.escape(word) for word in words)
    match = re.search(rf"^\s*(?:{labels})\w*(?:\s+\w+)?\s*[:–-]\s*(.{{3,200}})$", text,
                      re.IGNORECASE | re.MULTILINE)
    return match.group(1).strip().rstrip(".") if match else None


def _place(text: str, start: Found, cues: dict[str, tuple[str, ...]]) -> str | None:
    labelled = _labelled(text, cues["place"])
    if labelled:
        return labelled
    _, end = _sentence(text, start.start)
    rest = text[start.end:end]
    prepositions = "|".join(re.escape(p) for p in cues["prepositions"])
    for match in re.finditer(rf"(?<!\w)(?:{prepositions})\s+(?=(\S.*))", rest, re.IGNORECASE):
        phrase = match.group(1)
        first = phrase.split()[0].lower().strip(",.")
        if first[:1].isdigit() or first in vocabulary(_lang_of(cues))["weekdays"] \
                or first in vocabulary(_lang_of(cues))["hours"]:
            continue
        phrase = re.split(r"\s+(?:from|od|од|з|від|with|s|sa|са|z|ze)\s+\d", phrase)[0]
        return phrase.strip().rstrip(".").strip() or None
    return None


def _lang_of(cues: dict[str, tuple[str, ...]]) -> str:
    return next(code for code, table in CUES.items() if table is cues)


def _title(text: str, cues: dict[str, tuple[str, ...]]) -> str | None:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines[:15]:
        if len(line) <= 220 and _has_cue(line, cues["invitation"]) and ":" in line:
            after = line.split(":", 1)[1].strip()
            if len(after.split()) >= 2 and not URL.match(after):
                return after[:MAX_TITLE].strip()
    for line in lines[:15]:
        if len(line) <= MAX_TITLE and _has_cue(line, cues["invitation"]) \
                and 3 <= len(line.split()) <= 14 and not re.search(r"\d", line):
            return line.rstrip(".")
    for line in lines[:5]:  # the first line that is not a date stamp or a published-on line
        if 3 <= len(line) <= MAX_TITLE and not re.fullmatch(r"[\d.\s:/-]+", line) \
                and not _has_cue(line, cues["published"]):
            return line.rstrip(".")
    return None


def _description(text: str, start: Found | None) -> str | None:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(p.strip()) > 80]
    if start is not None:
        offset = 0
        for paragraph in re.split(r"(\n)", text):
            if offset <= start.start < offset + len(paragraph) and len(paragraph.strip()) > 80:
                paragraphs.insert(0, paragraph.strip())
                break
            offset += len(paragraph)
    if not paragraphs:
        return None
    chosen = paragraphs[0]
    if len(chosen) <= MAX_DESCRIPTION:
        return chosen
    cut = chosen[:MAX_DESCRIPTION]
    return (cut[: cut.rfind(". ") + 1] if ". " in cut else cut.rstrip() + "…").strip()


def _contact(text: str, deadline: Found | None,
             cues: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The e-mail address nearest the deadline (with a phone beside it), else the link of a
    sentence about registering (a sign-up form)."""
    emails = list(EMAIL.finditer(text))
    if not emails:
        for link in URL.finditer(text):
            start, end = _sentence(text, link.start())
            if cues and _has_cue(text[start:end], cues["deadline"]):
                return link.group(0).rstrip(".,;)")
        return None
    if deadline is not None:
        emails.sort(key=lambda m: abs(m.start() - deadline.start))
    chosen = emails[0]
    contact = chosen.group(0).rstrip(".")
    phone = next((m.group(0).strip() for m in PHONE.finditer(text)
                  if (abs(m.start() - chosen.start()) < 200
                  and sum(c.isdigit() for c in m.group(0)) >= 8
                  and not re.fullmatch(r"[\d.\s]+", m.group(0).replace("-", "")))
                  or (m.group(0).startswith(("+", "00")))), None)
    return f"{contact}, {phone}" if phone else contact


def _capacity(lowered: str, words: tuple[str, ...]) -> int | None:
    seats = "|".join(re.escape(word) for word in words)
    for pattern in (rf"(?<![\d.,])(\d{{1,5}})\s+(?:\w+\s+)?(?:{seats})",
                    rf"(?:{seats})\w*[^.\d\n]{{0,40}}?(?<![\d.,])(\d{{1,5}})(?![\d:]|\.\d)"):
        match = re.search(pattern, lowered)
        if match and 0 < int(match.group(1)) < 100000:
            return int(match.group(1))
    return None
