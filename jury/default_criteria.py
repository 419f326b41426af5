"""The five criteria a new review starts with; organisers edit, reweigh or remove them."""

from decimal import Decimal

DEFAULT_CRITERIA = [
    {
        "title_kk": "Әлеуметтік маңыздылығы",
        "title_ru": "Социальная значимость",
        "title_en": "Significance",
        "guidance_kk": "1–3: мәселе нақты емес немесе аз адамға қатысты. 4–7: мәселе айқын, мақсатты топ "
        "сипатталған. 8–10: өткір мәселе, дәлелдермен және деректермен негізделген.",
        "guidance_ru": "1–3: проблема размыта или касается немногих. 4–7: проблема ясна, целевая группа "
        "описана. 8–10: острая проблема, подтверждённая данными и фактами.",
        "guidance_en": "1–3: the problem is vague or affects few people. 4–7: a clear problem and a "
        "described target group. 8–10: a pressing problem backed by evidence and data.",
        "weight": Decimal("1"),
    },
    {
        "title_kk": "Әлеуметтік әсері",
        "title_ru": "Социальный эффект",
        "title_en": "Social impact",
        "guidance_kk": "1–3: нәтижелер белгісіз. 4–7: нәтижелер бар, бірақ өлшенбеген. 8–10: өлшенетін "
        "нәтижелер, адамдардың өміріндегі нақты өзгерістер.",
        "guidance_ru": "1–3: результаты неясны. 4–7: результаты есть, но не измерены. 8–10: измеримые "
        "результаты, заметные перемены в жизни людей.",
        "guidance_en": "1–3: results are unclear. 4–7: results exist but are not measured. 8–10: measurable "
        "results, real change in people's lives.",
        "weight": Decimal("1"),
    },
    {
        "title_kk": "Тұрақтылығы",
        "title_ru": "Устойчивость",
        "title_en": "Sustainability",
        "guidance_kk": "1–3: жоба бір гранттан кейін тоқтайды. 4–7: жалғастыру жоспары бар. 8–10: "
        "қаржыландырудың әртүрлі көздері, серіктестер және дайындалған команда.",
        "guidance_ru": "1–3: проект закончится вместе с грантом. 4–7: есть план продолжения. 8–10: "
        "разные источники финансирования, партнёры и подготовленная команда.",
        "guidance_en": "1–3: the project ends with the grant. 4–7: there is a plan to continue. 8–10: "
        "several sources of funding, partners and a trained team.",
        "weight": Decimal("1"),
    },
    {
        "title_kk": "Инновациялылығы",
        "title_ru": "Инновационность",
        "title_en": "Innovation",
        "guidance_kk": "1–3: бұрыннан бар тәсілді қайталайды. 4–7: жергілікті жағдайға бейімделген "
        "жаңа тәсіл. 8–10: басқалар үлгі ала алатын жаңа шешім.",
        "guidance_ru": "1–3: повторяет известный подход. 4–7: новый подход, адаптированный к местным "
        "условиям. 8–10: новое решение, которое могут перенять другие.",
        "guidance_en": "1–3: repeats a known approach. 4–7: a new approach adapted to local conditions. "
        "8–10: a new solution others can take up.",
        "weight": Decimal("1"),
    },
    {
        "title_kk": "ҮЕҰ-ның ашықтығы",
        "title_ru": "Открытость НПО",
        "title_en": "The NGO's openness",
        "guidance_kk": "1–3: есептер мен байланыс ақпараты жоқ. 4–7: негізгі ақпарат жарияланған. 8–10: "
        "қаржылық және мазмұндық есептер ашық, қоғаммен тұрақты байланыс.",
        "guidance_ru": "1–3: нет отчётов и контактов. 4–7: основная информация опубликована. 8–10: "
        "открытые финансовые и содержательные отчёты, постоянная связь с обществом.",
        "guidance_en": "1–3: no reports or contacts. 4–7: the essentials are published. 8–10: open "
        "financial and activity reports, regular contact with the public.",
        "weight": Decimal("1"),
    },
]
