import gettext
from io import StringIO

import polib
import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from fairportal import embedded_db


@pytest.mark.django_db
def test_local_admin_is_created_once_with_a_generated_password(settings, tmp_path):
    settings.DEBUG = True
    credentials = tmp_path / "local-admin.txt"
    out = StringIO()

    call_command("ensure_local_admin", email="Admin@Example.kz", credentials_file=credentials, stdout=out)
    password = credentials.read_text().split("password: ")[1].strip()
    call_command("ensure_local_admin", email="admin@example.kz", credentials_file=credentials, stdout=out)

    admin = User.objects.get()
    assert admin.email == "admin@example.kz"
    assert admin.is_superuser
    assert admin.check_password(password)
    assert password in out.getvalue()
    assert "exists" in out.getvalue()
    assert credentials.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_local_admin_takes_its_password_from_the_environment(settings, monkeypatch, tmp_path):
    settings.DEBUG = True
    monkeypatch.setenv("DJANGO_ADMIN_EMAIL", "boss@fair.kz")
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "chosen-pass-phrase")

    call_command("ensure_local_admin", credentials_file=tmp_path / "c.txt", stdout=StringIO())

    assert User.objects.get(email="boss@fair.kz").check_password("chosen-pass-phrase")
    assert not (tmp_path / "c.txt").exists()


@pytest.mark.django_db
def test_local_admin_never_generates_a_password_in_production(settings, monkeypatch, tmp_path):
    settings.DEBUG = False
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)

    with pytest.raises(CommandError):
        call_command("ensure_local_admin", credentials_file=tmp_path / "c.txt", stdout=StringIO())
    assert not User.objects.exists()


def test_compile_translations_builds_catalogs_without_gnu_gettext(settings, tmp_path):
    po_path = tmp_path / "kk" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "kk"}
    catalog.append(polib.POEntry(msgid="Vote", msgstr="Дауыс беру"))
    catalog.append(polib.POEntry(msgid="Draft", msgstr="Жоба", flags=["fuzzy"]))
    catalog.save(str(po_path))
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_translations", verbosity=0)

    with po_path.with_suffix(".mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Vote") == "Дауыс беру"
    assert translations.gettext("Draft") == "Draft"  # fuzzy guesses are not shipped


def test_settings_find_the_embedded_server_from_its_pid_file(tmp_path):
    (tmp_path / "postmaster.pid").write_text(
        "4242\n/x/pgdata\n1700000000\n5433\n/run/pg-sock\n\n 1 2\nready\n"
    )

    db = embedded_db.database_settings(tmp_path)

    assert (db["HOST"], db["PORT"], db["NAME"]) == ("/run/pg-sock", "5433", "fairportal")


def test_settings_point_at_the_data_directory_before_the_server_ever_ran(tmp_path):
    db = embedded_db.database_settings(tmp_path)

    assert db["HOST"] == str(tmp_path)
