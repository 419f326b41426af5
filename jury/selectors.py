"""Read paths of the jury: a juror's work list and progress, and the organisers' ranking.

The ranking is computed from the stored scores on every read, by one PostgreSQL query
(`_RANKING_SQL`: integers over common denominators, then fractions here; never floats), so
that equal means are recognised as ties and never split by rounding:

- each score is put on the 1–10 scale (`1 + (value − 1) × 9 / (highest − 1)`: the lowest score
  is 1 and the highest 10 whatever the criterion's scale, and a 1–10 score stays as given),
  so criteria with different scales weigh only by their weights;
- a juror's mark for a project is the weighted mean over the criteria they assessed;
  "cannot assess" is left out with its weight, never counted as 0;
- a project's score is the plain mean of its jurors' marks; the spread is their standard
  deviation. Recused jurors have no marks for that project, and scores a juror gave before
  their seat was narrowed to other nominations no longer count.

Beside it, optionally, a normalised score (`normalised_marks`, docs/commission-protocol.md):
each juror's marks as z-scores over their own projects, mapped back to 1–10. That one is in
floating point (a square root is never exact) and rounded to `NORMALISED_PLACES`.
"""

import hashlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from jury import assignment
from jury.models import (
    REVIEWED_STATES,
    Criterion,
    Evaluation,
    Juror,
    Normalisation,
    Reading,
    ReadingAssignment,
    Recusal,
    Review,
    Score,
)
from projects.models import Membership, Nomination, Organisation, Project, ProjectState

# Returned projects keep the scores they had; they are ranked but cannot be shortlisted.
RANKED_STATES = (*REVIEWED_STATES, ProjectState.RETURNED)
SCALE = 10
# A juror's marks are normalised only over at least this many projects: the mean and spread of
# two or three marks say more about those projects than about the juror's severity, and a
# z-score over them would magnify chance differences into large moves.
NORMALISATION_MIN_PROJECTS = 5
# Normalised scores are floats; rounded to this many places before ranking, so arithmetic noise
# (1e-15) never splits what is the same score, and two projects equal here share a rank.
NORMALISED_PLACES = 6


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
    """What the juror reviews (`permissions.seat_covers` for one project): their seat's
    projects, and with assigned reading only those given to them (or recused from)."""
    projects = (
        Project.objects.filter(fair_id=juror.review.fair_id, state__in=REVIEWED_STATES)
        .exclude(
            organisation__memberships__user_id=juror.user_id  # their own NGOs' projects: see permissions.seat_covers
        )
        .exclude(
            organisation_id__in=Juror.conflict_organisations.through.objects.filter(juror_id=juror.pk).values(
                "organisation_id"
            )
        )
    )
    nomination_ids = [nomination.pk for nomination in juror.nominations.all()]
    if nomination_ids:
        projects = projects.filter(nomination_id__in=nomination_ids)
    if juror.review.assigned_reading:
        projects = projects.filter(
            Q(pk__in=ReadingAssignment.objects.filter(juror_id=juror.pk).values("project_id"))
            | Q(pk__in=Recusal.objects.filter(juror_id=juror.pk).values("project_id"))
        )
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


@dataclass(eq=False)
class RankedProject:
    """One project's place in the ranking, from the aggregates PostgreSQL computed.

    The database sends exact integers: every counted mark of the ranking is k / `unit`
    (one common denominator), and here are Σk, Σk², the lowest and highest k. The exact
    score, spread and extremes are fractions of those, built only when read.
    """

    project: Project
    jurors_scored: int = 0
    recusals: int = 0
    rank: int | None = None
    tied: bool = False
    total: int | None = field(default=None, repr=False)  # Σk over the counted marks
    squares: int | None = field(default=None, repr=False)  # Σk²
    lowest_k: int | None = field(default=None, repr=False)
    highest_k: int | None = field(default=None, repr=False)
    unit: int = field(default=1, repr=False)
    loader: "_MarksLoader | None" = field(default=None, repr=False)
    # Set by `add_normalised`: the mean of the jurors' normalised marks, its rank and tie.
    normalised_score: float | None = None
    normalised_rank: int | None = None
    normalised_tied: bool = False
    # With assigned reading, how many jurors are to read it (`readers_by_project`); None otherwise.
    readers: int | None = None

    @cached_property
    def score(self) -> Fraction | None:
        """The mean of the jurors' marks, exactly."""
        return Fraction(self.total, self.jurors_scored * self.unit) if self.jurors_scored else None

    @property
    def score_value(self) -> float | None:
        """The exact score as a float, for display and spreadsheets."""
        return float(self.score) if self.score is not None else None

    @cached_property
    def spread(self) -> float | None:
        """Population standard deviation of the jurors' marks."""
        count = self.jurors_scored
        if not count:
            return None
        return math.sqrt(Fraction(count * self.squares - self.total**2, (count * self.unit) ** 2))

    @property
    def lowest(self) -> Fraction | None:
        return Fraction(self.lowest_k, self.unit) if self.jurors_scored else None

    @property
    def highest(self) -> Fraction | None:
        return Fraction(self.highest_k, self.unit) if self.jurors_scored else None

    @property
    def marks(self) -> list[JurorMark]:
        """Every juror's mark and scores for this project, by juror. The ranking does not need
        them: the first row asked loads them for the whole ranking in one query."""
        if self.loader is None:
            return []
        return self.loader.marks_of(self)


