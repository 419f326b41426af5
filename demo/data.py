"""Static texts for `manage.py demo seed`: nominations, NGOs and projects in kk/ru/en (the fairs
are in `demo.fairs`).

Only data lives here; `demo.portal` combines it deterministically. Placeholders: ``{city}`` (a city
name in the text's language, used only where no grammatical case ending is needed: "{city}
қаласында", "в городе {city}") and ``{n}``/``{m}`` (numbers the portal step rounds to tens, so
Russian nouns after them agree).
"""

from typing import NamedTuple

# With the fairs' slugs (demo.fairs), the markers of what the demo created: `manage.py demo delete`
# deletes nothing else.
DEMO_DOMAIN = "example.kz"  # demo NGO e-mails are info@<handle>.example.kz
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published on purpose: a demo login

# e-mail, full name, language (of e-mails and of the organisation they own)
DEMO_USERS = [
    ("ngo1@example.kz", "Айгерім Нұрланқызы", "kk"),
    ("ngo2@example.kz", "Ольга Ким", "ru"),
    ("ngo3@example.kz", "Daniyar Abenov", "en"),
]

# The three themes; each nomination, organisation and project belongs to one.
THEMES = ("disability", "rights", "health")

NOMINATIONS = {
    "disability": {
        "title_kk": "Мүгедектігі бар адамдарды әлеуметтік бейімдеу және оңалту",
        "title_ru": "Социальная адаптация и реабилитация людей с инвалидностью",
        "title_en": "Social adaptation and rehabilitation of people with disabilities",
        "description_kk": (
            "Мүгедектігі бар адамдардың қоғам өміріне толыққанды араласуына, білім алуына, жұмыс "
            "табуына және оңалуына көмектесетін жобалар."
        ),
        "description_ru": (
            "Проекты, которые помогают людям с инвалидностью полноценно участвовать в жизни "
            "общества, учиться, работать и проходить реабилитацию."
        ),
        "description_en": (
            "Projects that help people with disabilities take a full part in society, learn, work "
            "and recover."
        ),
    },
    "rights": {
        "title_kk": "Әлеуметтік-құқықтық қорғау; азаматтық құқықтар мен бастамалар",
        "title_ru": "Социально-правовая защита; гражданские права и инициативы",
        "title_en": "Social and legal protection; civil rights and initiatives",
        "description_kk": (
            "Тегін заң көмегі, осал топтардың құқықтарын қорғау, азаматтық белсенділік пен жергілікті "
            "бастамаларды дамыту жобалары."
        ),
        "description_ru": (
            "Бесплатная юридическая помощь, защита прав уязвимых групп, развитие гражданской "
            "активности и местных инициатив."
        ),
        "description_en": (
            "Free legal aid, protecting the rights of vulnerable groups, and growing civic engagement "
            "and local initiatives."
        ),
    },
    "health": {
        "title_kk": "Адам денсаулығы және қоршаған ортаны қорғау",
        "title_ru": "Здоровье человека и охрана окружающей среды",
        "title_en": "Human health and environmental protection",
        "description_kk": (
            "Аурулардың алдын алу, салауатты өмір салты, таза ауа мен су, қалдықтарды азайту және "
            "табиғатты қорғау жобалары."
        ),
        "description_ru": (
            "Профилактика заболеваний, здоровый образ жизни, чистые воздух и вода, сокращение "
            "отходов и охрана природы."
        ),
        "description_en": (
            "Disease prevention, healthy lifestyles, clean air and water, less waste and nature protection."
        ),
    },
}

# Sphere slugs (from migration 0002): every project has its theme's main sphere plus 0-2 others.
SPHERES = {
    "disability": ("disability", ["children", "youth", "education", "family", "older-people"]),
    "rights": ("rights", ["vulnerable-groups", "family", "older-people", "youth", "children"]),
    "health": ("health", ["healthy-lifestyle", "ecology", "youth", "children", "older-people"]),
}

# ---------------------------------------------------------------- organisations


class OrganisationSeed(NamedTuple):
    root: str  # the name inside the quotes
    style: str  # "kk" or "ru": which language's legal-form wording frames the name
    language: str  # the language the NGO writes in (kk, ru or en)
    theme: str
    legal_form: str = ""  # a LegalForm value; empty: chosen by weight
    region: str = ""  # a Region code; empty: spread over the country


# The first entries are the ones people are shown first: the demo users own the first three.
ORGANISATIONS = [
    OrganisationSeed("Қамқор", "kk", "kk", "disability", "public_fund"),
    OrganisationSeed("Мейірім", "ru", "ru", "disability", "public_fund"),
    OrganisationSeed("Social Hub", "ru", "en", "rights", "social_enterprise"),
    OrganisationSeed("Равные возможности", "ru", "ru", "disability", "public_association"),
    OrganisationSeed("Дара", "ru", "ru", "disability", "charitable_foundation"),
    OrganisationSeed("Жасыл Алматы", "ru", "ru", "health", "initiative_group", "almaty"),
    OrganisationSeed("Шапағат", "kk", "kk", "rights"),
    OrganisationSeed("Жігер", "kk", "kk", "disability"),
    OrganisationSeed("Үміт", "kk", "kk", "disability"),
    OrganisationSeed("Ақниет", "kk", "kk", "rights"),
    OrganisationSeed("Открытое сердце", "ru", "ru", "disability"),
    OrganisationSeed("Таза Шымкент", "kk", "kk", "health", "initiative_group", "shymkent"),
    OrganisationSeed("Бақыт", "kk", "kk", "disability"),
    OrganisationSeed("Право и закон", "ru", "ru", "rights", "public_association"),
    OrganisationSeed("Болашақ", "kk", "kk", "rights"),
    OrganisationSeed("Green Steppe", "ru", "en", "health", "public_fund"),
    OrganisationSeed("Сенім", "kk", "kk", "rights"),
    OrganisationSeed("Доброе дело", "ru", "ru", "rights", "charitable_foundation"),
    OrganisationSeed("Нұр", "kk", "kk", "health"),
    OrganisationSeed("Ізгілік", "kk", "kk", "rights"),
    OrganisationSeed("Зелёный город", "ru", "ru", "health"),
    OrganisationSeed("Шуақ", "kk", "kk", "disability"),
    OrganisationSeed("Арман", "ru", "ru", "disability"),
    OrganisationSeed("Ступени", "ru", "ru", "disability"),
    OrganisationSeed("Самғау", "kk", "kk", "health"),
    OrganisationSeed("Ақ жол", "kk", "kk", "rights"),
    OrganisationSeed("Жасыл әлем", "kk", "kk", "health"),
    OrganisationSeed("Голос", "ru", "ru", "rights"),
    OrganisationSeed("Inclusive Lab", "kk", "en", "disability", "social_enterprise"),
    OrganisationSeed("Тірек", "kk", "kk", "disability"),
    OrganisationSeed("Әділет", "kk", "kk", "rights"),
    OrganisationSeed("Вместе", "ru", "ru", "disability"),
    OrganisationSeed("Таза аула", "kk", "kk", "health", "initiative_group"),
    OrganisationSeed("Луч надежды", "ru", "ru", "disability", "charitable_foundation"),
    OrganisationSeed("Ақиқат", "kk", "kk", "rights"),
    OrganisationSeed("Салауат", "kk", "kk", "health"),
    OrganisationSeed("Забота", "ru", "ru", "rights"),
    OrganisationSeed("Жизнь без границ", "ru", "ru", "disability"),
    OrganisationSeed("Азамат", "kk", "kk", "rights"),
    OrganisationSeed("Чистый берег", "ru", "ru", "health", "initiative_group"),
    OrganisationSeed("Ынтымақ", "kk", "kk", "rights"),
    OrganisationSeed("Радуга", "ru", "ru", "disability"),
    OrganisationSeed("Береке", "kk", "kk", "health"),
    OrganisationSeed("Civic Tech KZ", "ru", "en", "rights", "association"),
    OrganisationSeed("Дені сау ұрпақ", "kk", "kk", "health"),
    OrganisationSeed("Экодом", "ru", "ru", "health", "social_enterprise"),
    OrganisationSeed("Алтын күз", "kk", "kk", "rights"),
    OrganisationSeed("Свет в окне", "ru", "ru", "disability"),
    OrganisationSeed("Шаңырақ", "kk", "kk", "rights"),
    OrganisationSeed("Өркен", "kk", "kk", "disability"),
    OrganisationSeed("Гражданская инициатива", "ru", "ru", "rights", "public_association"),
    OrganisationSeed("Саулық", "kk", "kk", "health"),
    OrganisationSeed("Ерекше бала", "kk", "kk", "disability"),
    OrganisationSeed("Фемида", "ru", "ru", "rights"),
    OrganisationSeed("Көкжиек", "kk", "kk", "health"),
    OrganisationSeed("Солнечный круг", "ru", "ru", "disability"),
    OrganisationSeed("Ана үйі", "kk", "kk", "rights", "charitable_foundation"),
    OrganisationSeed("Здоровая нация", "ru", "ru", "health"),
    OrganisationSeed("Қанат", "kk", "kk", "disability"),
    OrganisationSeed("Eco Network", "ru", "en", "health", "association"),
    OrganisationSeed("Бірлік", "kk", "kk", "rights"),
    OrganisationSeed("Надежда", "ru", "ru", "disability"),
    OrganisationSeed("Мөлдір су", "kk", "kk", "health"),
    OrganisationSeed("Новый день", "ru", "ru", "rights"),
    OrganisationSeed("Дос", "kk", "kk", "disability"),
    OrganisationSeed("Таза Ертіс", "kk", "kk", "health", "initiative_group", "pavlodar"),
    OrganisationSeed("Қолдау", "kk", "kk", "rights"),
    OrganisationSeed("Живая вода", "ru", "ru", "health"),
    OrganisationSeed("Бал-бала", "kk", "kk", "disability"),
    OrganisationSeed("Open Space", "kk", "en", "rights", "social_enterprise"),
    OrganisationSeed("Ақбұлақ", "kk", "kk", "health"),
    OrganisationSeed("Жан", "kk", "kk", "disability"),
]

