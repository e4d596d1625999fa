"""What a question about events asks, per language: small cue tables (data, not code).

Each table lists, for one language, the words and phrases that say *what* is asked about an
event (its time, its deadline, its place, ...) or *which kind* of event is meant. They are
properties of the language (question words, attribute nouns, the verbs of taking place and
of taking part), never phrases copied from one question. `bot.events.questions` reads them.

How a pattern is written and matched:

- words are separated by spaces and are matched one after the other in the question;
- a word ending in ``*`` is a stem: any word that begins with it matches (``prijav*``:
  prijava, prijavim, prijaviti, пријаве);
- patterns are folded like every question (``bot.qa.textnorm.fold``: case, diacritics and
  script), so ``počinje``, ``pocinje`` and ``почиње`` are one pattern, and a question typed
  without diacritics matches; where people type a letter in two ways without diacritics
  (Serbian đ as ``d`` or ``dj``), both spellings are listed;
- longer patterns win over shorter ones, and a word of the question serves one pattern only
  ("do kdaj" is the deadline, not "kdaj" the time);
- a table applies to words written in its language's script: Latin for en, sl and pl,
  Cyrillic for uk, both for Serbian (whose table also holds the Croatian and Bosnian forms
  that readers of Serbian Latin use). So Ukrainian ``де`` (where) is not the Latin ``de``.

The keys (what a cue means):

    when        the date or time of the event           duration   how long, until what time
    deadline    until when one can sign up              where      the place
    price       what it costs, whether it is free       seats      seats left, full, waiting
    register    how to sign up                          who        who may come
    upcoming    what is coming up                       about      tell me about / details
    week, next-week, month, next-month, today, tomorrow: a window of time ("this week")
    until       "until when": the deadline, or the end when a `last` word says so
    last        verbs of lasting and ending (traja, trwa, ends): turns `until` into duration
    occur       verbs of taking place (held, poteka, odbędzie się, відбудеться): no question
                of their own, but no other subject either
    attend      verbs of taking part (attend, udeležiti se, učestvovati, wziąć udział)
    filler      words that carry nothing here and that the stopword lists lack (please, still)
    kind:NAME   a kind of event (conference, workshop, ...); kind:event is any event

Keep every list short and general: a word belongs here only when it means the same thing in
any question about any event.
"""

from __future__ import annotations

# Which scripts each table applies to (see above).
SCRIPTS: dict[str, tuple[str, ...]] = {
    "en": ("Latn",), "sl": ("Latn",), "pl": ("Latn",), "sr": ("Latn", "Cyrl"), "uk": ("Cyrl",),
}

EN: dict[str, tuple[str, ...]] = {
    "when": ("when", "what time", "what date", "which date", "what day", "which day", "date",
             "start*", "begin*"),
    "until": ("until when", "till when", "by when", "how late"),
    "deadline": ("deadline*", "last day to", "closing date", "cut off", "cutoff"),
    "where": ("where", "venue*", "address*", "location*", "which place", "what place",
              "which city", "which room", "what room", "which hotel"),
    "duration": ("how long", "duration", "what time does it end", "finish*", "end", "ends",
                 "ending"),
    "last": ("last", "lasts", "go on", "goes on", "over"),
    "price": ("cost*", "price*", "fee*", "free", "pay", "paid", "charge*", "ticket*",
              "how much", "entrance"),
    "seats": ("seat*", "room", "space*", "spot*", "places left", "place left", "full",
              "free place*", "free seat*", "free spot*", "free space*",
              "capacity", "waiting list*", "waitlist*", "booked up", "sold out"),
    "register": ("regist*", "sign up", "sign me up", "signup", "apply", "applica*", "enrol*",
                 "book", "booking", "rsvp"),
    "who": ("who can", "who may", "who should", "who is it for", "for whom", "open to",
            "eligib*", "intended for", "meant for", "aimed at"),
    "upcoming": ("upcoming", "coming up", "what is on", "whats on", "planned", "schedule",
                 "calendar", "next event*", "future event*", "coming", "soon",
                 "in the near future"),
    "about": ("tell me about", "details", "info", "information", "more about"),
    "week": ("this week",), "next-week": ("next week",), "month": ("this month",),
    "next-month": ("next month",), "today": ("today", "tonight"), "tomorrow": ("tomorrow",),
    "occur": ("held", "take place", "takes place", "taking place", "happen*", "occur*",
              "organised", "organized", "scheduled"),
    "attend": ("attend*", "come", "participat*", "take part", "join", "go"),
    "filler": ("please", "still", "left", "available", "yet", "know", "want", "like",
               "need", "there", "exactly", "again", "kindly"),
    "kind:conference": ("conferenc*",), "kind:workshop": ("workshop*",),
    "kind:seminar": ("seminar*",), "kind:forum": ("forum*",), "kind:meeting": ("meeting*",),
    "kind:training": ("training*",), "kind:lecture": ("lecture*", "talk"),
    "kind:webinar": ("webinar*",), "kind:festival": ("festival*",),
    "kind:roundtable": ("round table*", "roundtable*", "panel*"), "kind:debate": ("debate*",),
    "kind:event": ("event*",),
}

