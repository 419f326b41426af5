"""Read paths of the jury: a juror's work list and progress, and the organisers' ranking.

The ranking is computed here from the stored scores, exactly (fractions, not floats), so
that equal means are recognised as ties and never split by rounding:

- each score is put on the 1–10 scale (`1 + (value − 1) × 9 / (highest − 1)`: the lowest score
  is 1 and the highest 10 whatever the criterion's scale, and a 1–10 score stays as given),
  so criteria with different scales weigh only by their weights;
- a juror's mark for a project is the weighted mean over the criteria they assessed;
  "cannot assess" is left out with its weight, never counted as 0;
- a project's score is the plain mean of its jurors' marks; the spread is their standard
  deviation. Recused jurors have no marks for that project, and scores a juror gave before
  their seat was narrowed to other nominations no longer count.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Prefetch, QuerySet

from jury.models import REVIEWED_STATES, Criterion, Evaluation, Juror, Recusal, Review, Score
from projects.models import Nomination, Project, ProjectState

# Returned projects keep the scores they had; they are ranked but cannot be shortlisted.
RANKED_STATES = (*REVIEWED_STATES, ProjectState.RETURNED)
SCALE = 10


# ---------------------------------------------------------------- the juror's side


def seats_of(user) -> QuerySet[Juror]:
    """The user's seats in published fairs, newest review first."""
    return (
        Juror.objects.filter(user=user, review__fair__is_published=True)
        .select_related("review__fair")
        .prefetch_related("nominations")
        .order_by("-review__closes_at")
    )


def assigned_projects(juror: Juror) -> QuerySet[Project]:
    projects = Project.objects.filter(
        fair_id=juror.review.fair_id, state__in=REVIEWED_STATES
    ).exclude(
        organisation__memberships__user_id=juror.user_id  # their own NGOs' projects: see permissions.seat_covers
    )
    nomination_ids = [nomination.pk for nomination in juror.nominations.all()]
    if nomination_ids:
        projects = projects.filter(nomination_id__in=nomination_ids)
    return projects


class WorkStatus:
    TO_SCORE = "to_score"
    INCOMPLETE = "incomplete"  # a criterion was added after the juror scored
    SCORED = "scored"
    RECUSED = "recused"


@dataclass
class WorkItem:
    project: Project
    status: str
    evaluation: Evaluation | None = None
    recusal: Recusal | None = None


@dataclass
class Progress:
    total: int = 0
    scored: int = 0
    recused: int = 0

    @property
    def left(self) -> int:
        return self.total - self.scored - self.recused

    @property
    def done(self) -> bool:
        return self.left == 0


def worklist(juror: Juror) -> tuple[list[WorkItem], Progress]:
    """Every project the juror reviews, with what is left to do; four queries."""
    criteria_count = juror.review.criteria.count()
    projects = (
        assigned_projects(juror)
        .select_related("organisation", "nomination")
        .order_by("nomination__position", "nomination_id", "title")
    )
    evaluations = {
        evaluation.project_id: evaluation
        for evaluation in juror.evaluations.annotate(answered=Count("scores"))
    }
    recusals = {recusal.project_id: recusal for recusal in juror.recusals.all()}
    items, progress = [], Progress()
    for project in projects:
        progress.total += 1
        if project.pk in recusals:
            items.append(WorkItem(project, WorkStatus.RECUSED, recusal=recusals[project.pk]))
            progress.recused += 1
            continue
        evaluation = evaluations.get(project.pk)
        if evaluation is None:
            status = WorkStatus.TO_SCORE
        elif evaluation.answered < criteria_count:
            status = WorkStatus.INCOMPLETE
        else:
            status = WorkStatus.SCORED
            progress.scored += 1
        items.append(WorkItem(project, status, evaluation=evaluation))
    return items, progress


def own_evaluation(juror: Juror, project: Project) -> Evaluation | None:
    return (
        Evaluation.objects.filter(juror=juror, project=project)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion_id"
                ),
            )
        )
        .first()
    )


