"""Setting up a review, inviting jurors, the shortlist and the reminders (jury.services)."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from jury import services
from jury.models import Criterion, Juror
from projects.models import ProjectState, ProjectStateChange
from tests.factories.accounts import UserFactory
from tests.factories.jury import JurorFactory, review_phase_fair, score
from tests.factories.projects import MembershipFactory, NominationFactory
from tests.jury.conftest import submitted

# Their messages and admin addresses are read in English (`english` in tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# ---------------------------------------------------------------- setting up


def test_a_new_review_starts_with_the_five_usual_criteria_in_three_languages():
    fair = review_phase_fair()
    review = services.review_create(fair=fair, **services.review_window_defaults(fair))

    criteria = list(review.criteria.all())
    assert [c.title_en for c in criteria] == [
        "Significance",
        "Social impact",
        "Sustainability",
        "Innovation",
        "The NGO's openness",
    ]
    assert all(c.title_kk and c.title_ru and c.guidance_kk and c.scale_max == 10 for c in criteria)
    assert (review.opens_at, review.closes_at) == (fair.submission_closes_at, fair.voting_opens_at)


def test_a_review_can_start_without_criteria():
    fair = review_phase_fair()
    services.review_create(fair=fair, with_default_criteria=False, **services.review_window_defaults(fair))
    assert not Criterion.objects.exists()


def test_inviting_a_new_address_creates_an_account_with_a_welcome_link(
    review, organiser, nominations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        juror = services.juror_invite(
            review=review,
            email=" Expert@Mail.KZ ",
            full_name="Бауыржан Оспанов",
            language="ru",
            nominations=[nominations[0]],
            invited_by=organiser,
        )

    user = User.objects.get(email="expert@mail.kz")
    assert juror.user == user
    assert not user.has_usable_password()
    assert user.groups.filter(name="Jury").exists()
    assert list(juror.nominations.all()) == [nominations[0]]
    (message,) = mail.outbox
    assert message.to == ["expert@mail.kz"]
    assert review.fair.title_ru in message.subject  # in the language chosen for the new account
    token = re.search(r"/ru/jury/welcome/([^/\s]+)/", message.body).group(1)
    assert services.juror_from_welcome_token(token) == juror

    services.welcome_set_password(juror=juror, password="a long enough password 1")
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert services.juror_from_welcome_token(token) is None  # used once


def test_inviting_an_existing_account_links_it_and_sends_no_password_link(
    review, organiser, django_capture_on_commit_callbacks
):
    person = UserFactory(email="known@expert.kz", language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        services.juror_invite(
            review=review,
            email="known@expert.kz",
            full_name="",
            language="en",
            nominations=[],
            invited_by=organiser,
        )

    (message,) = mail.outbox
    assert "/kk/jury/" in message.body  # the account's own language, not the one chosen on the form
    assert "/welcome/" not in message.body
    assert Juror.objects.get().user == person
    with pytest.raises(ValidationError, match="already a juror"):
        services.juror_invite(
            review=review,
            email="KNOWN@expert.kz",
            full_name="",
            language="en",
            nominations=[],
            invited_by=organiser,
        )


def test_only_organisers_invite_and_only_to_nominations_of_the_fair(review, organiser):
    other_fair_nomination = NominationFactory()
    with pytest.raises(ValidationError, match="nominations of this fair"):
        services.juror_invite(
            review=review,
            email="x@expert.kz",
            full_name="",
            language="kk",
            nominations=[other_fair_nomination],
            invited_by=organiser,
        )
    with pytest.raises(PermissionDenied):
        services.juror_invite(
            review=review,
            email="x@expert.kz",
            full_name="",
            language="kk",
            nominations=[],
            invited_by=UserFactory(),
        )


# ---------------------------------------------------------------- the shortlist


@pytest.fixture
def scored(review, criteria, nominations):
    """Disability: A 9, B 7, C 7, D unscored; Health: E 8, F 5, G returned with 10."""
    disability, health = nominations
    juror = JurorFactory(review=review)
    titles = {}
    for nomination, title, value in [
        (disability, "A", 9),
        (disability, "B", 7),
        (disability, "C", 7),
        (health, "E", 8),
        (health, "F", 5),
        (health, "G", 10),
    ]:
        titles[title] = submitted(review, nomination, title)
        score(juror, titles[title], criteria, value, value, (value + 1) // 2 if value % 2 else value // 2)
    titles["D"] = submitted(review, disability, "D")
    titles["G"].state = ProjectState.RETURNED
    titles["G"].save()
    return titles


def preview(review, **options):
    options = {"top_n": 2, "per_nomination": True, "include_ties": True, **options}
    shortlist = services.shortlist_preview(review=review, **options)
    return {
        (group.nomination.title_en if group.nomination else None): [
            (entry.row.project.title, entry.selected, entry.tied_at_cut) for entry in group.entries
        ]
        for group in shortlist.groups
    }


def test_the_preview_shows_ties_at_the_cut_off_and_lets_the_organiser_decide(review, scored):
    with_ties = preview(review)
    assert with_ties["Disability"] == [
        ("A", True, False),
        ("B", True, True),
        ("C", True, True),
        ("D", False, False),
    ]
    # The returned project has the best score but cannot be shortlisted; the next one moves up.
    assert with_ties["Health"] == [("E", True, False), ("F", True, False), ("G", False, False)]

    without_ties = preview(review, include_ties=False)
    assert without_ties["Disability"][:3] == [("A", True, False), ("B", False, True), ("C", False, True)]


def test_the_top_n_of_the_whole_fair(review, scored):
    shortlist = preview(review, top_n=3, per_nomination=False)
    selected = [title for title, is_in, _tied in shortlist[None] if is_in]
    assert selected == ["A", "E", "B", "C"]  # B and C tie for third: both in


def test_applying_the_shortlist_makes_finalists_through_the_state_service(
    review, scored, organiser, django_capture_on_commit_callbacks
):
    MembershipFactory(organisation=scored["A"].organisation, user=UserFactory(email="ngo-a@ngo.kz"))
    preview = services.shortlist_preview(review=review, top_n=1, per_nomination=True, include_ties=True)

    with django_capture_on_commit_callbacks(execute=True):
        promoted, turned_down = services.shortlist_apply(
            review=review,
            top_n=1,
            per_nomination=True,
            include_ties=True,
            expected_ids=preview.selected_ids,
            expected_turned_down=preview.turned_down_ids,
            others_not_selected=True,
            actor=organiser,
        )

    # A and E in; B, C and F out; D (unscored) and G (returned) untouched.
    assert (promoted, turned_down) == (2, 3)
    states = {title: project.__class__.objects.get(pk=project.pk).state for title, project in scored.items()}
    assert states == {
        "A": "finalist",
        "B": "not_selected",
        "C": "not_selected",
        "D": "submitted",
        "E": "finalist",
        "F": "not_selected",
        "G": "returned",
    }
    change = ProjectStateChange.objects.get(project=scored["A"], to_state=ProjectState.FINALIST)
    assert change.actor == organiser
    assert change.from_state == ProjectState.SUBMITTED
    assert any(message.to == ["ngo-a@ngo.kz"] for message in mail.outbox)
    logged = LogEntry.objects.get(object_id=str(review.pk))
    assert logged.user == organiser
    assert "top 1 in each nomination" in logged.get_change_message()  # readable on the history page
    assert f"{scored['A'].pk}, {scored['E'].pk}" in logged.get_change_message()


def test_a_shortlist_is_refused_when_the_ranking_changed_since_the_preview(
    review, scored, criteria, organiser
):
    expected = services.shortlist_preview(
        review=review, top_n=1, per_nomination=False, include_ties=True
    ).selected_ids
    late = JurorFactory(review=review)
    score(late, scored["A"], criteria, 1, 1, 1)  # A falls from 9.25 to 5.125
    score(late, scored["E"], criteria, 10, 10, 5)  # E rises from 7.94 to 8.97 and takes first place

    with pytest.raises(services.ShortlistChanged):
        services.shortlist_apply(
            review=review,
            top_n=1,
            per_nomination=False,
            include_ties=True,
            expected_ids=expected,
            others_not_selected=False,
            actor=organiser,
        )
    assert not ProjectStateChange.objects.filter(to_state=ProjectState.FINALIST).exists()


def test_only_organisers_apply_a_shortlist(review, scored, juror):
    with pytest.raises(PermissionDenied):
        services.shortlist_apply(
            review=review,
            top_n=1,
            per_nomination=False,
            include_ties=True,
            expected_ids=[],
            others_not_selected=False,
            actor=juror.user,
        )


# ---------------------------------------------------------------- reminders


def test_reminders_go_to_jurors_with_work_left_once_a_day(
    review, criteria, projects, django_capture_on_commit_callbacks
):
    JurorFactory(review=review, user__email="busy@expert.kz")
    done = JurorFactory(review=review, user__email="done@expert.kz")
    for project in projects:
        score(done, project, criteria, 5, 5, 3)
    soon = review.closes_at - timedelta(hours=20)

    # Queued, then sent by the mail task once committed (the command runs in no transaction).
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_deadline_reminders(
            now=soon, within=timedelta(hours=48), every=timedelta(hours=24)
        )
        again = services.send_deadline_reminders(
            now=soon + timedelta(hours=1), within=timedelta(hours=48), every=timedelta(hours=24)
        )

    assert (sent, again) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["busy@expert.kz"]
    assert "3 жоба әлі сіздің бағаңызды күтуде." in message.body  # the juror's language, Kazakh
    assert "/jury/" in message.body


def test_the_reminder_command_waits_until_the_deadline_is_near(
    review, criteria, projects, juror, django_capture_on_commit_callbacks
):
    far = int((review.closes_at - timezone.now()).total_seconds() // 3600) - 1  # just short of the deadline
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_jury_reminders", "--within-hours", str(far), stdout=io.StringIO())
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_jury_reminders", "--within-hours", str(far + 2), stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [[juror.user.email]]


def test_the_jury_group_holds_only_the_jurors_permission():
    group = Group.objects.get(name="Jury")
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        "jury.act_as_juror"
    ]


def test_a_finalist_chosen_by_hand_stays_one_and_is_not_counted_again(review, scored, organiser):
    from projects.services import project_mark_finalist

    project_mark_finalist(project=scored["F"], actor=organiser)  # Health's second, made finalist by hand

    shortlist = services.shortlist_preview(review=review, top_n=1, per_nomination=True, include_ties=True)

    health = next(group for group in shortlist.groups if group.nomination.title_en == "Health")
    f_entry = next(entry for entry in health.entries if entry.row.project.title == "F")
    assert not f_entry.selected
    assert f_entry.note == "already a finalist; stays one"
    assert shortlist.to_promote == 2  # A and E; F is a finalist already


def test_no_shortlist_once_public_voting_has_begun(review, scored, organiser):
    preview = services.shortlist_preview(review=review, top_n=1, per_nomination=False, include_ties=True)
    with pytest.raises(ValidationError, match="Public voting has begun"):
        services.shortlist_apply(
            review=review,
            top_n=1,
            per_nomination=False,
            include_ties=True,
            expected_ids=preview.selected_ids,
            others_not_selected=False,
            actor=organiser,
            now=review.fair.voting_opens_at,
        )


def test_a_project_resubmitted_after_the_preview_is_not_turned_down_unseen(review, scored, organiser):
    preview = services.shortlist_preview(review=review, top_n=1, per_nomination=True, include_ties=True)
    scored["G"].state = ProjectState.SUBMITTED  # the returned project comes back, with its scores
    scored["G"].save()

    with pytest.raises(services.ShortlistChanged):
        services.shortlist_apply(
            review=review,
            top_n=1,
            per_nomination=True,
            include_ties=True,
            expected_ids=preview.selected_ids,
            expected_turned_down=preview.turned_down_ids,
            others_not_selected=True,
            actor=organiser,
        )
