"""The demo's jury step: a commission for the archived demo fair: a review with the usual five
criteria, seven jurors (one seated in a single nomination, one who never finalised), a few
recusals, scores that rank the fair's finalists above the others, and the shortlist rule that
picked them, so its commission protocol (/<lang>/fairs/demo-2025/commission-protocol.pdf) has
something to show. Runs after the portal step.

The fair in review gets a commission too, with assigned reading: six jurors (languages
stated, one seated in a single nomination, one with a declared conflict with an NGO), each
project to be read by two of them. The assignment is left for the organiser to propose and
apply on the review's "Reading assignment" page; nobody has scored yet."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from demo.data import DEMO_PASSWORD
from demo.fairs import FAIRS, SLUGS, MissingFair
from jury import selectors, services
from jury.models import Evaluation, Juror, Normalisation, Reading, Recusal, Review, Score
from projects.models import ProjectState

FAIR = FAIRS["archived"]
IN_REVIEW = FAIRS["review"]
# The commission of the fair in review: the same people, with the languages they read.
READERS = [
    ("jury1@example.kz", ["kk", "ru"]),
    ("jury2@example.kz", ["ru", "en"]),
    ("jury3@example.kz", ["kk"]),
    ("jury4@example.kz", ["ru"]),
    ("jury5@example.kz", ["kk", "ru"]),
    ("jury6@example.kz", ["kk", "en"]),
]
JURORS = [
    ("jury1@example.kz", "Гүлнар Әбілқызы"),
    ("jury2@example.kz", "Сергей Ли"),
    ("jury3@example.kz", "Айдос Тұрсынов"),
    ("jury4@example.kz", "Мария Петренко"),
    ("jury5@example.kz", "Нұрлан Сейітов"),
    ("jury6@example.kz", "Әсел Жақсыбекова"),
    ("jury7@example.kz", "Тимур Ахметов"),
]
SHORTLISTED = (ProjectState.FINALIST, ProjectState.AWARDED)
# What jurors write for the NGOs (shown on each project's feedback page, anonymously).
NGO_COMMENTS = [
    "Нәтижелерді қалай өлшейтініңізді нақтырақ жазыңыз: қанша адам, қандай өзгеріс.",
    "Бюджет түсінікті, бірақ жоба аяқталғаннан кейін қалай жалғасатынын көрсетіңіз.",
    "Сильная команда и понятная аудитория; не хватает плана на второй год.",
    "Добавьте отзывы участников и фотографии прошлых мероприятий — это убеждает.",
    "Жергілікті әкімдікпен немесе мектептермен серіктестік жобаны күшейтер еді.",
]


def delete() -> str:
    """The demo fairs' reviews with their jurors, scores and recusals (the juror accounts stay)."""
    deleted, _by_model = Review.objects.filter(fair__slug__in=SLUGS).delete()
    return f"Deleted {deleted} demo jury rows."


def seed() -> str:
    return f"{_seed_archived()} {_seed_in_review()}"


def _seed_in_review() -> str:
    fair = IN_REVIEW.get()
    if fair is None:  # the archived fair's commission alone still makes sense
        return f"No {IN_REVIEW.slug}; its commission is left out."
    if Review.objects.filter(fair=fair).exists():
        return f"{fair.slug} already has a review; nothing to do."
    review = services.review_create(fair=fair, **services.review_window_defaults(fair))
    Review.objects.filter(pk=review.pk).update(reading=Reading.ASSIGNED, readers_per_project=2)
    jurors = _seat_jurors(review, emails=[email for email, _languages in READERS])
    for juror, (_email, languages) in zip(jurors, READERS, strict=True):
        juror.languages = languages
        juror.save(update_fields=["languages"])
    first_nomination = fair.nominations.order_by("position", "pk").first()
    if first_nomination is not None:
        jurors[2].nominations.set([first_nomination])
    # A conflict declared with a whole NGO: none of its projects goes to this juror.
    conflicted = fair.projects.filter(state=ProjectState.SUBMITTED).order_by("pk").first()
    if conflicted is not None:
        jurors[1].conflict_organisations.set([conflicted.organisation_id])
    accounts = ", ".join(juror.user.email for juror in jurors)
    return (
        f"Created a review with assigned reading and {len(jurors)} jurors for {fair.slug}; "
        f"the jurors log in with the demo password {DEMO_PASSWORD}: {accounts}."
    )


