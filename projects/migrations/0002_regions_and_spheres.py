"""Reference lists every fair uses: Kazakhstan's regions and the spheres of NGO work."""

from django.db import migrations

REGIONS = [
    # code, kind, kk, ru, en
    ("astana", "city", "Астана", "Астана", "Astana"),
    ("almaty", "city", "Алматы", "Алматы", "Almaty"),
    ("shymkent", "city", "Шымкент", "Шымкент", "Shymkent"),
    ("abai", "region", "Абай облысы", "Абайская область", "Abai Region"),
    ("akmola", "region", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
    ("aktobe", "region", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    ("almaty-region", "region", "Алматы облысы", "Алматинская область", "Almaty Region"),
    ("atyrau", "region", "Атырау облысы", "Атырауская область", "Atyrau Region"),
    ("east-kazakhstan", "region", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"),
    ("jambyl", "region", "Жамбыл облысы", "Жамбылская область", "Jambyl Region"),
    ("jetisu", "region", "Жетісу облысы", "Жетысуская область", "Jetisu Region"),
    ("karaganda", "region", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    ("kostanay", "region", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
    ("kyzylorda", "region", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
    ("mangystau", "region", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
    ("north-kazakhstan", "region", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region"),
    ("pavlodar", "region", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
    ("turkistan", "region", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
    ("ulytau", "region", "Ұлытау облысы", "Улытауская область", "Ulytau Region"),
    ("west-kazakhstan", "region", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region"),
]

SPHERES = [
    ("education", "Білім беру", "Образование", "Education"),
    ("healthy-lifestyle", "Салауатты өмір салты", "Здоровый образ жизни", "Healthy lifestyle"),
    ("youth", "Жастар", "Молодёжь", "Youth"),
    ("children", "Балалар", "Дети", "Children"),
    ("disability", "Мүгедектігі бар адамдар", "Люди с инвалидностью", "People with disabilities"),
    ("older-people", "Егде жастағы адамдар", "Пожилые люди", "Older people"),
    ("vulnerable-groups", "Әлеуметтік осал топтар", "Социально уязвимые группы", "Vulnerable groups"),
    ("rights", "Құқықтарды қорғау", "Защита прав", "Human rights"),
    ("family", "Отбасы", "Семья", "Family"),
    ("ecology", "Экология", "Экология", "Ecology"),
    ("health", "Денсаулық сақтау", "Здравоохранение", "Health"),
    ("culture", "Мәдениет", "Культура", "Culture"),
]


def load(apps, schema_editor):
    Region = apps.get_model("projects", "Region")
    Sphere = apps.get_model("projects", "Sphere")
    for position, (code, kind, kk, ru, en) in enumerate(REGIONS):
        Region.objects.update_or_create(
            code=code, defaults={"kind": kind, "name_kk": kk, "name_ru": ru, "name_en": en, "position": position}
        )
    for position, (slug, kk, ru, en) in enumerate(SPHERES):
        Sphere.objects.update_or_create(
            slug=slug, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position}
        )


def unload(apps, schema_editor):
    apps.get_model("projects", "Region").objects.filter(code__in=[r[0] for r in REGIONS]).delete()
    apps.get_model("projects", "Sphere").objects.filter(slug__in=[s[0] for s in SPHERES]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