# ---------------------------------------------------------------- the organisers' side


@dataclass
class JurorMark:
    juror_id: int
    mark: Fraction | None  # None: the juror could assess no criterion
    values: dict[int, int | None]  # criterion id → score, None for "cannot assess"
    comment: str


@dataclass
class RankedProject:
    project: Project
    marks: list[JurorMark] = field(default_factory=list)
    recusals: int = 0
    score: Fraction | None = None  # set by `assign_ranks`: the mean, kept
    rank: int | None = None
    tied: bool = False

    @property
    def score_value(self) -> float | None:
        """The exact score as a float, for display and spreadsheets."""
        return float(self.score) if self.score is not None else None

    @property
    def counted_marks(self) -> list[Fraction]:
        return [mark.mark for mark in self.marks if mark.mark is not None]

    @property
    def mean(self) -> Fraction | None:
        marks = self.counted_marks
        return sum(marks, Fraction(0)) / len(marks) if marks else None

    @property
    def jurors_scored(self) -> int:
        return len(self.counted_marks)

    @property
    def spread(self) -> float | None:
        """Population standard deviation of the jurors' marks."""
        marks = self.counted_marks
        if not marks:
            return None
        mean = sum(marks, Fraction(0)) / len(marks)
        return math.sqrt(sum((mark - mean) ** 2 for mark in marks) / len(marks))

    @property
    def lowest(self) -> Fraction | None:
        return min(self.counted_marks, default=None)

    @property
    def highest(self) -> Fraction | None:
        return max(self.counted_marks, default=None)


@dataclass(frozen=True)
class ScaleTable:
    """Per criterion, the integers that put a score on 1–10 and weigh it, over one common
    denominator, so a juror's mark is a single exact fraction (thousands of them per ranking:
    fraction arithmetic per score would dominate the page)."""

    terms: dict[int, tuple[int, int, int]]  # criterion id → (weight × 100, highest − 1, lcm / (highest − 1))
    common: int  # lcm of every (highest − 1)

    @classmethod
    def of(cls, criteria: Iterable[Criterion]) -> "ScaleTable":
        criteria = list(criteria)
        common = math.lcm(*(criterion.scale_max - 1 for criterion in criteria)) if criteria else 1
        return cls(
            {
                criterion.pk: (
                    int(criterion.weight * 100),
                    criterion.scale_max - 1,
                    common // (criterion.scale_max - 1),
                )
                for criterion in criteria
            },
            common,
        )


def juror_mark(values: dict[int, int | None], criteria: dict[int, Criterion] | ScaleTable) -> Fraction | None:
    """One juror's weighted mean for one project on the 1–10 scale; None if nothing was assessed.

    A score v of 1…highest counts as 1 + (v − 1) × 9 / (highest − 1).
    """
    table = criteria if isinstance(criteria, ScaleTable) else ScaleTable.of(criteria.values())
    numerator = denominator = 0
    for criterion_id, value in values.items():
        if value is None:
            continue
        weight, span, multiplier = table.terms[criterion_id]
        numerator += weight * (span + (value - 1) * (SCALE - 1)) * multiplier
        denominator += weight * span * multiplier
    return Fraction(numerator, denominator) if denominator else None


def assign_ranks(rows: list[RankedProject]) -> list[RankedProject]:
    """Sort best first and number them; equal means share a rank ("1, 2, 2, 4") and are marked tied.

    Unscored projects come last, without a rank.
    """
    for row in rows:
        row.score = row.mean  # computed once: the sort and the ranks read it many times
    rows.sort(key=lambda row: (row.score is None, -(row.score or 0), row.project.title.casefold()))
    first_at: dict[Fraction, int] = {}
    counts: dict[Fraction, int] = defaultdict(int)
    for index, row in enumerate(rows):
        if row.score is not None:
            first_at.setdefault(row.score, index + 1)
            counts[row.score] += 1
    for row in rows:
        row.rank = first_at.get(row.score) if row.score is not None else None
        row.tied = row.score is not None and counts[row.score] > 1
    return rows


