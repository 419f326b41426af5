"""Jury fairness: the optional normalisation of jurors' marks, the shortlist on the chosen basis,
and the feedback each NGO receives after the shortlist (jury.selectors, jury.services, jury.views)."""

import math
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from fairportal.models import OutgoingMail
from jury import selectors, services
from jury.models import Evaluation, Normalisation, Score
from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.jury import CriterionFactory, JurorFactory
from tests.factories.projects import MembershipFactory, NominationFactory
from tests.jury.conftest import submitted
from tests.jury.test_commission_protocol import flat, pdf_text
from tests.test_outgoing_mail import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db

HARSH = [2, 3, 4, 5, 6]
LENIENT = [6, 7, 8, 9, 10]
# Both jurors' marks together: mean 6, population standard deviation √6; each juror's own
# deviation is √2, so the k-th mark of either becomes 6 + (k − 3)/√2 × √6 = 6 + (k − 3) × √3.
EXPECTED = [6 + (k - 3) * math.sqrt(3) for k in range(1, 6)]


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def score(juror, project, criterion, value, comment_for_ngo="", comment=""):
    services.evaluation_save(
        juror=juror,
        project=project,
        answers={criterion.pk: value},
        comment=comment,
        comment_for_ngo=comment_for_ngo,
    )


@pytest.fixture
def one_criterion(review):
    return CriterionFactory(review=review, title_en="Significance")


@pytest.fixture
def nomination(review):
    return NominationFactory(fair=review.fair, title_en="Disability", position=1)


@pytest.fixture
def harsh_and_lenient(review, one_criterion, nomination):
    """A harsh juror scores A1…A5, a lenient one B1…B5, with the same pattern one step apart."""
    harsh = JurorFactory(review=review, user__full_name="Harsh Juror")
    lenient = JurorFactory(review=review, user__full_name="Lenient Juror")
    a = [submitted(review, nomination, f"A{i}") for i in range(1, 6)]
    b = [submitted(review, nomination, f"B{i}") for i in range(1, 6)]
    for project, value in zip(a, HARSH, strict=True):
        score(harsh, project, one_criterion, value)
    for project, value in zip(b, LENIENT, strict=True):
        score(lenient, project, one_criterion, value)
    return harsh, lenient, a, b


# ---------------------------------------------------------------- the method, by hand


def test_a_harsh_and_a_lenient_juror_on_the_same_projects_give_the_same_normalised_marks():
    raw = {}
    for project, (h, lenient) in enumerate(zip(HARSH, LENIENT, strict=True), start=1):
        raw[(project, 1)] = float(h)
        raw[(project, 2)] = float(lenient)

    result = selectors.normalise(raw)

    assert result.normalised == {1, 2}
    assert result.kept_raw == set()
    assert result.mean == pytest.approx(6)
    assert result.deviation == pytest.approx(math.sqrt(6))
    for project in range(1, 6):
        assert result.marks[(project, 1)] == pytest.approx(result.marks[(project, 2)])
        assert result.marks[(project, 1)] == pytest.approx(EXPECTED[project - 1])
    assert all(1 <= mark <= 10 for mark in result.marks.values())


def test_a_juror_with_too_few_projects_or_no_spread_keeps_raw_marks():
    raw = {(project, 1): float(value) for project, value in enumerate(HARSH, start=1)}
    raw |= {(1, 2): 9.0, (2, 2): 3.0}  # two projects only
    raw |= {(project, 3): 7.0 for project in range(1, 6)}  # five projects, all the same mark

    result = selectors.normalise(raw)

    assert result.normalised == {1}
    assert result.kept_raw == {2, 3}
    assert result.marks[(1, 2)] == 9.0
    assert result.marks[(2, 2)] == 3.0
    assert all(result.marks[(project, 3)] == 7.0 for project in range(1, 6))


def test_normalised_marks_stay_between_1_and_10():
    # Mean 2.8 and deviation 3.6: the 10 is two deviations up; all marks together have mean 6.4
    # and deviation ≈ 4.41, so it would map to ≈ 15.2 without the clip.
    raw = {(project, 1): float(value) for project, value in enumerate([1, 1, 1, 1, 10], start=1)}
    raw |= {(project, 2): 10.0 for project in range(1, 6)}

    result = selectors.normalise(raw)

    assert result.marks[(5, 1)] == 10.0
    assert result.marks[(1, 1)] == pytest.approx(6.4 - 0.5 * math.sqrt(19.44))
    assert all(1 <= mark <= 10 for mark in result.marks.values())