def _seed_archived() -> str:
    fair = FAIR.get()
    if fair is None:
        raise MissingFair(FAIR)
    if Review.objects.filter(fair=fair).exists():
        return f"{fair.slug} already has a review; nothing to do."
    rng = random.Random(2025)  # noqa: S311 - repeatable demo data, not secrets
    review = services.review_create(fair=fair, **services.review_window_defaults(fair))
    criteria = list(review.criteria.all())
    jurors = _seat_jurors(review)
    projects = list(
        fair.projects.filter(
            state__in=(*SHORTLISTED, ProjectState.NOT_SELECTED, ProjectState.SUBMITTED)
        ).order_by("pk")
    )
    narrowed = jurors[-1]  # seated in the first nomination only
    first_nomination = fair.nominations.order_by("position", "pk").first()
    if first_nomination is not None:
        narrowed.nominations.set([first_nomination])
    evaluations, recusals = [], []
    for project in projects:
        for juror in jurors:
            if juror is narrowed and project.nomination_id != getattr(first_nomination, "pk", None):
                continue
            if rng.random() < 0.03:
                recusals.append(Recusal(juror=juror, project=project, reason="Demo: knows the NGO"))
                continue
            comment_for_ngo = rng.choice(NGO_COMMENTS) if rng.random() < 0.4 else ""
            evaluations.append(Evaluation(juror=juror, project=project, comment_for_ngo=comment_for_ngo))
    Recusal.objects.bulk_create(recusals)
    Evaluation.objects.bulk_create(evaluations)
    finalists = {project.pk for project in projects if project.state in SHORTLISTED}
    scores = []
    for evaluation in evaluations:
        # Finalists between 7 and 10, the others between 2 and 6: the cut-off falls between.
        low, high = (7, 10) if evaluation.project_id in finalists else (2, 6)
        for criterion in criteria:
            value = (
                None
                if rng.random() < 0.04 and criterion.allow_cannot_assess
                else max(1, rng.randint(low, high) * criterion.scale_max // 10)
            )
            scores.append(Score(evaluation=evaluation, criterion=criterion, value=value))
    Score.objects.bulk_create(scores, batch_size=2000)
    Juror.objects.filter(pk__in=[juror.pk for juror in jurors[:-2]]).update(finalised_at=review.closes_at)
    review.shortlist_applied_at = review.closes_at
    review.shortlist_top_n = len(finalists)
    review.shortlist_per_nomination = False
    review.shortlist_include_ties = True
    review.shortlist_basis = Normalisation.NONE
    review.shortlist_scores_sha256 = selectors.scores_digest(selectors.counted_scores(review))
    review.save()
    return (
        f"Created a demo review with {len(jurors)} jurors, {len(scores)} scores and "
        f"{len(recusals)} recusals for {fair.slug}."
    )


def _seat_jurors(review: Review, emails: list[str] | None = None) -> list[Juror]:
    User = get_user_model()
    group = Group.objects.get(name=services.JURY_GROUP)
    seats = []
    for email, name in JURORS:
        if emails is not None and email not in emails:
            continue
        # Like the NGO accounts, with the published demo password and a confirmed address, so a
        # new organiser can try the juror's side too (the invitation link would do both).
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=name,
            language="kk",
            email_confirmed_at=timezone.now(),
        )
        user.groups.add(group)
        seats.append(Juror.objects.create(review=review, user=user))
    return seats