SL: dict[str, tuple[str, ...]] = {
    "when": ("kdaj", "kateri dan", "katerega dne", "kateri datum", "datum*", "ob kateri uri",
             "ob koliko", "začne", "začnejo", "začetek", "pričetek", "začel*"),
    "until": ("do kdaj", "do katerega dne"),
    "deadline": ("rok*", "zadnji dan", "skrajni"),
    "where": ("kje", "kam", "lokacij*", "naslov", "prizorišč*", "kateri kraj", "katerem kraju",
              "katerem mestu", "kateri dvorani"),
    "duration": ("koliko časa", "kako dolgo", "konča", "končal*", "konec", "zaključ*",
                 "do katere ure"),
    "last": ("traja", "trajal*"),
    "price": ("stane", "stala", "cena", "cene", "ceno", "kotizacij*", "plača*", "plačilo",
              "brezplač*", "zastonj", "vstopnin*", "strošk*"),
    "seats": ("prost* mest*", "kaj mest*", "dovolj mest*", "mesta", "mest", "zaseden*",
              "polno", "polna", "razprodan*", "kapacitet*", "čakaln*", "sedež*"),
    "register": ("prijav*", "registracij*", "registrir*", "vpis*", "vpiš*", "vpisat*"),
    "who": ("kdo se lahko", "kdo lahko", "kdo sme", "komu je namenjen*", "namenjen*",
            "za koga"),
    "upcoming": ("prihajajoč*", "prihodnj*", "napovedan*", "na sporedu", "kaj se dogaja",
                 "koledar*", "naslednj* dogod*", "kmalu", "v kratkem", "v bližnji prihodnosti"),
    "about": ("povej mi o", "več o", "podrobnost*", "informacij*"),
    "week": ("ta teden", "tem tednu", "ta tedna"), "next-week": ("naslednji teden",
                                                                "prihodnji teden"),
    "month": ("ta mesec", "tem mesecu"), "next-month": ("naslednji mesec", "prihodnji mesec"),
    "today": ("danes", "nocoj"), "tomorrow": ("jutri",),
    "occur": ("poteka*", "potekal*", "bo", "bodo", "odvija*", "dogaja", "organizira*",
              "izvede"),
    "attend": ("udeleži*", "udeležb*", "pridem", "priti", "sodelova*", "sodeluj*", "iti"),
    "filler": ("prosim", "zanima", "zanimalo", "še", "imate", "imamo", "vedeti", "rad", "rada",
               "želim", "lahk", "morda", "točno", "povej", "povejte", "sploh"),
    "kind:conference": ("konferenc*",), "kind:workshop": ("delavnic*",),
    "kind:seminar": ("seminar*",), "kind:forum": ("forum*",), "kind:meeting": ("srečanj*",
                                                                                 "posvet*"),
    "kind:training": ("usposablja*", "izobraževanj*"), "kind:lecture": ("predavanj*",),
    "kind:webinar": ("spletn* seminar*", "webinar*"), "kind:festival": ("festival*",),
    "kind:roundtable": ("okrogl* miz*",), "kind:debate": ("debat*", "razprav*"),
    "kind:event": ("dogod*", "prireditev*"),
}