# ---------------------------------------------------------------- in the ranking


def test_the_ranking_shows_the_lenient_jurors_projects_on_top_raw_and_ties_them_normalised(
    review, harsh_and_lenient
):
    rows = {row.project.title: row for row in selectors.ranking(review, with_normalised=True)}

    assert [rows[f"B{i}"].rank for i in range(5, 0, -1)] == [1, 2, 3, 4, 5]
    assert rows["A5"].rank == 5  # raw: the harsh juror's best ties with the lenient one's worst
    assert rows["A5"].tied
    for i in range(1, 6):
        assert rows[f"A{i}"].normalised_score == rows[f"B{i}"].normalised_score
        assert rows[f"A{i}"].normalised_score == pytest.approx(EXPECTED[i - 1], abs=1e-6)
        assert rows[f"A{i}"].normalised_tied
        assert rows[f"B{i}"].normalised_tied
    assert rows["A5"].normalised_rank == rows["B5"].normalised_rank == 1
    assert rows["A4"].normalised_rank == 3
    assert rows["A5"].score == 6  # the exact raw score is untouched


def test_the_ranking_with_normalised_scores_takes_the_same_queries_for_few_and_many(
    review, one_criterion, nomination, django_assert_max_num_queries
):
    jurors = [JurorFactory(review=review) for _ in range(2)]
    for count in (5, 25):
        while len(selectors.ranking(review)) < count:
            project = submitted(review, nomination, f"P{count}-{len(selectors.ranking(review))}")
            for offset, juror in enumerate(jurors):
                score(juror, project, one_criterion, 1 + (project.pk + offset) % 10)
        with django_assert_max_num_queries(6):  # the ranking's five, and every mark at once
            rows = selectors.ranking(review, with_normalised=True)
        assert len(rows) == count
        assert all(row.normalised_score is not None for row in rows)


def test_the_admin_ranking_shows_both_scores_and_who_keeps_raw_marks(
    client, review, harsh_and_lenient, one_criterion, nomination, organiser
):
    few = JurorFactory(review=review, user__full_name="Occasional Juror")
    score(few, submitted(review, nomination, "C1"), one_criterion, 5)
    client.force_login(organiser)

    page = client.get(url("admin:jury_review_ranking", review.pk)).content.decode()

    rows = {row.project.title: row for row in selectors.ranking(review, with_normalised=True)}
    assert "Normalised score (rank)" in page
    assert f"{rows['A5'].normalised_score:.2f} (=1)" in page  # A5 and B5 share the first place
    assert "These jurors keep their raw marks" in page
    assert "Occasional Juror" in page
    assert "The shortlist uses the raw score" in page


# ---------------------------------------------------------------- the shortlist


def test_the_shortlist_uses_the_normalised_basis_when_the_review_says_so_and_stores_it(
    client, review, harsh_and_lenient, organiser
):
    _harsh, _lenient, a, b = harsh_and_lenient
    options = {"top_n": 2, "per_nomination": False, "include_ties": True}
    raw = services.shortlist_preview(review=review, **options)
    assert raw.selected_ids == sorted([b[4].pk, b[3].pk])  # the lenient juror's two best

    review.normalisation = Normalisation.ZSCORE
    review.save()
    client.force_login(organiser)
    page = client.get(
        url("admin:jury_review_shortlist", review.pk), {"top_n": 2, "scope": "fair", "ties": "include"}
    ).content.decode()
    assert "The finalists are chosen by the normalised score" in page
    expected = re.search(r'name="expected" value="([0-9,]+)"', page).group(1)
    assert sorted(int(pk) for pk in expected.split(",")) == sorted([a[4].pk, b[4].pk])  # each juror's best

    services.shortlist_apply(
        review=review, expected_ids=[a[4].pk, b[4].pk], others_not_selected=False, actor=organiser, **options
    )

    review.refresh_from_db()
    assert review.shortlist_basis == Normalisation.ZSCORE
    assert {p.state for p in type(a[4]).objects.filter(pk__in=[a[4].pk, b[4].pk])} == {ProjectState.FINALIST}
    protocol = selectors.commission_protocol(review)
    assert protocol.shortlist.normalised
    assert protocol.shortlist.groups[0].cut == pytest.approx(EXPECTED[4], abs=1e-6)
    assert "normalised score" in services.shortlist_rule_text(review)
    with translation.override("en"):
        pdf = client.get(reverse("admin:jury_review_protocol", args=[review.pk, "en"]))
    assert "Scores used: normalised" in flat(pdf_text(pdf))


