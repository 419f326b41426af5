"""The juror's pages and the organisers' admin pages, as people use them."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jury import services
from jury.models import Criterion, Evaluation, Juror, Recusal, Review
from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.jury import JurorFactory, review_phase_fair
from tests.factories.projects import MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def scoring_data(criteria, *values, comment="", **extra):
    data = {
        f"criterion_{c.pk}": ("cannot_assess" if v is None else str(v))
        for c, v in zip(criteria, values, strict=True)
    }
    return {**data, "comment": comment, **extra}


# ---------------------------------------------------------------- who gets in


def test_anonymous_visitors_are_sent_to_log_in(client, review, projects):
    response = client.get(url("jury:project", review.fair.slug, projects[0].pk))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_ngo_members_are_refused(client, review, projects):
    member = MembershipFactory(organisation=projects[0].organisation).user
    client.force_login(member)
    assert client.get(url("jury:dashboard")).status_code == 403
    assert client.get(url("jury:project", review.fair.slug, projects[0].pk)).status_code == 403


def test_a_juror_sees_nothing_of_other_fairs_or_nominations(client, review, projects, nominations, criteria):
    juror = JurorFactory(review=review, nominations=[nominations[1]])
    other_seat = JurorFactory()  # another fair's review
    client.force_login(juror.user)

    dashboard = client.get(url("jury:dashboard")).content.decode()
    assert "Clean air" in dashboard
    assert "Inclusive workshop" not in dashboard  # another nomination
    assert other_seat.review.fair.title_en not in dashboard

    assert client.get(url("jury:project", review.fair.slug, projects[0].pk)).status_code == 404
    assert client.get(url("jury:project", other_seat.review.fair.slug, projects[0].pk)).status_code == 404
    assert client.get(url("jury:project", review.fair.slug, projects[2].pk)).status_code == 200


# ---------------------------------------------------------------- the juror's work


def test_a_juror_scores_from_the_dashboard_to_the_next_project(client, review, projects, criteria, juror):
    client.force_login(juror.user)
    page = client.get(url("jury:project", review.fair.slug, projects[0].pk))
    html = page.content.decode()
    assert "Inclusive workshop" in html
    assert 'type="radio"' in html
    assert "Cannot assess" in html

    response = client.post(
        url("jury:project", review.fair.slug, projects[0].pk),
        scoring_data(criteria, 8, None, 4, comment="Strong team", next=""),
    )

    assert response.status_code == 302
    assert response["Location"] == url("jury:project", review.fair.slug, projects[1].pk)
    evaluation = Evaluation.objects.get(juror=juror, project=projects[0])
    assert evaluation.comment == "Strong team"
    assert sorted(evaluation.scores.values_list("value", flat=True), key=str) == sorted([8, None, 4], key=str)
    dashboard = client.get(url("jury:dashboard")).content.decode()
    assert "1 scored, 0 recused, 2 left, of 3." in dashboard


def test_a_missing_answer_keeps_what_was_entered(client, review, projects, criteria, juror):
    client.force_login(juror.user)
    data = scoring_data(criteria, 7, 6, 3, comment="Half done")
    del data[f"criterion_{criteria[2].pk}"]

    response = client.post(url("jury:project", review.fair.slug, projects[0].pk), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a score, or “cannot assess”." in html
    assert 'id="error-summary"' in html
    assert re.search(rf'name="criterion_{criteria[0].pk}"[^>]*value="7" checked', html)
    assert "Half done" in html
    assert not Evaluation.objects.exists()


def test_a_juror_never_sees_other_jurors_scores(client, review, projects, criteria, juror):
    other = JurorFactory(review=review)
    client.force_login(other.user)
    client.post(
        url("jury:project", review.fair.slug, projects[0].pk),
        scoring_data(criteria, 3, 3, 1, comment="SECRET-NOTE"),
    )
    client.force_login(juror.user)

    html = client.get(url("jury:project", review.fair.slug, projects[0].pk)).content.decode()

    assert "SECRET-NOTE" not in html
    assert " checked" not in html  # nothing pre-selected from someone else's scores


def test_recusing_asks_for_a_reason_and_confirmation(client, review, projects, criteria, juror):
    client.force_login(juror.user)
    recuse_url = url("jury:recuse", review.fair.slug, projects[0].pk)

    refused = client.post(recuse_url, {"reason": "I chair its board"})
    assert "Tick the box to confirm." in refused.content.decode()
    assert "I chair its board" in refused.content.decode()
    assert not Recusal.objects.exists()

    response = client.post(recuse_url, {"reason": "I chair its board", "confirm": "on"})
    assert response.status_code == 302
    assert Recusal.objects.get(juror=juror).reason == "I chair its board"
    page = client.get(url("jury:project", review.fair.slug, projects[0].pk)).content.decode()
    assert "You declared a conflict of interest" in page
    assert 'type="radio"' not in page


def test_finalising_from_the_dashboard(client, review, projects, criteria, juror):
    client.force_login(juror.user)
    for project in projects:
        client.post(url("jury:project", review.fair.slug, project.pk), scoring_data(criteria, 5, 5, 3))
    assert url("jury:finalise", review.fair.slug) in client.get(url("jury:dashboard")).content.decode()

    response = client.post(url("jury:finalise", review.fair.slug), {"confirm": "on"})

    assert response.status_code == 302
    juror.refresh_from_db()
    assert juror.finalised_at is not None
    page = client.get(url("jury:project", review.fair.slug, projects[0].pk)).content.decode()
    assert "Your scores are final." in page
    assert "5 / 10" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finalising_works_outside_a_test_transaction(client, review, projects, criteria, juror):
    """As in production, with no transaction around the request: the service opens its own for
    the juror's row lock (a missing one was a 500 that the wrapped tests could not see)."""
    client.force_login(juror.user)
    for project in projects:
        client.post(url("jury:project", review.fair.slug, project.pk), scoring_data(criteria, 5, 5, 3))

    response = client.post(url("jury:finalise", review.fair.slug), {"confirm": "on"})

    assert response.status_code == 302
    juror.refresh_from_db()
    assert juror.finalised_at is not None


