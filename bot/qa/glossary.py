# ruff: noqa: E501  (the glossary is a table: one concept a line)
"""A small multilingual glossary of civic terms: the bridge where no word is shared.

Cognate keys (bot.qa.textnorm) let `konferencija`, `konferencja` and `conference` meet; nothing
lets `purpose` meet `сврха` or `registration` meet `zapisy`. Each line below is one concept
in English | Slovenian | Serbian (Latin; Cyrillic folds to it) | Polish | Ukrainian, as
lemmas (what simplemma returns), or as a folded prefix ending in `*` where inflection or the
lemmatiser varies (finans* for finansira, финансира, finansuje). A word whose folded form or
lemma is listed gets the concept's term (`zz<concept>`) beside its own terms, in passages and
questions alike, and so matches any other language's word for it (as a cognate key does,
with the same lower weight than the word itself).

What belongs here: general words of the domain, about 400 concepts (government and
administration, civil society, projects and funding, events, information and digital services,
time and quantity, common question verbs, places of the region, months and weekdays), never
words picked from a question set. The table is language-independent once folded: a form
listed under Polish matches the same folded form in every language. So a word that means two
things across these languages (Polish `rok` = year, Serbian `rok` = deadline; Polish `dane` is
listed, Polish `data` is not) is left out, unless one meaning is what civic questions ask far
more often (Slovenian `leto` and Serbian `godina` are listed as years, though Serbian `leto` is
summer and Ukrainian `година` an hour), and
a prefix has at least 5 letters and starts no unrelated word (`unapređenj*`, not `unapređ*`,
which starts Serbian `unapred`, "in advance"). Where simplemma sends a base form one way and
its inflections another (`wdrożenie` -> `wdrożyć`, `wdrożenia` -> `wdrożenie`), both are listed.
A few forms stand in two concepts on purpose (Serbian `savet` is advice and council, Ukrainian
`рішення` decision and solution). A long word the lemmatiser does not know reaches the
concept its first six letters lead to, where only one concept's words begin so. Edit it like
code: a change re-indexes (bot.qa.service.INDEXER).
"""

from __future__ import annotations

from functools import cache

from bot.i18n.scripts import fold

