# ruff: noqa: E501  (the glossary is a table: one concept a line)
"""A small multilingual glossary of civic terms: the bridge where no word is shared.

Cognate keys (bot.textnorm) let `konferencija`, `konferencja` and `conference` meet; nothing
lets `purpose` meet `сврха` or `registration` meet `zapisy`. Each line below is one concept
in English | Slovenian | Serbian (Latin; Cyrillic folds to it) | Polish | Ukrainian, as
lemmas (what simplemma returns), or as a folded prefix ending in `*` where inflection or the
lemmatiser varies (finans* for finansira, финансира, finansuje). A word whose folded form or
lemma is listed gets the concept's term (`zz<concept>`) beside its own terms, in passages and
questions alike, and so matches any other language's word for it (as a cognate key does,
with the same lower weight than the word itself).

What belongs here: general words of the domain (programmes, projects, events, sign-ups,
deadlines, funding, places of the region, months and weekdays), never words picked from a
question set. A word that means two things across these languages (Polish `rok` = year,
Serbian `rok` = deadline) is left out. Edit it like code: a change re-indexes (bot.qa.INDEXER).
"""

from __future__ import annotations

from functools import cache

# fmt: off
_CONCEPTS = """
goal: goal aim purpose objective | cilj namen | cilj svrha namena | cel | мета ціль
task: task duty | naloga | zadatak | zadanie | завдання
result: result outcome | rezultat izid | rezultat ishod | rezultat wynik | результат
fund: fund funding finance financing sponsor grant funder | financ* sredstvo | finans* financ* sredstvo donacija | finans* fundusz środek | фінанс* кошти грант
register: register registration signup enrol enroll apply application | prijava prijavi* | prijava prijavi* prijavlj* | zapis zapisa* zapisy zgłoszenie zgłos* rejestracja rejestr* | реєстрац* зареєстр* заявка записатися
deadline: deadline | najkasneje | najkasnije | najpóźniej | найпізніше дедлайн
place: venue place location | lokacija prizorišče | lokacija | miejsce lokalizacja | місце локація
venue: hotel hall street | hotel dvorana ulica | hotel sala dvorana ulica | hotel sala ulica | готель зала вулиця
happen: happen hold held | potekati odvijati | održati održava* | odbyć odbywać | відбутися відбуватися
mail: email mail | pošta | pošta imejl | poczta | пошта
address: address | naslov | adresa | adres | адреса
meeting: meeting gathering | srečanje sestanek | sastanak skup | spotkanie zebranie | зустріч засідання
work: work working | delo delovni | rad radni | praca roboczy | робота робочий
participate: participation participate attend attendance | udeležba udeleži* | učešće učestvova* prisustvova* | udział uczestnictwo uczestniczy* | участь
cooperation: cooperation collaboration | sodelovanje | saradnja sarađiva* | współpraca współprac* | співпраця
government: government administration | vlada uprava | vlada uprava | rząd administracja | уряд адміністрація влада
open: open openness | odprt odprtost | otvoren otvorenost | otwarty otwartość | відкритий відкритість
data: data | podatek | podatak podaci | dane | дані
library: library | knjižnica | biblioteka | biblioteka | бібліотека
training: training workshop course | usposabljanje delavnica tečaj | obuka radionica | szkolenie warsztat kurs | навчання тренінг семінар
city: city town municipality | občina | grad opština | miasto gmina | місто громада
district: district oblast province | pokrajina | oblast okrug | obwód województwo | область район
citizen: citizen resident | državljan občan prebivalec | građanin | obywatel mieszkaniec | громадянин мешканець
civil: civil civic | civilen | civilni | obywatelski | громадянський
society: society | družba | društvo | społeczeństwo | суспільство
nongovernmental: ngo nongovernmental | nevladen | nevladin | pozarządowy | неурядовий
public: public | javen | javni | publiczny | публічний громадський
service: service | storitev | usluga servis | usługa | послуга сервіс
director: director head chief | direktor vodja | direktor rukovodilac | dyrektor kierownik szef | директор керівник
chair: presidency chair chairmanship | predsedovanje predsedstvo | predsedavanje predsedništvo | prezydencja przewodnictwo | головування
council: council board | | savet veće | rada | рада
union: union | unija | unija | unia | союз
network: network | mreža | mreža | sieć | мережа
centre: centre center | center središče | centar | centrum ośrodek | центр
law: law legislation legislative | zakon zakonodaja | zakon zakonodavstvo | ustawa prawo | закон законодавство
success: success achievement | uspeh dosežek | uspeh | sukces osiągnięcie | успіх досягнення
skill: skill knowledge competence | veščina znanje kompetenca | veština znanje | umiejętność wiedza kompetencja | навичка знання компетенція
youth: youth young | mladina mlad | omladina mlad | młodzież młody | молодь молодий
employment: employment job | zaposlovanje zaposlitev | zapošljavanje | zatrudnienie | працевлаштування
education: education | izobraževanje | obrazovanje edukacija | edukacja kształcenie | освіта
debate: debate discussion | razprava | rasprava debata | debata dyskusja | дебати обговорення
week: week | teden | sedmica | tydzień | тиждень
day: day | dan | dan | dzień | день
name: name title called | ime naziv | ime naziv | nazwa | назва
website: website site web internet | splet spletišče | sajt internet | strona witryna | сайт
form: form | obrazec | obrazac formular | formularz | форма анкета
target: target beneficiary | ciljen | ciljni | docelowy | цільовий
invite: invite invitation | vabilo vabiti povabiti | poziv pozvati pozivati | zaproszenie zaprasza* zaprosić | запрошення запрошувати
present: present presentation | predstaviti predstavitev | predstaviti predstavljanje | przedstawić przedstawia* prezentować zaprezentować | представити презентувати
prepare: prepare | pripraviti | pripremiti | przygotować | підготувати
develop: develop development | razvoj razviti | razvoj razviti | rozwój rozwijać | розвиток розвивати
support: support help assistance | podpora pomoč | podrška pomoć | wsparcie pomoc | підтримка допомога
duration: duration last period | trajanje trajati obdobje | trajanje trajati period | trwanie trwać okres | тривалість тривати період
start: start begin beginning | začetek začeti | početak početi | początek rozpocząć | початок почати
end: end finish | konec končati | završetak završiti | koniec zakończenie zakończyć | кінець завершення закінчити
cost: cost price fee | cena strošek | cena trošak | cena koszt opłata | ціна вартість
free: free | brezplačen | besplatan | bezpłatny darmowy | безкоштовний
member: member | član | član | członek | член
deputy: deputy vice | namestnik | zamenik | wice* zastępca | заступник
minister: minister ministry | minister ministrstvo | ministar ministarstvo | minister ministerstwo wiceminister | міністр міністерство
europe: europe european | evropa evropski | evropa evropski | europa europejski | європа європейський
serbia: serbia serbian | srbija srbski | srbija srpski | serbia serbski | сербія сербський
slovenia: slovenia slovenian | slovenija slovenski | slovenija slovenački | słowenia słoweński | словенія
poland: poland polish | poljska poljski | poljska poljski | polska polski | польща польський
ukraine: ukraine ukrainian | ukrajina ukrajinski | ukrajina ukrajinski | ukraina ukraiński | україна український
croatia: croatia croatian | hrvaška | hrvatska | chorwacja | хорватія
belgrade: belgrade | beograd | beograd | belgrad | белград
warsaw: warsaw | varšava | varšava | warszawa | варшава
kyiv: kyiv kiev | kijev | kijev | kijów | київ
lviv: lviv lvov lwow | lvov | lavov | lwów lwowski | львів львівський
january: january | januar | januar | styczeń | січень
february: february | februar | februar | luty | лютий
march: march | marec | mart | marzec | березень
april: april | april | april | kwiecień | квітень
may: may | maj | maj | maj | травень
june: june | junij | jun | czerwiec | червень
july: july | julij | jul | lipiec | липень
august: august | avgust | avgust | sierpień | серпень
september: september | september | septembar | wrzesień | вересень
october: october | oktober | oktobar | październik | жовтень
november: november | november | novembar | listopad | листопад
december: december | december | decembar | grudzień | грудень
monday: monday | ponedeljek | ponedeljak | poniedziałek | понеділок
tuesday: tuesday | torek | utorak | wtorek | вівторок
wednesday: wednesday | sreda | sreda | środa | середа
thursday: thursday | četrtek | četvrtak | czwartek | четвер
friday: friday | petek | petak | piątek | пʼятниця
saturday: saturday | sobota | subota | sobota | субота
sunday: sunday | nedelja | nedelja | niedziela | неділя
"""
# fmt: on
_PREFIX = "zz"


@cache
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[int, ...]]:
    """(folded word -> concepts, folded prefix -> concepts, prefix lengths)."""
    from bot.textnorm import fold  # textnorm imports this module: import here

    words: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for line in _CONCEPTS.strip().splitlines():
        name, _, forms = line.partition(":")
        for form in forms.replace("|", " ").split():
            table = prefixes if form.endswith("*") else words
            table.setdefault(fold(form.rstrip("*")), []).append(f"{_PREFIX}{name.strip()}")
    lengths = tuple(sorted({len(prefix) for prefix in prefixes}))
    return ({k: tuple(v) for k, v in words.items()}, {k: tuple(v) for k, v in prefixes.items()},
            lengths)


def concepts(folded_forms: tuple[str, ...]) -> tuple[str, ...]:
    """The concept terms of a word given its folded surface form and lemmas."""
    words, prefixes, lengths = _tables()
    found: dict[str, None] = {}
    for form in folded_forms:
        found.update(dict.fromkeys(words.get(form, ())))
        for length in lengths:
            if length > len(form):
                break
            found.update(dict.fromkeys(prefixes.get(form[:length], ())))
    return tuple(found)
