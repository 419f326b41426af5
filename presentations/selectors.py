"""Read paths of the presentation round: the juror's programme, and the final ranking.

The final ranking (`final_ranking`) combines the two rounds of one fair, per nomination:

- the reading score is the jury's ranking score on the basis the shortlist used (raw mean, or
  the normalised score; `jury.selectors.basis_score`), on 1–10, put on 0–100 as
  (score − 1) × 100 / 9;
- the presentation score: each criterion's score v of 1…highest counts as
  (v − 1) × 100 / (highest − 1), so the lowest possible score is 0 and the highest 100 whatever
  the scale; a juror's mark is the weighted mean over the criteria they scored; the
  presentation's score is the plain mean of the marks of the jurors who scored it (their count
  is shown beside it);
- combined = reading weight % × reading + presentation weight % × presentation.

Every number is an exact fraction (the normalised reading score is a decimal rounded by the
jury), so equal combined scores are ties, never split by a rounding digit. Ties share a rank;
nothing breaks them here: the commission decides, as with the shortlist.

A finalist without a presentation score (did not present, no slot, or nobody scored it yet) is
ranked after every finalist who has one, among themselves by their reading score, and flagged.
Counting the missing presentation as 0 instead would let a strong written application
outrank presentations the commission heard; a prize is for both rounds. When the presentation
round weighs 0 %, the presentations do not count and nobody is placed after for missing one
(and likewise for a missing reading score when the reading round weighs 0 %).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from jury import selectors as jury_selectors
from jury.models import Juror, Normalisation, Recusal
from presentations.models import (
    PRESENTING_STATES,
    PresentationCriterion,
    PresentationEvaluation,
    PresentationRound,
    PresentationScore,
    Slot,
    SlotOutcome,
)
from projects.models import Membership, Nomination, Project

HUNDRED = 100

# ---------------------------------------------------------------- the juror's side


def ngos_nobody_hears_from(slots: Iterable[Slot]) -> list[Project]:
    """The slots' projects whose NGO has no member account, so no e-mail reaches them: organisers
    must tell those NGOs themselves (the demo's and many real NGOs' entries came from paper)."""
    projects = {slot.project.organisation_id: slot.project for slot in slots}
    heard = set(
        Membership.objects.filter(organisation_id__in=projects).values_list("organisation_id", flat=True)
    )
    return sorted(
        (project for organisation_id, project in projects.items() if organisation_id not in heard),
        key=lambda project: project.title,
    )


def round_of_seat(juror: Juror) -> PresentationRound | None:
    return PresentationRound.objects.select_related("review__fair").filter(review_id=juror.review_id).first()


def heard_slots(juror: Juror, round: PresentationRound) -> QuerySet[Slot]:
    """The slots the juror's seat hears (`permissions.seat_hears` for a whole programme):
    finalists in the seat's nominations, without the projects of the juror's own NGOs and of
    the NGOs they are in conflict with."""
    conflicts = Juror.conflict_organisations.through.objects.filter(juror_id=juror.pk)
    slots = (
        Slot.objects.filter(
            round=round, project__fair_id=juror.review.fair_id, project__state__in=PRESENTING_STATES
        )
        .exclude(project__organisation__memberships__user_id=juror.user_id)
        .exclude(project__organisation_id__in=conflicts.values("organisation_id"))
    )
    nomination_ids = [nomination.pk for nomination in juror.nominations.all()]
    if nomination_ids:
        slots = slots.filter(project__nomination_id__in=nomination_ids)
    return slots


class SlotStatus:
    UPCOMING = "upcoming"  # has not begun: nothing to score yet
    TO_SCORE = "to_score"
    INCOMPLETE = "incomplete"  # a criterion was added after the juror scored
    SCORED = "scored"
    RECUSED = "recused"
    ABSENT = "absent"


@dataclass
class ProgrammeItem:
    slot: Slot
    status: str
    evaluation: PresentationEvaluation | None = None

    @property
    def local_day(self) -> date:
        return timezone.localtime(self.slot.starts_at).date()


@dataclass
class ProgrammeDay:
    day: date
    items: list[ProgrammeItem]
    scored: int = 0


def programme(juror: Juror, round: PresentationRound, *, now: datetime) -> list[ProgrammeDay]:
    """Every presentation the juror hears, by day (in the site's time zone) and time; five
    queries whatever the number of slots (four with the seat's nominations prefetched)."""
    criteria_count = round.criteria.count()
    slots = (
        heard_slots(juror, round)
        .select_related("project__organisation", "project__nomination")
        .order_by("starts_at", "id")
    )
    evaluations = {
        evaluation.slot_id: evaluation
        for evaluation in PresentationEvaluation.objects.filter(juror=juror, slot__round=round).annotate(
            answered=Count("scores")
        )
    }
    recused = set(juror.recusals.values_list("project_id", flat=True))
    days: dict[date, ProgrammeDay] = {}
    for slot in slots:
        slot.round = round  # the templates and predicates read it; one round for all
        evaluation = evaluations.get(slot.pk)
        if slot.project_id in recused:
            status = SlotStatus.RECUSED
        elif slot.outcome == SlotOutcome.ABSENT:
            status = SlotStatus.ABSENT
        elif evaluation is not None:
            status = SlotStatus.SCORED if evaluation.answered >= criteria_count else SlotStatus.INCOMPLETE
        elif now < slot.starts_at:
            status = SlotStatus.UPCOMING
        else:
            status = SlotStatus.TO_SCORE
        item = ProgrammeItem(slot, status, evaluation)
        day = days.setdefault(item.local_day, ProgrammeDay(item.local_day, []))
        day.items.append(item)
        if status == SlotStatus.SCORED:
            day.scored += 1
    return list(days.values())


def day_to_show(days: list[ProgrammeDay], *, today: date, asked: date | None) -> ProgrammeDay | None:
    """The asked day if it has presentations; else today; else the next day with some; else the last."""
    by_day = {day.day: day for day in days}
    if asked in by_day:
        return by_day[asked]
    if today in by_day:
        return by_day[today]
    return next((day for day in days if day.day > today), days[-1] if days else None)


def own_presentation_evaluation(juror: Juror, slot: Slot) -> PresentationEvaluation | None:
    return (
        PresentationEvaluation.objects.filter(juror=juror, slot=slot)
        .prefetch_related(Prefetch("scores", queryset=PresentationScore.objects.select_related("criterion")))
        .first()
    )


def criteria_of(round: PresentationRound) -> list[PresentationCriterion]:
    return list(round.criteria.all())


# ---------------------------------------------------------------- counted scores


def counted_scores(round: PresentationRound) -> list[tuple[int, int, int, int]]:
    """(project id, juror id, criterion id, value) of every presentation score that counts,
    sorted; one query.

    A score counts when its juror sits on the round's review, has not recused from the project,
    is no member of its NGO nor in a conflict recorded with it, and the seat (if narrowed to some nominations) covers the project's
    nomination; and when the finalist presented (a slot later marked "did not present" keeps its
    scores, but they do not count). The same rules as the scoring page, applied again here so
    that a seat narrowed or a conflict declared later takes effect on the ranking at once.
    """
    through = Juror.nominations.through
    juror = OuterRef("evaluation__juror_id")
    project = OuterRef("evaluation__slot__project_id")
    return list(
        PresentationScore.objects.filter(
            evaluation__slot__round=round,
            evaluation__juror__review_id=round.review_id,
            criterion__round=round,
        )
        .exclude(evaluation__slot__outcome=SlotOutcome.ABSENT)
        .filter(~Exists(Recusal.objects.filter(juror_id=juror, project_id=project)))
        .filter(
            ~Exists(
                Membership.objects.filter(
                    user_id=OuterRef("evaluation__juror__user_id"),
                    organisation_id=OuterRef("evaluation__slot__project__organisation_id"),
                )
            )
        )
        .filter(
            ~Exists(
                Juror.conflict_organisations.through.objects.filter(
                    juror_id=juror, organisation_id=OuterRef("evaluation__slot__project__organisation_id")
                )
            )
        )
        .filter(
            ~Exists(through.objects.filter(juror_id=juror))
            | Exists(
                through.objects.filter(
                    juror_id=juror, nomination_id=OuterRef("evaluation__slot__project__nomination_id")
                )
            )
        )
        .order_by("evaluation__slot__project_id", "evaluation__juror_id", "criterion_id")
        .values_list("evaluation__slot__project_id", "evaluation__juror_id", "criterion_id", "value")
    )


SCORES_CSV_HEADER = "project_id,juror_id,criterion_id,value\n"


def scores_digest(scores: Iterable[tuple[int, int, int, int]]) -> str:
    """SHA-256 of the counted presentation scores written as the jury writes its own
    (`jury.selectors.scores_canonical_csv`): a header, one line per score, sorted by the ids."""
    lines = [SCORES_CSV_HEADER]
    lines += [f"{p},{j},{c},{v}\n" for p, j, c, v in sorted(scores, key=lambda score: score[:3])]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def juror_mark(values: dict[int, int], criteria: dict[int, PresentationCriterion]) -> Fraction | None:
    """One juror's weighted mean for one presentation on 0–100, over the criteria they scored."""
    numerator = denominator = Fraction(0)
    for criterion_id, value in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        weight = Fraction(criterion.weight)
        numerator += weight * Fraction((value - 1) * HUNDRED, criterion.scale_max - 1)
        denominator += weight
    return numerator / denominator if denominator else None


def reading_on_hundred(score: Fraction | float | None) -> Fraction | None:
    """A jury ranking score (1–10) on 0–100. The normalised score is a float rounded to
    `jury.selectors.NORMALISED_PLACES`: taken as the decimal it is rounded to."""
    if score is None:
        return None
    exact = score if isinstance(score, Fraction) else Fraction(str(score))
    return (exact - 1) * HUNDRED / (jury_selectors.SCALE - 1)


# ---------------------------------------------------------------- the final ranking


class Missing:
    """Why a finalist has no presentation (or reading) score."""

    ABSENT = "absent"  # the organisers marked "did not present"
    NO_SLOT = "no_slot"
    NOT_SCORED = "not_scored"  # presented or scheduled, but no counted score yet
    NO_READING = "no_reading"  # no counted reading score (made a finalist by hand)


@dataclass(eq=False)
class FinalRow:
    project: Project
    slot: Slot | None
    reading_score: Fraction | float | None  # the jury's, on its basis, on 1–10
    reading: Fraction | None  # on 0–100
    presentation: Fraction | None  # on 0–100
    presentation_jurors: int
    combined: Fraction | None  # None while a weighed round has no score
    complete: bool  # every round that weighs has a score: ranked among the complete ones
    missing: list[str] = field(default_factory=list)
    rank: int | None = None
    tied: bool = False

    @staticmethod
    def as_float(value: Fraction | None) -> float | None:
        return float(value) if value is not None else None

    @property
    def reading_value(self) -> float | None:
        return self.as_float(self.reading)

    @property
    def presentation_value(self) -> float | None:
        return self.as_float(self.presentation)

    @property
    def combined_value(self) -> float | None:
        return self.as_float(self.combined)


@dataclass
class FinalGroup:
    nomination: Nomination | None
    rows: list[FinalRow]

    @property
    def ranked(self) -> list[FinalRow]:
        return [row for row in self.rows if row.complete]

    @property
    def unranked(self) -> list[FinalRow]:
        return [row for row in self.rows if not row.complete]


@dataclass
class FinalRanking:
    round: PresentationRound
    basis: str  # jury.models.Normalisation: which reading score is used
    groups: list[FinalGroup]
    criteria: list[PresentationCriterion]
    scores: list[tuple[int, int, int, int]]

    @property
    def reading_weight(self) -> int:
        return self.round.reading_weight

    @property
    def presentation_weight(self) -> int:
        return self.round.presentation_weight

    @property
    def normalised(self) -> bool:
        return self.basis == Normalisation.ZSCORE

    @property
    def digest(self) -> str:
        return scores_digest(self.scores)

    @property
    def rows(self) -> list[FinalRow]:
        return [row for group in self.groups for row in group.rows]


def reading_basis(round: PresentationRound) -> str:
    """The shortlist's basis once one was applied (the finalists were chosen on it), else the
    review's chosen normalisation."""
    review = round.review
    return review.shortlist_basis or review.normalisation or Normalisation.NONE


def _rank(rows: list[FinalRow], key) -> None:
    """Competition ranking (1, 1, 3) by `key`, best first; equal keys share a rank and are tied."""
    keyed = list(rows)
    keyed.sort(key=lambda row: (key(row) is None, -(key(row) or 0), row.project.title.casefold()))
    counts: dict = {}
    for row in keyed:
        counts[key(row)] = counts.get(key(row), 0) + 1
    first: dict = {}
    for index, row in enumerate(keyed, start=1):
        first.setdefault(key(row), index)
        row.rank = first[key(row)]
        row.tied = counts[key(row)] > 1


def final_ranking(round: PresentationRound, nomination: Nomination | None = None) -> FinalRanking:
    """The finalists of the round's fair (or of one nomination), ranked per nomination by the
    combined score (module docstring); a constant number of queries (ten, eleven on a
    normalised basis), whatever the number of finalists, jurors and scores."""
    review = round.review
    basis = reading_basis(round)
    reading_rows = jury_selectors.ranking(
        review, nomination=nomination, with_normalised=basis == Normalisation.ZSCORE
    )
    finalists = [row for row in reading_rows if row.project.state in PRESENTING_STATES]
    criteria = criteria_of(round)
    by_criterion = {criterion.pk: criterion for criterion in criteria}
    slots = {slot.project_id: slot for slot in round.slots.all()}
    scores = counted_scores(round)
    values: dict[int, dict[int, dict[int, int]]] = {}  # project → juror → criterion → value
    for project_id, juror_id, criterion_id, value in scores:
        values.setdefault(project_id, {}).setdefault(juror_id, {})[criterion_id] = value
    reading_weight = Fraction(round.reading_weight, HUNDRED)
    presentation_weight = Fraction(round.presentation_weight, HUNDRED)
    groups: dict[int | None, list[FinalRow]] = {}
    for reading_row in finalists:
        project = reading_row.project
        slot = slots.get(project.pk)
        marks = [
            mark
            for mark in (juror_mark(given, by_criterion) for given in values.get(project.pk, {}).values())
            if mark is not None
        ]
        presentation = sum(marks, Fraction(0)) / len(marks) if marks else None
        reading_score = jury_selectors.basis_score(reading_row, basis)
        reading = reading_on_hundred(reading_score)
        missing = []
        if reading is None:
            missing.append(Missing.NO_READING)
        if presentation is None:
            if slot is None:
                missing.append(Missing.NO_SLOT)
            elif slot.outcome == SlotOutcome.ABSENT:
                missing.append(Missing.ABSENT)
            else:
                missing.append(Missing.NOT_SCORED)
        complete = (reading is not None or not round.reading_weight) and (
            presentation is not None or not round.presentation_weight
        )
        combined = (
            reading_weight * (reading or 0) + presentation_weight * (presentation or 0) if complete else None
        )
        groups.setdefault(project.nomination_id, []).append(
            FinalRow(
                project=project,
                slot=slot,
                reading_score=reading_score,
                reading=reading,
                presentation=presentation,
                presentation_jurors=len(marks),
                combined=combined,
                complete=complete,
                missing=missing,
            )
        )
    nominations = (
        [nomination]
        if nomination is not None
        else list(Nomination.objects.filter(fair_id=review.fair_id).order_by("position", "id"))
    )
    ordered: list[FinalGroup] = []
    for key in [item.pk for item in nominations] + [None]:
        rows = groups.get(key)
        if not rows:
            continue
        complete_rows = [row for row in rows if row.complete]
        _rank(complete_rows, lambda row: row.combined)
        # After every finalist with both scores: the others, by the reading score they have.
        _rank_after(complete_rows, [row for row in rows if not row.complete])
        rows.sort(key=lambda row: (row.rank, row.project.title.casefold()))
        group_nomination = next((item for item in nominations if item.pk == key), None)
        ordered.append(FinalGroup(group_nomination, rows))
    return FinalRanking(round=round, basis=basis, groups=ordered, criteria=criteria, scores=scores)


def _rank_after(ranked: list[FinalRow], rest: list[FinalRow]) -> None:
    if not rest:
        return
    offset = len(ranked)
    _rank(rest, lambda row: row.reading if row.reading is not None else row.presentation)
    for row in rest:
        row.rank += offset
