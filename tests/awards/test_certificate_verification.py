"""Certificates anyone can check: the QR code and printed address lead to a page on the portal's
own domain that says whose award it is and whether it still stands."""

import io
import itertools
import re

import pytest
import zxingcpp
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from awards import services
from awards.certificates import verification_qr_image, verification_url
from awards.models import VERIFICATION_ALPHABET, Award, AwardKind, Ceremony, RevokedCertificate
from projects.models import ProjectState
from tests.factories.awards import CeremonyFactory
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SITE = "https://fair.example.kz"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def ceremony():
    fair = FairFactory(
        slug="fair-2026",
        voting_closed=True,
        title_kk="Әлеуметтік жобалар жәрмеңкесі",
        title_ru="Ярмарка социальных проектов",
        title_en="",
    )
    return CeremonyFactory(fair=fair, is_published=True)


@pytest.fixture
def nomination(ceremony):
    return NominationFactory(fair=ceremony.fair, title_kk="Мүгедектік", title_ru="Инвалидность")


def give(ceremony, nomination, organiser, title="Жүрек үні", place=1):
    project = ProjectFactory(
        fair=ceremony.fair,
        nomination=nomination,
        state=ProjectState.FINALIST,
        title=title,
        content_language="kk",
    )
    project.organisation.name = "«Қамқор» қоғамдық қоры"
    project.organisation.save()
    return services.award_give(
        ceremony=ceremony,
        project=project,
        actor=organiser,
        kind=AwardKind.JURY_PRIZE,
        nomination=nomination,
        place=place,
        title_kk="Үздік жоба",
        title_ru="Лучший проект",
        title_en="",
    )


@pytest.fixture
def award(ceremony, nomination, organiser):
    return give(ceremony, nomination, organiser)


def certificate_page(client, award, language):
    response = client.get(url("awards:certificate", award.pk, language=language))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content)).pages[0]


# ---------------------------------------------------------------- the certificate


@pytest.mark.parametrize(
    ("language", "label"), [("kk", "Сертификатты тексеру:"), ("ru", "Проверить сертификат:")]
)
def test_the_certificate_prints_its_verification_address_and_its_qr_code_encodes_it(
    client, award, language, label
):
    page = certificate_page(client, award, language)
    expected = f"{SITE}/{language}/c/{award.verification_code}/"

    text = page.extract_text()
    assert expected in text
    assert label in text
    assert "Үздік жоба" in text or "Лучший проект" in text  # the Kazakh and Russian fonts still draw
    # Decoded from the image embedded in the PDF, as a phone camera would read the paper.
    (image,) = page.images
    decoded = zxingcpp.read_barcodes(image.image)
    assert [barcode.text for barcode in decoded] == [expected]
    assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode


def test_the_qr_payload_is_the_absolute_address_in_the_certificates_language(award):
    for language in ("kk", "ru", "en"):
        payload = verification_url(award, language)
        assert payload == f"{SITE}/{language}/c/{award.verification_code}/"
        (decoded,) = zxingcpp.read_barcodes(verification_qr_image(payload))
        assert decoded.text == payload


# ---------------------------------------------------------------- the codes


def test_codes_are_unique_typeable_and_say_nothing_about_order(ceremony, nomination, organiser):
    for n in range(12):
        give(ceremony, nomination, organiser, title=f"Project {n}", place=None)
    services.award_participants(ceremony=ceremony, actor=organiser)
    codes = list(Award.objects.order_by("pk").values_list("verification_code", flat=True))

    assert len(codes) == 24
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 8 and set(code) <= set(VERIFICATION_ALPHABET) for code in codes)
    assert not set("01OIL") & set("".join(codes))
    # Not a counter: not sorted by creation, and the next award's code is not the last one plus one.
    assert codes != sorted(codes)
    assert all(
        sum(a != b for a, b in zip(one, the_next, strict=True)) >= 3
        for one, the_next in itertools.pairwise(codes)
    )