# Serbian in both scripts (folded, so written once), with Croatian and Bosnian forms.
SR: dict[str, tuple[str, ...]] = {
    "when": ("kada", "kad", "kog dana", "kojeg dana", "koji dan", "koji datum", "datum*",
             "u koliko sati", "u koje vreme", "u koje vrijeme", "počinj*", "počet*"),
    "until": ("do kada", "do kad", "dokad", "dokle", "do kog dana", "do kojeg dana"),
    "deadline": ("rok*", "poslednji dan", "posljednji dan", "zadnji dan"),
    "where": ("gde", "gdje", "lokacij*", "adres*", "mesto održavanja", "mjesto održavanja",
              "u kom mestu", "u kojem mjestu", "u kom gradu", "u kojem gradu", "u kom hotelu",
              "u kojem hotelu", "u kojoj sali"),
    "duration": ("koliko traje", "koliko dugo", "završ*", "do koliko sati", "kraj"),
    "last": ("traje", "trajati", "trajaće"),
    "price": ("košta", "koštati", "cena", "cene", "cenu", "cijena", "cijene", "cijenu",
              "kotizacij*", "plać*", "plaća*", "plati*", "besplat*", "ulaznic*", "naplać*",
              "troškov*"),
    "seats": ("slobodn* mest*", "slobodn* mjest*", "mesta", "mjesta", "mest", "mjest",
              "popunjen*", "rasprodat*", "kapacitet*", "list* čekanja", "list* cekanja",
              "sedišt*", "sjedišt*"),
    "register": ("prijav*", "registr*", "upis*", "upiš*"),
    "who": ("ko može", "tko može", "ko sme", "tko smije", "kome je namenjen*",
            "kome je namijenjen*", "namenjen*", "namijenjen*", "za koga"),
    "upcoming": ("predstoj*", "naredn*", "sledeć*", "sljedeć*", "slijedeć*", "šta se dešava",
                 "što se događa", "sta se desava", "najavljen*", "kalendar*", "uskoro",
                 "u skorije vreme", "u skorije vrijeme", "u bližoj budućnosti"),
    "about": ("reci mi o", "više o", "detalj*", "informacij*"),
    "week": ("ove nedelje", "ove nedjelje", "ove sedmice", "ovog tjedna", "ovaj tjedan",
             "ove nedelje"),
    "next-week": ("sledeće nedelje", "sljedeće sedmice", "sledeće sedmice", "idućeg tjedna",
                  "iduće sedmice", "sledeće nedjelje"),
    "month": ("ovog meseca", "ovog mjeseca", "ovaj mesec", "ovaj mjesec"),
    "next-month": ("sledećeg meseca", "sljedećeg mjeseca", "idućeg mjeseca",
                   "narednog meseca"),
    "today": ("danas", "večeras"), "tomorrow": ("sutra",),
    "occur": ("održa*", "održav*", "odvija*", "biti", "bude", "će", "organizuje*",
              "organizira*", "dešava", "događa"),
    "attend": ("učestvova*", "učestvuj*", "učešć*", "sudjelova*", "doći", "dođem", "dodjem",
               "prisustvova*", "ići"),
    "filler": ("ima", "imaju", "imate", "imamo", "molim", "zanima", "još", "znati", "hteo",
               "htela", "htio", "htjela", "želim", "mogu", "možemo", "tačno", "točno", "uopšte",
               "li", "jel"),  # "jel" is the spoken "je li"
    "kind:conference": ("konferencij*",), "kind:workshop": ("radionic*",),
    "kind:seminar": ("seminar*",), "kind:forum": ("forum*",), "kind:meeting": ("sastan*",
                                                                                 "skup",
                                                                                 "skupa"),
    "kind:training": ("obuk*", "trening*"), "kind:lecture": ("predavanj*",),
    "kind:webinar": ("vebinar*", "webinar*"), "kind:festival": ("festival*",),
    "kind:roundtable": ("okrugl* sto*", "okrugl* stol*", "tribin*"),
    "kind:debate": ("debat*",),
    "kind:event": ("događaj*", "dogadjaj*", "manifestacij*"),
}

PL: dict[str, tuple[str, ...]] = {
    "when": ("kiedy", "którego dnia", "jakiego dnia", "jaki dzień", "w jaki dzień",
             "o której", "o jakiej godzinie", "data", "daty", "datę", "termin", "terminie",
             "zaczyna*", "rozpoczyna*", "rozpoczęcie", "początek"),
    "until": ("do kiedy", "do którego dnia", "do jakiego dnia"),
    "deadline": ("termin zgłosz*", "termin zapis*", "termin rejestracji", "ostateczny termin",
                 "ostatni dzień", "deadline*"),
    "where": ("gdzie", "w jakim miejscu", "lokalizacj*", "adres*", "miejsce wydarzenia",
              "w jakim mieście", "w którym mieście", "w jakiej sali", "w którym hotelu"),
    "duration": ("jak długo", "ile trwa", "kończy*", "koniec", "zakończ*", "do której"),
    "last": ("trwa", "potrwa", "trwać"),
    "price": ("kosztuje", "koszt*", "cena", "ceny", "cenę", "opłat*", "płatn*", "płaci*",
              "bezpłatn*", "darmow*", "za darmo", "odpłatn*", "bilet*", "wstęp wolny"),
    "seats": ("woln* miejsc*", "miejsca", "miejsc", "brak miejsc", "list* rezerwow*",
              "list* oczekując*", "komplet", "pełn*", "limit miejsc"),
    "register": ("zapis*", "zapisz*", "zgłos*", "zgłasza*", "rejestr*", "zarejestr*"),
    "who": ("kto może", "dla kogo", "do kogo skierowan*", "skierowan*", "kto jest uprawniony"),
    "upcoming": ("nadchodząc*", "najbliższ*", "zaplanowan*", "planowan*", "co się dzieje",
                 "kalendarz*", "następn* wydarze*", "przyszł* wydarze*", "wkrótce", "niedługo",
                 "w najbliższym czasie", "w najbliższej przyszłości"),
    "about": ("opowiedz o", "więcej o", "szczegół*", "informacj*"),
    "week": ("w tym tygodniu",), "next-week": ("w przyszłym tygodniu",
                                               "w następnym tygodniu"),
    "month": ("w tym miesiącu",), "next-month": ("w przyszłym miesiącu",
                                                 "w następnym miesiącu"),
    "today": ("dzisiaj", "dziś"), "tomorrow": ("jutro",),
    "occur": ("odbędzie", "odbędą", "odbywa", "odbywają", "będzie", "organizowan*",
              "zorganizowan*", "dzieje"),
    "attend": ("udział", "wziąć", "uczestnicz*", "przyjść", "przyjechać", "przyjdę", "pójść"),
    "filler": ("proszę", "jeszcze", "macie", "mają", "chcę", "chciał*", "mogę", "możemy",
               "wiedzieć", "dokładnie", "powiedz", "zostały", "zostało", "dostępn*"),
    "kind:conference": ("konferencj*",), "kind:workshop": ("warsztat*",),
    "kind:seminar": ("seminari*", "seminarium"), "kind:forum": ("forum",),
    "kind:meeting": ("spotkani*",), "kind:training": ("szkoleni*",),
    "kind:lecture": ("wykład*",), "kind:webinar": ("webinari*", "webinar*"),
    "kind:festival": ("festiwal*",), "kind:roundtable": ("okrągł* stoł*", "panel*"),
    "kind:debate": ("debat*",), "kind:event": ("wydarzeni*", "wydarzeń", "imprez*"),
}