@dataclass(frozen=True)
class ScaleTable:
    """Per criterion, the integers that put a score on 1–10 and weigh it, over one common
    denominator, so a juror's mark is a single exact fraction."""

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

    A score v of 1…highest counts as 1 + (v − 1) × 9 / (highest − 1). `_RANKING_SQL` computes
    the same in the database; this one serves the per-juror rows of the exports.
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


def criteria_of(review: Review) -> list[Criterion]:
    return list(review.criteria.all())


# The projects being ranked, as a condition on `projects_project p`.
_RANKED_PROJECT = """
    p.fair_id = %(fair)s AND p.state = ANY(%(states)s)
    AND (%(nomination)s::integer IS NULL OR p.nomination_id = %(nomination)s::integer)
"""

# The evaluations that count, shared by the ranking and the per-juror rows: of a ranked
# project, by a juror who sits on this review and has not recused (defensive: a recusal
# deletes the evaluation) nor declared a conflict with the project's NGO (recorded after they
# scored: the marks stay stored but stop counting, as for a recusal), and whose seat, if narrowed to some nominations, still covers the
# project's (scores given before the seat was narrowed no longer count).
# Plain joins on indexed tables, no correlated subqueries and no CTE on the inner side: on a
# review whose jurors the planner has no statistics for yet (a few rows, never auto-analysed),
# it estimates one juror, and a nested loop over a CTE then took 36 s instead of 0.1 s.
_COUNTED_EVALUATIONS = f"""
    SELECT e.id, e.juror_id, e.project_id, e.comment, e.comment_for_ngo
    FROM jury_evaluation e
    JOIN jury_juror j ON j.id = e.juror_id
    JOIN projects_project p ON p.id = e.project_id
    LEFT JOIN (
        SELECT juror_id, array_agg(nomination_id) AS nominations FROM jury_juror_nominations GROUP BY juror_id
    ) seat ON seat.juror_id = e.juror_id
    WHERE j.review_id = %(review)s AND {_RANKED_PROJECT}
      AND NOT EXISTS (
        SELECT 1 FROM jury_recusal r WHERE r.juror_id = e.juror_id AND r.project_id = e.project_id
      )
      AND NOT EXISTS (
        SELECT 1 FROM jury_juror_conflict_organisations c
        WHERE c.juror_id = e.juror_id AND c.organisation_id = p.organisation_id
      )
      AND (seat.nominations IS NULL OR p.nomination_id = ANY(seat.nominations))
"""  # noqa: S608 - built from this module's constants only; every value is a parameter