def criteria_of(review: Review) -> list[Criterion]:
    return list(review.criteria.all())


def ranking(
    review: Review, *, nomination: Nomination | None = None, criteria: Iterable[Criterion] | None = None
) -> list[RankedProject]:
    """Every ranked project of the review (or of one nomination), best first; five queries."""
    table = ScaleTable.of(criteria if criteria is not None else criteria_of(review))
    projects = Project.objects.filter(fair_id=review.fair_id, state__in=RANKED_STATES).select_related(
        "organisation", "nomination"
    )
    if nomination is not None:
        projects = projects.filter(nomination=nomination)
    rows = {project.pk: RankedProject(project) for project in projects}

    recused = set()
    for juror_id, project_id in Recusal.objects.filter(juror__review=review, project_id__in=rows).values_list(
        "juror_id", "project_id"
    ):
        recused.add((juror_id, project_id))
        rows[project_id].recusals += 1

    # Seats narrowed to some nominations: scores given outside them no longer count.
    seat_nominations: dict[int, set[int]] = defaultdict(set)
    for juror_id, nomination_id in Juror.nominations.through.objects.filter(juror__review=review).values_list(
        "juror_id", "nomination_id"
    ):
        seat_nominations[juror_id].add(nomination_id)

    values: dict[tuple[int, int], dict[int, int | None]] = defaultdict(dict)
    comments: dict[tuple[int, int], str] = {}
    scores = Score.objects.filter(
        evaluation__juror__review=review, evaluation__project_id__in=rows
    ).values_list(
        "evaluation__juror_id", "evaluation__project_id", "criterion_id", "value", "evaluation__comment"
    )
    for juror_id, project_id, criterion_id, value, comment in scores:
        if (juror_id, project_id) in recused:  # defensive: a recusal removes the evaluation
            continue
        if (
            seat_nominations.get(juror_id)
            and rows[project_id].project.nomination_id not in seat_nominations[juror_id]
        ):
            continue
        values[(juror_id, project_id)][criterion_id] = value
        comments[(juror_id, project_id)] = comment
    for (juror_id, project_id), answers in sorted(values.items()):
        rows[project_id].marks.append(
            JurorMark(juror_id, juror_mark(answers, table), answers, comments[(juror_id, project_id)])
        )
    return assign_ranks(list(rows.values()))


@dataclass
class JurorProgress:
    juror: Juror
    progress: Progress


def progress_by_juror(review: Review) -> list[JurorProgress]:
    """Each juror's assigned, scored and recused counts; five queries whatever the size."""
    jurors = list(review.jurors.select_related("user").prefetch_related("nominations"))
    criteria_count = review.criteria.count()
    projects = list(
        Project.objects.filter(fair_id=review.fair_id, state__in=REVIEWED_STATES).values_list(
            "pk", "nomination_id"
        )
    )
    complete = {
        (juror_id, project_id)
        for juror_id, project_id, answered in Evaluation.objects.filter(juror__review=review)
        .annotate(answered=Count("scores"))
        .values_list("juror_id", "project_id", "answered")
        if answered >= criteria_count
    }
    recused = set(Recusal.objects.filter(juror__review=review).values_list("juror_id", "project_id"))
    result = []
    for juror in jurors:
        nomination_ids = {nomination.pk for nomination in juror.nominations.all()}
        progress = Progress()
        for project_id, nomination_id in projects:
            if nomination_ids and nomination_id not in nomination_ids:
                continue
            progress.total += 1
            if (juror.pk, project_id) in recused:
                progress.recused += 1
            elif (juror.pk, project_id) in complete:
                progress.scored += 1
        result.append(JurorProgress(juror, progress))
    return result
