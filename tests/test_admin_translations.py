"""The admin in Kazakh and Russian: no English left from Django's or third-party catalogs, no
typos from Django's Kazakh one, Russian phrases that never decline our model names wrongly,
permissions people can read, and a label on every input (axe's rule, checked without a browser)."""

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from fairportal.admin_widgets import readable_permission_name
from projects.media import reencode_image
from projects.models import ProjectImage
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, ProjectFactory, jpeg_upload

pytestmark = pytest.mark.django_db

# What the admin showed in English, or misspelt, before our catalogs overrode Django's.
ENGLISH_LEFTOVERS = [
    "View site",
    "Welcome,",
    "Log out",
    "Authentication and Authorization",
    "Model name",
    "Add link",
    "Change or view list link",
    "Toggle theme",
    "Start typing to filter",
    "Recent actions",
    "My actions",
    "Breadcrumbs",
    "Sidebar",
    "Otp_Totp",
    "Otp_Static",
    "TOTP devices",
    "Tasks Database Backend",
    "Task Results",
    "Select all objects on this page",
    "Show counts",
    "Save and continue editing",
    "Hold down “Control”",
    "Can add ",
    "Can change ",
    'alt="Search"',
]
KAZAKH_TYPOS = ["үщін", "өзгету", "Өзгетру", "Алға", "Сүзгіз", "кос<", "Жорнал", "әрәкет"]


@pytest.fixture
def fair():
    return FairFactory()


def admin_pages(fair, superuser):
    group = Group.objects.create(name="Volunteers")
    group.permissions.set(Permission.objects.filter(codename__in=["add_fair", "change_project_state"]))
    return [
        reverse("admin:index"),
        reverse("admin:projects_fair_changelist"),
        reverse("admin:projects_fair_add"),
        reverse("admin:projects_fair_change", args=[fair.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[superuser.pk]),
        reverse("admin:auth_group_change", args=[group.pk]),
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_admin_pages_have_no_english_leftovers_nor_typos(client, superuser, fair, lang):
    client.force_login(superuser)
    with translation.override(lang):
        urls = admin_pages(fair, superuser)

    for url in urls:
        page = client.get(url).content.decode()
        left = [text for text in ENGLISH_LEFTOVERS + KAZAKH_TYPOS if text in page]
        assert left == [], f"{url}: {left}"


def test_russian_phrases_around_model_names_need_no_declension(client, superuser, fair):
    UserFactory.create_batch(6)
    client.force_login(superuser)
    with translation.override("ru"):
        add_fair = client.get(reverse("admin:projects_fair_add")).content.decode()
        fairs = client.get(reverse("admin:projects_fair_changelist")).content.decode()
        users = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "Добавить ярмарка" not in add_fair
    assert "<h1>Добавить: ярмарка</h1>" in add_fair
    assert "Выберите ярмарка" not in fairs
    assert "Выберите объект для изменения: ярмарка" in fairs
    assert "Добавить: ярмарка" in fairs
    assert "7 пользователи" not in users
    assert "Всего: 7" in users
    assert "Удалить выбранные объекты (пользователи)" in users


def test_kazakh_admin_reads_as_kazakh(client, superuser, fair):
    client.force_login(superuser)
    with translation.override("kk"):
        index = client.get(reverse("admin:index")).content.decode()
        fairs = client.get(reverse("admin:projects_fair_changelist")).content.decode()

    assert "Сайтқа өту" in index
    assert "Пайдаланушылар мен топтар" in index
    assert "Аутентификатор қолданбалары" in index
    assert "Өзгерту үшін таңдаңыз: жәрмеңке" in fairs
    assert "Барлығы: 1" in fairs


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "Жәрмеңкелер мен жобалар | Жәрмеңке: қосу"),
        ("ru", "Ярмарки и проекты | Ярмарка: добавление"),
        ("en", "Fairs and projects | Fair: adding"),
    ],
)
def test_permissions_are_named_in_the_organisers_language(client, superuser, lang, expected):
    add_fair = Permission.objects.get(codename="add_fair")
    group = Group.objects.create(name="Volunteers")
    client.force_login(superuser)

    with translation.override(lang):
        assert readable_permission_name(add_fair) == expected
        group_page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
        user_page = client.get(reverse("admin:accounts_user_change", args=[superuser.pk])).content.decode()

    assert f'<option value="{add_fair.pk}">{expected}</option>' in group_page
    assert f'<option value="{add_fair.pk}">{expected}</option>' in user_page
    assert "Can add fair" not in group_page + user_page


def test_our_own_permissions_keep_their_translated_names():
    shortlist = Permission.objects.get(codename="change_project_state")

    with translation.override("ru"):
        name = readable_permission_name(shortlist)

    assert name.startswith("Ярмарки и проекты | Проект: ")
    assert "Can " not in name