# Every number here is an exact integer, so equal means compare equal and are ranked as ties,
# as the module says. A juror's mark is numerator / (common × weights), `weights` being the
# sum of the weights (in hundredths) of the criteria they assessed; scaling each numerator to
# the lcm of every `weights` in the ranking puts all marks over one denominator, and scaling
# each project's sum to the lcm of 1…(most jurors) makes the means comparable integers: the
# rank key. PostgreSQL has lcm() but no lcm aggregate, hence the two recursive folds.
# Per score the sums are in {number} (bigint whenever it cannot overflow: much faster than
# numeric on a national fair); past them numeric, since the denominators multiply.
_RANKING_SQL = """
WITH RECURSIVE
counted AS ({counted}),
criteria AS (
    SELECT id, trunc(weight * 100)::{number} AS hundredths,
           trunc(weight * 100)::{number} * div(%(common)s::numeric, scale_max - 1)::{number} AS factor
    FROM jury_criterion WHERE review_id = %(review)s
),
marks AS (
    SELECT c.project_id,
           (%(common)s::{number} * sum(w.hundredths) + {steps} * sum(w.factor * (s.value - 1)))::{number}
             AS numerator,
           sum(w.hundredths)::{number} AS weights
    FROM counted c
    JOIN jury_score s ON s.evaluation_id = c.id
    JOIN criteria w ON w.id = s.criterion_id
    WHERE s.value IS NOT NULL
    GROUP BY c.id, c.project_id
),
-- A project's marks over the same weights, summed before any scaling: the arithmetic on
-- numeric then runs over a few rows per project, not over every mark.
groups AS MATERIALIZED (
    SELECT project_id, weights, count(*) AS jurors, sum(numerator) AS total,
           sum(numerator * numerator) AS squares, min(numerator) AS lowest, max(numerator) AS highest
    FROM marks GROUP BY project_id, weights
),
weight_sums AS MATERIALIZED (
    SELECT weights, row_number() OVER (ORDER BY weights) AS n FROM (SELECT DISTINCT weights FROM groups) d
),
weights_lcm (n, value) AS (
    SELECT 0::bigint, 1::numeric
    UNION ALL
    SELECT w.n, lcm(l.value, w.weights::numeric) FROM weights_lcm l JOIN weight_sums w ON w.n = l.n + 1
),
unit AS (SELECT value FROM weights_lcm ORDER BY n DESC LIMIT 1),
totals AS (
    SELECT g.project_id, sum(g.jurors)::integer AS jurors, sum(g.total * g.factor) AS total,
           sum(g.squares * g.factor * g.factor) AS squares,
           min(g.lowest * g.factor) AS lowest, max(g.highest * g.factor) AS highest
    FROM (SELECT groups.*, div(u.value, weights::numeric) AS factor FROM groups CROSS JOIN unit u) g
    GROUP BY g.project_id
),
jurors_lcm (n, value) AS (
    SELECT 1, 1::numeric
    UNION ALL
    SELECT l.n + 1, lcm(l.value, l.n + 1) FROM jurors_lcm l WHERE l.n < (SELECT max(jurors) FROM totals)
),
keyed AS (
    SELECT t.*, t.total * div(j.value, t.jurors) AS key
    FROM totals t CROSS JOIN (SELECT value FROM jurors_lcm ORDER BY n DESC LIMIT 1) j
),
recusals AS (
    SELECT r.project_id, count(*) AS recusals
    FROM jury_recusal r JOIN jury_juror j ON j.id = r.juror_id JOIN projects_project p ON p.id = r.project_id
    WHERE j.review_id = %(review)s AND {ranked}
    GROUP BY r.project_id
)
SELECT p.id, coalesce(k.jurors, 0), k.total, k.squares, k.lowest, k.highest, coalesce(r.recusals, 0),
       CASE WHEN k.key IS NOT NULL THEN rank() OVER (ORDER BY k.key DESC NULLS LAST) END,
       k.key IS NOT NULL AND count(*) OVER (PARTITION BY k.key) > 1,
       (SELECT value FROM unit)
FROM projects_project p
LEFT JOIN keyed k ON k.project_id = p.id
LEFT JOIN recusals r ON r.project_id = p.id
WHERE {ranked}
"""
_RANKING_SQL_BY_TYPE = {
    number: _RANKING_SQL.format(
        ranked=_RANKED_PROJECT, counted=_COUNTED_EVALUATIONS, number=number, steps=SCALE - 1
    )
    for number in ("bigint", "numeric")
}
BIGINT_LIMIT = 2**31


def _ranking_sql(table: ScaleTable) -> str:
    """bigint when no juror's numerator squared can reach its limit: each numerator is at
    most 10 × common × Σ weights (in hundredths)."""
    bound = SCALE * table.common * sum(weight for weight, _span, _multiplier in table.terms.values())
    return _RANKING_SQL_BY_TYPE["bigint" if bound < BIGINT_LIMIT else "numeric"]


# Every counted score of the ranked projects, in the ranking's order (`order` lists the
# project ids as ranked), then by juror and criterion: the per-juror rows of the exports.
_SCORES_SQL = f"""
WITH counted AS ({_COUNTED_EVALUATIONS})
SELECT c.project_id, c.juror_id, s.criterion_id, s.value, c.comment
FROM counted c
JOIN jury_score s ON s.evaluation_id = c.id
JOIN unnest(%(order)s::integer[]) WITH ORDINALITY AS o(project_id, position) ON o.project_id = c.project_id
ORDER BY o.position, c.juror_id, s.criterion_id
"""  # noqa: S608 - built from this module's constants only; every value is a parameter


def _as_int(value) -> int | None:
    return int(value) if value is not None else None


def _parameters(review: Review, nomination: Nomination | None, table: ScaleTable) -> dict:
    return {
        "review": review.pk,
        "fair": review.fair_id,
        "states": list(RANKED_STATES),
        "nomination": nomination.pk if nomination is not None else None,
        "common": table.common,
    }


def ranking(
    review: Review,
    *,
    nomination: Nomination | None = None,
    criteria: Iterable[Criterion] | None = None,
    with_normalised: bool = False,
) -> list[RankedProject]:
    """Every ranked project of the review (or of one nomination), best first; three queries
    (two when `criteria` are given), whatever the number of projects, jurors and scores;
    one more `with_normalised` (`add_normalised`).

    The database computes each project's aggregates, rank and ties (`_RANKING_SQL`); here the
    rows only meet their projects and are sorted: by rank, unscored last, then by title.
    """
    table = ScaleTable.of(criteria if criteria is not None else criteria_of(review))
    parameters = _parameters(review, nomination, table)
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(table), parameters)
        aggregates = cursor.fetchall()
    projects = Project.objects.filter(fair_id=review.fair_id, state__in=RANKED_STATES)
    if nomination is not None:
        projects = projects.filter(nomination=nomination)
    # Only what the ranking's pages and exports show (the descriptions are long), and each NGO
    # and nomination once, not once per project: building model instances is most of the cost.
    projects = projects.only(
        "id", "fair_id", "organisation_id", "nomination_id", "state", "title"
    ).prefetch_related(
        Prefetch("organisation", Organisation.objects.only("id", "name")),
        Prefetch("nomination", Nomination.objects.only("id", "title_kk", "title_ru", "title_en")),
    )
    by_pk = {project.pk: project for project in projects}
    loader = _MarksLoader(review, nomination, table)
    rows = []
    for project_id, jurors, total, squares, lowest, highest, recusals, rank, tied, unit in aggregates:
        project = by_pk.get(project_id)
        if project is None:  # changed state between the two queries
            continue
        rows.append(
            RankedProject(
                project,
                jurors_scored=jurors,
                recusals=recusals,
                rank=rank,
                tied=tied,
                total=_as_int(total),
                squares=_as_int(squares),
                lowest_k=_as_int(lowest),
                highest_k=_as_int(highest),
                unit=table.common * int(unit),
                loader=loader,
            )
        )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.project.title.casefold()))
    loader.rows = rows
    if with_normalised:
        add_normalised(review, rows, table=table)
    return rows


