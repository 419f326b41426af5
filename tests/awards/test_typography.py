"""How titles, times, amounts and counts read in kk, ru and en: on pages, in e-mails and PDFs.

Before: sentences wrapped titles in «…» themselves, so «Бірге» шеберханасы became
««Бірге» шеберханасы» in page titles and e-mail subjects; Russian times read 2:35; the grant was
"tenge" on one page and "KZT" on the next; counts in sentences were never grouped (1234567).
"""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from fairportal.mail import render_mail
from fairportal.text import money, quoted
from projects.models import ProjectState
from tests.awards.test_awards import finalist, give
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, MembershipFactory, OrganisationFactory, ProjectFactory

NBSP = "\xa0"


def nb(text: str) -> str:
    """The text as the site writes it: no-break spaces inside numbers and before the currency."""
    return re.sub(r"(?<=\d) (?=\d|теңге|тенге|KZT)", NBSP, text)


def url(name: str, lang: str, *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def page_title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


# ---------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("kk", "Жасыл аула", "«Жасыл аула»"),
        ("ru", "Жасыл аула", "«Жасыл аула»"),
        ("en", "Green yard", "“Green yard”"),
        ("kk", "«Бірге» шеберханасы", "«Бірге» шеберханасы"),
        ("ru", "«Шаг навстречу»", "«Шаг навстречу»"),
        ("ru", "Клуб «Особая мама»", "Клуб «Особая мама»"),
        ("en", "“Together” workshop", "“Together” workshop"),
        ("ru", '"Таза өзен" жобасы', "«Таза өзен» жобасы"),
        ("en", '"Clean river" project', "“Clean river” project"),
        ("ru", "  Жасыл аула ", "«Жасыл аула»"),
    ],
)
def test_a_title_gets_the_languages_quotes_unless_it_has_its_own(language, title, expected):
    assert quoted(title, language) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        ("ru", "«Бірге» шеберханасы", "Проголосовать за «Бірге» шеберханасы"),
        ("kk", "«Бірге» шеберханасы", "«Бірге» шеберханасы жобасына дауыс беру"),
        ("ru", "Жасыл аула", "Проголосовать за «Жасыл аула»"),
        ("en", "«Бірге» workshop", "Vote for «Бірге» workshop"),
        ("en", "Green yard", "Vote for “Green yard”"),
    ],
)
def test_the_vote_pages_title_quotes_the_project_once(client, lang, title, expected):
    fair = FairFactory(opens=timezone.now() - timedelta(days=55))  # voting is open
    project = ProjectFactory(fair=fair, state=ProjectState.FINALIST, title=title)

    html = client.get(url("voting:start", lang, project.pk)).content.decode()

    assert page_title(html) == f"{expected} · fairportal"
    # The heading may mark the title's own language (<span lang>): compare what is read.
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", heading).replace("&laquo;", "«").replace("&raquo;", "»") == expected
    assert "««" not in html
    assert "»»" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "subject_starts"),
    [
        ("ru", "«Бірге» шеберханасы", "«Бірге» шеберханасы — победитель"),
        ("kk", "«Бірге» шеберханасы", "«Бірге» шеберханасы — "),
        ("ru", "Инклюзивная мастерская", "«Инклюзивная мастерская» — победитель"),
        ("en", '"Together" workshop', "“Together” workshop is a winner"),
    ],
)
def test_the_winners_mail_subject_quotes_the_project_once(
    ceremony, nomination, organiser, django_capture_on_commit_callbacks, language, title, subject_starts
):
    project = finalist(ceremony.fair, nomination, title)
    MembershipFactory(organisation=project.organisation, user=UserFactory(language=language))

    with django_capture_on_commit_callbacks(execute=True):
        give(ceremony, project, organiser)

    (message,) = mail.outbox
    assert message.subject.startswith(subject_starts)
    assert "««" not in message.subject + message.body
    assert "»»" not in message.subject + message.body


@pytest.mark.django_db
def test_the_state_change_mail_subject_quotes_the_project_once():
    project = ProjectFactory(title="«Жасыл аула»")
    change = project.state_changes.model(project=project, from_state="submitted", to_state="finalist")

    subject, _body = render_mail("projects/email/state_changed", {"project": project, "change": change}, "ru")

    assert subject == "«Жасыл аула»: Финалист"


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "5 декабря 2026 г., 02:35"),
        ("kk", "5 желтоқсан 2026 ж., 02:35"),
        ("en", "5 December 2026, 02:35"),
    ],
)
def test_times_read_with_two_digit_hours_in_every_language(language, expected):
    moment = timezone.make_aware(datetime(2026, 12, 5, 2, 35))

    with translation.override(language):
        rendered = Template('{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|time }}').render(
            Context({"moment": moment})
        )

    assert rendered == f"{expected}|02:35"