class Inputs(HTMLParser):
    """The form inputs a person fills in, and what labels them (a label's `for`, a label
    around the input, or an aria-label)."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labelled, self.inside_label = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
            else:
                self.inside_label += 1
        if (
            tag in ("input", "select", "textarea")
            and attrs.get("type") not in ("hidden", "submit", "button")
            and "__prefix__" not in (attrs.get("id") or "")
            and "aria-label" not in attrs
            and not self.inside_label
        ):
            self.inputs.append(attrs.get("id") or attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "label" and self.inside_label:
            self.inside_label -= 1


def unlabelled_inputs(html: str) -> list:
    parser = Inputs()
    parser.feed(html)
    return [name for name in parser.inputs if name not in parser.labelled]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_admin_input_has_a_label(client, superuser, fair, lang):
    project = ProjectFactory(fair=fair)
    processed = reencode_image(jpeg_upload())
    image = ProjectImage(project=project, alt_text="Шеберхана")
    image.image.save(processed.image.name, processed.image, save=False)
    image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    client.force_login(superuser)
    with translation.override(lang):
        urls = [
            reverse("admin:projects_fair_change", args=[fair.pk]),
            reverse("admin:projects_fair_add"),
            reverse("admin:projects_project_change", args=[project.pk]),
            reverse("admin:accounts_user_changelist"),
        ]

    for url in urls:
        html = client.get(url).content.decode()
        assert unlabelled_inputs(html) == [], url
    # The two halves of a date-and-time field are labelled each, in the page's language.
    assert (
        f'for="id_submission_opens_at_1">{ {"kk": "Уақыты:", "ru": "Время:", "en": "Time:"}[lang] }</label>'
        in (client.get(urls[0]).content.decode())
    )


@pytest.mark.parametrize("path", sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po")), ids=str)
def test_catalogs_translate_everything(path):
    catalog = polib.pofile(str(path))

    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


MSGFMT = shutil.which("msgfmt")


@pytest.mark.parametrize("path", sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po")), ids=str)
def test_gnu_msgfmt_accepts_the_catalogs(path):
    """polib and our compile step read a catalog GNU gettext refuses (an orphaned `#| msgid_plural`
    once did): translators' tools and `make messages` use GNU's, so the catalogs must pass it too."""
    if MSGFMT is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt is missing in CI: .ci/run must install gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    checked = subprocess.run(
        [MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stderr


def every_admin_page():
    """The index, each app's page, and per model its changelist, add form and first object's
    change form."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        yield reverse("admin:app_list", args=[opts.app_label])
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_admin_string_falls_through_to_english(client, superuser, fair, monkeypatch, lang):
    """Every string the admin pages look up has a translation in our catalogs or Django's; a
    msgid coming back unchanged means English on the page. Only names and acronyms stay as they are."""
    ProjectFactory(fair=fair)
    catalog = {
        e.msgid: e.msgstr
        for e in polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / lang / "LC_MESSAGES" / "django.po"))
    }
    untranslated = set()

    def watch(name, msgid_of):
        real = getattr(trans_real, name)

        def lookup(*args):
            result = real(*args)
            msgid = msgid_of(*args)
            if result == msgid and re.search("[A-Za-z]{2}", msgid) and not catalog.get(msgid):
                untranslated.add(msgid)
            return result

        monkeypatch.setattr(translation._trans, name, lookup)

    client.force_login(superuser)
    with translation.override(lang):
        urls = sorted(set(every_admin_page()))
    watch("gettext", lambda m: m)
    watch("ngettext", lambda s, p, n: s if n == 1 else p)
    watch("pgettext", lambda c, m: m)
    watch("npgettext", lambda c, s, p, n: s if n == 1 else p)

    for url in urls:
        client.get(url)

    assert sorted(untranslated) == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", ["Уақытты таңдаңыз", "Қаңтар", "Барлығын таңдау (%s)"]), ("ru", ["Выбрать все (%s)", "Январь"])],
)
def test_the_admins_scripts_speak_the_language(client, superuser, lang, expected):
    client.force_login(superuser)
    with translation.override(lang):
        catalog = client.get(reverse("admin:jsi18n")).content.decode()  # JSON, with non-ASCII escaped

    assert [text for text in expected if json.dumps(text)[1:-1] not in catalog] == []


@pytest.mark.parametrize(("lang", "yes"), [("kk", "Иә"), ("ru", "Да"), ("en", "Yes")])
def test_yes_no_icons_say_so_in_the_language(client, superuser, fair, lang, yes):
    client.force_login(superuser)
    with translation.override(lang):
        fairs = client.get(reverse("admin:projects_fair_changelist")).content.decode()

    assert f'icon-yes.svg" alt="{yes}">' in fairs
    assert 'alt="True"' not in fairs


def test_our_groups_are_named_in_the_admins_language(client, django_user_model):
    from django.contrib.auth.models import Group

    admin_user = django_user_model.objects.create_superuser(email="root@fair.kz", password="x" * 12)
    client.force_login(admin_user)
    with translation.override("ru"):
        groups_page = client.get(reverse("admin:auth_group_changelist")).content.decode()
        user_page = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk])).content.decode()
    organisers = Group.objects.get(name="Organisers")
    with translation.override("ru"):
        shown = str(translation.gettext("Organisers"))
    assert shown != "Organisers"
    assert shown in groups_page
    assert f'<option value="{organisers.pk}">{shown}</option>' in user_page
    assert ">Organisers<" not in groups_page + user_page