# ---------------------------------------------------------------- normalisation

# Each counted juror's mark per project, as an exact fraction numerator / denominator (the
# same arithmetic as `_RANKING_SQL`'s marks and `juror_mark`), over the whole review.
_MARKS_SQL = f"""
WITH counted AS ({_COUNTED_EVALUATIONS}),
criteria AS (
    SELECT id, trunc(weight * 100)::numeric AS hundredths,
           trunc(weight * 100)::numeric * div(%(common)s::numeric, scale_max - 1) AS factor
    FROM jury_criterion WHERE review_id = %(review)s
)
SELECT c.project_id, c.juror_id,
       %(common)s::numeric * sum(w.hundredths) + {SCALE - 1} * sum(w.factor * (s.value - 1)) AS numerator,
       %(common)s::numeric * sum(w.hundredths) AS denominator
FROM counted c
JOIN jury_score s ON s.evaluation_id = c.id
JOIN criteria w ON w.id = s.criterion_id
WHERE s.value IS NOT NULL
GROUP BY c.id, c.project_id, c.juror_id
"""  # noqa: S608 - built from this module's constants only; every value is a parameter


@dataclass
class NormalisedMarks:
    """Every juror's raw and normalised mark over the whole review (whatever nomination is shown).

    `normalised` holds the jurors whose marks were turned into z-scores; the others (fewer than
    `NORMALISATION_MIN_PROJECTS` projects, or all their marks equal) keep their raw marks.
    """

    raw: dict[tuple[int, int], float]  # (project id, juror id) → raw mark on 1–10
    marks: dict[tuple[int, int], float]  # (project id, juror id) → normalised mark on 1–10
    normalised: set[int]  # juror ids
    kept_raw: set[int]  # juror ids
    mean: float | None  # of all raw marks: the scale the z-scores are mapped back to
    deviation: float | None
    min_projects: int = NORMALISATION_MIN_PROJECTS


def _mean_and_deviation(values: list[float]) -> tuple[float, float]:
    """Mean and population standard deviation (the ranking's spread is one too)."""
    mean = math.fsum(values) / len(values)
    return mean, math.sqrt(math.fsum((value - mean) ** 2 for value in values) / len(values))


def normalise(
    raw: dict[tuple[int, int], float], *, min_projects: int = NORMALISATION_MIN_PROJECTS
) -> NormalisedMarks:
    """The method, without the database (docs/commission-protocol.md, "Normalisation"):

    1. a juror with at least `min_projects` marks and a spread (standard deviation > 0) has each
       mark turned into z = (mark − the juror's mean) / the juror's standard deviation;
    2. z is mapped back to the scale with the mean M and standard deviation S of all jurors' raw
       marks: M + z × S, clipped to [1, 10];
    3. any other juror keeps their raw marks.
    """
    by_juror: dict[int, list[tuple[int, float]]] = {}
    for (project_id, juror_id), mark in raw.items():
        by_juror.setdefault(juror_id, []).append((project_id, mark))
    if not raw:
        return NormalisedMarks({}, {}, set(), set(), None, None, min_projects)
    overall_mean, overall_deviation = _mean_and_deviation(list(raw.values()))
    marks: dict[tuple[int, int], float] = {}
    normalised, kept_raw = set(), set()
    for juror_id, own in by_juror.items():
        mean, deviation = _mean_and_deviation([mark for _project, mark in own])
        if len(own) < min_projects or deviation <= 1e-12:
            kept_raw.add(juror_id)
            marks.update({(project_id, juror_id): mark for project_id, mark in own})
            continue
        normalised.add(juror_id)
        for project_id, mark in own:
            value = overall_mean + (mark - mean) / deviation * overall_deviation
            marks[(project_id, juror_id)] = min(float(SCALE), max(1.0, value))
    return NormalisedMarks(raw, marks, normalised, kept_raw, overall_mean, overall_deviation, min_projects)