@pytest.mark.django_db
def test_the_winners_page_shows_the_ceremonys_time_as_02_35_in_russian(client, ceremony):
    ceremony.held_at = timezone.make_aware(datetime(2026, 12, 5, 2, 35))
    ceremony.save()

    html = client.get(url("awards:winners", "ru", ceremony.fair.slug)).content.decode()

    assert "5 декабря 2026 г., 02:35" in html.replace(NBSP, " ")
    assert " 2:35" not in html


# ---------------------------------------------------------------- currency and grouped numbers


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "3 000 000 теңге"), ("ru", "3 000 000 тенге"), ("en", "3,000,000 KZT")],
)
def test_one_currency_word_per_language_that_never_wraps_from_its_number(language, expected):
    with translation.override(language):
        assert money(3_000_000) == nb(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "grant"),
    [("kk", "Грант: 3 000 000 теңге"), ("ru", "Грант: 3 000 000 тенге"), ("en", "Grant: 3,000,000 KZT")],
)
def test_the_grant_reads_the_same_on_the_winners_page_the_project_page_and_the_certificate(
    client, ceremony, nomination, organiser, lang, grant
):
    award = give(
        ceremony, finalist(ceremony.fair, nomination, "Жасыл аула"), organiser, grant_amount=3_000_000
    )

    winners = client.get(url("awards:winners", lang, ceremony.fair.slug)).content.decode()
    project_page = client.get(url("catalogue:project_detail", lang, award.project_id)).content.decode()
    pdf = client.get(url("awards:certificate", lang, award.pk)).content
    certificate = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    for text in (winners, project_page):
        assert nb(grant) in text
    assert grant in certificate.replace(NBSP, " ")
    assert "tenge" not in winners + project_page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "В этой номинации 1 234 567 действительных голосов."),
        ("kk", "Бұл номинацияда 1 234 567 жарамды дауыс."),
        ("en", "1,234,567 valid votes in this nomination."),
    ],
)
def test_counts_in_sentences_are_grouped(language, expected):
    template = Template(
        "{% load i18n site_format %}{% blocktranslate count count=total with shown=total|grouped %}"
        "{{ shown }} valid vote in this nomination.{% plural %}{{ shown }} valid votes in this nomination."
        "{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"total": 1_234_567})) == nb(expected)


@pytest.mark.django_db
def test_the_results_page_groups_the_nominations_total():
    fair = FairFactory(opens=timezone.now() - timedelta(days=61))  # voting closed: counts public
    with translation.override("ru"):
        rendered = Template("{% include 'voting/results.html' %}").render(
            Context(
                {
                    "fair": fair,
                    "visible": True,
                    "nominations": [{"nomination": None, "total": 1234, "rows": []}],
                    "commitments": [],
                    "protocol_files": [],
                }
            )
        )
    assert f"В этой номинации 1{NBSP}234 действительных голоса." in rendered


@pytest.mark.django_db
def test_the_organisers_digest_subject_groups_its_count():
    until = timezone.make_aware(datetime(2026, 12, 5, 9, 0))

    subject, body = render_mail(
        "projects/email/organiser_digest",
        {"since": until - timedelta(days=1), "until": until, "total": 1234, "fairs": []},
        "ru",
    )

    assert subject == f"5 декабря 2026 г.: 1{NBSP}234 новые заявки"
    assert f"подано 1{NBSP}234 проекта" in body


def test_ids_in_links_and_values_are_never_grouped():
    with translation.override("ru"):
        rendered = Template(
            '{% load site_format %}<a href="/ru/projects/{{ pk }}/" data-id="{{ pk }}">{{ pk|grouped }}</a>'
            '<input value="{{ pk }}">'
        ).render(Context({"pk": 1234567}))

    assert (
        rendered
        == f'<a href="/ru/projects/1234567/" data-id="1234567">1{NBSP}234{NBSP}567</a><input value="1234567">'
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name", "subject"),
    [
        ("ru", "ОФ «Қамқор»", "В организацию ОФ «Қамқор» вступил новый участник"),
        ("kk", "«Қамқор» қоғамдық қоры", "«Қамқор» қоғамдық қоры ұйымына жаңа мүше қосылды"),
        ("en", "Qamqor", "A new member joined “Qamqor”"),
    ],
)
def test_the_member_joined_subject_quotes_the_ngo_once(language, name, subject):
    organisation = OrganisationFactory(name=name)
    member = UserFactory(full_name="Дана Ахметова")

    rendered, body = render_mail(
        "projects/email/member_joined", {"organisation": organisation, "member": member}, language
    )

    assert rendered == subject
    assert "««" not in body
    assert "»»" not in body