def test_the_migration_gives_existing_awards_distinct_codes(award, ceremony, nomination, organiser):
    give(ceremony, nomination, organiser, title="Second", place=2)
    # Inside the test's transaction (rolled back, schema included, so no other test sees it):
    # PostgreSQL alters a table only once the deferred checks of the rows inserted above have run.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("awards", "0003_one_peoples_choice_per_nomination")])
    executor.loader.build_graph()
    executor.migrate([("awards", "0004_verifiable_certificates")])

    codes = list(Award.objects.values_list("verification_code", flat=True))
    assert len(codes) == 2
    assert len(set(codes)) == 2
    assert all(len(code) == 8 for code in codes)


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Жарамды сертификат", "Үздік жоба", "1-орын"]),
        ("ru", ["Действительный сертификат", "Лучший проект", "1-е место"]),
        ("en", ["Valid certificate", "Үздік жоба", "1st place"]),
    ],
)
def test_a_valid_certificate_page_shows_the_award_and_the_portals_domain(
    client, award, language, words, django_assert_num_queries
):
    # The peek at the miss counter, the award with all it shows, the page cache's next schedule change.
    with django_assert_num_queries(3):
        response = client.get(url("awards:verify_certificate", award.verification_code, language=language))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="issuer">fair\.example\.kz<', html)
    for word in words:
        assert word in html
    assert "«Қамқор» қоғамдық қоры" in html
    assert url("catalogue:project_detail", award.project_id, language=language) in html
    assert url("catalogue:fair_detail", award.fair.slug, language=language) in html
    if language == "en":
        # Texts that fall back to another language say so, for screen readers.
        assert '<span lang="kk">Үздік жоба</span>' in html
        assert 'lang="kk">Жүрек үні</a>' in html


def test_a_revoked_certificate_says_revoked_with_the_date(
    client, award, organiser, django_assert_num_queries
):
    code = award.verification_code
    services.award_revoke(award=award, actor=organiser)
    assert not Award.objects.filter(verification_code=code).exists()

    # Peek, award (none), the revocation record, the project's public check, the schedule.
    with django_assert_num_queries(5):
        response = client.get(url("awards:verify_certificate", code, language="ru"))

    assert response.status_code == 200
    html = response.content.decode()
    record = RevokedCertificate.objects.get(verification_code=code)
    assert record.revoked_by == organiser
    with translation.override("ru"):
        assert f"Этот сертификат отозван {date_format(record.revoked_at, 'DATE_FORMAT')}" in html
    assert "Действительный" not in html
    for text in ("Лучший проект", "Жүрек үні", "«Қамқор» қоғамдық қоры"):
        assert text in html


def test_a_page_seen_before_revocation_is_not_replayed_from_the_cache(client, award, organiser):
    address = url("awards:verify_certificate", award.verification_code)
    assert "Valid certificate" in client.get(address).content.decode()
    services.award_revoke(award=award, actor=organiser)
    assert "Revoked certificate" in client.get(address).content.decode()


def test_an_award_revoked_before_its_ceremony_was_published_leaves_no_trace(client, award, organiser):
    Ceremony.objects.update(is_published=False)
    code = award.verification_code
    services.award_revoke(award=award, actor=organiser)
    assert not RevokedCertificate.objects.exists()
    assert client.get(url("awards:verify_certificate", code)).status_code == 404


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "abc", "%3Cb%3Ex"])
def test_an_unknown_code_is_a_clear_404(client, award, code):
    response = client.get(f"/kk/c/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Мұндай сертификат жоқ" in html
    assert "<b>x" not in html  # what was typed is shown, escaped


def test_unpublished_awards_cannot_be_verified(client, award):
    Ceremony.objects.update(is_published=False)
    assert client.get(url("awards:verify_certificate", award.verification_code)).status_code == 404


def test_a_code_typed_in_lower_case_with_a_dash_finds_the_certificate(client, award):
    typed = award.verification_code[:4].lower() + "-" + award.verification_code[4:].lower()
    response = client.get(url("awards:verify_certificate", typed))
    assert response.status_code == 301
    assert response["Location"] == url("awards:verify_certificate", award.verification_code)
    response = client.get(url("awards:verify"), {"code": typed}, follow=True)
    assert "Valid certificate" in response.content.decode()


def test_guessing_codes_is_stopped_even_for_a_right_one(client, award, settings):
    for n in range(30):
        assert (
            client.get(url("awards:verify_certificate", f"ZZZZZZ{VERIFICATION_ALPHABET[n]}Z")).status_code
            == 404
        )
    assert client.get(url("awards:verify_certificate", "ZZZZZZZZ")).status_code == 429
    # Once over the limit, a right code is refused too: the limit tells nothing.
    assert client.get(url("awards:verify_certificate", award.verification_code)).status_code == 429


def test_the_short_address_without_a_code_offers_a_box_to_type_it(client):
    response = client.get(url("awards:verify", language="ru"))
    assert response.status_code == 200
    assert "Код, напечатанный под QR-кодом" in response.content.decode()
    response = client.get(url("awards:verify", language="ru"), {"code": "not a code!"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Такого сертификата нет" in html
    assert 'value="not a code!"' in html  # what was typed stays in the box