def normalised_marks(review: Review, *, table: ScaleTable | None = None) -> NormalisedMarks:
    """`normalise` over every counted mark of the review; one query (two without `table`)."""
    table = table or ScaleTable.of(criteria_of(review))
    with connection.cursor() as cursor:
        cursor.execute(_MARKS_SQL, _parameters(review, None, table))
        raw = {
            (project_id, juror_id): float(Fraction(int(numerator), int(denominator)))
            for project_id, juror_id, numerator, denominator in cursor.fetchall()
        }
    return normalise(raw)


def add_normalised(
    review: Review, rows: list[RankedProject], *, table: ScaleTable | None = None
) -> NormalisedMarks:
    """Sets each row's normalised score, rank and tie (ranked among `rows`); one query."""
    result = normalised_marks(review, table=table)
    sums: dict[int, list[float]] = {}
    for (project_id, _juror_id), mark in result.marks.items():
        sums.setdefault(project_id, []).append(mark)
    for row in rows:
        values = sums.get(row.project.pk)
        row.normalised_score = round(math.fsum(values) / len(values), NORMALISED_PLACES) if values else None
    scored = sorted((row.normalised_score for row in rows if row.normalised_score is not None), reverse=True)
    first_place: dict[float, int] = {}
    counts: dict[float, int] = {}
    for index, value in enumerate(scored, start=1):
        first_place.setdefault(value, index)
        counts[value] = counts.get(value, 0) + 1
    for row in rows:
        if row.normalised_score is not None:
            row.normalised_rank = first_place[row.normalised_score]
            row.normalised_tied = counts[row.normalised_score] > 1
    return result


def basis_score(row: RankedProject, basis: str):
    """The score a shortlist ranks by: exact raw mean, or the rounded normalised one."""
    return row.normalised_score if basis == Normalisation.ZSCORE else row.score


def iter_marks(
    review: Review, rows: list[RankedProject], *, nomination: Nomination | None = None, table: ScaleTable
) -> Iterator[tuple[RankedProject, list[JurorMark]]]:
    """Each row of `ranking()` with its jurors' marks and scores, one project at a time.

    One query on a server-side cursor, read in chunks, so an export of every score of a
    national fair holds one project's scores in memory, not the fair's.
    """
    parameters = {**_parameters(review, nomination, table), "order": [row.project.pk for row in rows]}
    with connection.chunked_cursor() as cursor:
        cursor.execute(_SCORES_SQL, parameters)
        pending = None
        chunk: list = []
        for row in rows:
            marks: list[JurorMark] = []
            while True:
                if pending is None:
                    if not chunk:
                        chunk = list(reversed(cursor.fetchmany(MARKS_CHUNK_SIZE)))
                        if not chunk:
                            break
                    pending = chunk.pop()
                project_id, juror_id, criterion_id, value, comment = pending
                if project_id != row.project.pk:
                    break
                if not marks or marks[-1].juror_id != juror_id:
                    marks.append(JurorMark(juror_id, None, {}, comment))
                marks[-1].values[criterion_id] = value
                pending = None
            for mark in marks:
                mark.mark = juror_mark(mark.values, table)
            yield row, marks


MARKS_CHUNK_SIZE = 2000


class _MarksLoader:
    """Loads every row's marks at the first `RankedProject.marks` read, in one query."""

    def __init__(self, review: Review, nomination: Nomination | None, table: ScaleTable):
        self.review, self.nomination, self.table = review, nomination, table
        self.rows: list[RankedProject] = []
        self.loaded: dict[int, list[JurorMark]] | None = None

    def marks_of(self, row: RankedProject) -> list[JurorMark]:
        if self.loaded is None:
            self.loaded = {
                ranked.project.pk: marks
                for ranked, marks in iter_marks(
                    self.review, self.rows, nomination=self.nomination, table=self.table
                )
            }
        return self.loaded.get(row.project.pk, [])


@dataclass
class JurorProgress:
    juror: Juror
    progress: Progress


def progress_by_juror(review: Review) -> list[JurorProgress]:
    """Each juror's assigned, scored and recused counts; five queries whatever the size (six
    with assigned reading: then a juror's projects are the ones given to them, and recused from)."""
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
    reads = (
        set(ReadingAssignment.objects.filter(juror__review=review).values_list("juror_id", "project_id"))
        | recused
        if review.assigned_reading
        else None
    )
    result = []
    for juror in jurors:
        nomination_ids = {nomination.pk for nomination in juror.nominations.all()}
        progress = Progress()
        for project_id, nomination_id in projects:
            if nomination_ids and nomination_id not in nomination_ids:
                continue
            if reads is not None and (juror.pk, project_id) not in reads:
                continue
            progress.total += 1
            if (juror.pk, project_id) in recused:
                progress.recused += 1
            elif (juror.pk, project_id) in complete:
                progress.scored += 1
        result.append(JurorProgress(juror, progress))
    return result


# ---------------------------------------------------------------- the reading assignment


