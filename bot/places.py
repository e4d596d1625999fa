"""Cities of the region a question may name, in every language and script people write them.

A question about a place its document never names is not answered from it ("open data in
Novi Sad" is not answered from the page about Pančevo, however many other words they share):
see bot.answering. Each line is one city: its folded forms (bot.textnorm.fold: lower case,
no diacritics, Cyrillic in Latin letters) as regular expressions, `*` standing for a case
ending or an adjective's suffix (Zagrebu, lwowskiego, Панчева). Forms are matched as whole
words of the folded text, so a short name lists its endings (`nis(?:a|u|om)?`, never a
prefix that starts a common word: Serbian `ništa`, `nisu`; cities whose name is also a
common word, Rijeka or Kraljevo, are left out). Only cities: a country or region is named
by documents in too many ways (Slovenian, "in our country") to say it is absent.
"""

from __future__ import annotations

import re
from functools import cache

from bot.textnorm import fold

_ENDING = r"[a-z]{0,6}"

# fmt: off
_CITIES = """
beograd: beograd* belgrad* belgrade
novi sad: nov[a-z]{0,2}\\s+sad(?:a|u|om)? novosad*
nis: nis nisa nisom nish
kragujevac: kragujev*
subotica: subotic*
pancevo: pancev* panczew* panchev*
zrenjanin: zrenjanin*
novi pazar: nov[a-z]{0,2}\\s+pazar*
smederevo: smederev*
leskovac: leskov*
valjevo: valjev*
sabac: sabac* sapc*
uzice: uzic*
vrsac: vrsac* vrsc*
sombor: sombor*
ljubljana: ljubljan* lublan*
maribor: maribor*
celje: celj*
kranj: kranj*
koper: koper kopru kopra koprom
novo mesto: nov[a-z]{0,2}\\s+mest(?:o|a|u|om)
ptuj: ptuj*
zagreb: zagreb*
split: splitu splita splitsk*
osijek: osijek* osjeck*
zadar: zadar*
sarajevo: sarajev*
banja luka: banj[a-z]{0,2}\\s+luk* banjaluk*
mostar: mostar*
tuzla: tuzl*
podgorica: podgoric*
skopje: skopj* skople*
warszawa: warszaw* warsaw* varsav* varshav*
krakow: krakow* krakov* cracow*
lodz: lodz*
wroclaw: wroclaw* vroclav*
poznan: poznan poznaniu
gdansk: gdansk* gdanj*
szczecin: szczecin* scecin*
lublin: lublin*
bialystok: bialystok* bilostok*
katowice: katowic* katovic*
rzeszow: rzeszow*
kyiv: kyiv* kiev* kijiv* kijev* kijow* kiyiv*
lviv: lviv* lvov* lwow* lavov*
kharkiv: kharkiv* harkiv* harkov* kharkov* charkow*
odesa: odesa odessa odesi odesy odesie odesu odessi
dnipro: dnipr* dnjepr* dniepr*
zaporizhzhia: zaporizh* zaporiz* zaporoz*
vinnytsia: vinnyts* vinnic* winnic*
ternopil: ternopil* ternopol* tarnopol*
ivano-frankivsk: ivano-frankiv* iwano-frankiw*
uzhhorod: uzhhorod* uzgorod* uzhgorod* uzhorod*
chernivtsi: chernivts* cernivc* czerniowc* cernovc*
chernihiv: chernihiv* cernigiv* czernihow* cernigov*
poltava: poltav* poltaw*
zhytomyr: zhytomyr* zitomir* zytomierz*
mykolaiv: mykolaiv* mikolajiv* mikolajow* nikolajev*
kherson: kherson* herson* cherson*
cherkasy: cherkas* cerkas* czerkas*
budapest: budapest* budimpest*
bratislava: bratislav*
wien: vienn* wien*
berlin: berlin*
"""
# fmt: on


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    patterns = {}
    for line in _CITIES.strip().splitlines():
        name, _, forms = line.partition(":")
        alternatives = "|".join(form.replace("*", _ENDING) for form in forms.split())
        patterns[name.strip()] = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
    return patterns


def places_named(text: str) -> frozenset[str]:
    """The cities of the table a text names, in any of their forms."""
    folded = fold(text)
    return frozenset(name for name, pattern in _patterns().items() if pattern.search(folded))
