"""Ceremonies and awards: constraints, the people's choice, state changes, pages, certificates."""

import csv
import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from awards import services
from awards.models import Award, AwardKind, Ceremony
from projects.models import ProjectState, ProjectStateChange
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, MembershipFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from voting.services import vote_invalidate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Services' error messages are read in English here; pages choose their own language."""
    with translation.override("en"):
        yield


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def finalist(fair, nomination, title):
    return ProjectFactory(fair=fair, nomination=nomination, state=ProjectState.FINALIST, title=title)


def give(ceremony, project, organiser, **fields):
    defaults = {
        "kind": AwardKind.JURY_PRIZE,
        "title_kk": "Үздік жоба",
        "title_ru": "Лучший проект",
        "title_en": "Best project",
    }
    return services.award_give(ceremony=ceremony, project=project, actor=organiser, **{**defaults, **fields})


# ---------------------------------------------------------------- constraints and state


def test_a_prize_makes_the_finalist_a_winner_with_history_and_an_email(
    ceremony, nomination, organiser, django_capture_on_commit_callbacks
):
    project = finalist(ceremony.fair, nomination, "Inclusive workshop")
    MembershipFactory(organisation=project.organisation, user=UserFactory(email="ngo@ngo.kz", language="ru"))

    with django_capture_on_commit_callbacks(execute=True):
        give(ceremony, project, organiser, nomination=nomination, place=1, grant_amount=3_000_000)

    project.refresh_from_db()
    assert project.state == ProjectState.AWARDED
    change = ProjectStateChange.objects.get(project=project, to_state=ProjectState.AWARDED)
    assert change.actor == organiser
    assert [m.to for m in mail.outbox] == [["ngo@ngo.kz"]]


def test_two_first_places_in_one_nomination_are_refused(ceremony, nomination, organiser):
    first = finalist(ceremony.fair, nomination, "A")
    second = finalist(ceremony.fair, nomination, "B")
    give(ceremony, first, organiser, nomination=nomination, place=1)

    with pytest.raises(ValidationError, match="already been awarded"):
        give(ceremony, second, organiser, nomination=nomination, place=1, kind=AwardKind.GRANT)
    give(ceremony, second, organiser, nomination=nomination, place=2)  # another place is fine
    # And the database itself refuses, for writes that skip validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(ceremony=ceremony, project=second, kind="grant", nomination=nomination, place=1)


def test_two_fair_wide_first_places_are_refused_too(ceremony, nomination, organiser):
    give(ceremony, finalist(ceremony.fair, nomination, "A"), organiser, place=1)
    with pytest.raises(ValidationError):
        give(ceremony, finalist(ceremony.fair, nomination, "B"), organiser, place=1)


def test_only_finalists_of_the_fair_receive_awards(ceremony, nomination, organiser):
    submitted = ProjectFactory(fair=ceremony.fair, nomination=nomination, state=ProjectState.SUBMITTED)
    with pytest.raises(ValidationError, match="only finalists"):
        give(ceremony, submitted, organiser)
    other_fair = ProjectFactory(state=ProjectState.FINALIST)
    with pytest.raises(ValidationError, match="of this fair"):
        give(ceremony, other_fair, organiser)
    with pytest.raises(PermissionDenied):
        give(ceremony, finalist(ceremony.fair, nomination, "C"), UserFactory())


def test_a_project_can_receive_several_awards(ceremony, nomination, organiser):
    project = finalist(ceremony.fair, nomination, "A")
    give(ceremony, project, organiser, nomination=nomination, place=1)
    give(ceremony, project, organiser, kind=AwardKind.SPECIAL_MENTION)
    assert project.awards.count() == 2


def test_all_finalists_get_a_participant_award_once_without_becoming_winners(ceremony, nomination, organiser):
    projects = [finalist(ceremony.fair, nomination, title) for title in "ABC"]
    ProjectFactory(fair=ceremony.fair, nomination=nomination, state=ProjectState.NOT_SELECTED)

    assert services.award_participants(ceremony=ceremony, actor=organiser) == 3
    assert services.award_participants(ceremony=ceremony, actor=organiser) == 0
    assert Award.objects.filter(kind=AwardKind.PARTICIPANT).count() == 3
    assert {p.state for p in type(projects[0]).objects.filter(pk__in=[p.pk for p in projects])} == {
        "finalist"
    }