@dataclass
class ReadingInput:
    """Everything the reading assignment of a review depends on, read in seven queries.

    `digest` changes whenever any of it does: a preview shown to an organiser is applied only
    if nothing changed in between (`services.reading_assignment_apply`).
    """

    review: Review
    jurors: list[Juror]
    projects: list[Project]  # under review, by title
    juror_data: list[assignment.JurorData]
    project_data: list[assignment.ProjectData]
    recusals: set[tuple[int, int]]  # (juror id, project id)
    scored: set[tuple[int, int]]  # (juror id, project id) with an evaluation
    assignments: dict[tuple[int, int], ReadingAssignment]

    @cached_property
    def digest(self) -> str:
        canonical = "\n".join(
            [
                f"review {self.review.pk} reading {self.review.reading} n {self.review.readers_per_project}",
                *(
                    f"juror {j.id} {sorted(j.nominations)} {sorted(j.languages)} {sorted(j.organisations)} "
                    f"{sorted(j.conflicts)} {j.available}"
                    for j in self.juror_data
                ),
                *(
                    f"project {p.id} {p.nomination_id} {p.organisation_id} {p.language}"
                    for p in sorted(self.project_data, key=lambda p: p.id)
                ),
                *(f"recusal {pair}" for pair in sorted(self.recusals)),
                *(f"scored {pair}" for pair in sorted(self.scored)),
                *(f"reads {pair}" for pair in sorted(self.assignments)),
            ]
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    @cached_property
    def juror_by_id(self) -> dict[int, Juror]:
        return {juror.pk: juror for juror in self.jurors}

    @cached_property
    def project_by_id(self) -> dict[int, Project]:
        return {project.pk: project for project in self.projects}

    @cached_property
    def data_by_juror(self) -> dict[int, assignment.JurorData]:
        return {data.id: data for data in self.juror_data}

    @cached_property
    def data_by_project(self) -> dict[int, assignment.ProjectData]:
        return {data.id: data for data in self.project_data}

    def eligible(self, juror_id: int, project_id: int) -> bool:
        juror, project = self.data_by_juror.get(juror_id), self.data_by_project.get(project_id)
        return (
            juror is not None and project is not None and assignment.eligible(juror, project, self.recusals)
        )


def reading_input(review: Review) -> ReadingInput:
    """The review's jurors, projects under review, recusals, scores and current assignments."""
    jurors = list(
        review.jurors.select_related("user")
        .prefetch_related("nominations", "conflict_organisations")
        .order_by("user__full_name", "user__email", "pk")
    )  # three queries
    memberships: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(
        user_id__in=[juror.user_id for juror in jurors]
    ).values_list("user_id", "organisation_id"):
        memberships.setdefault(user_id, set()).add(organisation_id)
    projects = list(
        Project.objects.filter(fair_id=review.fair_id, state__in=REVIEWED_STATES)
        .select_related("nomination")
        .only(
            "id",
            "title",
            "nomination_id",
            "organisation_id",
            "content_language",
            "fair_id",
            "state",
            *(f"nomination__{name}" for name in ("id", "title_kk", "title_ru", "title_en", "position")),
        )
        .order_by("title", "pk")
    )
    recusals = set(Recusal.objects.filter(juror__review=review).values_list("juror_id", "project_id"))
    scored = set(Evaluation.objects.filter(juror__review=review).values_list("juror_id", "project_id"))
    assignments = {
        (row.juror_id, row.project_id): row for row in ReadingAssignment.objects.filter(juror__review=review)
    }
    juror_data = [
        assignment.JurorData(
            id=juror.pk,
            name=juror.user.get_full_name(),
            nominations=frozenset(nomination.pk for nomination in juror.nominations.all()),
            languages=frozenset(juror.languages or ()),
            organisations=frozenset(memberships.get(juror.user_id, ())),
            conflicts=frozenset(organisation.pk for organisation in juror.conflict_organisations.all()),
            available=juror.user.is_active and juror.finalised_at is None,
        )
        for juror in jurors
    ]
    project_data = [
        assignment.ProjectData(
            id=project.pk,
            title=project.title,
            nomination_id=project.nomination_id,
            organisation_id=project.organisation_id,
            language=project.content_language,
        )
        for project in projects
    ]
    return ReadingInput(review, jurors, projects, juror_data, project_data, recusals, scored, assignments)


def readings_not_scored(review: Review) -> list[ReadingAssignment]:
    """Assigned readings with no scores yet, by project (assigned reading only); one query.

    A shortlist applied now ranks those projects on fewer readers than the rule gives them."""
    if review.reading != Reading.ASSIGNED:
        return []
    scored = Evaluation.objects.filter(juror_id=OuterRef("juror_id"), project_id=OuterRef("project_id"))
    return list(
        ReadingAssignment.objects.filter(juror__review=review, project__state__in=REVIEWED_STATES)
        .exclude(Exists(scored))
        .select_related("project", "juror__user")
        .order_by("project__title", "project_id", "juror__user__full_name")
    )


def readers_by_project(review: Review) -> dict[int, int]:
    """Project id → how many jurors are assigned to read it (assigned reading); one query."""
    return dict(
        ReadingAssignment.objects.filter(juror__review=review)
        .values("project_id")
        .annotate(readers=Count("pk"))
        .values_list("project_id", "readers")
    )


# ---------------------------------------------------------------- the commission's protocol

# Every counted score of the review (the ones the ranking is computed from), in the order of
# the canonical serialisation (`scores_canonical_csv`).
_PROTOCOL_SCORES_SQL = f"""
WITH counted AS ({_COUNTED_EVALUATIONS})
SELECT c.project_id, c.juror_id, s.criterion_id, s.value
FROM counted c
JOIN jury_score s ON s.evaluation_id = c.id
ORDER BY c.project_id, c.juror_id, s.criterion_id
"""  # noqa: S608 - built from this module's constants only; every value is a parameter

SCORES_CSV_HEADER = "project_id,juror_id,criterion_id,value\n"
CANNOT_ASSESS = "n/a"


def counted_scores(review: Review) -> list[tuple[int, int, int, int | None]]:
    """(project id, juror id, criterion id, value or None) of every counted score, sorted; one query."""
    table = ScaleTable.of([])
    with connection.cursor() as cursor:
        cursor.execute(_PROTOCOL_SCORES_SQL, _parameters(review, None, table))
        return cursor.fetchall()


def scores_canonical_csv(scores: Iterable[tuple[int, int, int, int | None]]) -> bytes:
    """The scores as anyone with the scores export can write them again (docs/commission-protocol.md):
    a header line, then one line per score `project_id,juror_id,criterion_id,value`, the value as
    the juror gave it on the criterion's own scale or `n/a`, sorted by the three ids as numbers;
    UTF-8, "\\n" after every line, no quotes, no spaces."""
    lines = [SCORES_CSV_HEADER]
    for project_id, juror_id, criterion_id, value in sorted(scores, key=lambda score: score[:3]):
        lines.append(f"{project_id},{juror_id},{criterion_id},{CANNOT_ASSESS if value is None else value}\n")
    return "".join(lines).encode()


def scores_digest(scores: Iterable[tuple[int, int, int, int | None]]) -> str:
    return hashlib.sha256(scores_canonical_csv(scores)).hexdigest()


def criterion_means(
    scores: Iterable[tuple[int, int, int, int | None]], criteria: Iterable[Criterion]
) -> dict[tuple[int, int], Fraction]:
    """(project id, criterion id) → the mean of the assessed scores on the ranking's 1–10 scale
    (`1 + (value − 1) × 9 / (highest − 1)`), exactly; "cannot assess" is left out."""
    spans = {criterion.pk: criterion.scale_max - 1 for criterion in criteria}
    sums: dict[tuple[int, int], list[int]] = {}
    for project_id, _juror_id, criterion_id, value in scores:
        if value is None or criterion_id not in spans:
            continue
        entry = sums.setdefault((project_id, criterion_id), [0, 0])
        entry[0] += value - 1
        entry[1] += 1
    return {
        key: 1 + Fraction((SCALE - 1) * total, count * spans[key[1]]) for key, (total, count) in sums.items()
    }


@dataclass
class CommissionProtocol:
    """Everything the commission's protocol shows, read in a constant number of queries."""

    review: Review
    criteria: list[Criterion]
    jurors: list[JurorProgress]
    finalists: list[RankedProject]
    means: dict[tuple[int, int], Fraction]  # (project id, criterion id) → mean on 1–10
    shortlist: "object | None"  # jury.services.Shortlist of the stored rule, None before one was applied
    scores_count: int
    digest: str

    @property
    def scores_changed_since_shortlist(self) -> bool:
        stored = self.review.shortlist_scores_sha256
        return bool(stored) and stored != self.digest


def _stored_basis(review: Review) -> str:
    return review.shortlist_basis or Normalisation.NONE


def _stored_shortlist(review: Review, rows: list[RankedProject]):
    """The applied shortlist's rule (top N, scope, ties, basis) run again over `rows`, the
    current ranking: where the cut-off lies today. None when no rule was stored."""
    from jury import services  # services import this module

    if not review.shortlist_top_n:
        return None
    return services.shortlist_preview(
        review=review,
        top_n=review.shortlist_top_n,
        per_nomination=review.shortlist_per_nomination,
        include_ties=review.shortlist_include_ties,
        rows=rows,
        basis=_stored_basis(review),
    )


def commission_protocol(review: Review) -> CommissionProtocol:
    """The protocol's data: the finalists are the projects that are finalists (or awarded) now,
    in ranking order, whichever way they became one; the cut-off is the stored shortlist rule
    applied to the current ranking."""
    criteria = criteria_of(review)
    rows = ranking(review, criteria=criteria, with_normalised=_stored_basis(review) == Normalisation.ZSCORE)
    scores = counted_scores(review)
    shortlist = _stored_shortlist(review, rows) if review.shortlist_applied_at is not None else None
    return CommissionProtocol(
        review=review,
        criteria=criteria,
        jurors=progress_by_juror(review),
        finalists=[row for row in rows if row.project.state in (ProjectState.FINALIST, ProjectState.AWARDED)],
        means=criterion_means(scores, criteria),
        shortlist=shortlist,
        scores_count=len(scores),
        digest=scores_digest(scores),
    )


# ---------------------------------------------------------------- the NGO's feedback

# The counted scores and NGO comments of one project (`_COUNTED_EVALUATIONS` narrowed to it).
_PROJECT_FEEDBACK_SQL = f"""
WITH counted AS ({_COUNTED_EVALUATIONS})
SELECT c.juror_id, s.criterion_id, s.value, c.comment_for_ngo
FROM counted c
LEFT JOIN jury_score s ON s.evaluation_id = c.id
WHERE c.project_id = %(project)s
"""  # noqa: S608 - built from this module's constants only; every value is a parameter

# Rank bands, as the share of the group's scored candidates placed at or above the project:
# a band, not the place, so an NGO cannot work out other projects' scores from its own.
RANK_BANDS = (
    (Fraction(1, 10), "top10"),
    (Fraction(1, 4), "top25"),
    (Fraction(1, 2), "top50"),
    (Fraction(1), "lower50"),
)


@dataclass
class CriterionAverage:
    criterion: Criterion
    mean: Fraction | None  # on 1–10, over the jurors who assessed it
    jurors: int


@dataclass
class NgoFeedback:
    """What one project's NGO is told after the shortlist: nothing about other projects but the
    cut-off, nothing about any juror but their anonymous comments."""

    review: Review
    project: Project
    criteria: list[CriterionAverage]
    jurors_scored: int
    basis: str  # Normalisation: which score the shortlist used
    score: Fraction | float | None  # on that basis
    raw_score: Fraction | None
    cut: Fraction | float | None  # the last finalist's score in the project's group; None: all were in
    group: Nomination | None  # None: the whole fair
    finalists: int
    selected: bool
    band: str | None  # a RANK_BANDS key; None when the project was no candidate
    comments: list[str]
    # Scores changed after the shortlist was applied: the cut-off and band are today's, while
    # who is a finalist was decided on the scores of then.
    scores_changed: bool

    @property
    def normalised(self) -> bool:
        return self.basis == Normalisation.ZSCORE


FINALIST_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)