# How a name is framed, by legal form and style. Registered Russian-style names use the usual
# abbreviations (ОФ, ОО, КФ, ТОО); Kazakh ones put the form after the name.
LEGAL_FORM_NAMES = {
    "public_fund": {"kk": "«{root}» қоғамдық қоры", "ru": "ОФ «{root}»"},
    "public_association": {"kk": "«{root}» қоғамдық бірлестігі", "ru": "ОО «{root}»"},
    "association": {"kk": "«{root}» заңды тұлғалар қауымдастығы", "ru": "Ассоциация «{root}»"},
    "charitable_foundation": {"kk": "«{root}» қайырымдылық қоры", "ru": "КФ «{root}»"},
    "social_enterprise": {"kk": "«{root}» ЖШС", "ru": "ТОО «{root}»"},
    "initiative_group": {"kk": "«{root}» бастамашыл тобы", "ru": "Инициативная группа «{root}»"},
}

# Weights for organisations whose legal form is not fixed above.
LEGAL_FORM_WEIGHTS = {
    "public_fund": 40,
    "public_association": 28,
    "charitable_foundation": 12,
    "association": 4,
    "social_enterprise": 6,
    "initiative_group": 10,
}

# More NGOs work in the big cities; every region gets at least one.
REGION_WEIGHTS = {
    "almaty": 14,
    "astana": 10,
    "shymkent": 6,
    "karaganda": 4,
    "east-kazakhstan": 3,
    "pavlodar": 3,
    "almaty-region": 3,
    "turkistan": 3,
    "aktobe": 2,
    "kostanay": 2,
    "jambyl": 2,
    "west-kazakhstan": 2,
    "atyrau": 2,
    "mangystau": 2,
    "kyzylorda": 2,
    "abai": 2,
    "akmola": 2,
    "north-kazakhstan": 1,
    "jetisu": 1,
    "ulytau": 1,
}

# Cities of each region: (kk, ru, en).
CITIES = {
    "astana": [("Астана", "Астана", "Astana")],
    "almaty": [("Алматы", "Алматы", "Almaty")],
    "shymkent": [("Шымкент", "Шымкент", "Shymkent")],
    "abai": [("Семей", "Семей", "Semey"), ("Аягөз", "Аягоз", "Ayagoz")],
    "akmola": [("Көкшетау", "Кокшетау", "Kokshetau"), ("Степногор", "Степногорск", "Stepnogorsk")],
    "aktobe": [("Ақтөбе", "Актобе", "Aktobe"), ("Қандыағаш", "Кандыагаш", "Kandyagash")],
    "almaty-region": [
        ("Қонаев", "Конаев", "Konaev"),
        ("Талғар", "Талгар", "Talgar"),
        ("Есік", "Есик", "Yesik"),
    ],
    "atyrau": [("Атырау", "Атырау", "Atyrau"), ("Құлсары", "Кульсары", "Kulsary")],
    "east-kazakhstan": [("Өскемен", "Усть-Каменогорск", "Oskemen"), ("Риддер", "Риддер", "Ridder")],
    "jambyl": [("Тараз", "Тараз", "Taraz"), ("Шу", "Шу", "Shu")],
    "jetisu": [("Талдықорған", "Талдыкорган", "Taldykorgan"), ("Текелі", "Текели", "Tekeli")],
    "karaganda": [("Қарағанды", "Караганда", "Karaganda"), ("Теміртау", "Темиртау", "Temirtau")],
    "kostanay": [("Қостанай", "Костанай", "Kostanay"), ("Рудный", "Рудный", "Rudny")],
    "kyzylorda": [("Қызылорда", "Кызылорда", "Kyzylorda"), ("Арал", "Аральск", "Aral")],
    "mangystau": [("Ақтау", "Актау", "Aktau"), ("Жаңаөзен", "Жанаозен", "Zhanaozen")],
    "north-kazakhstan": [("Петропавл", "Петропавловск", "Petropavl")],
    "pavlodar": [("Павлодар", "Павлодар", "Pavlodar"), ("Екібастұз", "Экибастуз", "Ekibastuz")],
    "turkistan": [("Түркістан", "Туркестан", "Turkistan"), ("Кентау", "Кентау", "Kentau")],
    "ulytau": [("Жезқазған", "Жезказган", "Zhezkazgan"), ("Сәтбаев", "Сатпаев", "Satpayev")],
    "west-kazakhstan": [("Орал", "Уральск", "Oral"), ("Ақсай", "Аксай", "Aksay")],
}

STREETS = {
    "kk": [
        "Абай даңғылы",
        "Төле би көшесі",
        "Қабанбай батыр көшесі",
        "Бейбітшілік көшесі",
        "Наурыз көшесі",
        "Достық даңғылы",
        "Тәуелсіздік даңғылы",
        "Әл-Фараби даңғылы",
        "Жамбыл көшесі",
        "Сәтбаев көшесі",
    ],
    "ru": [
        "пр. Абая",
        "ул. Толе би",
        "ул. Кабанбай батыра",
        "ул. Бейбитшилик",
        "ул. Наурыз",
        "пр. Достык",
        "пр. Тауелсиздик",
        "пр. аль-Фараби",
        "ул. Жамбыла",
        "ул. Сатпаева",
    ],
}
ADDRESS = {"kk": "{street}, {house}, {office}-кеңсе", "ru": "{street}, {house}, офис {office}"}

# Mobile operator codes in the +7 7xx range.
PHONE_CODES = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]

ORGANISATION_DESCRIPTION = {
    "kk": (
        "{year} жылдан бері {city} қаласында жұмыс істейтін үкіметтік емес ұйым. {focus} "
        "Тұрақты қызметкерлер: {staff}, еріктілер: {volunteers}."
    ),
    "ru": (
        "Неправительственная организация, которая работает в городе {city} с {year} года. {focus} "
        "Штатных сотрудников: {staff}, волонтёров: {volunteers}."
    ),
    "en": (
        "A non-governmental organisation working in {city} since {year}. {focus} "
        "Staff: {staff}; volunteers: {volunteers}."
    ),
}
ORGANISATION_FOCUS = {
    "disability": {
        "kk": "Біз мүгедектігі бар балалар мен жастарға оңалуға, білім алуға және жұмыс табуға көмектесеміз.",
        "ru": "Мы помогаем детям и молодым людям с инвалидностью пройти реабилитацию, учиться и найти работу.",
        "en": "We help children and young people with disabilities with rehabilitation, education and employment.",
    },
    "rights": {
        "kk": "Біз тұрғындарға тегін заң көмегін көрсетеміз және азаматтық бастамаларды қолдаймыз.",
        "ru": "Мы оказываем жителям бесплатную юридическую помощь и поддерживаем гражданские инициативы.",
        "en": "We provide free legal aid to residents and support civic initiatives.",
    },
    "health": {
        "kk": "Біз салауатты өмір салтын насихаттаймыз және таза әрі жасыл қала үшін тұрғындарды біріктіреміз.",
        "ru": "Мы продвигаем здоровый образ жизни и объединяем жителей ради чистого и зелёного города.",
        "en": "We promote healthy lifestyles and bring residents together for a cleaner, greener city.",
    },
}

# ---------------------------------------------------------------- projects