# ---------------------------------------------------------------- the NGO's feedback


@pytest.fixture
def applied(review, harsh_and_lenient, one_criterion, organiser):
    """The raw shortlist of the top 3 applied; comments for A1's NGO from both jurors."""
    harsh, lenient, a, b = harsh_and_lenient
    score(harsh, a[0], one_criterion, 2, comment_for_ngo="Zeta: measure the results", comment="Weak, private")
    score(lenient, a[0], one_criterion, 8, comment_for_ngo="alpha: a clear budget")
    shortlist = services.shortlist_preview(review=review, top_n=3, per_nomination=True, include_ties=True)
    services.shortlist_apply(
        review=review,
        top_n=3,
        per_nomination=True,
        include_ties=True,
        expected_ids=shortlist.selected_ids,
        others_not_selected=False,
        actor=organiser,
    )
    return a, b


def test_before_the_shortlist_the_feedback_page_is_404_and_not_linked(client, review, harsh_and_lenient):
    _harsh, _lenient, a, _b = harsh_and_lenient
    member = MembershipFactory(organisation=a[0].organisation).user
    client.force_login(member)

    assert client.get(url("jury_ngo:feedback", a[0].pk)).status_code == 404
    assert (
        url("jury_ngo:feedback", a[0].pk)
        not in client.get(url("projects:project_detail", a[0].pk)).content.decode()
    )


def test_the_ngo_reads_its_averages_score_cut_off_band_and_anonymous_comments(client, applied):
    a, _b = applied
    member = MembershipFactory(organisation=a[0].organisation).user
    client.force_login(member)
    project_page = client.get(url("projects:project_detail", a[0].pk)).content.decode()
    assert url("jury_ngo:feedback", a[0].pk) in project_page

    page = client.get(url("jury_ngo:feedback", a[0].pk)).content.decode()

    # A1: marks 2 and 8 → 5.00 on the one criterion; the 3rd finalist, B3, scored 8; six of the ten
    # candidates score more than 5 (B5…B1 and A5), so A1 shares 7th place: the lower half.
    assert "Significance" in page
    assert "5.00" in page
    assert "the last one scored 8.00" in page
    assert "in the lower half" in page
    assert "Your project is not among the finalists." in page
    assert page.index("alpha: a clear budget") < page.index("Zeta: measure the results")  # by text
    assert "Weak, private" not in page
    for hidden in ("Harsh Juror", "Lenient Juror", "@expert.kz", "9.00", "10.00"):
        assert hidden not in page


def test_scores_changed_after_the_shortlist_do_not_make_the_ngo_a_finalist(client, applied):
    """The NGO is told what was decided (its project's state), and that today's figures moved."""
    a, _b = applied
    Score.objects.filter(evaluation__project=a[0]).update(value=10)  # now above the cut-off
    client.force_login(MembershipFactory(organisation=a[0].organisation).user)

    page = client.get(url("jury_ngo:feedback", a[0].pk)).content.decode()

    assert "Your project is not among the finalists." in page
    assert "Some scores were changed after the shortlist was applied." in page


def test_no_warning_while_the_scores_are_those_of_the_shortlist(client, applied):
    a, _b = applied
    client.force_login(MembershipFactory(organisation=a[0].organisation).user)
    assert "Some scores were changed" not in client.get(url("jury_ngo:feedback", a[0].pk)).content.decode()


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("ru", ["Отзыв жюри", "в нижней половине", "3 финалиста; у последнего 8,00."]),
        ("kk", ["Қазылардың кері байланысы", "төменгі жартысында", "3 финалист; соңғысының ұпайы 8,00."]),
    ],
)
def test_the_feedback_page_reads_in_russian_and_kazakh(client, applied, language, phrases):
    a, _b = applied
    client.force_login(MembershipFactory(organisation=a[0].organisation).user)
    page = client.get(url("jury_ngo:feedback", a[0].pk, language=language)).content.decode()
    for phrase in phrases:
        assert phrase in page


def test_another_ngo_and_a_plain_visitor_get_404(client, applied):
    a, b = applied
    client.force_login(MembershipFactory(organisation=b[0].organisation).user)
    assert client.get(url("jury_ngo:feedback", a[0].pk)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("jury_ngo:feedback", a[0].pk)).status_code == 404


def test_organisers_may_read_any_projects_feedback(client, applied, organiser):
    a, _b = applied
    client.force_login(organiser)
    assert client.get(url("jury_ngo:feedback", a[0].pk)).status_code == 200