def ngo_feedback(project: Project) -> NgoFeedback | None:
    """The project's feedback once a shortlist was applied, None before (or when not ranked);
    a constant number of queries (nine; ten on a normalised basis)."""
    review = Review.objects.select_related("fair").filter(fair_id=project.fair_id).first()
    if review is None or review.shortlist_applied_at is None or not review.shortlist_top_n:
        return None
    basis = _stored_basis(review)
    criteria = criteria_of(review)
    rows = ranking(review, criteria=criteria, with_normalised=basis == Normalisation.ZSCORE)
    shortlist = _stored_shortlist(review, rows)
    found = next(
        (
            (group, entry)
            for group in shortlist.groups
            for entry in group.entries
            if entry.row.project.pk == project.pk
        ),
        None,
    )
    if found is None:
        return None
    group, entry = found
    parameters = {
        **_parameters(review, None, ScaleTable.of([])),
        "nomination": project.nomination_id,
        "project": project.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_PROJECT_FEEDBACK_SQL, parameters)
        scores = cursor.fetchall()
    comments: dict[int, str] = {}
    values: dict[int, list[int]] = {}
    for juror_id, criterion_id, value, comment in scores:
        if comment and comment.strip():
            comments[juror_id] = comment.strip()
        if criterion_id is not None and value is not None:
            values.setdefault(criterion_id, []).append(value)
    averages = []
    for criterion in criteria:
        given = values.get(criterion.pk, [])
        mean = (
            1
            + Fraction(
                (SCALE - 1) * sum(value - 1 for value in given), len(given) * (criterion.scale_max - 1)
            )
            if given
            else None
        )
        averages.append(CriterionAverage(criterion, mean, len(given)))
    candidates = [item for item in group.entries if item.place is not None]
    band = None
    if entry.place is not None:
        # Ties share the best place, so a tied project gets the better band of its places.
        share = Fraction(entry.place, len(candidates))
        band = next(key for limit, key in RANK_BANDS if share <= limit)
    return NgoFeedback(
        review=review,
        project=project,
        criteria=averages,
        jurors_scored=entry.row.jurors_scored,
        basis=basis,
        score=basis_score(entry.row, basis),
        raw_score=entry.row.score,
        cut=group.cut,
        group=group.nomination,
        # What the NGO is told comes from the projects' states (the shortlist as applied), not
        # from today's ranking, which may have moved since.
        finalists=sum(1 for item in group.entries if item.row.project.state in FINALIST_STATES),
        selected=project.state in FINALIST_STATES,
        band=band,
        # Sorted by their text: neither the jurors' order nor the order they wrote in.
        comments=sorted(comments.values(), key=str.casefold),
        scores_changed=bool(review.shortlist_scores_sha256)
        and review.shortlist_scores_sha256 != scores_digest(counted_scores(review)),
    )