# ---------------------------------------------------------------- the people's choice


def votes(project, count, **kwargs):
    return [VoteFactory(fair=project.fair, project=project, **kwargs) for _ in range(count)]


def test_the_peoples_choice_counts_valid_votes_only_and_shows_ties(ceremony, nomination, organiser):
    a, b, c = (finalist(ceremony.fair, nomination, title) for title in ("A", "B", "C"))
    votes(a, 5)
    bot_wave = votes(b, 7)
    votes(c, 5)
    for vote in bot_wave[:3]:
        vote_invalidate(vote=vote, actor=organiser, reason="Burst from one network")  # B: 4 valid

    proposal = services.peoples_choice_proposal(fair=ceremony.fair, per_nomination=True)

    candidates = [(c.project.title, c.votes, c.rank, c.tied) for c in proposal[nomination]]
    assert candidates == [("A", 5, 1, True), ("C", 5, 1, True), ("B", 4, 3, False)]
    award = services.peoples_choice_confirm(
        ceremony=ceremony, project=c, per_nomination=True, actor=organiser
    )
    assert award.kind == AwardKind.PEOPLES_CHOICE
    with pytest.raises(ValidationError, match="most valid votes"):
        services.peoples_choice_confirm(ceremony=ceremony, project=b, per_nomination=True, actor=organiser)


def test_no_peoples_choice_while_voting_is_open(nomination, organiser):
    fair = FairFactory(in_voting=True)
    with pytest.raises(ValidationError, match="not closed"):
        services.peoples_choice_proposal(fair=fair, per_nomination=False)


# ---------------------------------------------------------------- public pages and certificates


@pytest.fixture
def awarded(ceremony, nomination, organiser):
    project = finalist(ceremony.fair, nomination, "Жүрек үні")
    project.organisation.name = "«Қамқор» қоғамдық қоры"
    project.organisation.save()
    return give(
        ceremony,
        project,
        organiser,
        nomination=nomination,
        place=1,
        grant_amount=3_000_000,
        citation_kk="Ұзақ жылғы жұмысы үшін",
        citation_ru="За многолетнюю работу",
        citation_en="For years of work",
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["Жеңімпаздар", "Үздік жоба", "Ұзақ жылғы жұмысы үшін"]),
        ("ru", ["Победители", "Лучший проект", "3 000 000"]),
        ("en", ["Winners", "Best project", "1st place"]),
    ],
)
def test_the_winners_page_in_three_languages(
    client, awarded, language, expected, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(url("awards:winners", awarded.fair.slug, language=language))
    html = response.content.decode().replace("\xa0", " ")  # Russian groups thousands with no-break spaces
    for text in expected:
        assert text in html
    assert url("awards:certificate", awarded.pk, language=language) in html


def test_unpublished_ceremonies_show_no_winners(client, awarded):
    Ceremony.objects.update(is_published=False)
    html = client.get(url("awards:winners", awarded.fair.slug)).content.decode()
    assert "Best project" not in html
    assert "will be announced" in html
    assert client.get(url("awards:certificate", awarded.pk)).status_code == 404


def test_project_and_ngo_pages_show_their_awards(client, awarded):
    project = awarded.project
    assert "Best project" in client.get(url("catalogue:project_detail", project.pk)).content.decode()
    assert (
        "Best project"
        in client.get(url("catalogue:organisation_detail", project.organisation_id)).content.decode()
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Үздік жоба", "Жүрек үні", "«Қамқор» қоғамдық қоры", "Мүгедектік"]),
        ("ru", ["Лучший проект", "Жүрек үні", "Инвалидность", "3 000 000"]),
    ],
)
def test_the_certificate_is_an_a4_landscape_pdf_with_the_names(client, awarded, language, words):
    response = client.get(url("awards:certificate", awarded.pk, language=language))

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = reader.pages[0].extract_text()
    for word in words:
        assert word in text.replace("\xa0", " ")


def test_the_archive_lists_fairs_by_year_with_their_winners(client, awarded, django_assert_max_num_queries):
    old = FairFactory(slug="fair-2019", opens=timezone.now() - timedelta(days=7 * 365))
    for years_back in range(2, 6):
        FairFactory(opens=timezone.now() - timedelta(days=years_back * 365))
    with django_assert_max_num_queries(6):
        html = client.get(url("catalogue:fair_list")).content.decode()

    assert f'id="year-{old.submission_opens_at.year}"' in html
    assert url("awards:winners", old.slug) in html  # archived: its winners page is linked
    assert html.index(str(awarded.fair.submission_opens_at.year)) < html.index(
        str(old.submission_opens_at.year)
    )