# Each theme is split into strands of related work. A project takes its idea (title and summary)
# and its problem, target group, activities and results from one strand, so its texts agree.
# Every Kazakh title and summary carries letters only Kazakh has (ә ғ қ ң ө ұ ү һ і), so search
# can be tested on them. Target groups are (text, fewest, most beneficiaries).
PROJECT_STRANDS = {
    "disability": {
        "work": {
            "ideas": {
                "kk": [
                    (
                        "«Бірге» инклюзивті шеберханасы",
                        "Мүгедектігі бар жасөспірімдерге арналған кәсіптік шеберхана: ағаш өңдеу, тігін "
                        "және керамика сабақтары. {city} қаласының жастары кәсіп үйреніп, алғашқы "
                        "табысын табады.",
                    ),
                    (
                        "«Жұмысқа жол»: сүйемелдеумен жұмысқа орналастыру",
                        "Мүгедектігі бар жастарға жұмыс табуға көмектесеміз: жұмыс берушілермен "
                        "келісеміз, тәлімгерлерді дайындаймыз және алғашқы үш айда екі жақты да "
                        "қолдаймыз.",
                    ),
                    (
                        "«Өз үйім»: оқу пәтері",
                        "Психикалық ерекшеліктері бар ересектер оқу пәтерінде өз бетінше өмір сүруді "
                        "үйренеді: тамақ әзірлеу, ақша жұмсау, қоғамдық көлікті пайдалану.",
                    ),
                    (
                        "«Жүрек» инклюзивті театр студиясы",
                        "Мүгедектігі бар және мүгедектігі жоқ жастар бірге қойылым дайындайды; премьера "
                        "{city} қаласының сахнасында өтеді.",
                    ),
                ],
                "ru": [
                    (
                        "Мастерская равных возможностей",
                        "Профессиональные мастерские для подростков с инвалидностью: столярное дело, "
                        "шитьё и керамика. Молодые люди из города {city} получают профессию и первый "
                        "заработок.",
                    ),
                    (
                        "Сопровождаемое трудоустройство",
                        "Помогаем молодым людям с инвалидностью найти работу: договариваемся с "
                        "работодателями, готовим наставников и сопровождаем первые три месяца.",
                    ),
                    (
                        "Учебная квартира: шаг к самостоятельной жизни",
                        "Взрослые с ментальными особенностями учатся жить самостоятельно: готовить, "
                        "распоряжаться деньгами, пользоваться общественным транспортом.",
                    ),
                    (
                        "Инклюзивная театральная студия «Вместе»",
                        "Молодые люди с инвалидностью и без неё вместе готовят спектакль; премьера "
                        "пройдёт на городской сцене в городе {city}.",
                    ),
                ],
                "en": [
                    (
                        "Inclusive Carpentry Workshop",
                        "A vocational workshop where teenagers with disabilities learn carpentry, sewing "
                        "and ceramics and earn their first income in {city}.",
                    ),
                    (
                        "Supported Employment Programme",
                        "We match young people with disabilities with employers, train workplace mentors "
                        "and support both sides for the first three months.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "{city} қаласында мүгедектігі бар жастардың көбі мектептен кейін үйде отырып "
                    "қалады: кәсіп үйрену мүмкіндігі аз, ал жұмыс берушілер оларды қабылдауға дайын "
                    "емес. Осының салдарынан отбасылардың табысы азайып, жастар қоғамнан оқшауланады.",
                ],
                "ru": [
                    "В городе {city} большинство молодых людей с инвалидностью после школы остаются "
                    "дома: получить профессию почти негде, а работодатели не готовы их принимать. Семьи "
                    "теряют доход, молодёжь оказывается в изоляции.",
                ],
                "en": [
                    "In {city}, most young people with disabilities stay at home after school: there "
                    "are few ways to learn a trade, and employers are not ready to hire them. Families "
                    "lose income and young people become isolated.",
                ],
            },
            "target_groups": {
                "kk": [
                    (
                        "14–29 жастағы мүгедектігі бар жасөспірімдер мен жастар және олардың ата-аналары",
                        40,
                        300,
                    ),
                    ("Психикалық ерекшеліктері бар 18–35 жастағы жастар", 20, 150),
                ],
                "ru": [
                    ("Подростки и молодёжь 14–29 лет с инвалидностью и их родители", 40, 300),
                    ("Молодые люди 18–35 лет с ментальными особенностями", 20, 150),
                ],
                "en": [
                    ("Teenagers and young adults aged 14–29 with disabilities, and their parents", 40, 300),
                    ("Young adults aged 18–35 with intellectual disabilities", 20, 150),
                ],
            },
            "activities": {
                "kk": [
                    "Мақсаты — мүгедектігі бар жастардың дербестігін арттыру және оларды жұмысқа "
                    "дайындау.\n"
                    "1. Ағаш өңдеу, тігін және керамика бойынша апта сайынғы сабақтар.\n"
                    "2. Әр қатысушыға жеке тәлімгер бекіту.\n"
                    "3. Жұмыс берушілермен кездесулер мен тағылымдамалар ұйымдастыру.\n"
                    "4. Жоба соңында бұйымдар көрмесі мен жәрмеңкесін өткізу.",
                    "Мақсаты — мүгедектігі бар жастардың қоғамға араласуы және өз бетінше өмір сүруі.\n"
                    "1. Апта сайынғы топтық сабақтар мен шығармашылық шеберханалар.\n"
                    "2. Тұрмыстық дағдыларды үйрету: тамақ әзірлеу, ақша жұмсау, көлікпен жүру.\n"
                    "3. Ерікті-тәлімгерлермен жеке кездесулер.\n"
                    "4. Жыл соңында қалалық іс-шарада нәтижелерді көрсету.",
                ],
                "ru": [
                    "Цель — повысить самостоятельность молодых людей с инвалидностью и подготовить их "
                    "к работе.\n"
                    "1. Еженедельные занятия по столярному делу, шитью и керамике.\n"
                    "2. Личный наставник для каждого участника.\n"
                    "3. Встречи и стажировки у работодателей.\n"
                    "4. Выставка-ярмарка изделий в конце проекта.",
                    "Цель — включить молодых людей с инвалидностью в жизнь города и научить их жить "
                    "самостоятельно.\n"
                    "1. Еженедельные групповые занятия и творческие мастерские.\n"
                    "2. Бытовые навыки: готовка, управление деньгами, поездки на транспорте.\n"
                    "3. Индивидуальные встречи с волонтёрами-наставниками.\n"
                    "4. Показ результатов на городском мероприятии в конце года.",
                ],
                "en": [
                    "Goal: help young people with disabilities become independent and ready for work.\n"
                    "1. Weekly classes in carpentry, sewing and ceramics.\n"
                    "2. A personal mentor for every participant.\n"
                    "3. Meetings and internships with employers.\n"
                    "4. A fair of the participants' work at the end of the project.",
                ],
            },
            "results": {
                "kk": [
                    "Пилоттық кезеңде бағдарламаға {n} жас қатысты, олардың ішінде {m} адам жұмысқа "
                    "орналасты немесе өз ісін бастады.",
                    "Өткен жылы сабақтарға {n} жас қатысты; олардың ішінде {m} адам қоғамдық көлікпен өз "
                    "бетінше жүріп, қалалық іс-шараларға қатыса бастады.",
                ],
                "ru": [
                    "На пилотном этапе в программе участвовали {n} молодых людей, из них {m} устроились "
                    "на работу или открыли своё дело.",
                    "В прошлом году в занятиях участвовали {n} молодых людей; {m} из них начали "
                    "самостоятельно ездить на транспорте и ходить на городские мероприятия.",
                ],
                "en": [
                    "In the pilot phase {n} young people took part; {m} of them found a job or started "
                    "their own business.",
                ],
            },
        },
        "rehab": {
            "ideas": {
                "kk": [
                    (
                        "«Қадам»: балаларды ерте оңалту",
                        "Церебралды сал ауруы бар балаларға арналған ерте оңалту бағдарламасы: емдік "
                        "дене шынықтыру, логопед және психолог сабақтары. Ата-аналар үйде жаттығу "
                        "жасауды үйренеді.",
                    ),
                    (
                        "«Ана мен бала» қолдау клубы",
                        "Ерекше қажеттіліктері бар балаларды тәрбиелеп отырған аналарға психологиялық "
                        "қолдау топтары және уақытша күтім қызметі: аналар демалып, күш жинай алады.",
                    ),
                    (
                        "Спорт — барлығына: бейімделген секциялар",
                        "Тірек-қимыл аппараты бұзылған балалар мен жасөспірімдерге арналған арбадағы "
                        "баскетбол және жүзу секциялары, жаттықтырушыларды оқыту.",
                    ),
                ],
                "ru": [
                    (
                        "«Шаг навстречу»: ранняя помощь детям с ДЦП",
                        "Программа ранней реабилитации: ЛФК, занятия с логопедом и психологом, обучение "
                        "родителей упражнениям, которые можно делать дома.",
                    ),
                    (
                        "Клуб «Особая мама»",
                        "Группы психологической поддержки и услуга «передышки» для матерей, которые "
                        "воспитывают детей с особыми потребностями.",
                    ),
                    (
                        "Спорт без границ",
                        "Баскетбол на колясках и плавание для детей и подростков с нарушениями "
                        "опорно-двигательного аппарата; обучение тренеров адаптивному спорту.",
                    ),
                ],
                "en": [
                    (
                        "Adaptive Sports Club",
                        "Wheelchair basketball and swimming for children and teenagers, with training "
                        "for coaches in adaptive sport.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Ерекше қажеттіліктері бар балаларды оңалту қызметтері көбіне облыс орталығында "
                    "ғана бар, кезек бірнеше айға созылады. Ата-аналарға үйде баламен қалай жұмыс істеу "
                    "керектігін ешкім түсіндірмейді.",
                    "Мүгедектігі бар баланы тәрбиелейтін аналар жиі жұмыстан кетуге мәжбүр болады және "
                    "жылдар бойы демалыссыз жүреді. Бұл отбасының психологиялық және қаржылық жағдайына "
                    "ауыр тиеді.",
                ],
                "ru": [
                    "Услуги реабилитации для детей с особыми потребностями есть в основном в областном "
                    "центре, очередь растягивается на месяцы. Родителям никто не объясняет, как "
                    "заниматься с ребёнком дома.",
                    "Матери детей с инвалидностью часто вынуждены оставить работу и годами живут без "
                    "отдыха. Это тяжело сказывается на психологическом и финансовом положении семьи.",
                ],
                "en": [
                    "Rehabilitation for children with special needs is mostly available only in the "
                    "regional centre, and the waiting list is months long. Nobody shows parents how to "
                    "work with their child at home.",
                ],
            },
            "target_groups": {
                "kk": [
                    (
                        "Церебралды сал ауруы мен даму ерекшеліктері бар 0–7 жастағы балалар және олардың отбасылары",
                        30,
                        200,
                    ),
                    ("Мүгедектігі бар балаларды тәрбиелеп отырған аналар", 30, 250),
                    ("Тірек-қимыл аппараты бұзылған 7–17 жастағы балалар", 20, 120),
                ],
                "ru": [
                    ("Дети 0–7 лет с ДЦП и особенностями развития и их семьи", 30, 200),
                    ("Матери, воспитывающие детей с инвалидностью", 30, 250),
                    ("Дети 7–17 лет с нарушениями опорно-двигательного аппарата", 20, 120),
                ],
                "en": [
                    ("Children aged 7–17 with mobility impairments", 20, 120),
                    (
                        "Children aged 0–7 with cerebral palsy or developmental delays, and their families",
                        30,
                        200,
                    ),
                ],
            },
            "activities": {
                "kk": [
                    "Мақсаты — балаларды ерте оңалту қызметін отбасыға жақындату.\n"
                    "1. Емдік дене шынықтыру, логопед және психолог сабақтары.\n"
                    "2. Ата-аналарға үйде жаттығу жасауды үйрету.\n"
                    "3. Мамандарға арналған оқыту семинарлары.\n"
                    "4. Әр баланың даму жоспарын құру және нәтижесін бағалау.",
                ],
                "ru": [
                    "Цель — приблизить раннюю реабилитацию к семье.\n"
                    "1. ЛФК, занятия с логопедом и психологом.\n"
                    "2. Обучение родителей упражнениям для дома.\n"
                    "3. Семинары для специалистов.\n"
                    "4. Индивидуальный план развития для каждого ребёнка и оценка результатов.",
                ],
                "en": [
                    "Goal: bring rehabilitation closer to families.\n"
                    "1. Physiotherapy, adaptive sport and sessions with a psychologist.\n"
                    "2. Teaching parents exercises for home.\n"
                    "3. Seminars for coaches and specialists.\n"
                    "4. A development plan for every child, with a review of progress.",
                ],
            },
            "results": {
                "kk": [
                    "Өткен жылы {n} бала оңалту курсынан өтті; ата-аналардың көбі баланың өз бетінше "
                    "жасай алатын әрекеттері көбейгенін айтады. Оқытудан {m} маман өтті.",
                ],
                "ru": [
                    "В прошлом году курс реабилитации прошли {n} детей; большинство родителей "
                    "отмечают, что дети стали самостоятельнее. Обучение прошли {m} специалистов.",
                ],
                "en": [
                    "Last year {n} children completed the programme, and most parents say their children "
                    "now do more on their own. {m} specialists were trained.",
                ],
            },
        },
        "access": {
            "ideas": {
                "kk": [
                    (
                        "«Ашық әлем»: нашар көретіндерге цифрлық сауаттылық",
                        "Зағип және нашар көретін адамдар экраннан оқу бағдарламаларымен жұмыс істеуді, "
                        "смартфон мен электрондық мемлекеттік қызметтерді пайдалануды үйренеді.",
                    ),
                    (
                        "Ымдау тілі — бәрімізге",
                        "Есту қабілеті бұзылған балалардың отбасыларына және емханалар мен дәріханалар "
                        "қызметкерлеріне арналған қазақ және орыс ымдау тілінің тегін курстары.",
                    ),
                    (
                        "Кедергісіз қала",
                        "Еріктілер {city} қаласындағы дәріханалардың, емханалар мен аялдамалардың "
                        "қолжетімділігін тексеріп, нәтижесін ашық интерактивті картаға түсіреді.",
                    ),
                ],
                "ru": [
                    (
                        "Город без барьеров",
                        "Волонтёры проверяют доступность аптек, поликлиник и остановок в городе {city} и "
                        "наносят результаты на открытую интерактивную карту.",
                    ),
                    (
                        "«Слышать сердцем»: курсы жестового языка",
                        "Бесплатные курсы казахского и русского жестового языка для семей глухих детей и "
                        "сотрудников поликлиник, аптек и ЦОНов.",
                    ),
                    (
                        "Цифровая грамотность для незрячих",
                        "Незрячие и слабовидящие люди осваивают экранные чтецы, смартфоны и электронные "
                        "государственные услуги.",
                    ),
                ],
                "en": [
                    (
                        "Barrier-Free {city}",
                        "Volunteers audit the accessibility of pharmacies, clinics and bus stops and "
                        "publish the results on an open interactive map.",
                    ),
                    (
                        "Sign Language for Everyone",
                        "Free Kazakh and Russian sign-language courses for families of deaf children and "
                        "for staff of clinics and public service centres.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Қоғамдық ғимараттардың, көліктің және сайттардың көпшілігі әлі де қолжетімсіз. "
                    "Пандустар талапқа сай емес, ал есту және көру қабілеті бұзылған адамдарға ақпарат "
                    "бейімделмеген.",
                ],
                "ru": [
                    "Большинство общественных зданий, транспорт и сайты до сих пор недоступны. Пандусы "
                    "не соответствуют нормам, а информация не адаптирована для людей с нарушениями "
                    "слуха и зрения.",
                ],
                "en": [
                    "Most public buildings, transport and websites are still inaccessible. Ramps do not "
                    "meet the standards, and information is not adapted for people with hearing or "
                    "visual impairments.",
                ],
            },
            "target_groups": {
                "kk": [
                    ("Көру және есту қабілеті бұзылған ересектер", 50, 400),
                    (
                        "Арбамен жүретін адамдар, егде жастағы тұрғындар және балалар арбасы бар ата-аналар",
                        200,
                        3000,
                    ),
                ],
                "ru": [
                    ("Взрослые с нарушениями зрения и слуха", 50, 400),
                    ("Люди на колясках, пожилые жители и родители с детскими колясками", 200, 3000),
                ],
                "en": [
                    ("Adults with visual or hearing impairments", 50, 400),
                    ("Wheelchair users, older residents and parents with prams", 200, 3000),
                ],
            },
            "activities": {
                "kk": [
                    "Мақсаты — қалалық ортаны және ақпаратты барлығына қолжетімді ету.\n"
                    "1. Еріктілерді оқыту және қоғамдық ғимараттарды тексеру.\n"
                    "2. Қолжетімділік картасын жасау және оны жыл сайын жаңарту.\n"
                    "3. Нәтижелерді әкімдікпен және ғимарат иелерімен талқылау.\n"
                    "4. Қызметкерлерді ымдау тіліне және жеңіл оқылатын мәтін жазуға үйрету.",
                ],
                "ru": [
                    "Цель — сделать городскую среду и информацию доступными для всех.\n"
                    "1. Обучение волонтёров и проверка общественных зданий.\n"
                    "2. Карта доступности, которая обновляется каждый год.\n"
                    "3. Обсуждение результатов с акиматом и владельцами зданий.\n"
                    "4. Обучение сотрудников жестовому языку и правилам «лёгкого чтения».",
                ],
                "en": [
                    "Goal: make the city and its information accessible to everyone.\n"
                    "1. Train volunteers and audit public buildings.\n"
                    "2. Build an accessibility map and update it every year.\n"
                    "3. Discuss the results with the akimat and building owners.\n"
                    "4. Train staff in sign language and easy-to-read formats.",
                ],
            },
            "results": {
                "kk": [
                    "Еріктілер {n} қоғамдық ғимаратты тексерді; {m} ғимараттың иелері пандустар мен "
                    "белгілерді түзетті.",
                    "Курстарды {n} адам бітірді, олардың ішінде {m} адам мемлекеттік қызметтерді өз "
                    "бетінше ала бастады.",
                ],
                "ru": [
                    "Волонтёры проверили {n} общественных зданий; владельцы {m} зданий исправили пандусы "
                    "и вывески.",
                    "Курсы окончили {n} человек, из них {m} начали самостоятельно получать "
                    "государственные услуги.",
                ],
                "en": [
                    "Volunteers audited {n} public buildings; the owners of {m} buildings fixed their "
                    "ramps and signs.",
                    "{n} people completed the courses; {m} of them now use public services on their own.",
                ],
            },
        },
    },
    "rights": {
        "legal": {
            "ideas": {
                "kk": [
                    (
                        "«Заң көмегі»: тегін кеңес беру орталығы",
                        "Аз қамтылған отбасыларға, зейнеткерлерге және мүгедектігі бар адамдарға "
                        "жәрдемақы, тұрғын үй және еңбек даулары бойынша тегін заң кеңесі.",
                    ),
                    (
                        "«Қарттарға қамқорлық»",
                        "Жалғызбасты қарт адамдарға әлеуметтік және заң көмегі: зейнетақыны рәсімдеу, "
                        "алаяқтардан қорғау, үйге барып көмектесу.",
                    ),
                    (
                        "Қандастарға көмек орталығы",
                        "Атамекенге оралған қандастарға азаматтық алу, тіркелу және мемлекеттік "
                        "қызметтер бойынша кеңес беретін орталық.",
                    ),
                    (
                        "«Тең құқық» заң клиникасы",
                        "Заң факультетінің студенттері тәжірибелі адвокаттардың басшылығымен {city} "
                        "қаласының тұрғындарына тегін кеңес береді.",
                    ),
                ],
                "ru": [
                    (
                        "Правовая помощь рядом",
                        "Бесплатные юридические консультации для малообеспеченных семей, пенсионеров и "
                        "людей с инвалидностью: пособия, жильё, трудовые споры.",
                    ),
                    (
                        "Забота о старших",
                        "Социальная и правовая помощь одиноким пожилым людям: оформление пенсий, защита "
                        "от мошенников, помощь на дому.",
                    ),
                    (
                        "Центр поддержки кандасов",
                        "Консультации для кандасов, вернувшихся на историческую родину: гражданство, "
                        "регистрация, доступ к государственным услугам.",
                    ),
                    (
                        "Юридическая клиника «Равенство»",
                        "Студенты-юристы под руководством опытных адвокатов бесплатно консультируют "
                        "жителей города {city}.",
                    ),
                ],
                "en": [
                    (
                        "Legal Aid Next Door",
                        "Free legal advice for low-income families, pensioners and people with "
                        "disabilities on benefits, housing and labour disputes.",
                    ),
                    (
                        "Kandas Help Centre",
                        "Advice on citizenship, registration and public services for ethnic Kazakhs "
                        "returning to Kazakhstan.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "{city} қаласында көптеген тұрғындар өз құқықтарын білмейді және заңгерге ақы "
                    "төлей алмайды. Әсіресе зейнеткерлер, көпбалалы отбасылар, қандастар мен "
                    "мүгедектігі бар адамдар жәрдемақы мен тұрғын үй мәселелерінде жиі қиындыққа тап "
                    "болады.",
                ],
                "ru": [
                    "В городе {city} многие жители не знают своих прав и не могут заплатить юристу. "
                    "Особенно часто пенсионеры, многодетные семьи, кандасы и люди с инвалидностью "
                    "сталкиваются с отказами в пособиях и жилищными спорами.",
                ],
                "en": [
                    "In {city}, many residents do not know their rights and cannot afford a lawyer. "
                    "Pensioners, large families, returning kandas and people with disabilities are most "
                    "often refused benefits or caught up in housing disputes.",
                ],
            },
            "target_groups": {
                "kk": [
                    ("Аз қамтылған отбасылар, зейнеткерлер және мүгедектігі бар адамдар", 100, 1500),
                    ("Жалғызбасты зейнеткерлер мен егде жастағы адамдар", 50, 600),
                    ("Атамекенге оралған қандастардың отбасылары", 50, 800),
                ],
                "ru": [
                    ("Малообеспеченные семьи, пенсионеры и люди с инвалидностью", 100, 1500),
                    ("Одинокие пенсионеры и пожилые люди", 50, 600),
                    ("Семьи кандасов, вернувшихся на историческую родину", 50, 800),
                ],
                "en": [
                    ("Low-income families, pensioners and people with disabilities", 100, 1500),
                    ("Families of kandas returning to Kazakhstan", 50, 800),
                ],
            },
            "activities": {
                "kk": [
                    "Мақсаты — тұрғындардың тегін заң көмегін алу мүмкіндігін кеңейту.\n"
                    "1. Апта сайын тегін заң кеңестерін өткізу.\n"
                    "2. Шағым мен өтініштердің үлгілерін дайындау.\n"
                    "3. Күрделі істер бойынша сотта өкілдік ету.\n"
                    "4. Аудандарда көшпелі кеңес беру күндерін ұйымдастыру.",
                ],
                "ru": [
                    "Цель — сделать бесплатную юридическую помощь доступной для жителей.\n"
                    "1. Еженедельные бесплатные консультации юристов.\n"
                    "2. Образцы жалоб и обращений.\n"
                    "3. Представительство в суде по сложным делам.\n"
                    "4. Выездные дни консультаций в районах.",
                ],
                "en": [
                    "Goal: make free legal aid easy to reach.\n"
                    "1. Free weekly consultations with lawyers.\n"
                    "2. Templates for complaints and petitions.\n"
                    "3. Representation in court in difficult cases.\n"
                    "4. Mobile advice days in the districts.",
                ],
            },
            "results": {
                "kk": ["Соңғы жылы {n} адам тегін заң кеңесін алды, {m} іс тұрғындардың пайдасына шешілді."],
                "ru": [
                    "За последний год бесплатную юридическую консультацию получили {n} человек, {m} дел "
                    "решено в пользу жителей."
                ],
                "en": [
                    "Last year {n} people received free legal advice, and {m} cases were decided in the "
                    "residents' favour."
                ],
            },
        },
        "violence": {
            "ideas": {
                "kk": [
                    (
                        "«Қауіпсіз үй»: зорлық-зомбылықтан зардап шеккендерге көмек",
                        "Тұрмыстық зорлық-зомбылықтан зардап шеккен әйелдер мен балаларға уақытша "
                        "баспана, заңгер және психолог көмегі.",
                    ),
                    (
                        "«Сенім телефоны»: тәулік бойы көмек",
                        "Тұрмыстық зорлық-зомбылыққа тап болған әйелдер мен жасөспірімдерге арналған "
                        "тәулік бойы жұмыс істейтін жасырын сенім телефоны және чат.",
                    ),
                ],
                "ru": [
                    (
                        "«Безопасный дом»: помощь пострадавшим от бытового насилия",
                        "Кризисное жильё, юрист и психолог для женщин и детей, пострадавших от "
                        "бытового насилия.",
                    ),
                    (
                        "«Линия доверия»: помощь круглосуточно",
                        "Круглосуточный анонимный телефон и чат доверия для женщин и подростков, "
                        "столкнувшихся с бытовым насилием.",
                    ),
                ],
                "en": [
                    (
                        "Safe Home",
                        "Crisis housing, a lawyer and a psychologist for women and children affected by "
                        "domestic violence in {city}.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Тұрмыстық зорлық-зомбылық туралы өтініштердің көбі сотқа дейін жетпейді: зардап "
                    "шеккендер қайда бару керегін білмейді, ал дағдарыс орталықтарында орын жетіспейді.",
                ],
                "ru": [
                    "Большинство случаев бытового насилия не доходит до суда: пострадавшие не знают, "
                    "куда обратиться, а мест в кризисных центрах не хватает.",
                ],
                "en": [
                    "Most cases of domestic violence never reach a court: victims do not know where to "
                    "turn, and crisis centres are short of places.",
                ],
            },
            "target_groups": {
                "kk": [("Тұрмыстық зорлық-зомбылықтан зардап шеккен әйелдер мен балалар", 30, 300)],
                "ru": [("Женщины и дети, пострадавшие от бытового насилия", 30, 300)],
                "en": [("Women and children affected by domestic violence", 30, 300)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — зорлық-зомбылықтан зардап шеккендерді қорғау және олардың өмірін "
                    "қалпына келтіру.\n"
                    "1. Уақытша баспана және тәулік бойы жұмыс істейтін сенім телефоны.\n"
                    "2. Заңгер мен психологтың жеке кеңестері.\n"
                    "3. Полиция мен мектеп қызметкерлерін оқыту.\n"
                    "4. Әйелдерге кәсіп үйрету және жұмысқа орналасуға көмектесу.",
                ],
                "ru": [
                    "Цель — защитить пострадавших от насилия и помочь им начать новую жизнь.\n"
                    "1. Кризисное жильё и круглосуточный телефон доверия.\n"
                    "2. Индивидуальные консультации юриста и психолога.\n"
                    "3. Обучение сотрудников полиции и школ.\n"
                    "4. Профессиональное обучение и помощь в трудоустройстве для женщин.",
                ],
                "en": [
                    "Goal: protect victims of violence and help them start again.\n"
                    "1. Crisis housing and a 24-hour helpline.\n"
                    "2. One-to-one advice from a lawyer and a psychologist.\n"
                    "3. Training for police officers and school staff.\n"
                    "4. Vocational training and help finding a job for women.",
                ],
            },
            "results": {
                "kk": [
                    "Өткен жылы көмекке {n} әйел мен бала жүгінді; олардың ішінде {m} адам тұрақты жұмыс "
                    "пен тұрғын үй тапты.",
                ],
                "ru": [
                    "В прошлом году за помощью обратились {n} женщин и детей; {m} из них нашли "
                    "постоянную работу и жильё.",
                ],
                "en": [
                    "Last year {n} women and children asked for help; {m} of them found a steady job and "
                    "a home.",
                ],
            },
        },
        "civic": {
            "ideas": {
                "kk": [
                    (
                        "«Мен құқығымды білемін»",
                        "{city} қаласының мектептерінде құқықтық сауаттылық сабақтары және "
                        "жасөспірімдерге арналған жасырын сенім телефоны.",
                    ),
                    (
                        "Белсенді азамат мектебі",
                        "Жастар ашық бюджетке қатысуды, әкімдікке өтініш жазуды және аула мәселелерін "
                        "көршілермен бірге шешуді үйренеді.",
                    ),
                    (
                        "Ашық әкімдік",
                        "Тұрғындар мен жергілікті билік арасындағы диалог: ай сайынғы ашық кездесулер "
                        "және өтініштердің орындалуын қадағалайтын онлайн-платформа.",
                    ),
                ],
                "ru": [
                    (
                        "«Знаю свои права»: правовая грамотность школьников",
                        "Уроки правовой грамотности в школах города {city} и анонимный телефон доверия "
                        "для подростков.",
                    ),
                    (
                        "Школа активного гражданина",
                        "Учим молодёжь участвовать в открытом бюджете, писать обращения в акимат и "
                        "решать проблемы двора вместе с соседями.",
                    ),
                    (
                        "Открытый акимат",
                        "Диалог жителей и местной власти: ежемесячные открытые встречи и "
                        "онлайн-платформа для отслеживания обращений.",
                    ),
                ],
                "en": [
                    (
                        "Active Citizen School",
                        "Young people learn to take part in participatory budgeting, write petitions to "
                        "the akimat and solve neighbourhood problems together.",
                    ),
                    (
                        "Open Akimat",
                        "Monthly open meetings between residents and the local authorities, and an "
                        "online tracker that shows what happened to each request.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Жастардың басым бөлігі жергілікті шешімдер қабылдауға қатыспайды, өйткені ашық "
                    "бюджет, қоғамдық тыңдаулар және өтініш беру тәртібі туралы ақпарат аз.",
                ],
                "ru": [
                    "Большая часть молодёжи не участвует в принятии местных решений: об открытом "
                    "бюджете, общественных слушаниях и порядке подачи обращений мало информации.",
                ],
                "en": [
                    "Most young people do not take part in local decisions: there is little information "
                    "about participatory budgeting, public hearings or how to petition the akimat.",
                ],
            },
            "target_groups": {
                "kk": [
                    ("16–30 жастағы белсенді жастар және аула комитеттері", 50, 500),
                    ("12–18 жастағы мектеп оқушылары мен мұғалімдер", 200, 3000),
                ],
                "ru": [
                    ("Активная молодёжь 16–30 лет и домовые комитеты", 50, 500),
                    ("Школьники 12–18 лет и учителя", 200, 3000),
                ],
                "en": [("Young people aged 16–30 and residents' committees", 50, 500)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — жастардың азаматтық белсенділігін дамыту.\n"
                    "1. Құқықтық сауаттылық, ашық бюджет және өтініш жазу бойынша тренингтер.\n"
                    "2. Аула мәселелерін шешуге арналған шағын жобалар байқауы.\n"
                    "3. Әкімдік өкілдерімен ашық кездесулер.\n"
                    "4. Нәтижелерді әлеуметтік желілерде жариялау.",
                ],
                "ru": [
                    "Цель — развить гражданскую активность молодёжи.\n"
                    "1. Тренинги по правовой грамотности, открытому бюджету и написанию обращений.\n"
                    "2. Конкурс мини-проектов для решения проблем дворов.\n"
                    "3. Открытые встречи с представителями акимата.\n"
                    "4. Публикация результатов в социальных сетях.",
                ],
                "en": [
                    "Goal: grow young people's civic engagement.\n"
                    "1. Training in participatory budgeting and writing petitions.\n"
                    "2. A small-grants contest for courtyard projects.\n"
                    "3. Open meetings with the akimat.\n"
                    "4. Publishing the results on social media.",
                ],
            },
            "results": {
                "kk": [
                    "Бағдарламаны {n} жас бітірді; олар әкімдікке {m} өтініш жолдап, аулаларды "
                    "абаттандыруға қаражат алды.",
                ],
                "ru": [
                    "Программу окончили {n} молодых людей; они направили в акимат {m} обращений и "
                    "добились денег на благоустройство дворов.",
                ],
                "en": [
                    "{n} young people completed the programme and sent {m} petitions to the akimat.",
                ],
            },
        },
        "reintegration": {
            "ideas": {
                "kk": [
                    (
                        "«Жаңа бастау»: бас бостандығынан айырылғандарды бейімдеу",
                        "Жазасын өтеп шыққан адамдарға құжаттарын қалпына келтіруге, жұмыс пен баспана "
                        "табуға көмектесеміз.",
                    ),
                    (
                        "Балалар үйінен кейінгі өмір",
                        "Балалар үйінің түлектеріне тәлімгерлік, тұрғын үй алу құқығын қорғау және "
                        "қаржылық сауаттылық сабақтары.",
                    ),
                ],
                "ru": [
                    (
                        "«Новый старт»: ресоциализация после заключения",
                        "Помогаем людям, освободившимся из мест лишения свободы, восстановить документы, "
                        "найти работу и жильё.",
                    ),
                    (
                        "Жизнь после детского дома",
                        "Наставничество для выпускников детских домов, защита их права на жильё и уроки "
                        "финансовой грамотности.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Балалар үйінің түлектері мен жазасын өтеп шыққан адамдар құжатсыз, баспанасыз және "
                    "жұмыссыз қалып, қайтадан қиын жағдайға түседі.",
                ],
                "ru": [
                    "Выпускники детских домов и люди, освободившиеся из мест лишения свободы, остаются "
                    "без документов, жилья и работы и снова попадают в трудную ситуацию.",
                ],
            },
            "target_groups": {
                "kk": [("Балалар үйінің түлектері және жазасын өтеп шыққан адамдар", 20, 200)],
                "ru": [("Выпускники детских домов и люди, освободившиеся из мест лишения свободы", 20, 200)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — балалар үйінің түлектері мен жазасын өтеп шыққан адамдардың өз бетінше "
                    "өмір сүруіне көмектесу.\n"
                    "1. Әр қатысушыға жеке тәлімгер бекіту.\n"
                    "2. Құжаттарды қалпына келтіру және тұрғын үй алу құқығын қорғау.\n"
                    "3. Кәсіптік оқыту және жұмыс берушілермен кездесулер.\n"
                    "4. Қаржылық сауаттылық сабақтары.",
                ],
                "ru": [
                    "Цель — помочь выпускникам детских домов и людям, освободившимся из мест лишения "
                    "свободы, начать самостоятельную жизнь.\n"
                    "1. Личный наставник для каждого участника.\n"
                    "2. Восстановление документов и защита права на жильё.\n"
                    "3. Профессиональное обучение и встречи с работодателями.\n"
                    "4. Уроки финансовой грамотности.",
                ],
            },
            "results": {
                "kk": [
                    "Бағдарламаға {n} адам қатысты; олардың ішінде {m} адам құжаттарын қалпына келтіріп, "
                    "тұрақты жұмысқа орналасты.",
                ],
                "ru": [
                    "В программе участвовали {n} человек; {m} из них восстановили документы и нашли "
                    "постоянную работу.",
                ],
            },
        },
    },
    "health": {
        "greening": {
            "ideas": {
                "kk": [
                    (
                        "«Жасыл аула»: бірге көгалдандырамыз",
                        "{city} қаласының аулаларын тұрғындармен бірге көгалдандырамыз: ағаш отырғызу, "
                        "тамшылатып суару және балаларға арналған экологиялық сабақтар.",
                    ),
                    (
                        "«Таза өзен»",
                        "Еріктілермен бірге өзен жағалауын тазалау, жағалауға тал мен терек отырғызу "
                        "және мектептерде экологиялық акциялар өткізу.",
                    ),
                    (
                        "«Таза саябақ»",
                        "Еріктілер {city} қаласының саябақтары мен скверлерін тазалап, қураған ағаштардың "
                        "орнына жаңа көшеттер отырғызады.",
                    ),
                    (
                        "«Экомектеп»: мектептегі экология үйірмелері",
                        "Мектептерде экология клубтары ашылады: компост жасау, суды үнемдеу және мектеп "
                        "ауласында бау-бақша өсіру.",
                    ),
                ],
                "ru": [
                    (
                        "Зелёный двор",
                        "Озеленяем дворы города {city} вместе с жителями: посадка деревьев, капельный "
                        "полив и экологические уроки для детей.",
                    ),
                    (
                        "Чистая река",
                        "Волонтёрские уборки берегов, посадка ив и тополей вдоль реки и экологические "
                        "акции в местных школах.",
                    ),
                    (
                        "Чистый парк",
                        "Волонтёры убирают парки и скверы города {city} и сажают молодые деревья на месте "
                        "засохших.",
                    ),
                    (
                        "Экошкола",
                        "Экоклубы в школах: компост, экономия воды и школьный сад, который ученики "
                        "выращивают сами.",
                    ),
                ],
                "en": [
                    (
                        "Green Courtyards",
                        "Residents of {city} plant trees, install drip irrigation and run eco-lessons for "
                        "children in their own courtyards.",
                    ),
                    (
                        "Clean Parks",
                        "Volunteers clean up parks and squares in {city} and replace dead trees with young "
                        "saplings.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "{city} қаласында ауа мен су сапасы нашарлап барады: қыста түтін көп, ал аулалар, "
                    "саябақтар мен өзен жағалауы қоқысқа толы. Тұрғындар бұл жағдайды қалай өзгертуге "
                    "болатынын білмейді.",
                ],
                "ru": [
                    "В городе {city} ухудшается качество воздуха и воды: зимой много смога, а дворы, "
                    "парки и берега реки завалены мусором. Жители не знают, как повлиять на ситуацию.",
                ],
                "en": [
                    "Air and water quality in {city} is getting worse: winter smog is heavy, and "
                    "courtyards, parks and riverbanks are full of litter. Residents do not know how they "
                    "can change this.",
                ],
            },
            "target_groups": {
                "kk": [
                    ("Көпқабатты үйлердің тұрғындары, мектеп оқушылары мен еріктілер", 300, 5000),
                    ("Мектеп оқушылары мен мұғалімдер", 150, 2000),
                ],
                "ru": [
                    ("Жители многоэтажных домов, школьники и волонтёры", 300, 5000),
                    ("Школьники и учителя", 150, 2000),
                ],
                "en": [("Residents of apartment blocks, schoolchildren and volunteers", 300, 5000)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — аулалар мен қоғамдық кеңістіктерді көгалдандыру және тұрғындарды "
                    "табиғатқа жауапкершілікпен қарауға үйрету.\n"
                    "1. Тұрғындармен бірге ағаш және бұта отырғызу.\n"
                    "2. Тамшылатып суару жүйесін орнату.\n"
                    "3. Мектеп оқушыларына экологиялық сабақтар өткізу.\n"
                    "4. Еріктілердің көшеттерді күтуін ұйымдастыру.",
                ],
                "ru": [
                    "Цель — озеленить дворы и общественные пространства и вовлечь жителей в заботу о "
                    "природе.\n"
                    "1. Посадка деревьев и кустарников вместе с жителями.\n"
                    "2. Установка системы капельного полива.\n"
                    "3. Экологические уроки для школьников.\n"
                    "4. Волонтёрский уход за посадками.",
                ],
                "en": [
                    "Goal: green courtyards and public spaces and get residents to care for nature.\n"
                    "1. Plant trees and shrubs with residents.\n"
                    "2. Install drip irrigation.\n"
                    "3. Eco-lessons for schoolchildren.\n"
                    "4. Volunteers look after the plantings.",
                ],
            },
            "results": {
                "kk": ["Өткен маусымда еріктілер {n} ағаш отырғызып, {m} ауланы көгалдандырды."],
                "ru": ["За прошлый сезон волонтёры посадили {n} деревьев и озеленили {m} дворов."],
                "en": ["Last season volunteers planted {n} trees and greened {m} courtyards."],
            },
        },
        "waste": {
            "ideas": {
                "kk": [
                    (
                        "Қалдықсыз қала",
                        "Тұрғын үй кешендерінде қалдықтарды бөлек жинау пункттерін ашу және тұрғындарға "
                        "қайта өңдеудің пайдасын түсіндіру.",
                    ),
                    (
                        "«Екінші өмір»: қайта өңдеу шеберханасы",
                        "Пластик қақпақтар мен ескі киімнен пайдалы бұйымдар жасайтын шеберхана және "
                        "{city} тұрғындарына арналған қайта өңдеу сабақтары.",
                    ),
                ],
                "ru": [
                    (
                        "Город без отходов",
                        "Пункты раздельного сбора в жилых комплексах и разъяснительная работа с жителями "
                        "о переработке.",
                    ),
                    (
                        "«Вторая жизнь вещей»",
                        "Мастерская, где из пластиковых крышек и старой одежды делают полезные вещи, и "
                        "занятия о переработке для жителей города {city}.",
                    ),
                ],
                "en": [
                    (
                        "Zero Waste Neighbourhood",
                        "Separate-collection points in housing estates and door-to-door explanations of "
                        "recycling.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Тұрмыстық қалдықтардың аз ғана бөлігі қайта өңделеді. Көпқабатты үйлердің жанында "
                    "бөлек жинайтын контейнерлер жоқ, тұрғындар қоқысты сұрыптаудың пайдасын білмейді.",
                ],
                "ru": [
                    "Перерабатывается лишь малая часть бытовых отходов. Возле многоэтажек нет "
                    "контейнеров для раздельного сбора, а жители не знают, зачем сортировать мусор.",
                ],
                "en": [
                    "Only a small share of household waste is recycled. There are no separate-collection "
                    "bins near apartment blocks, and residents do not see why they should sort their "
                    "rubbish.",
                ],
            },
            "target_groups": {
                "kk": [("Көпқабатты үйлердің тұрғындары және пәтер иелерінің бірлестіктері", 300, 5000)],
                "ru": [("Жители многоэтажных домов и объединения собственников квартир", 300, 5000)],
                "en": [("Residents of apartment blocks and their housing associations", 300, 5000)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — қалдықтарды бөлек жинауды күнделікті әдетке айналдыру.\n"
                    "1. Бөлек жинайтын контейнерлер орнату.\n"
                    "2. Үйме-үй жүріп түсіндіру жұмысын жүргізу.\n"
                    "3. Мектептер арасында экологиялық жарыс өткізу.\n"
                    "4. Қайта өңдейтін кәсіпорындармен келісімшарт жасау.",
                ],
                "ru": [
                    "Цель — сделать раздельный сбор отходов повседневной привычкой.\n"
                    "1. Установка контейнеров для раздельного сбора.\n"
                    "2. Поквартирная разъяснительная работа.\n"
                    "3. Экологическое соревнование между школами.\n"
                    "4. Договоры с перерабатывающими предприятиями.",
                ],
                "en": [
                    "Goal: make separate waste collection an everyday habit.\n"
                    "1. Install separate-collection bins.\n"
                    "2. Explain recycling door to door.\n"
                    "3. An eco-contest between schools.\n"
                    "4. Contracts with recycling companies.",
                ],
            },
            "results": {
                "kk": [
                    "Бөлек жинау пункттері арқылы {n} тонна қалдық қайта өңдеуге жіберілді, жобаға {m} "
                    "отбасы қатысады.",
                ],
                "ru": [
                    "Через пункты раздельного сбора на переработку отправлено {n} тонн отходов, в "
                    "проекте участвуют {m} семей.",
                ],
                "en": [
                    "{n} tonnes of waste went to recycling through the collection points; {m} families "
                    "take part.",
                ],
            },
        },
        "medicine": {
            "ideas": {
                "kk": [
                    (
                        "«Ауылға дәрігер»",
                        "Жылжымалы медициналық бригада шалғай ауылдарға барады: скрининг, қан қысымын "
                        "өлшеу және қант диабетінің алдын алу.",
                    ),
                    (
                        "«Сау жүрек»: егде жастағыларға скрининг",
                        "Жүрек-қан тамырлары ауруларын ерте анықтау: тегін тексеру, дәрігер кеңесі және "
                        "скандинавиялық жүріс топтары.",
                    ),
                ],
                "ru": [
                    (
                        "Врач в каждое село",
                        "Выезды мобильной медицинской бригады в отдалённые сёла: скрининг, измерение "
                        "давления, профилактика диабета.",
                    ),
                    (
                        "«Здоровое сердце»: скрининг для пожилых",
                        "Раннее выявление сердечно-сосудистых заболеваний: бесплатные обследования, "
                        "консультации врача и группы скандинавской ходьбы.",
                    ),
                ],
                "en": [
                    (
                        "A Doctor for Every Village",
                        "A mobile medical team visits remote villages for screening, blood-pressure checks "
                        "and diabetes prevention.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Шалғай ауылдардың тұрғындары дәрігерге бару үшін жүздеген шақырым жол жүреді. "
                    "Сондықтан қан қысымының жоғарылауы мен қант диабеті тым кеш анықталады.",
                ],
                "ru": [
                    "Жителям отдалённых сёл приходится ехать к врачу за сотни километров, поэтому "
                    "гипертонию и диабет выявляют слишком поздно.",
                ],
                "en": [
                    "People in remote villages travel hundreds of kilometres to see a doctor, so high "
                    "blood pressure and diabetes are detected far too late.",
                ],
            },
            "target_groups": {
                "kk": [
                    ("Шалғай ауылдардың 40 жастан асқан тұрғындары", 200, 3000),
                    ("60 жастан асқан егде жастағы адамдар", 100, 1200),
                ],
                "ru": [
                    ("Жители отдалённых сёл старше 40 лет", 200, 3000),
                    ("Пожилые люди старше 60 лет", 100, 1200),
                ],
                "en": [("Village residents over 40", 200, 3000), ("People over 60", 100, 1200)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — аурулардың алдын алу және оларды ерте анықтау.\n"
                    "1. Жылжымалы бригаданың ауылдарға шығуы.\n"
                    "2. Қан қысымын және қандағы қантты өлшеу, дәрігер кеңесі.\n"
                    "3. Жергілікті медбикелерді оқыту.\n"
                    "4. Салауатты өмір салты туралы дәрістер.",
                ],
                "ru": [
                    "Цель — профилактика и раннее выявление заболеваний.\n"
                    "1. Выезды мобильной бригады в сёла.\n"
                    "2. Измерение давления и сахара крови, консультация врача.\n"
                    "3. Обучение местных медсестёр.\n"
                    "4. Лекции о здоровом образе жизни.",
                ],
                "en": [
                    "Goal: prevent illness and detect it early.\n"
                    "1. Mobile team visits to villages.\n"
                    "2. Blood-pressure and blood-sugar checks, a doctor's advice.\n"
                    "3. Training for local nurses.\n"
                    "4. Talks on healthy living.",
                ],
            },
            "results": {
                "kk": [
                    "Жылжымалы бригада {n} тұрғынды тексерді; {m} адамда алғаш рет жоғары қан қысымы "
                    "немесе қант диабеті анықталып, олар емге жіберілді.",
                ],
                "ru": [
                    "Мобильная бригада обследовала {n} жителей; у {m} человек впервые выявили гипертонию "
                    "или диабет и направили их на лечение.",
                ],
                "en": [
                    "The mobile team examined {n} residents; {m} people were diagnosed with high blood "
                    "pressure or diabetes for the first time and referred for treatment.",
                ],
            },
        },
        "water": {
            "ideas": {
                "kk": [
                    (
                        "«Мөлдір су»: ауылдарға таза ауыз су",
                        "Ауылдық мектептер мен фельдшерлік пункттерде ауыз су сүзгілерін орнату және "
                        "балаларға гигиена сабақтарын өткізу.",
                    ),
                ],
                "ru": [
                    (
                        "Чистая вода для сёл",
                        "Фильтры питьевой воды в сельских школах и фельдшерских пунктах, уроки гигиены "
                        "для детей.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Ауылдық мектептер мен фельдшерлік пункттердің көбінде таза ауыз су жоқ, балалар "
                    "ішек инфекцияларымен жиі ауырады.",
                ],
                "ru": [
                    "Во многих сельских школах и фельдшерских пунктах нет чистой питьевой воды, и дети "
                    "часто болеют кишечными инфекциями.",
                ],
            },
            "target_groups": {
                "kk": [("Ауылдық мектептердің оқушылары мен мұғалімдері", 150, 2000)],
                "ru": [("Ученики и учителя сельских школ", 150, 2000)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — ауыл балаларын таза ауыз сумен қамтамасыз ету.\n"
                    "1. Мектептер мен фельдшерлік пункттерде сүзгілер орнату.\n"
                    "2. Су сапасын тоқсан сайын тексеру.\n"
                    "3. Балаларға гигиена сабақтарын өткізу.\n"
                    "4. Мектеп қызметкерлерін сүзгілерді күтуге үйрету.",
                ],
                "ru": [
                    "Цель — обеспечить сельских детей чистой питьевой водой.\n"
                    "1. Установка фильтров в школах и фельдшерских пунктах.\n"
                    "2. Ежеквартальная проверка качества воды.\n"
                    "3. Уроки гигиены для детей.\n"
                    "4. Обучение персонала школ обслуживанию фильтров.",
                ],
            },
            "results": {
                "kk": [
                    "Пилоттық кезеңде {n} бала таза ауыз сумен қамтылды, гигиена сабақтарына {m} оқушы "
                    "қатысты.",
                ],
                "ru": [
                    "На пилотном этапе чистой питьевой водой обеспечены {n} детей, уроки гигиены "
                    "посетили {m} школьников.",
                ],
            },
        },
        "youth": {
            "ideas": {
                "kk": [
                    (
                        "«Салауатты ұрпақ»",
                        "Жасөспірімдерге арналған тегін спорт секциялары және дұрыс тамақтану туралы "
                        "сабақтар.",
                    ),
                    (
                        "Жасөспірімдердің психологиялық саулығы",
                        "Мектеп психологтарын оқыту және жасөспірімдерге арналған тегін онлайн кеңес "
                        "беру қызметі.",
                    ),
                ],
                "ru": [
                    (
                        "Здоровое поколение",
                        "Бесплатные спортивные секции для подростков и занятия о правильном питании.",
                    ),
                    (
                        "Психологическое здоровье подростков",
                        "Обучение школьных психологов и бесплатные онлайн-консультации для подростков.",
                    ),
                ],
                "en": [
                    (
                        "Teen Mental Health Line",
                        "Training for school psychologists and free online counselling for teenagers.",
                    ),
                ],
            },
            "problems": {
                "kk": [
                    "Жасөспірімдер арасында аз қозғалу, дұрыс тамақтанбау және мазасыздық жиілеп "
                    "барады, ал тегін спорт секциялары мен психологиялық көмек жетіспейді.",
                ],
                "ru": [
                    "Среди подростков растут малоподвижность, неправильное питание и тревожность, а "
                    "бесплатных спортивных секций и психологической помощи не хватает.",
                ],
                "en": [
                    "More and more teenagers move too little, eat badly and feel anxious, while free "
                    "sports clubs and psychological help are scarce.",
                ],
            },
            "target_groups": {
                "kk": [("12–18 жастағы жасөспірімдер және олардың ата-аналары", 100, 1500)],
                "ru": [("Подростки 12–18 лет и их родители", 100, 1500)],
                "en": [("Teenagers aged 12–18 and their parents", 100, 1500)],
            },
            "activities": {
                "kk": [
                    "Мақсаты — жасөспірімдердің дене және психологиялық саулығын нығайту.\n"
                    "1. Тегін спорт секциялары: футбол, волейбол, жеңіл атлетика.\n"
                    "2. Дұрыс тамақтану туралы сабақтар.\n"
                    "3. Мектеп психологтарын оқыту.\n"
                    "4. Жасөспірімдерге тегін онлайн кеңес беру.",
                ],
                "ru": [
                    "Цель — укрепить физическое и психическое здоровье подростков.\n"
                    "1. Бесплатные секции: футбол, волейбол, лёгкая атлетика.\n"
                    "2. Занятия о правильном питании.\n"
                    "3. Обучение школьных психологов.\n"
                    "4. Бесплатные онлайн-консультации для подростков.",
                ],
                "en": [
                    "Goal: strengthen teenagers' physical and mental health.\n"
                    "1. Free sports clubs: football, volleyball, athletics.\n"
                    "2. Classes on healthy eating.\n"
                    "3. Training for school psychologists.\n"
                    "4. Free online counselling for teenagers.",
                ],
            },
            "results": {
                "kk": [
                    "Өткен жылы секцияларға {n} жасөспірім қатысты, {m} жасөспірім психологтан тегін "
                    "кеңес алды.",
                ],
                "ru": [
                    "В прошлом году в секциях занимались {n} подростков, {m} подростков получили "
                    "бесплатную консультацию психолога.",
                ],
                "en": [
                    "Last year {n} teenagers joined the sports clubs, and {m} received free counselling.",
                ],
            },
        },
    },
}

# Which target group, activities and results (indexes into the idea's strand lists) fit an idea
# best; ideas not listed, and indexes a language lacks, take any of the strand's texts.
IDEA_HINTS = {
    "«Бірге» инклюзивті шеберханасы": (0, 0, 0),
    "«Жұмысқа жол»: сүйемелдеумен жұмысқа орналастыру": (0, 0, 0),
    "«Өз үйім»: оқу пәтері": (1, 1, 1),
    "«Жүрек» инклюзивті театр студиясы": (0, 1, 1),
    "Мастерская равных возможностей": (0, 0, 0),
    "Сопровождаемое трудоустройство": (0, 0, 0),
    "Учебная квартира: шаг к самостоятельной жизни": (1, 1, 1),
    "Инклюзивная театральная студия «Вместе»": (0, 1, 1),
    "Inclusive Carpentry Workshop": (0, 0, 0),
    "Supported Employment Programme": (0, 0, 0),
    "«Қадам»: балаларды ерте оңалту": (0, None, None),
    "«Ана мен бала» қолдау клубы": (1, None, None),
    "Спорт — барлығына: бейімделген секциялар": (2, None, None),
    "«Шаг навстречу»: ранняя помощь детям с ДЦП": (0, None, None),
    "Клуб «Особая мама»": (1, None, None),
    "Спорт без границ": (2, None, None),
    "Adaptive Sports Club": (0, None, None),
    "«Ашық әлем»: нашар көретіндерге цифрлық сауаттылық": (0, None, 1),
    "Ымдау тілі — бәрімізге": (0, None, 1),
    "Кедергісіз қала": (1, None, 0),
    "Город без барьеров": (1, None, 0),
    "«Слышать сердцем»: курсы жестового языка": (0, None, 1),
    "Цифровая грамотность для незрячих": (0, None, 1),
    "Barrier-Free {city}": (1, None, 0),
    "Sign Language for Everyone": (0, None, 1),
    "«Заң көмегі»: тегін кеңес беру орталығы": (0, None, None),
    "«Қарттарға қамқорлық»": (1, None, None),
    "Қандастарға көмек орталығы": (2, None, None),
    "«Тең құқық» заң клиникасы": (0, None, None),
    "Правовая помощь рядом": (0, None, None),
    "Забота о старших": (1, None, None),
    "Центр поддержки кандасов": (2, None, None),
    "Юридическая клиника «Равенство»": (0, None, None),
    "Legal Aid Next Door": (0, None, None),
    "Kandas Help Centre": (1, None, None),
    "«Мен құқығымды білемін»": (1, None, None),
    "Белсенді азамат мектебі": (0, None, None),
    "Ашық әкімдік": (0, None, None),
    "«Знаю свои права»: правовая грамотность школьников": (1, None, None),
    "Школа активного гражданина": (0, None, None),
    "Открытый акимат": (0, None, None),
    "«Жасыл аула»: бірге көгалдандырамыз": (0, None, None),
    "«Таза өзен»": (0, None, None),
    "«Таза саябақ»": (0, None, None),
    "«Экомектеп»: мектептегі экология үйірмелері": (1, None, None),
    "Зелёный двор": (0, None, None),
    "Чистая река": (0, None, None),
    "Чистый парк": (0, None, None),
    "Экошкола": (1, None, None),
    "«Ауылға дәрігер»": (0, None, None),
    "«Сау жүрек»: егде жастағыларға скрининг": (1, None, None),
    "Врач в каждое село": (0, None, None),
    "«Здоровое сердце»: скрининг для пожилых": (1, None, None),
    "A Doctor for Every Village": (0, None, None),
}

TITLE_WITH_CITY = {"kk": "{title} — {city}", "ru": "{title} — {city}", "en": "{title} in {city}"}

SUSTAINABILITY = {
    "kk": [
        "Жоба аяқталғаннан кейін қызметтер мемлекеттік әлеуметтік тапсырыс аясында жалғасады; бұл "
        "туралы әкімдікпен келіссөз жүріп жатыр.",
        "Шығынның бір бөлігін ақылы қызметтер мен серіктес кәсіпорындардың демеушілігі жабады. "
        "Жергілікті бизнеспен ұзақ мерзімді келісімдер жасалды.",
        "Жоба барысында оқытылған еріктілер мен мамандар жұмысты өздері жалғастырады, ал әдістемелік "
        "құралдар барлығына тегін қолжетімді болады.",
        "Негізгі шығындарды ұйымның жыл сайынғы қайырымдылық марафоны мен жеке демеушілер жабады.",
    ],
    "ru": [
        "После окончания гранта услуги продолжатся в рамках государственного социального заказа; "
        "переговоры с акиматом уже идут.",
        "Часть расходов покрывают платные услуги и спонсорство компаний-партнёров; с местным "
        "бизнесом заключены долгосрочные соглашения.",
        "Обученные в проекте волонтёры и специалисты продолжат работу сами, а методические "
        "материалы будут бесплатно доступны всем.",
        "Основные расходы покрывают ежегодный благотворительный марафон организации и частные пожертвования.",
    ],
    "en": [
        "When the grant ends, the services will continue under a state social contract; talks with "
        "the akimat are under way.",
        "Volunteers and specialists trained in the project will carry on the work, and all training "
        "materials will be freely available.",
        "Paid services and long-term agreements with local businesses will cover part of the costs.",
    ],
}

# Notes organisers leave with their decisions, in the project's language.
RETURN_NOTES = {
    "kk": [
        "Бюджеттің толық сметасын қосып, пайда алушылар санын нақтылаңыз.",
        "Нәтижені өлшейтін көрсеткіштерді жазыңыз және серіктестердің хаттарын тіркеңіз.",
    ],
    "ru": [
        "Пожалуйста, приложите подробную смету и уточните число благополучателей.",
        "Укажите измеримые показатели результата и приложите письма партнёров.",
    ],
    "en": [
        "Please attach a detailed budget and clarify the number of beneficiaries.",
        "Please add measurable result indicators and letters from your partners.",
    ],
}
NOT_SELECTED_NOTES = {
    "kk": "Жоба қызықты, бірақ бюджеті мен күтілетін нәтижелері жеткілікті негізделмеген.",
    "ru": "Проект интересный, но бюджет и ожидаемые результаты обоснованы недостаточно.",
    "en": "An interesting project, but its budget and expected results are not justified well enough.",
}
FINALIST_NOTES = {
    "kk": "Сараптама кеңесінің шешімімен финалға өтті.",
    "ru": "Вышел в финал по решению экспертного совета.",
    "en": "Selected for the final by the expert council.",
}

# ---------------------------------------------------------------- images

# Two palettes per theme; colours are RGB, "words" describe them for alt texts.
PALETTES = {
    "disability": [
        {
            "top": (206, 233, 250),
            "bottom": (128, 186, 232),
            "sun": (255, 200, 70),
            "main": (31, 97, 141),
            "dark": (20, 60, 95),
            "accent": (233, 110, 80),
            "words": {
                "kk": "көк және сары түстердегі",
                "ru": "в голубых и жёлтых тонах",
                "en": "blue and yellow",
            },
        },
        {
            "top": (255, 232, 206),
            "bottom": (244, 162, 97),
            "sun": (255, 246, 210),
            "main": (42, 157, 143),
            "dark": (38, 70, 83),
            "accent": (231, 111, 81),
            "words": {
                "kk": "қызғылт сары және көкшіл-жасыл түстердегі",
                "ru": "в оранжевых и бирюзовых тонах",
                "en": "orange and teal",
            },
        },
    ],
    "rights": [
        {
            "top": (234, 224, 250),
            "bottom": (150, 122, 200),
            "sun": (255, 209, 102),
            "main": (94, 60, 153),
            "dark": (60, 36, 100),
            "accent": (239, 71, 111),
            "words": {
                "kk": "күлгін және сары түстердегі",
                "ru": "в сиреневых и жёлтых тонах",
                "en": "violet and yellow",
            },
        },
        {
            "top": (216, 229, 242),
            "bottom": (70, 100, 150),
            "sun": (252, 163, 17),
            "main": (40, 60, 100),
            "dark": (20, 33, 61),
            "accent": (229, 107, 111),
            "words": {
                "kk": "қою көк және қызғылт сары түстердегі",
                "ru": "в тёмно-синих и оранжевых тонах",
                "en": "navy and orange",
            },
        },
    ],
    "health": [
        {
            "top": (228, 246, 222),
            "bottom": (140, 205, 130),
            "sun": (255, 214, 10),
            "main": (56, 140, 60),
            "dark": (30, 90, 50),
            "accent": (121, 85, 61),
            "words": {
                "kk": "жасыл және сары түстердегі",
                "ru": "в зелёных и жёлтых тонах",
                "en": "green and yellow",
            },
        },
        {
            "top": (212, 241, 246),
            "bottom": (80, 175, 195),
            "sun": (240, 220, 160),
            "main": (0, 110, 130),
            "dark": (0, 70, 90),
            "accent": (148, 110, 80),
            "words": {
                "kk": "көгілдір және құм түстердегі",
                "ru": "в бирюзовых и песочных тонах",
                "en": "turquoise and sand",
            },
        },
    ],
}

# Four motifs per theme: 3 themes x 2 palettes x 4 motifs = the pool of 24 images.
THEME_MOTIFS = {
    "disability": ("people", "house", "circles", "hills"),
    "rights": ("people", "scales", "house", "circles"),
    "health": ("tree", "hills", "waves", "circles"),
}
MOTIFS = {
    "people": {
        "kk": "қол ұстасып тұрған адамдар",
        "ru": "люди, держащиеся за руки",
        "en": "people holding hands",
    },
    "house": {
        "kk": "төбесінің үстінде жүрегі бар үй",
        "ru": "дом с сердцем над крышей",
        "en": "a house with a heart above its roof",
    },
    "circles": {
        "kk": "бір-бірімен тоғысқан түрлі-түсті шеңберлер",
        "ru": "переплетённые разноцветные круги",
        "en": "colourful overlapping circles",
    },
    "hills": {
        "kk": "төбелердің үстінен шығып келе жатқан күн",
        "ru": "солнце над холмами",
        "en": "the sun rising over hills",
    },
    "scales": {"kk": "әділдік таразысы", "ru": "весы правосудия", "en": "the scales of justice"},
    "tree": {
        "kk": "күн астындағы жайқалған ағаш",
        "ru": "раскидистое дерево под солнцем",
        "en": "a leafy tree under the sun",
    },
    "waves": {"kk": "күн астындағы толқындар", "ru": "волны под солнцем", "en": "waves under the sun"},
}
ALT_TEXT = {
    "kk": "{colours} иллюстрация: {motif}",
    "ru": "Иллюстрация {colours}: {motif}",
    "en": "Illustration in {colours}: {motif}",
}
