"""Cities of the region a question may name, in every language and script people write them.

A question about a city its document does not name is not answered from it ("open data in
Novi Sad" is not answered from the page about Pančevo, however many other words they share;
see bot.answering). Each line is one city, its country, then its folded forms (bot.textnorm
.fold: lower case, no diacritics, Cyrillic in Latin letters) as regular expressions, `*`
standing for a case ending or an adjective's suffix (Zagrebu, lwowskiego, Панчева). Forms
are matched as whole words of the folded text, so a short name lists its endings (`nisom`),
never a prefix that starts a common word (Serbian `ništa`, `nisu`); cities whose name is also
a common word (Rijeka, Kraljevo) are left out. Only cities: a country or region is named in
too many ways ("Slovenian", "in our country") to say a document does not name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.textnorm import fold

_ENDING = r"[a-z]{0,6}"

# fmt: off
_CITIES = """
beograd (rs): beograd* belgrad* belgrade
novi sad (rs): nov[a-z]{0,2}\\s+sad(?:a|u|om)? novosad*
nis (rs): nis nisa nisom nish
kragujevac (rs): kragujev*
subotica (rs): subotic*
pancevo (rs): pancev* panczew* panchev*
zrenjanin (rs): zrenjanin*
novi pazar (rs): nov[a-z]{0,2}\\s+pazar*
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
novo mesto (si): nov[a-z]{0,2}\\s+mest(?:o|a|u|om)
ptuj (si): ptuj*
zagreb (hr): zagreb*
split (hr): splitu splita splitsk*
osijek (hr): osijek* osjeck*
zadar (hr): zadar*
sarajevo (ba): sarajev*
banja luka (ba): banj[a-z]{0,2}\\s+luk* banjaluk*
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
    pattern: re.Pattern[str]


@cache
def _cities() -> tuple[City, ...]:
    cities = []
    for line in _CITIES.strip().splitlines():
        label, _, forms = line.partition(":")
        name, _, country = label.strip().rstrip(")").partition(" (")
        alternatives = "|".join(form.replace("*", _ENDING) for form in forms.split())
        pattern = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
        cities.append(City(name, country, pattern))
    return tuple(cities)


@cache
def _any_city() -> re.Pattern[str]:
    """One pattern for every city, a named group each: a text is read once, not once a city."""
    groups = (f"(?P<c{index}>{city.pattern.pattern})" for index, city in enumerate(_cities()))
    return re.compile("|".join(groups))


@lru_cache(maxsize=4096)
def places_named(text: str) -> frozenset[str]:
    """The cities of the table a text names, in any of their forms."""
    cities = _cities()
    return frozenset(
        cities[int(match.lastgroup[1:])].name
        for match in _any_city().finditer(fold(text))
        if match.lastgroup
    )


def countries_of(places: frozenset[str]) -> frozenset[str]:
    return frozenset(city.country for city in _cities() if city.name in places)


# The countries whose cities a document in a language may be about without naming them.
COUNTRIES_OF_LANGUAGE = {
    "sl": frozenset(["si"]),
    "sr": frozenset(["rs", "hr", "ba", "me"]),
    "pl": frozenset(["pl"]),
    "uk": frozenset(["ua"]),
}