def test_the_ceremony_page_refuses_a_second_first_place_before_saving_anything(
    client, ceremony, nomination, organiser
):
    first, second = finalist(ceremony.fair, nomination, "A"), finalist(ceremony.fair, nomination, "B")
    give(ceremony, first, organiser, nomination=nomination, place=1)
    client.force_login(organiser)
    data = {
        "fair": ceremony.fair_id,
        "held_at_0": timezone.localtime(ceremony.held_at).strftime("%Y-%m-%d"),
        "held_at_1": "15:00:00",
        "venue_kk": "Сарай",
        "venue_ru": "Дворец",
        "city_kk": "Алматы",
        "city_ru": "Алматы",
        "is_published": "on",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "awards-TOTAL_FORMS": "2",
        "awards-INITIAL_FORMS": "1",
        "awards-0-id": Award.objects.get().pk,
        "awards-0-ceremony": ceremony.pk,
        "awards-0-project": first.pk,
        "awards-0-kind": "jury",
        "awards-0-place": "1",
        "awards-0-nomination": nomination.pk,
        "awards-0-title_kk": "Үздік жоба",
        "awards-0-title_ru": "Лучший проект",
        "awards-1-ceremony": ceremony.pk,
        "awards-1-project": second.pk,
        "awards-1-kind": "grant",
        "awards-1-place": "1",
        "awards-1-nomination": nomination.pk,
        "awards-1-title_kk": "Грант",
        "awards-1-title_ru": "Грант",
    }

    response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 200
    assert "This place in this nomination has already been awarded." in response.content.decode()
    assert Award.objects.count() == 1


def form_depth_of(html: str, form_id: str) -> int:
    """How many forms are open where the form `form_id` starts (browsers ignore nested forms)."""

    class Parser(HTMLParser):
        depth, found = 0, None

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                if dict(attrs).get("id") == form_id:
                    self.found = self.depth
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "form":
                self.depth -= 1

    parser = Parser()
    parser.feed(html)
    return parser.found


def test_the_participant_button_submits_its_own_form_outside_the_change_form(
    client, ceremony, nomination, organiser
):
    finalist(ceremony.fair, nomination, "A")
    client.force_login(organiser)
    html = client.get(url("admin:awards_ceremony_change", ceremony.pk)).content.decode()
    # Forms cannot nest: the participants form must come after the change form has closed.
    assert form_depth_of(html, "participants-form") == 0

    response = client.post(url("admin:awards_ceremony_participants", ceremony.pk))
    assert response.status_code == 302
    assert Award.objects.filter(kind=AwardKind.PARTICIPANT).count() == 1


def test_the_participant_action_on_the_ceremonies_list(client, ceremony, nomination, organiser):
    finalist(ceremony.fair, nomination, "A")
    finalist(ceremony.fair, nomination, "B")
    client.force_login(organiser)
    response = client.post(
        url("admin:awards_ceremony_changelist"),
        {"action": "give_participant_awards", "_selected_action": [ceremony.pk]},
        follow=True,
    )
    assert "2 finalists received a participant award." in response.content.decode()