# fmt: off
_CONCEPTS = """
goal: goal aim purpose objective | cilj namen* | cilj svrha | cel | мета ціль
task: task duty | naloga | zadatak | zadanie | завдання
result: result outcome output | rezultat izid | rezultat ishod | rezultat wynik | результат підсумок
fund: fund funding finance financing funder sponsor grant money cofinancing subsidy donor donation donate pay paying | financ* sofinancir* sredstvo denar subvencija donator donacija donira* plačati | finans* financ* sufinansir* sredstvo fond novac donacija platiti plaćati | finans* dofinansow* współfinansow* fundusz środek środki pieniądz dotacja subwencja darczyńca darowizna płacić zapłacić | фінанс* співфінансув* кошти грант фонд гроші субсидія дотація донор пожертва платити
register: register registration signup enrol enroll apply application applicant | prijava prijavi* prijavnica vpis | prijava prijavi* prijavlj* upis podnosilac | zapis zapisy zapisa* zgłos* zgłasza* rejestracja rejestr* wniosek wnioskodawca | реєстрац* зареєстр* заявка заявник записатися
deadline: deadline | najkasn* | najkasn* | najpóźni* termin | найпізн* дедлайн термін строк
place: venue place location | lokacij* prizorišče | mesto | miejsce lokalizacja | місце
venue: hotel hall street square room building floor entrance | dvorana ulica trg soba stavba zgradba nadstropje vhod | hotel dvoran* ulica prostorija zgrada sprat ulaz | hotel sala ulica pomieszcze* budynek piętro wejście | готель зала вулиця кімната приміщення будівля поверх вхід
happen: happen hold held occur | potekati odvijati | održati održava* | odbyć odbywać | відбутися відбуватися проходити
mail: email mail | pošta | pošta imejl mejl | poczta | пошта
address: address | naslov | adresa | adres | адреса
meeting: meeting meet gathering session | srečanje sestanek seja zasedanje srečati sestati | sastanak skup sednica zasedanje sastati sresti | spotkanie zebrani* posiedzenie obrady spotkać | зустріч засідання зустрітися
work: work working operate | delo delovni deloven delovati delovanje | rad radni raditi delovati | praca roboczy działać | робота робочий працювати діяти
participate: participation participate attend attendance participant attendee presence | udeležba udeleži* udeleženec prisotnost | učešće učestvova* prisustvova* učesnik prisustvo | udział uczestnictwo uczestniczy* uczestnik obecność | участь учасник присутність
cooperation: cooperation collaboration cooperate collaborate | sodelovanje sodelovati | saradnja sarađiva* | współpraca współprac* | співпраця співпрацювати
government: government administration authority selfgovernment administrative | vladati uprava samouprava upraven upravni administrativen | vlada uprava vlast samouprava upravni administrativni administrativan | rząd administracja władza samorząd samorządowy administracyjny | уряд адміністрація влада самоврядування адміністративний
open: open openness opening | odprt odprtost odpreti otvoritev odprtje | otvoren otvorenost* otvoriti otvaranje | otwarty otwartość otworzyć otwarcie | відкритий відкритість відкрити
data: data | podatek | podatak podaci | dane danych* | дані
library: library | knjižnica | biblioteka | biblioteka | бібліотека
training: training workshop course seminar webinar | usposabljanje delavnica tečaj usposabljati usposobiti | obuka radionica vebinar* trening obučavanje obučavati obučiti | szkolenie warsztat kurs seminarium szkolić trening | навчання тренінг семінар
city: city town municipality municipal village | občina občinski mesto mesten | grad opština općina opštinsk* gradski selo | miasto gmina miejski gminny wieś | місто громада міський село
district: district oblast province region regional county | pokrajina regija regionalen okrožje pokrajinski | oblast okrug region regionalni regionalan pokrajina pokrajinski županija | obwód województwo powiat region regionalny wojewódzki dzielnica powiatowy prowincja | область район регіон регіональний обласний округ районний провінція
citizen: citizen resident inhabitant population | državljan občan prebivalec prebivalstvo državljanka občanka | građanin stanovnik stanovništvo građanka | obywatel mieszkaniec ludność obywatelka | громадянин мешканець житель населення громадянка
civil: civil civic | civilen državljanski | civilni građanski | obywatelski | громадянський
society: society | družba | društvo | społeczeństwo | суспільство
nongovernmental: ngo nongovernmental nonprofit cso | nevladen nvo neprofit* | nevladin nvo ocd | pozarządowy ngo | неурядовий неприбутков*
organisation: organisation organization ngo cso organisational organizational | organizacija nvo organizacijski | organizacija udruženje udruga nvo ocd organizacioni organizacijski | organizacja stowarzyszenie ngo organizacyjny | організація організаційний
central: central | osrednji centralen | centralni središnji | centralny środkowy środkowa | центральний
mode: mode regime | režim | režim | tryb | режим
public: public | javen javnost | javni javan javnost | publiczny | публічний громадський громадськість
service: service | storitev služba | usluga servis | usługa | послуга сервіс служба
director: director head chief lead leader leadership manager | direktor vodja voditi vodenje vodstvo načelnik šef predstojnik | direktor rukovodilac voditi rukovodstvo lider načelnik šef | dyrektor kierownik szef prowadzić kierować lider kierownictwo naczelnik | директор керівник керувати очолювати лідер керівництво начальник завідувач очільник
chair: presidency chair chairmanship president chairman chairperson | predsedovanje predsedstvo predsednik | predsedava* predsedništvo | prezydencja przewodnictwo prezes przewodniczący prezydent | головувати президент голова
council: council board committee commission | odbor komisija | savet veće odbor komisija | rada komitet komisja zarząd | рада комітет комісія правління
coalition: coalition | koalicija | koalicija | koalicja | коаліція
union: union alliance federation eu | unija | unija savez | unia sojusz federacja ue | союз альянс федерація єс
network: network networking | mreža omrežje mrežen* | mreža umrežava* | sieć sieciowy | мережа мережевий мережевити
centre: centre center hub | center središče stičišče | centar središte | centrum ośrodek | центр
law: law legislation legislative legal | zakon zakonodaja praven zakonit | zakon zakonodavstvo pravni zakonski | ustawa prawo prawny | закон законодавство правовий юридичний
success: success achievement achieve | uspeh dosežek doseči | uspeh postići ostvariti dostignuć* postignuć* | sukces osiągnięcie osiągnąć | успіх досягнення досягти
skill: skill knowledge competence ability | veščina znanje kompetenca spretnost | veština znanje vještina | umiejętność wiedza kompetencja | навичка знання компетенція вміння
youth: youth young | mladina mlad mladi mladinski mladostnik | omladina mlad omladinski | młodzież młody młodzieżowy | молодь молодий молодіжний
employment: employment job employability | zaposlovanje zaposlitev zaposliti zaposlovati zaposljivost | zapošljavanje zaposliti zaposlenje zapošljavati zapošljivost | zatrudnienie zatrudnić zatrudniać zatrudnialność | працевлаштування зайнятість працевлаштувати
education: education | izobraževanje | obrazovanje edukacija | edukacja kształcenie | освіта
debate: debate discussion discuss | razprava razpravljati obravnavati pogovor | rasprava debata raspravljati razgovor diskusija | debata dyskusja dyskutować omawiać omówić rozmowa | дебати обговорення обговорювати обговорити дискусія
week: week | teden | sedmica nedelja | tydzień | тиждень
day: day days | dan | dan | dzień dni | день дні
name: name title called | ime naziv imenovati | ime naziv zvati | nazwa nazywać | назва називатися
website: website site web internet webpage homepage page link | splet spletišče spleten | sajt internet veb stranica | strona witryna | сайт вебсайт* сторінка посилання
form: form questionnaire | obrazec | obrazac formular* | ankieta | форма анкета
target: target beneficiary | ciljen upravičenec | ciljn* | docelowy beneficjent | цільовий бенефіціар
invite: invite invitation | vabilo vabiti povabiti | poziv pozvati pozivati | zaproszenie zaprasza* zaprosić | запрошення запрошувати
present: present presentation | predstaviti predstavitev | predstaviti predstavljanj* | przedstawić przedstawia* prezentować zaprezentować | представити презентув* презентація
prepare: prepare preparation draft drafting elaboration | pripraviti priprava izdelava izdelati | pripremiti pripremati izrada izraditi priprema | przygotować przygotowanie opracować opracowanie sporządzić sporządzenie | підготувати підготовка розробка розробити розроблення
develop: develop* | razvoj razvijati | razvoj razviti razvijati | rozwój rozwijać | розвиток розвивати
support: support help assistance assist | podpora pomoč pomagati podpreti podpirati | podrška pomoć pomagati podržati podržavati | wsparcie pomoc pomagać pomóc wspierać wesprzeć | підтримка допомога допомагати допомогти підтримувати підтримати
duration: duration last period | trajanje trajati obdobje | trajati period | trwanie trwać okres | тривалість тривати період
start: start begin beginning launch | začetek začeti | početak početi započeti | początek rozpocząć rozpoczęcie zacząć | початок почати розпочати
end: end finish conclude conclusion | konec končati zaključiti zaključek | završetak završiti zaključiti zaključak zatvarati zatvoriti | koniec zakończenie zakończyć zamknięcie zamknąć | кінець завершення закінчити завершити закриття
cost: cost price fee pay payment | cena strošek plačati plačilo kotizacija | cena trošak platiti plaćati uplat* kotizacija naknada | cena koszt opłata płacić zapłacić płatność płatny | ціна вартість платити сплатити оплата платний
free: free | brezplačen | besplatan | bezpłatny darmowy | безкоштовний
member: member membership | član članstvo članica | član članstvo članica | członek członkostwo członkowski | член членство
deputy: deputy vice | namestnik | zamenik | zastępca wiceprzewodnicz* wiceprezes wicedyrektor wiceprezydent wiceburmistrz wiceminister | заступник
minister: minister ministry | minister ministrstvo | ministar ministarstvo | minister ministerstwo wiceminister | міністр міністерство
europe: europe european | evropa evropski | evropa evropski | europa europejski | європа європейський
serbia: serbia serbian | srbija srbski | srbija srpski | serbia serbski | сербія сербський
slovenia: slovenia slovenian | slovenija slovenski | slovenija slovenački | słowenia słoweński | словенія
poland: poland polish | poljska poljski | poljski | polska polski | польща польський
ukraine: ukraine ukrainian | ukrajina ukrajinski | ukrajina ukrajinski | ukraina ukraiński | україна український
croatia: croatia croatian | hrvaška hrvaški | hrvatska hrvatski | chorwacja | хорватія
belgrade: belgrade | beograd | beograd | belgrad | белград
warsaw: warsaw | varšava | varšava | warszawa | варшава
kyiv: kyiv kiev | kijev | kijev | kijow* | київ*
lviv: lviv* lvov* lwow* | lvov* | lavov* lvov* | lwów lwow* | львів* львов*
state: state country | država državen dežela | država državni | państwo państwowy | держава державний
national: national | nacionalen naroden | nacionalni nacionalan narodni | narodowy krajowy ogólnokrajowy | національний загальнонаціональний
international: international | mednaroden | međunarodni | międzynarodowy | міжнародний
office: office bureau | urad pisarna | kancelarija biro | urząd biuro | офіс бюро відомство
institution: institution institute | ustanova institucija zavod inštitut | ustanova institucija zavod institut | instytucja placówka zakład instytut | установа інституція заклад інститут
decision: decision decide resolution decisionmaker policymaker | odločitev odločiti odločati odločba odločevalec | odluka odlučiti odlučivati donosilac | decyzja decydować zdecydować decydent uchwała postanowić | рішення вирішити вирішувати ухвала ухвалити
solution: solution solve | rešitev rešiti | rešenje rešiti | rozwiązanie rozwiązać | рішення вирішити
officer: officer official servant | uradnik uslužbenec funkcionar | službenik zvaničnik funkcioner* činovnik | urzędnik funkcjonariusz | посадовець службовець чиновник
formal: official formal | uraden formalen | zvaničan služben formalan | oficjalny urzędowy formalny | офіційний формальний
regulation: regulation rule decree ordinance bylaw | pravilo predpis uredb* odlok pravilnik | propis pravilnik | przepis reguła regulamin rozporządzenie | правило регламент постанова розпорядження
principle: principle rule | načelo pravilo | načelo princip pravilo | zasada reguła | принцип засада правило
agreement: agreement contract memorandum agree | sporazum dogovor pogodba strinjati dogovoriti soglasje | sporazum dogovor ugovor saglasnost* složiti dogovoriti | porozumienie umowa zgodzić uzgodnić porozumieć | угода договір домовленість погодитися домовитися
sign: sign signature signatory | podpisati podpis podpisnik | potpisati potpis potpisnik | podpisać podpis sygnatariusz | підписати підпис
rights: right | pravica | | prawo | право
procedure: procedure process | postopek proces | postupak procedura proces | postępowanie procedura proces | процедура процес
digital: digital digitalisation digitisation digitization informatisation electronic online | digitalen digitaliz* informatiz* elektronski spleten | digitalni elektronski onlajn | cyfrowy cyfryzacja informatyz* elektroniczny online | цифровий цифровізація діджиталіз* електронний онлайн
remote: remote distance | daljav* | daljinski | zdalny zdalnie | дистанційний віддалений
mayor: mayor | župan | gradonačelnik | burmistrz wójt | мер
assembly: assembly parliament | skupščina parlament zbor | skupština parlament | zgromadzenie parlament sejm sejmik | збори парламент асамблея
manage: manage management governance administer | upravljanje upravljati | upravljanje upravljati | zarządzanie zarządzać | управління управляти врядуван*
department: department division | oddelek sektor | odeljenje odsek sektor | wydział departament oddział | відділ департамент підрозділ відділення
employee: employee staff worker personnel | zaposlen delavec | radnik | pracownik personel | працівник співробітник
secretary: secretary secretariat | tajnik sekretar sekretariat | sekretar sekretarijat | sekretarz sekretariat | секретар секретаріат
tax: tax taxation | davek davčen | porez poresk* | podatkowy | податок податковий
court: court judiciary | sodišče sodstvo | sud sudstvo | sądownictwo | суд судовий
permit: permit licence license approval authorisation | dovoljenje | dozvola odobrenje | zezwolenie pozwolenie | дозвіл ліцензія
condition: condition requirement criterion eligibility eligible | pogoj zahtevati merilo kriterij* upravičen | uslov zahtev | warunek wymóg wymaganie wymagać kryterium uprawnić | умова вимога критерій
association: association | združenje društvo | udruženje udruga | stowarzyszenie towarzystwo | асоціація обʼєднання спілка товариство
foundation: foundation | fundacija | fondacija zadužbina | fundacja | фундація
establish: establish establishment founder | ustanoviti ustanavljati ustanovitelj | osnovati osnivati osnivač uspostaviti | założyć założyciel ustanowić powołać | заснувати засновник заснування
create: create creation | ustvariti ustvarjanje oblikovati | stvoriti kreirati stvaranje | stworzyć tworzenie tworzyć utworzyć | створити створювати створення
initiative: initiative undertaking venture | pobuda iniciativa | inicijativa poduhvat | inicjatywa przedsięwzięcie przedsięwziąć | ініціатива починання
volunteer: volunteer volunteering voluntary | prostovolj* | volonter* volontir* | wolontariusz wolontariat | волонтерство
advocacy: advocacy advocate | zagovorni* zagovarjati | zagovaranj* zagovarati | rzecznictwo | адвокаці* адвокатув*
community: community | skupnost | zajednica | społeczność wspólnota | спільнота громада
transparency: transparency transparent* | preglednost pregleden | | przejrzystość przejrzysty | прозорість прозорий
accountability: accountability accountable responsibility responsible | odgovornost odgovoren | odgovornost odgovoran | odpowiedzialność odpowiedzialny rozliczalność | відповідальність відповідальний підзвітність підзвітний
inclusion: inclusion inclusive include involve | vključevanje vključenost* vključujoč* inkluzij* vključiti vključevati | uključivanj* uključenost* inkluziv* uključiti uključivati | włącze* inkluzja włączyć włączać | інклюзі* залучення включити включати залучати залучити
exclusion: exclusion exclude excluded marginalise marginalize | izključenost* izključevanj* | isključenost* isključivati | wykluczeni* wykluczyć wykluczony | виключення маргіналізувати
vulnerable: vulnerable disadvantaged disadvantage | ranljiv | ranjiv osetljiv | wrażliwy defaworyz* | вразливий
equality: equality | enakost enakopravnost | jednakost ravnopravnost | równość równouprawnienie równouprawnić | рівність рівноправний
gender: gender | spol | | płeć | гендер гендерний
woman: woman female | ženska ženski žena | žena | kobieta | жінка
disability: disability disabled disable handicap | invalidnost oviranost* | invaliditet | niepełnospraw* | інвалідність
minority: minority | manjšina | manjina | mniejszość | меншина
refugee: refugee displaced displace | begunec | izbeglica raseliti | uchodźca przesiedlić | біженець переселенець
person: person people individual human | oseba človek | osoba čovek ljudi | osoba człowiek | особа людина
child: child | otrok | dete | dziecko | дитина
family: family | družina | porodica | rodzina | сімʼя родина
elderly: elderly senior pensioner | starostnik upokojenec | penzioner | senior emeryt | пенсіонер
unemployed: unemployed unemployment | brezposeln brezposelnost | nezaposlen nezaposlenost | bezrobotny bezrobocie | безробітний безробіття
health: health healthcare | zdravje zdravstvo | zdravlje zdravstvo | zdrowie | здоровʼя
environment: environment environmental | okolje okoljski | okolina | środowisko | довкілля середовище
economy: economy economic | gospodarstvo gospodarski ekonomija | ekonomija privreda privredni ekonomski | gospodarka gospodarczy ekonomia | економіка господарство економічний
company: company business enterprise firm | podjetje firma poslovanje posloven | preduzeće firma kompanija biznis* poslovanje poslovan poslovni | przedsiębiorstwo firma spółka biznes biznesowy | підприємство компанія фірма бізнес діловий
entrepreneur: entrepreneur entrepreneurship | podjetnik podjetništvo | preduzetni* poduzetni* | przedsiębiorca przedsiębiorczy przedsiębiorczość | підприємець підприємництво
private: private privacy | zaseben zasebnost | privatni privatan privatnost* | prywatny prywatność | приватний приватність
social: social societal | socialen družben | socijalni socijalan društveni društven | społeczny socjalny | соціальний суспільний
security: security safety safe | varnost varen | bezbed* sigurnost | bezpieczeństwo bezpieczny | безпека безпечний
protection: protection protect | zaščita varstvo zaščititi | zaštita zaštititi | ochrona chronić | захист захищати захистити
personal: personal | oseben | lični ličan | osobowy osobisty | особистий персональний
trust: trust confidence | zaupanje | poverenje | zaufanie | довіра
freedom: freedom liberty | svoboda | sloboda | wolność swoboda | свобода
poverty: poverty poor | revščina reven | siromaštvo siromašan | ubóstwo bieda ubogi | бідність бідний
recovery: recovery reconstruction renewal restore restoration | obnova prenova obnoviti prenoviti | obnova obnoviti | odbudowa odnowa odnowić odbudować przywrócić | відновлення відбудова відновити відновлювати відбудувати
charity: charity charitable humanitarian | dobrodel* humanitaren | dobrotvoran humanitarni humanitaran | charytatywny dobroczynny humanitarny | благодійний благодійність гуманітарний
mission: mission | poslanstvo | misija | misja | місія
value: value | vrednota vrednost | vrednost | wartość | цінність
petition: petition | petici* | | petycja |
ombudsman: ombudsman | varuh | zaštitnik | rzecznik | омбудсмен уповноважений
stakeholder: stakeholder | deležnik | | interesariusz* | стейкхолдер*
activity: activity action measure | dejavnost aktivnost delovanje ukrep ukvarjati akcija ukrepanje | aktivnost delatnost delovanje mera baviti akcija | działalność aktywność działani* zajmować akcja | діяльність активність дія захід займатися акція
implement: implement implementation realise realize realisation realization | izvaja* izvedba uresničevati uresničiti uresničevanje | sprovesti sprovoditi sprovođenj* realizov* realizacija implementacija | realizować zrealizować realizacja wdrażać wdrożenie wdrożyć | реалізувати реалізація впроваджувати впровадити впровадження виконувати виконання
budget: budget | proračun | budžet | budżet | бюджет
competition: competition contest tender procurement | razpis natečaj | konkurs* natečaj tender nabavka | przetarg | тендер закупівля
proposal: proposal suggestion propose suggest | predlog predlagati predlagatelj | predlog predložiti predlagati predlagač | propozycja proponować zaproponować | пропозиція запропонувати пропонувати
group: group | skupina | grupa | grupa | група
impact: impact effect influence | učinek vpliv | uticaj efekat | wpływ efekt oddziaływanie oddziaływać | вплив ефект
indicator: indicator | kazalnik indikator* | pokazatelj | wskaźnik | показник
phase: phase stage | faza etapa | faza etapa | faza etap | фаза етап
plan: plan planning | načrt načrtovati načrtovanje | plan planiranje planirati | planowanie planować | план планування
priority: priority | prednost prioriteta | prioritet | priorytet | пріоритет
area: area field domain sphere | področje | područje oblast | dziedzina obszar zakres sfera | сфера галузь
benefit: benefit advantage | korist | korist | korzyść | користь вигода
need: need necessary | potreba potreben nujen | potreba potreban neophodan nužan | potrzeba potrzebny konieczny niezbędny | потреба необхідний потрібний
challenge: challenge | izziv | izazov | wyzwanie wyzwać | виклик
quality: quality | kakovost | kvalitet* | jakość | якість
improve: improve improvement enhance | izboljšati izboljšanje izboljšava izboljševati | unaprediti unapređenj* poboljšati poboljšanje poboljšavati unapređivati | poprawić poprawa ulepszyć poprawiać udoskonalić usprawniać | покращити покращення поліпшення удосконалення покращувати поліпшити поліпшувати вдосконалити удосконалити
strengthen: strengthen strengthening empower empowerment | krepiti krepitev okrepiti opolnomoč* | jačati jačanje ojačati osnaž* | wzmocnienie wzmocnić wzmacniać | зміцнити зміцнення посилити посилення
promote: promote promotion encourage foster | promovirati promocija spodbujati spodbujanje | promovis* promocija podstica* | promować promocja propagować popularyzować | популяризувати просувати сприяти
inform: inform notify announcement notice news | obvestiti obvestilo obveščati novica informirati informiranje | obavest* obavijest* saopštenje informisati informisanje | informować poinformować powiadomić ogłoszenie ogłosić komunikat informowanie | інформувати повідомити повідомлення оголошення новина інформування
publish: publish publication | objaviti objava publikacija | objaviti objava publikacija | opublikować publikować publikacja | опублікувати оприлюднити публікація
contribute: contribute contribution | prispevati prispevek doprinos | doprineti doprinos | przyczynić wkład | внесок
amount: amount sum | znesek vsota | iznos suma | kwota suma | сума обсяг
percent: percent percentage | odstotek | procenat | procent* | відсоток
evaluation: evaluation assessment monitoring monitor | vrednotenje ocena spremljanje evalvacija | evaluaci* ocena praćenj* | ewaluacja ocena monitoring | оцінка оцінювання моніторинг
sustainability: sustainability sustainable | trajnost* | održiv* | trwałość zrównoważony | сталий
experience: experience | izkušnja | iskustvo | doświadczenie | досвід
example: example | primer | primer | przykład | приклад
recommendation: recommendation | priporočilo | preporuka | rekomendacja zalecenie | рекомендація
opportunity: opportunity possibility possible | priložnost možnost mogoč možen morebiten | prilika mogućnost moguć eventualan eventualni | możliwość szansa okazja możliwy ewentualny | можливість нагода можливий
level: level tier | raven | nivo razina | poziom szczebel | рівень щабель
research: research study survey science scientific researcher | raziskava raziskovanje znanost znanstven raziskovalec raziskovalen raziskati | istraživanje nauka naučni naučan naučnik istraživač istraživački istražiti | badani* nauka naukowy naukowiec badacz badawczy badać | дослідження наука опитування науковий науковець дослідник дослідницький досліджувати
expert: expert specialist professional | strokovnjak strokoven | stručnjak stručan ekspert | ekspert specjalista fachowy | експерт фахівець фаховий
report: report | poročilo | izveštaj | raport sprawozdanie | звіт
offer: offer | ponudba ponuditi nuditi | ponuda ponuditi | oferta oferować zaoferować | пропонувати запропонувати
provide: provide ensure provision | zagotoviti zagotavljati zagotavljanje | obezbed* osigurati pružiti pružanje pružati | zapewnić zapewniać świadczenie świadczyć zapewnienie | забезпечити забезпечувати надати надавати надання
use: use usage user | uporaba uporabiti uporabnik uporabljati | upotreba koristiti korisnik korišćenje upotrebiti upotrebljavati | używać wykorzystać korzystać użytkownik użycie użytkowanie użytkować wykorzystanie wykorzystywać korzystanie | використовувати використання користувач
change: change | sprememba spremeniti | promena promeniti izmena | zmiana zmienić | зміна змінити
continue: continue continuation | nadaljevati nadaljevanje | nastavak | kontynuować kontynuacja | продовжити продовжувати продовження
build: build construction | graditi gradnja | graditi izgradnja | budować budowa | будувати будівництво
connect: connect connection | povezati povezava povezovanje | povezati povezivanj* | połączyć łączyć połączenie | поєднати зʼєднати
check: check verify | preveriti | proveriti | sprawdzić zweryfikować | перевірити
describe: describe description | opisati opis | opisati opis | opisać opis | описати опис
enable: enable allow | omogočiti omogočati dovoliti dovoljevati | omogućiti omogućavati dozvoliti dozvoljavati | umożliwić umożliwiać pozwolić pozwalać | уможливити дозволити дозволяти
increase: increase growth | povečati povečanje rast | povećati povećanje rast | zwiększenie zwiększyć wzrost | збільшити збільшення зростання
reduce: reduce decrease reduction | zmanjšati zmanjšanje | smanjiti smanjenje | zmniejszenie zmniejszyć | зменшити зменшення скоротити
receive: receive obtain | prejeti dobiti | primiti | otrzymać uzyskać | отримати одержати
submit: submit send deliver | oddati poslati | podneti poslati dostaviti predati | złożyć przesłać wysłać | подати надіслати
choose: choose select selection elect election vote | izbrati izbirati izbor volitev glasovati | izabrati birati izbor izbori glasati glasanje | wybrać wybierać wybór wybory głosować głosowanie | обрати вибрати вибори вибір голосувати голосування
consist: consist comprise composition | sestavljati sestava | sastojati sastav | | складатися
join: join | pridružiti včlaniti | pridružiti priključiti učlaniti | dołączyć przyłączyć przystąpić | приєднатися долуч*
represent: represent representative representation | predstavljati predstavnik zastopati zastopnik | predstavljati predstavnik zastupati | reprezentować przedstawiciel reprezentant | представляти представник представництво
moderator: moderate moderator facilitator presenter | moderator moderir* voditelj | | moderator moderować | модератор модерув* ведучий
learn: learn learning | učiti učenje naučiti | učiti učenje naučiti | uczyć nauczyć uczenie | вчитися навчатися вивчати вивчити навчитися
question: question issue | vprašanje problematika | pitanje problematika | pytanie kwestia zagadnienie | питання проблематика
answer: answer reply response | odgovor | odgovor | odpowiedź | відповідь
conference: conference symposium congress forum | konferenca posvet simpozij* kongres | konferencija kongres | konferencja sympozjum kongres | конференція симпозіум конгрес форум
event: event | dogodek prireditev | događaj manifestacija | wydarzenie impreza | подія захід
lecture: lecture | predavanje | predavanje | wykład prelekcja | лекція доповідь
speaker: speaker lecturer panelist* panellist keynote | govornik predavatelj | govornik predavač | prelegent mówca | доповідач* спікер
roundtable: round roundtable | okrogel | okrugao okrugli | okrągły | круглий
guest: guest visitor visit | gost obiskovalec obisk obiskati | gost gostiti poset* | gość odwiedzać wizyta odwiedzić | гість гостя відвідувач візит відвідати
agenda: agenda schedule timetable | urnik razpored | agenda raspored satnica | agenda harmonogram rozkład | розклад графік
confirm: confirm confirmation | potrditi potrditev | potvrditi potvrda | potwierdzić potwierdzenie | підтвердити підтвердження
cancel: cancel* | odpovedati odpoved preklicati | otkazati otkazivati | odwołać anulować | скасувати скасування
organise: organise organize organiser organizer host | organizirati organizator prirediti prireditelj gostitelj | organizov* organizator | organizować zorganizować organizator gospodarz | організувати організатор господар
exhibition: exhibition expo | razstava sejem | izložba sajam | wystawa targi | виставка ярмарок
award: award prize | nagrada priznanje | nagrada priznanje | nagroda wyróżnienie | нагорода премія
lunch: lunch meal refreshment | kosilo | ručak | obiad | обід
break: break pause | odmor premor | pauza odmor | przerwa | перерва
accommodation: accommodation lodging | nastanitev namestitev prenočišče | smeštaj* | zakwaterowanie zakwaterować nocleg | проживання розміщення
travel: travel trip journey | potovanje prevoz | putovanje prevoz | podróż przejazd dojazd | подорож проїзд
ticket: ticket | vstopnica | ulaznica | bilet wejściówka | квиток
limit: limit limited restriction | omejen omejitev | ograničiti ograničenje | ograniczony ograniczenie | обмежений обмеження
broadcast: broadcast livestream stream streaming | prenos | prenos | transmisja | трансляція
material: material | gradivo | materijal | materiał | матеріал
handbook: handbook manual guide guidebook toolkit | priročnik vodnik | priručnik vodič | podręcznik przewodnik poradnik | посібник довідник путівник
certificate: certificate diploma | certifikat | sertifikat* | certyfikat zaświadczenie | сертифікат посвідчення свідоцтво
translation: translation translate interpreter interpretation | prevod prevesti tolmač tolmačenje | prevod prevesti prevodilac | tłumaczenie tłumaczyć tłumacz | переклад перекласти перекладач
language: language | jezik | jezik | język | мова
english: english | angleški | engleski | angielski | англійський
advice: advice advise consultation counsel counseling consult adviser | svetovanje nasvet svetovati posvetovanje svetovalec | savet savetovanje konsultac* savetnik | porada doradztwo doradca | порада консультац* консультув* консультант
information: information info | informacija | informacija | informacja | інформація відомість
access: access accessible accessibility available | dostop dostopen dostopnost dostopati | pristup dostupan dostupnost pristupiti pristupati | dostęp dostępny dostępność | доступ доступний доступність
database: database | baza | baza | baza | база
point: point spot | točka | tačka punkt | punkt | пункт точка
phone: phone telephone | telefon | telefon | telefon zadzwonić dzwonić | телефон зателефонувати
number: number | število številka | broj | liczba numer | кількість номер число
app: app | aplikacija | aplikacija | aplikacja | застосунок додаток
computer: computer | računalnik | računar kompjuter | komputer | компʼютер
tool: tool instrument | orodje | alat | narzędzie | інструмент
file: file attachment | datoteka priponka | datoteka fajl | plik załącznik | файл
download: download | prenesti | | | завантажити
media: journalist press | medij novinar tisk | mediji novinar | dziennikarz prasa | медіа журналіст преса
awareness: awareness | ozaveščanje ozaveščenost zavest | svest svesnost svijest | świadomość | обізнаний поінформован* обізнаність усвідомлення
year: year annual yearly | leto | godina godišnji | roczny coroczny | рік річний щорічний роки
month: month | mesec | mesec | miesiąc | місяць
time: time | čas | | czas | час
hour: hour | ura | sat | godzina |
today: today | danes | danas | dzisiaj dziś | сьогодні
tomorrow: tomorrow | jutri | sutra | | завтра
morning: morning | dopoldne zjutraj | prepodne | przedpołudnie poranek | ранок
afternoon: afternoon | popoldne | popodne | popołudnie |
evening: evening | večer | | wieczór | вечір
weekend: weekend | vikend | vikend | weekend | вихідний
first: first | prvi | prvi | pierwszy | перший
last: last final | zadnji končen | poslednji završni konačan | ostatni końcowy | останній заключний фінальний
next: next following | naslednji prihodnji | sledeći naredni | następny kolejny przyszły | наступний
date: date | datum | datum | |
future: future | prihodnost | budućnost | przyszłość | майбутнє
million: million | milijon | milion | milion | мільйон
thousand: thousand | tisoč | hiljada | tysiąc | тисяча
local: local | lokalen krajeven | lokalni lokalan | lokalny miejscowy | місцевий локальний
border: border crossborder | meja čezmejen | granica prekogranič* | granica transgraniczny | кордон транскордонний
constitution: constitution constitutional | ustava ustaven | ustav ustavni ustavan | konstytucja konstytucyjny | конституція конституційний
cohesion: cohesion | kohezij* | | spójność | згуртованість
school: school | šola | škola | szkoła | школа
student: student pupil | študent dijak učenec | student učenik | student uczeń | студент учень
teacher: teacher | učitelj | učitelj nastavnik | nauczyciel | вчитель учитель
agriculture: agriculture agricultural farm farmer | kmetijstvo kmetijski kmet | poljoprivred* | rolnictwo rolniczy rolnik | аграрний фермер
rural: rural countryside | podeželje podeželski | ruralni ruralan seoski | wiejski | сільський
housing: housing dwelling | stanovanje | | mieszkalnictwo mieszkanie | житло житловий
salary: salary wage | | plata zarada | płaca wynagrodzenie pensja | зарплата
complaint: complaint | pritožba | pritužba | skarga | скарга
violence: violence | nasilje | nasilje | przemoc | насильство
anniversary: anniversary jubilee | obletnica jubilej | godišnjica jubilej | rocznica jubileusz | річниця ювілей
ceremony: ceremony celebration | slovesnost proslava | svečanost proslava ceremonija | uroczystość ceremonia | урочистість церемонія
welcome: welcome greeting | pozdrav dobrodošlica | pozdrav dobrodošlica | powitanie powitać | привітання вітання
waste: waste | odpadek | otpad | odpad |
market: market | | tržište | rynek | ринок
interest: interest | interes zanimati zainteres* | interes zanimati interesovanje zainteres* | interes interesować zainteres* | інтерес цікавити зацікавлен*
democracy: democr* | demokr* | demokr* | demokr* | демокр*
framework: framework | okvir okviren | okvir okviran | ramy | рамка рамковий
disseminate: disseminate dissemination spread | širiti širjenje disemin* | širiti širenje disemin* | rozpowszechniać rozpowszechnić upowszechniać upowszechnić upowszechnienie dysemin* | поширювати поширити поширення
article: article | članek | članak | artykuł | стаття
simultaneously: simultaneously concurrently | hkrati sočasno istočasno istočasen | istovremeno istovremen simultano simultan | jednocześnie równocześnie | одночасно водночас
effort: effort strive endeavour endeavor | prizadevati prizadevanje trud napor stremeti | težiti nastojati nastojanje napor trud | dążyć dążenie wysiłek staranie trud | прагнути прагнення намагатися зусилля
capacity: capacity | zmogljivost kapacit* | kapacit* | zdolność potencjał | спроможність потенціал
content: content substance | vsebina vsebinski | sadržaj sadržina | treść zawartość | зміст вміст контент
findout: discover ascertain | izvedeti ugotoviti | saznati saznavati | dowiedzieć dowiadywać | дізнатися дізнаватися зʼясувати
cocreation: cocreation cocreate codesign | soustvar* | sukreir* | współtworz* | співтвор*
strategy: strateg* | strateg* | strateg* | strateg* | стратег*
document: document* | dokument* | dokument* | dokument* | документ*
perspective: perspective aspect viewpoint | vidik perspektiv* aspekt | aspekt perspektiv* | aspekt perspektyw* | аспект перспектив*
body: body organ authority | organ telo | organ telo | organ ciało | орган
global: global* | global* | global* | global* | глобал*
high: high | visok | visok | wysoki | високий
dedicated: dedicated dedicate devoted devote | namenjen posvečen posvetiti | namenjen nameniti posvećen posvetiti | poświęcony poświęcić dedykowany dedykować przeznaczony przeznaczyć | присвячений присвятити призначений
unit: unit | enota | jedinica | jednostka | одиниця
republic: republic republican | republika republiški | republika republički | republika republikański rzeczpospolita | республіка республіканський
model: model | model | model | model | модель
different: different various diverse | različen raznolik | različit razni raznovrstan | różny rozmaity zróżnicowany zróżnicować | різний різноманітний
technology: technolog* | tehnolog* | tehnolog* | technolog* | технолог*
campaign: campaign | kampanj* | kampanj* | kampani* | кампані*
adopt: adopt adoption takeover | sprejeti sprejet prevzeti | usvojiti usvajati usvajanje preuzeti preuzimati preuzimanje | przyjąć przyjmować przyjęcie przejąć przejmować | прийняти приймати перейняти ухвалити
position: position stance standpoint | stališče pozicija položaj | pozicija stanovište položaj | stanowisko pozycja | позиція
activation: activate activation | aktivir* aktivacij* | aktivir* aktivacij* | aktywizac* aktywizow* aktywacj* | активізац* активув*
identify: identif* | identif* prepoznati | identif* prepoznati | identyfik* rozpoznać | ідентиф*
effective: effective efficient effectiveness efficiency | učinkovit učinkovitost efektiv* | efikas* efektiv* delotvoran | skuteczny skuteczność skutecznie efektyw* | ефектив* дієвий
step: step | korak | korak | krok | крок
main: main principal | glaven | glavni | główny | головний основний
universal: universal* | univerzal* | univerzal* | uniwersal* powszechny | універсал*
concrete: concrete specific | konkret* | konkret* | konkret* | конкрет*
matter: matter affair | zadeva | slučaj | sprawa przypadek | випадок
test: test testing | test testirati preizkusiti preizkus | test testirati isprobati | test testować przetestować wypróbować | тест тестувати випробувати
culture: cultur* | kultur* | kultur* | kultur* | культур*
platform: platform* | platform* | platform* | platform* | платформ*
interaction: interact* | interakc* | interakc* | interakc* | інтеракц* взаємодія взаємодіяти
exchange: exchange | izmenjava izmenjati izmenjavati | razmena razmeniti razmenjivati razmjena | wymiana | обмін обмінювати
technical: technical | tehničen | tehnički | techniczny | технічний
good: good | dober dobro | dobar dobro | dobry | добрий хороший
general: general* | splošen | opšti opći | ogólny | загальний генерал*
steer: steer steering | usmerjati usmeriti usmerjanje usmeritev | usmeriti usmeravati usmeravanje usmjeriti | ukierunkować ukierunkowanie | спрямовувати спрямувати скерувати
orientation: orientation oriented | orientacija orientirati | orijentacija orijentisati orijentisan | orientacja zorientować | орієнтація орієнтований орієнтувати
responsive: responsive responsiveness react reaction | odziven odzivnost reakcija | responzivan reagovati reakcija | responsywny reagować reakcja | реагувати реакція
structure: structur* | struktur* | struktur* | struktur* | структур*
intersectoral: intersectoral crosssectoral multisectoral | medsektor* | međusektor* | międzysektor* | міжсектор*
evidence: evidence proof | dokaz | dokaz | dowód | доказ
expect: expect expectation | pričakovati pričakovanje pričakovan | očekivati očekivanje očekivan | oczekiwać oczekiwanie oczekiwany spodziewać | очікувати очікування очікуваний
system: system* | sistem* | sistem* | system* | систем*
project: project | projekt | projekat projekt | projekt | проєкт проект
design: design devise | zasnovati zasnova | dizajn dizajnirati osmišljavati | projektować zaprojektować | проєктувати спроєктувати
small: small | majhen | mali malen | mały niewielki | малий невеликий
welfare: welfare wellbeing | blaginja dobrobit | blagostanje dobrobit | dobrobyt dobrostan | добробут благополуччя
importance: important importance significant significance | pomemben pomembnost pomen važen | važan važnost značajan značaj | ważny znaczenie istotny | важливий важливість значення значущий
south: south southern | jug južni južen | jug južni | południowy | південь південний
north: north northern | sever severni severen | sever severni | północny | північ північний
east: east eastern | vzhod vzhoden | istok istočni | wschód wschodni | схід східний
west: west western | zahod zahoden | zapad zapadni | zachód zachodni | західний
big: large great | velik | velik veliki | duży wielki | великий
previous: previous prior former hitherto | dosedanji prejšnji dosedaj | dosadašnji dosadašnje prethodni prethodan prošli dosad | dotychczasowy dotychczas poprzedni ubiegły zeszły | попередній минулий досі
key: key crucial essential | ključen bistven | ključni ključan | kluczowy | ключовий
concern: concern regard relate pertain | nanašati zadevati | odnositi ticati | dotyczyć | стосуватися
assumption: assumption premise | predpostavka | pretpostavka | założenie | припущення передумова
broadband: broadband | širokopasov* | širokopojas* | szerokopasm* | широкосмуг*
integrate: integrat* | integrir* integrac* | integris* integrac* | integrac* integrow* zintegrow* | інтеграц* інтегрув*
operational: operational operative | operativen | operativni operativan | operacyjny operatywny | операційний оперативний
television: television tv | televizij* | televizij* | telewizj* | телевізі* телебачення
settle: settle | urejati urediti | rešavati regulisati | załatwić załatwiać | владнати врегулювати
streamline: streamline simplify rationalise rationalize | poenostaviti racionaliz* | pojednostaviti racionaliz* | uporządkować usprawnić uprościć racjonaliz* | упорядкувати раціоналіз*
same: identical | isti enak identičen | isti identičan | identyczny jednakowy | однаковий ідентичний
majority: majority | večina | većina | większość | більшість
contact: contact | kontakt* | kontakt* | kontakt* | контакт*
mutual: mutual reciprocal | vzajemen medsebojen | uzajaman uzajamni međusoban međusobni | wzajemny obopólny | взаємний
complement: complement supplement complementar* | dopolniti dopolnitev dopolnjevati komplementar* | dopuniti dopuna dopunski komplementar* | uzupełnić uzupełniać uzupełnienie komplementar* | доповнити доповнювати доповнення комплементар*
territorial: territor* | teritor* ozemlje | teritor* | terytor* | територ*
modern: modern* contemporary | moderen sodoben | moderan savremen suvremen | nowoczesny współczesny | сучасний
close: closely | tesen tesno | tesan tesno bliski | ścisły ściśle bliski | тісний тісно близький
prevent: prevent prevention preventive avoid | preprečiti preprečevati preprečevanje prevenc* izogniti izogibati | sprečiti sprečavati sprečavanje prevenc* izbeći izbegavati izbjeći | zapobiec zapobiegać zapobieganie prewenc* uniknąć unikać | запобігти запобігати запобігання превенц* уникнути уникати
duplicate: duplicate duplication | podvajanje podvajati | dupliranje duplirati | dublowanie dublować powielanie powielać | дублювання дублювати дублювата
mechanism: mechanism | mehaniz* | mehaniz* | mechaniz* | механіз*
new: new | nov nova | nov novi nova | nowy nowa | новий
gain: gain acquire | pridobiti pridobivati | steći sticati | zdobyć zdobywać nabyć nabywać | набути набувати здобути здобувати
particular: particular individual* | posamezen poseben individual* | pojedinačni pojedinačan pojedini poseban individual* | poszczególny szczególny indywidual* | окремий особливий індивідуал*
find: find locate | najti poiskati | naći pronaći | znaleźć odnaleźć | знайти
reason: reason cause | razlog vzrok | razlog uzrok | powód przyczyna | причина
source: source | vir | izvor | źródło | джерело
partner: partner* | partner* | partner* | partner* | партнер*
headquarters: headquarters | sedež | sedište | siedziba | осідок
undertake: undertake | lotiti | preduzeti preduzimati poduzeti poduzimati | podjąć podejmować | вжити вживати
ljubljana: ljubljana | ljubljana | ljubljana | lublana | любляна
krakow: krakow cracow | krakov* | krakov* | kraków | краків
kharkiv: kharkiv kharkov | harkov* | | charków | харків
brussels: brussels | bruselj | brisel | bruksela | брюссель
vienna: vienna | | beč | wiedeń |
germany: germany german | nemčija nemški | nemački | niemiec niemiecki | німеччина німецький
hungary: hungary hungarian | madžarski | mađarski | węgier węgierski | угорщина угорський
austria: austria austrian | avstrija avstrijski | austrija austrijski | austria austriacki | австрія австрійський
lithuania: lithuania lithuanian | litva litovski | litvanija litvanski | litwa litewski | литовський
belarus: belarus belarusian | belorusija beloruski | belorusija beloruski | białoruś białoruski | білорусь білоруський
russia: russia russian | rusija ruski | rusija ruski | rosja rosyjski | росія російський
romania: romania romanian | romunija romunski | rumunija rumunski | rumunia rumuński | румунія румунський
january: january | januar | januar | styczeń | січень
february: february | februar | februar | luty | лютий
march: march | marec | mart | marzec | березень
april: april | april | april | kwiecień | квітень
may: may | maj | maj | maj | травень
june: june | junij | jun | czerwiec | червень
july: july | julij | jul juli | lipiec | липень
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
    """The concept terms of a word given its folded surface form and lemmas; for a long word
    the lemmatiser did not know (samoupravami, slowenii), the one concept its first letters
    lead to."""
    words, prefixes, lengths = _tables()
    found: dict[str, None] = {}
    for form in folded_forms:
        found.update(dict.fromkeys(words.get(form, ())))
        for length in lengths:
            if length > len(form):
                break
            found.update(dict.fromkeys(prefixes.get(form[:length], ())))
    if not found:
        stems = _unambiguous_stems()
        for form in folded_forms:
            if len(form) > _STEM and (concept := stems.get(form[:_STEM])):
                found[concept] = None
    return tuple(found)


_STEM = 6  # 5 reaches more words and more wrong concepts; 7 misses short stems


@cache
def _unambiguous_stems() -> dict[str, str]:
    """First _STEM letters of the listed words -> their concept, where only one concept's
    words begin so (`inform` begins information and informatisation: left out)."""
    words, _, _ = _tables()
    seen: dict[str, set[str]] = {}
    for word, names in words.items():
        if len(word) >= _STEM:
            seen.setdefault(word[:_STEM], set()).update(names)
    return {stem: next(iter(names)) for stem, names in seen.items() if len(names) == 1}


def glossary_words() -> frozenset[str]:
    """Every folded word the glossary lists (prefixes aside): words of the domain, which no
    language's stopword list may drop (stopwords-iso lists `website`, `year`, `marec`)."""
    return frozenset(_tables()[0])