def test_the_welcome_link_sets_a_password_and_opens_the_dashboard(
    client, review, organiser, projects, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("admin:jury_review_invite", review.pk),
            {"email": "new.expert@mail.kz", "full_name": "Ерлан Садықов", "language": "kk"},
        )
    client.logout()
    link = re.search(r"https?://[^\s]+/jury/welcome/[^\s]+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = client.post(
        "/" + path, {"new_password1": "Tau-zhaily-kun-2026", "new_password2": "Tau-zhaily-kun-2026"}
    )

    assert response.status_code == 302
    assert response["Location"] == url("jury:dashboard", language="kk")
    assert "Inclusive workshop" in client.get(response["Location"]).content.decode()
    assert client.get("/" + path).status_code == 400  # used: the password is set


def test_a_juror_logging_in_lands_on_the_jury_page(client, juror):
    response = client.post(
        url("accounts:login"), {"username": juror.user.email, "password": "correct horse battery staple"}
    )
    assert response["Location"] == url("jury:dashboard")


# ---------------------------------------------------------------- the admin


def test_an_organiser_sets_up_a_review_with_the_usual_criteria(client, organiser):
    fair = review_phase_fair()
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_add"),
        {
            "fair": fair.pk,
            "with_default_criteria": "on",
            "opens_at_0": "",
            "opens_at_1": "",
            "closes_at_0": "",
            "closes_at_1": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    review = Review.objects.get(fair=fair)
    assert response["Location"] == url("admin:jury_review_change", review.pk)
    assert review.closes_at == fair.voting_opens_at
    assert Criterion.objects.filter(review=review).count() == 5
    change_page = client.get(response["Location"]).content.decode()
    assert "Significance" in change_page
    assert url("admin:jury_review_invite", review.pk) in change_page


def test_the_window_cannot_run_into_public_voting(client, organiser):
    fair = review_phase_fair()
    client.force_login(organiser)
    late = fair.voting_opens_at.astimezone().strftime
    response = client.post(
        url("admin:jury_review_add"),
        {
            "fair": fair.pk,
            "opens_at_0": "",
            "opens_at_1": "",
            "closes_at_0": late("%Y-%m-%d"),
            "closes_at_1": "23:59:00",
        },
    )
    assert response.status_code == 200
    assert "Scoring must close by the time public voting opens" in response.content.decode()
    assert not Review.objects.exists()


def test_an_organiser_invites_two_jurors(
    client, review, organiser, nominations, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("admin:jury_review_invite", review.pk), {"email": "one@expert.kz", "language": "ru"})
        client.post(
            url("admin:jury_review_invite", review.pk),
            {"email": "two@expert.kz", "language": "en", "nominations": [nominations[1].pk]},
        )
    again = client.post(
        url("admin:jury_review_invite", review.pk), {"email": "ONE@expert.kz", "language": "ru"}
    )

    assert "already a juror" in again.content.decode()
    assert sorted(Juror.objects.values_list("user__email", flat=True)) == ["one@expert.kz", "two@expert.kz"]
    assert len(mail.outbox) == 2


def test_jurors_cannot_open_the_admin_or_the_ranking(client, review, juror):
    client.force_login(juror.user)
    response = client.get(url("admin:jury_review_ranking", review.pk))
    assert response.status_code == 302  # the admin's log-in page: jurors are not staff


def test_the_ranking_page_shows_scores_spread_recusals_and_progress(
    client, review, projects, criteria, organiser, django_assert_max_num_queries
):
    first, second = JurorFactory(review=review, user__full_name="Juror One"), JurorFactory(review=review)
    for juror, values in [(first, (8, 6, 4)), (second, (6, None, 5))]:
        client.force_login(juror.user)
        client.post(url("jury:project", review.fair.slug, projects[0].pk), scoring_data(criteria, *values))
    client.force_login(second.user)
    client.post(url("jury:recuse", review.fair.slug, projects[1].pk), {"reason": "Relative", "confirm": "on"})
    client.force_login(organiser)

    with django_assert_max_num_queries(20):
        response = client.get(url("admin:jury_review_ranking", review.pk))

    html = response.content.decode()
    assert "Inclusive workshop" in html
    assert "<strong>7.39</strong>" in html  # (119/16 + 22/3) / 2
    assert "<td>0.05</td>" in html  # the spread: 5/96
    assert "Juror One" in html


def test_the_ranking_page_stays_at_constant_queries(client, review, criteria, nominations, organiser):
    from tests.jury.conftest import submitted

    jurors = [JurorFactory(review=review) for _ in range(3)]
    client.force_login(organiser)
    ranking_url = url("admin:jury_review_ranking", review.pk)

    def add_scored_projects(count, start):
        for index in range(start, start + count):
            project = submitted(review, nominations[index % 2], f"Project {index}")
            for juror in jurors:
                services.evaluation_save(
                    juror=juror, project=project, answers={c.pk: 5 for c in criteria}, comment="Fine"
                )

    add_scored_projects(2, 0)
    with CaptureQueriesContext(connection) as small:
        client.get(ranking_url)
    add_scored_projects(10, 2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(ranking_url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries) <= 20


def download_xlsx(client, review, query: str = "") -> bytes:
    """The organiser's way to the workbook: export, the progress page, the download link.

    The task runs at once (the immediate backend) when the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.get(url("admin:jury_review_export", review.pk, "xlsx") + query)
    assert started.status_code == 302
    progress = client.get(started["Location"])
    assert "The workbook is ready." in progress.content.decode()
    download = re.search(r'href="([^"]+/download/)"', progress.content.decode()).group(1)
    response = client.get(download)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return b"".join(response.streaming_content)


def test_exports_hold_every_jurors_scores_and_the_aggregates(client, review, projects, criteria, organiser):
    juror = JurorFactory(review=review, user__full_name="Аружан Бек")
    client.force_login(juror.user)
    client.post(
        url("jury:project", review.fair.slug, projects[0].pk),
        scoring_data(criteria, 8, None, 4, comment="=1+1"),
    )
    client.post(
        url("jury:recuse", review.fair.slug, projects[1].pk), {"reason": "Board member", "confirm": "on"}
    )
    client.force_login(organiser)

    response = client.get(url("admin:jury_review_export", review.pk, "csv"))
    assert response.streaming
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    header, *body = rows
    assert header[:10] == [
        "Rank",
        "Project ID",
        "Project",
        "NGO",
        "Nomination",
        "Score (1–10)",
        "Jurors who scored",
        "Spread (standard deviation)",
        "Juror",
        "Juror's mark (1–10)",
    ]
    scored = next(row for row in body if row[2] == "Inclusive workshop")
    assert scored[5:7] == ["7.92", "1"]
    assert scored[8] == "Аружан Бек"
    assert scored[9] == "7.92"  # (2×8 + 4 of 5, i.e. 7.75) / 3; innovation left out
    assert scored[10:13] == ["8", "cannot assess", "4"]
    assert scored[13] == "'=1+1"  # formula neutralised
    recused = next(row for row in body if row[2] == "Sign language club")
    assert recused[-1] == "Board member"
    unscored = next(row for row in body if row[2] == "Clean air")
    assert unscored[5:9] == ["", "0", "", ""]

    in_russian = client.get(url("admin:jury_review_export", review.pk, "csv", language="ru"))
    assert ";7,92;" in b"".join(in_russian.streaming_content).decode(
        "utf-8-sig"
    )  # Excel in Russian reads decimal commas

    workbook = load_workbook(io.BytesIO(download_xlsx(client, review)))
    assert workbook.sheetnames == ["Ranking", "Scores"]
    ranking = list(workbook["Ranking"].iter_rows(values_only=True))
    assert ranking[1][3] == "Inclusive workshop"
    assert ranking[1][7] == 7.92


def test_the_shortlist_page_previews_then_promotes_finalists(client, review, projects, criteria, organiser):
    juror = JurorFactory(review=review)
    client.force_login(juror.user)
    for project, value in zip(projects, (9, 5, 7), strict=True):
        client.post(
            url("jury:project", review.fair.slug, project.pk), scoring_data(criteria, value, value, 3)
        )
    client.force_login(organiser)
    shortlist_url = url("admin:jury_review_shortlist", review.pk)

    preview = client.get(shortlist_url, {"top_n": 1, "scope": "nomination", "ties": "include"})
    html = preview.content.decode()
    assert "Make 2 projects finalists" in html
    expected = re.search(r'name="expected" value="([0-9,]+)"', html).group(1)

    response = client.post(
        shortlist_url,
        {"top_n": 1, "scope": "nomination", "ties": "include", "expected": expected, "apply": "1"},
    )

    assert response.status_code == 302
    states = {project.title: project.__class__.objects.get(pk=project.pk).state for project in projects}
    assert states == {
        "Inclusive workshop": ProjectState.FINALIST,
        "Sign language club": ProjectState.SUBMITTED,
        "Clean air": ProjectState.FINALIST,
    }
    # The finalists are now on the public site, ready for the vote.
    catalogue = client.get(
        url("catalogue:project_list", review.fair.slug), {"finalists": "1"}
    ).content.decode()
    assert "Inclusive workshop" in catalogue
    assert "Clean air" in catalogue


def test_ngo_staff_without_the_ranking_permission_cannot_see_it(client, review):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(url("admin:jury_review_ranking", review.pk)).status_code == 403


def test_changing_a_review_keeps_the_window_before_voting(client, review, organiser):
    client.force_login(organiser)
    late = review.fair.voting_opens_at + timedelta(days=1)
    local = timezone.localtime(late)
    response = client.post(
        url("admin:jury_review_change", review.pk),
        {
            "opens_at_0": timezone.localtime(review.opens_at).strftime("%Y-%m-%d"),
            "opens_at_1": timezone.localtime(review.opens_at).strftime("%H:%M:%S"),
            "closes_at_0": local.strftime("%Y-%m-%d"),
            "closes_at_1": local.strftime("%H:%M:%S"),
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Scoring must close by the time public voting opens" in response.content.decode()
    review.refresh_from_db()
    assert review.closes_at == review.fair.voting_opens_at


def test_save_and_next_goes_to_the_following_project_not_back_to_the_first(
    client, review, projects, criteria, juror
):
    client.force_login(juror.user)
    # The list reads: Inclusive workshop, Sign language club (Disability), Clean air (Health).
    response = client.post(
        url("jury:project", review.fair.slug, projects[1].pk), scoring_data(criteria, 5, 5, 3, next="")
    )
    assert response["Location"] == url("jury:project", review.fair.slug, projects[2].pk)


def test_the_finalise_page_sends_back_while_projects_are_left(client, review, projects, criteria, juror):
    client.force_login(juror.user)
    response = client.get(url("jury:finalise", review.fair.slug), follow=True)
    assert "3 projects still need your scores." in response.content.decode()


@pytest.mark.parametrize("name", ["jury:recuse", "jury:project"])
def test_anonymous_visitors_cannot_reach_a_jurors_pages(client, review, projects, name):
    response = client.get(url(name, review.fair.slug, projects[0].pk))
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login"))


def test_anonymous_visitors_cannot_finalise(client, review):
    response = client.post(url("jury:finalise", review.fair.slug), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login"))


def test_a_tampered_welcome_link_is_refused(client, review, juror):
    from jury.services import welcome_token

    juror.user.set_unusable_password()  # a new account, as the invitation creates it
    juror.user.save()
    token = welcome_token(juror)
    assert client.get(url("jury:welcome", token)).status_code == 200
    assert client.get(url("jury:welcome", token[:-2] + "xx")).status_code == 400


def test_the_shortlist_needs_the_right_to_decide_on_projects(client, review):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_ranking"))
    client.force_login(staff)
    assert client.get(url("admin:jury_review_ranking", review.pk)).status_code == 200
    assert client.get(url("admin:jury_review_shortlist", review.pk)).status_code == 403


def test_deleting_a_scored_criterion_in_the_admin_is_refused_with_a_message(
    client, review, projects, criteria, juror, organiser
):
    client.force_login(juror.user)
    client.post(url("jury:project", review.fair.slug, projects[0].pk), scoring_data(criteria, 5, 5, 3))
    client.force_login(organiser)
    local = timezone.localtime
    data = {
        "opens_at_0": local(review.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": local(review.opens_at).strftime("%H:%M:%S"),
        "closes_at_0": local(review.closes_at).strftime("%Y-%m-%d"),
        "closes_at_1": local(review.closes_at).strftime("%H:%M:%S"),
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
    }
    for index, criterion in enumerate(criteria):
        for field in ("title_kk", "title_ru", "title_en", "weight", "scale_max", "position"):
            data[f"criteria-{index}-{field}"] = str(getattr(criterion, field))
        data[f"criteria-{index}-id"] = str(criterion.pk)
        data[f"criteria-{index}-review"] = str(review.pk)
        data[f"criteria-{index}-allow_cannot_assess"] = "on" if criterion.allow_cannot_assess else ""
    data["criteria-0-DELETE"] = "on"

    response = client.post(url("admin:jury_review_change", review.pk), data)

    assert response.status_code == 200
    # Our words (`criterion_delete_error`), not Django's list of protected objects.
    assert "Jurors have already scored “Significance”: it cannot be deleted." in response.content.decode()
    assert Criterion.objects.filter(pk=criteria[0].pk).exists()