def test_ceremony_photos_are_re_encoded_and_bad_files_refused(client, ceremony, organiser):
    from PIL import Image

    from tests.factories.projects import jpeg_upload

    client.force_login(organiser)
    base = {
        "fair": ceremony.fair_id,
        "held_at_0": timezone.localtime(ceremony.held_at).strftime("%Y-%m-%d"),
        "held_at_1": "15:00:00",
        "venue_kk": "Сарай",
        "venue_ru": "Дворец",
        "city_kk": "Алматы",
        "city_ru": "Алматы",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-alt_text_kk": "Сахна",
        "photos-0-alt_text_ru": "Сцена",
        "photos-0-position": "0",
        "awards-TOTAL_FORMS": "0",
        "awards-INITIAL_FORMS": "0",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    refused = client.post(url("admin:awards_ceremony_change", ceremony.pk), {**base, "photos-0-image": fake})
    assert refused.status_code == 200
    assert not ceremony.photos.exists()

    response = client.post(
        url("admin:awards_ceremony_change", ceremony.pk), {**base, "photos-0-image": jpeg_upload("stage.jpg")}
    )
    assert response.status_code == 302
    photo = ceremony.photos.get()
    assert photo.image.name != "stage.jpg"  # a new name, and new bytes
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= 480
    with Image.open(photo.image.path) as image:
        assert not image.getexif()


def test_the_winners_export_totals_grants_per_fair(client, ceremony, nomination, organiser):
    a, b = finalist(ceremony.fair, nomination, "A"), finalist(ceremony.fair, nomination, "B")
    give(ceremony, a, organiser, nomination=nomination, place=1, grant_amount=3_000_000)
    give(ceremony, b, organiser, nomination=nomination, place=2, grant_amount=2_000_000)
    client.force_login(organiser)
    response = client.post(
        url("admin:awards_award_changelist"),
        {"action": "export_csv", "_selected_action": list(Award.objects.values_list("pk", flat=True))},
    )
    assert response.streaming
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:3] == ["Fair", "Nomination", "Award"]
    assert rows[-1][2] == "Grants in total"
    assert rows[-1][7] == "5000000"
    # The trail can find the export under its fair.
    from fairportal.models import AuditEvent

    (event,) = AuditEvent.objects.filter(action="export.winners")
    assert (event.actor, event.fair_id, event.details["format"]) == (organiser, ceremony.fair_id, "csv")


def test_revoking_the_last_prize_makes_the_winner_a_finalist_again(ceremony, nomination, organiser):
    project = finalist(ceremony.fair, nomination, "A")
    prize = give(ceremony, project, organiser, nomination=nomination, place=1)
    mention = give(ceremony, project, organiser, kind=AwardKind.SPECIAL_MENTION)

    services.award_revoke(award=prize, actor=organiser)
    project.refresh_from_db()
    assert project.state == ProjectState.AWARDED  # the special mention remains

    services.award_revoke(award=mention, actor=organiser)
    project.refresh_from_db()
    assert project.state == ProjectState.FINALIST
    assert ProjectStateChange.objects.filter(project=project, to_state=ProjectState.FINALIST).exists()


def test_an_awarded_project_that_is_no_longer_public_shows_no_award(client, awarded, organiser):
    from projects.services import project_change_state

    project = awarded.project
    services.award_revoke(award=awarded, actor=organiser)
    kept = give(awarded.ceremony, project, organiser, kind=AwardKind.PARTICIPANT)
    project_change_state(project=project, to_state=ProjectState.NOT_SELECTED, actor=organiser)

    assert client.get(url("awards:certificate", kept.pk)).status_code == 404


def test_one_peoples_choice_per_nomination(ceremony, nomination, organiser):
    a, b = finalist(ceremony.fair, nomination, "A"), finalist(ceremony.fair, nomination, "B")
    votes(a, 3)
    votes(b, 3)  # a tie: the organiser picks one
    services.peoples_choice_confirm(ceremony=ceremony, project=a, per_nomination=True, actor=organiser)
    with pytest.raises(ValidationError, match="already been given"):
        services.peoples_choice_confirm(ceremony=ceremony, project=b, per_nomination=True, actor=organiser)


def test_giving_a_prize_needs_the_right_to_decide_on_projects(ceremony, nomination):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="add_award"))
    with pytest.raises(PermissionDenied):
        give(ceremony, finalist(ceremony.fair, nomination, "A"), clerk)
    assert not Award.objects.exists()


def test_an_existing_awards_recipient_and_kind_cannot_be_edited(client, awarded, organiser):
    client.force_login(organiser)
    html = client.get(url("admin:awards_ceremony_change", awarded.ceremony_id)).content.decode()
    assert re.search(r'name="awards-0-project"[^>]*disabled', html)
    assert re.search(r'name="awards-0-kind"[^>]*disabled', html)