UK: dict[str, tuple[str, ...]] = {
    "when": ("коли", "якого числа", "якого дня", "котрої години", "о котрій", "дата", "дату",
             "дати", "почина*", "початок"),
    "until": ("до коли", "до якого числа"),
    "deadline": ("кінцевий термін", "термін реєстрації", "термін подачі", "дедлайн*",
                 "останній день"),
    "where": ("де", "куди", "місце проведення", "адрес*", "локаці*", "в якому місті",
              "у якому місті", "в якій залі"),
    "duration": ("як довго", "скільки триває", "закінчу*", "заверш*", "кінець",
                 "до котрої"),
    "last": ("триває", "триватиме", "трива*"),
    "price": ("коштує", "кошту*", "вартість", "ціна", "ціну", "платн*", "плати*",
              "безкоштовн*", "внес*", "квит*"),
    "seats": ("вільн* місц*", "місця", "місць", "немає місць", "список очікування",
              "лист очікування", "заповнен*", "ліміт місць"),
    "register": ("зареєстру*", "реєстрац*", "записат*", "запиш*", "запис*", "подати заявку",
                 "заявк*"),
    "who": ("хто може", "для кого", "кому призначен*", "призначен*"),
    "upcoming": ("найближч*", "майбутн*", "заплановано", "заплановані", "що відбувається",
                 "календар*", "наступн* поді*", "незабаром", "найближчим часом",
                 "найближчого часу", "у найближчому майбутньому"),
    "about": ("розкажи про", "більше про", "детал*", "інформаці*"),
    "week": ("цього тижня", "на цьому тижні"), "next-week": ("наступного тижня",
                                                           "на наступному тижні"),
    "month": ("цього місяця", "в цьому місяці"), "next-month": ("наступного місяця",),
    "today": ("сьогодні",), "tomorrow": ("завтра",),
    "occur": ("відбудеться", "відбудуться", "відбувається", "проходить", "проходитиме", "буде",
              "проводиться", "організову*"),
    "attend": ("участь", "взяти", "прийти", "відвідати", "долучитися"),
    "filler": ("будь ласка", "ще", "маєте", "мають", "можу", "хочу", "знати", "точно", "скажіть",
               "залишилось", "залишилися", "доступн*"),
    "kind:conference": ("конференці*",), "kind:workshop": ("воркшоп*", "майстер-клас*"),
    "kind:seminar": ("семінар*",), "kind:forum": ("форум*",), "kind:meeting": ("зустріч*",),
    "kind:training": ("тренінг*", "навчанн*"), "kind:lecture": ("лекці*",),
    "kind:webinar": ("вебінар*",), "kind:festival": ("фестивал*",),
    "kind:roundtable": ("круглий стіл", "круглого столу"), "kind:debate": ("дебат*",),
    "kind:event": ("поді*", "заход*"),
}

TABLES: dict[str, dict[str, tuple[str, ...]]] = {"en": EN, "sl": SL, "sr": SR, "pl": PL,
                                                  "uk": UK}
