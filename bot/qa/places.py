"""Cities of the region a question may name, in every language and script people write them.

A question about a city its document does not name is not answered from it ("open data in
Novi Sad" is not answered from the page about Pančevo, however many other words they share;
see bot.qa.answering). Each line is one city, its country, then its folded forms (bot.qa.textnorm
.fold: lower case, no diacritics, Cyrillic in Latin letters): a word, a stem ending in `*`
(up to six more letters: a case ending or an adjective's suffix, Zagrebu, lwowskiego,
Панчева) or `?` (up to two), and words of a name joined by `+` (novog sada). Forms match
whole words, so a short name lists its endings (`nisom`), never a stem that starts a
common word (Serbian `ništa`, `nisu`); cities whose name is also a common word (Rijeka,
Kraljevo) are left out. Only cities: a country or region is named in too many ways
("Slovenian", "in our country") to say a document does not name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.qa.textnorm import fold

# A form's ending: `*` up to six letters (a case ending or an adjective's suffix), `?` up to two.
_ENDINGS = {"*": 6, "?": 2}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


# fmt: off
_CITIES = """
beograd (rs): beograd* belgrad* belgrade
novi sad (rs): nov?+sad nov?+sada nov?+sadu nov?+sadom novosad*
nis (rs): nis nisa nisom nish
kragujevac (rs): kragujev*
subotica (rs): subotic*
pancevo (rs): pancev* panczew* panchev*
zrenjanin (rs): zrenjanin*
novi pazar (rs): nov?+pazar*
smederevo (rs): smederev*
leskovac (rs): leskov*
valjevo (rs): valjev*
sabac (rs): sabac* sapc*
uzice (rs): uzic*
vrsac (rs): vrsac* vrsc*
sombor (rs): sombor*
ljubljana (si): ljubljan* lublan*
maribor (si): maribor*
celje (si): celj*
kranj (si): kranj*
koper (si): koper kopru kopra koprom
novo mesto (si): nov?+mesto nov?+mesta nov?+mestu nov?+mestom
ptuj (si): ptuj*
zagreb (hr): zagreb*
split (hr): splitu splita splitsk*
osijek (hr): osijek* osjeck*
zadar (hr): zadar*
sarajevo (ba): sarajev*
banja luka (ba): banj?+luk* banj?+luc* banjaluk* banjaluc*
mostar (ba): mostar*
tuzla (ba): tuzl*
podgorica (me): podgoric*
skopje (mk): skopj* skople*
warszawa (pl): warszaw* warsaw* varsav* varshav*
krakow (pl): krakow* krakov* cracow*
lodz (pl): lodz*
wroclaw (pl): wroclaw* vroclav*
poznan (pl): poznan poznaniu
gdansk (pl): gdansk* gdanj*
szczecin (pl): szczecin* scecin*
lublin (pl): lublin*
bialystok (pl): bialystok* bilostok*
katowice (pl): katowic* katovic*
rzeszow (pl): rzeszow*
kyiv (ua): kyiv* kiev* kijiv* kijev* kijow* kiyiv*
lviv (ua): lviv* lvov* lwow* lavov*
kharkiv (ua): kharkiv* harkiv* harkov* kharkov* charkow*
odesa (ua): odesa odessa odesi odesy odesie odesu odessi
dnipro (ua): dnipr* dnjepr* dniepr*
zaporizhzhia (ua): zaporizh* zaporiz* zaporoz*
vinnytsia (ua): vinnyts* vinnic* winnic*
ternopil (ua): ternopil* ternopol* tarnopol*
ivano-frankivsk (ua): ivano-frankiv* iwano-frankiw*
uzhhorod (ua): uzhhorod* uzgorod* uzhgorod* uzhorod*
chernivtsi (ua): chernivts* cernivc* czerniowc* cernovc*
chernihiv (ua): chernihiv* cernigiv* czernihow* cernigov*
poltava (ua): poltav* poltaw*
zhytomyr (ua): zhytomyr* zitomir* zytomierz*
mykolaiv (ua): mykolaiv* mikolajiv* mikolajow* nikolajev*
kherson (ua): kherson* herson* cherson*
cherkasy (ua): cherkas* cerkas* czerkas*
budapest (hu): budapest* budimpest*
bratislava (sk): bratislav*
wien (at): vienn* wien*
berlin (de): berlin*
"""
# fmt: on


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166 code
    forms: tuple[tuple[tuple[str, int], ...], ...]  # each form: its words as (letters, ending)


@cache
def _cities() -> tuple[City, ...]:
    cities = []
    for line in _CITIES.strip().splitlines():
        label, _, forms = line.partition(":")
        name, _, country = label.strip().rstrip(")").partition(" (")
        parsed = tuple(
            tuple((part.rstrip("*?"), _ENDINGS.get(part[-1], 0)) for part in form.split("+"))
            for form in forms.split()
        )
        cities.append(City(name, country, parsed))
    return tuple(cities)


@cache
def _first_words() -> dict[str, list[tuple[City, tuple[tuple[str, int], ...]]]]:
    """The forms by their first word's first three letters: a text's words look up only
    the few forms they could start."""
    table: dict[str, list[tuple[City, tuple[tuple[str, int], ...]]]] = {}
    for city in _cities():
        for form in city.forms:
            table.setdefault(form[0][0][:3], []).append((city, form))
    return table


def _fits(word: str, part: tuple[str, int]) -> bool:
    letters, ending = part
    return word.startswith(letters) and len(word) - len(letters) <= ending


@lru_cache(maxsize=4096)
def places_named(text: str) -> frozenset[str]:
    """The cities of the table a text names, in any of their forms (whole words only)."""
    words = _WORD.findall(fold(text))
    table = _first_words()
    found = set()
    for index, word in enumerate(words):
        for city, form in table.get(word[:3], ()):
            following = words[index : index + len(form)]
            if len(following) == len(form) and all(map(_fits, following, form)):
                found.add(city.name)
    return frozenset(found)


def countries_of(places: frozenset[str]) -> frozenset[str]:
    return frozenset(city.country for city in _cities() if city.name in places)


# The countries whose cities a document in a language may be about without naming them.
COUNTRIES_OF_LANGUAGE = {
    "sl": frozenset(["si"]),
    "sr": frozenset(["rs", "hr", "ba", "me"]),
    "pl": frozenset(["pl"]),
    "uk": frozenset(["ua"]),
}