def test_prizes_of_an_unpublished_ceremony_make_winners_only_when_it_is_published(
    client, ceremony, nomination, organiser, django_capture_on_commit_callbacks
):
    Ceremony.objects.filter(pk=ceremony.pk).update(is_published=False)
    ceremony.refresh_from_db()
    project = finalist(ceremony.fair, nomination, "A")
    MembershipFactory(organisation=project.organisation, user=UserFactory(email="ngo@ngo.kz"))
    with django_capture_on_commit_callbacks(execute=True):
        give(ceremony, project, organiser, nomination=nomination, place=1)
    project.refresh_from_db()
    assert project.state == ProjectState.FINALIST  # nothing announced yet
    assert mail.outbox == []

    client.force_login(organiser)
    data = {
        "fair": ceremony.fair_id,
        "held_at_0": timezone.localtime(ceremony.held_at).strftime("%Y-%m-%d"),
        "held_at_1": "15:00:00",
        "venue_kk": ceremony.venue_kk,
        "venue_ru": ceremony.venue_ru,
        "city_kk": ceremony.city_kk,
        "city_ru": ceremony.city_ru,
        "is_published": "on",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "awards-TOTAL_FORMS": "0",
        "awards-INITIAL_FORMS": "0",
    }
    # The inline lists the prize; posting it unchanged keeps it.
    award = Award.objects.get()
    data.update(
        {
            "awards-TOTAL_FORMS": "1",
            "awards-INITIAL_FORMS": "1",
            "awards-0-id": award.pk,
            "awards-0-ceremony": ceremony.pk,
            "awards-0-place": "1",
            "awards-0-nomination": nomination.pk,
            "awards-0-title_kk": award.title_kk,
            "awards-0-title_ru": award.title_ru,
            "awards-0-title_en": award.title_en,
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.AWARDED
    assert [m.to for m in mail.outbox] == [["ngo@ngo.kz"]]


def test_only_prizes_have_places(ceremony, nomination, organiser):
    with pytest.raises(ValidationError, match="have places"):
        give(
            ceremony, finalist(ceremony.fair, nomination, "A"), organiser, kind=AwardKind.PARTICIPANT, place=1
        )


def test_the_peoples_choice_is_for_the_whole_fair_or_per_nomination_not_both(ceremony, nomination, organiser):
    a = finalist(ceremony.fair, nomination, "A")
    votes(a, 3)
    services.peoples_choice_confirm(ceremony=ceremony, project=a, per_nomination=True, actor=organiser)
    with pytest.raises(ValidationError, match="other scope"):
        services.peoples_choice_confirm(ceremony=ceremony, project=a, per_nomination=False, actor=organiser)


def test_a_finalists_participant_certificate_is_on_its_page(client, ceremony, nomination, organiser):
    project = finalist(ceremony.fair, nomination, "A")
    services.award_participants(ceremony=ceremony, actor=organiser)
    award = Award.objects.get(project=project)
    assert (
        url("awards:certificate", award.pk)
        in client.get(url("catalogue:project_detail", project.pk)).content.decode()
    )


def test_the_peoples_choice_page_offers_the_award_until_it_is_given(client, ceremony, nomination, organiser):
    a, b = finalist(ceremony.fair, nomination, "A"), finalist(ceremony.fair, nomination, "B")
    votes(a, 4)
    votes(b, 4)  # tied first
    client.force_login(organiser)
    page_url = url("admin:awards_ceremony_peoples_choice", ceremony.pk)

    html = client.get(page_url).content.decode()
    assert html.count('name="project"') == 2
    assert "(tie)" in html

    response = client.post(page_url, {"project": a.pk, "scope": "nomination"})
    assert response.status_code == 302
    html = client.get(page_url).content.decode()
    assert 'name="project"' not in html  # the tie is decided: no second button
    assert Award.objects.get(kind=AwardKind.PEOPLES_CHOICE).project == a
    assert 'name="project"' not in client.get(page_url + "?scope=fair").content.decode()


def test_ceremony_photos_are_public_only_once_the_ceremony_is(client, ceremony, organiser):
    from projects.media import reencode_image
    from tests.factories.projects import jpeg_upload

    processed = reencode_image(jpeg_upload())
    photo = ceremony.photos.create(alt_text_kk="Сахна", alt_text_ru="Сцена", position=0)
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail)
    Ceremony.objects.filter(pk=ceremony.pk).update(is_published=False)

    assert client.get(photo.thumbnail.url).status_code == 404
    client.force_login(organiser)
    assert client.get(photo.image.url).status_code == 200  # the admin's preview
    client.logout()
    Ceremony.objects.filter(pk=ceremony.pk).update(is_published=True)
    response = client.get(photo.thumbnail.url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