def test_the_feedback_takes_the_same_queries_for_few_and_many_projects(
    applied, review, one_criterion, nomination, django_assert_max_num_queries
):
    a, _b = applied
    with django_assert_max_num_queries(9) as few:
        selectors.ngo_feedback(a[0])
    juror = JurorFactory(review=review)
    for number in range(20):
        score(juror, submitted(review, nomination, f"More {number}"), one_criterion, 1 + number % 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.ngo_feedback(a[0])


def test_each_member_gets_one_feedback_mail_in_their_language(
    settings, review, harsh_and_lenient, organiser, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    _harsh, _lenient, a, _b = harsh_and_lenient
    MembershipFactory(organisation=a[0].organisation, user__email="owner@ngo.kz", user__language="ru")
    MembershipFactory(organisation=a[0].organisation, user__email="member@ngo.kz", user__language="kk")
    options = {"top_n": 3, "per_nomination": True, "include_ties": True, "others_not_selected": False}
    for _again in range(2):  # a second, identical shortlist mails nobody again
        expected = services.shortlist_preview(
            review=review, top_n=3, per_nomination=True, include_ties=True
        ).selected_ids
        with django_capture_on_commit_callbacks(execute=True):
            services.shortlist_apply(review=review, expected_ids=expected, actor=organiser, **options)

    queued = OutgoingMail.objects.filter(template="jury/email/feedback")
    assert sorted(queued.values_list("recipient", "language")) == [
        ("member@ngo.kz", "kk"),
        ("owner@ngo.kz", "ru"),
    ]
    run_worker()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"/ru/ngo/projects/{a[0].pk}/feedback/" in bodies["owner@ngo.kz"]
    assert f"/kk/ngo/projects/{a[0].pk}/feedback/" in bodies["member@ngo.kz"]


# ---------------------------------------------------------------- the juror's side


def test_a_juror_writes_a_comment_for_the_ngo_apart_from_the_private_one(
    client, review, juror, one_criterion, nomination
):
    project = submitted(review, nomination, "Clean air")
    client.force_login(juror.user)
    page = client.get(url("jury:project", review.fair.slug, project.pk)).content.decode()
    assert "Comment for the NGO" in page
    assert "anonymously" in page

    response = client.post(
        url("jury:project", review.fair.slug, project.pk),
        {
            f"criterion_{one_criterion.pk}": "7",
            "comment": "For the organisers",
            "comment_for_ngo": "Add a timeline",
        },
    )

    assert response.status_code == 302
    evaluation = Evaluation.objects.get(juror=juror, project=project)
    assert (evaluation.comment, evaluation.comment_for_ngo) == ("For the organisers", "Add a timeline")


def test_the_method_page_is_public_in_three_languages(client):
    for language, phrase in (("en", "z-score"), ("ru", "z-"), ("kk", "z-")):
        response = client.get(url("jury_public:scoring_method", language=language))
        assert response.status_code == 200
        assert phrase in response.content.decode()


def test_the_way_scores_are_combined_is_fixed_once_the_shortlist_is_applied(
    client, applied, review, one_criterion, organiser
):
    from tests.jury.test_audit_and_mail import review_form

    review.refresh_from_db()
    client.force_login(organiser)
    data = review_form(review, [one_criterion])
    data["normalisation"] = Normalisation.ZSCORE

    with translation.override("en"):
        response = client.post(reverse("admin:jury_review_change", args=[review.pk]), data)

    assert response.status_code == 200
    assert "cannot change once the shortlist was applied" in response.content.decode()
    review.refresh_from_db()
    assert review.normalisation == Normalisation.NONE
    review.normalisation = Normalisation.ZSCORE
    with pytest.raises(ValidationError):
        services.review_update(review=review, actor=organiser)


def test_before_the_shortlist_switching_normalisation_is_recorded(client, review, one_criterion, organiser):
    from fairportal.models import AuditEvent
    from tests.jury.test_audit_and_mail import review_form

    client.force_login(organiser)
    data = review_form(review, [one_criterion])
    data["normalisation"] = Normalisation.ZSCORE

    with translation.override("en"):
        response = client.post(reverse("admin:jury_review_change", args=[review.pk]), data)

    assert response.status_code == 302
    (event,) = AuditEvent.objects.filter(action="review.changed")
    assert event.details["changes"]["normalisation"] == [Normalisation.NONE, Normalisation.ZSCORE]
