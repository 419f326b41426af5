"""Giving awards and proposing the people's choice.

Giving a prize (any kind but "participant") makes a finalist a winner through
`projects.services.project_mark_awarded`, so the state history and the NGO's e-mail come
from the same place as every other decision.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards import selectors
from awards.models import Award, AwardKind, Ceremony, CeremonyPhoto, RevokedCertificate, new_verification_code
from fairportal import audit, page_cache
from fairportal.locks import row_lock
from fairportal.mail import queue_to_users
from fairportal.text import quoted
from presentations import permissions as presentation_permissions
from presentations import selectors as presentation_selectors
from presentations.models import PresentationRound
from projects.media import ProcessedImage, reencode_image
from projects.models import Fair, Project, ProjectState
from projects.services import project_mark_awarded, project_mark_finalist
from voting import selectors as voting_selectors

AWARDABLE_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)

audit.register_actions(
    {
        "award.given": _("Award given"),
        "award.revoked": _("Award revoked"),
        "award.participants_given": _("Participant awards given"),
        "ceremony.published": _("Ceremony published"),
        "ceremony.unpublished": _("Ceremony unpublished"),
        "ceremony.created": _("Ceremony created"),
    }
)
PARTICIPANT_TITLES = {
    "title_kk": "Жәрмеңке финалисі",
    "title_ru": "Финалист ярмарки",
    "title_en": "Fair finalist",
}
PEOPLES_CHOICE_TITLES = {
    "title_kk": "Халық таңдауы",
    "title_ru": "Народный выбор",
    "title_en": "People's choice",
}


@transaction.atomic
def award_give(
    *, ceremony: Ceremony, project: Project, kind: str, actor, nomination=None, place=None, **fields
) -> Award:
    """Record an award for a finalist (or for a winner receiving another one)."""
    if not actor.has_perm("awards.add_award") or not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    with row_lock():
        project = Project.objects.select_for_update().select_related("fair").get(pk=project.pk)
    if project.state not in AWARDABLE_STATES:
        raise ValidationError(
            _("%(project)s is %(state)s: only finalists receive awards.")
            % {"project": quoted(project.title), "state": project.get_state_display()},
            code="not_finalist",
        )
    award = Award(
        ceremony=ceremony,
        project=project,
        kind=kind,
        nomination=nomination,
        place=place,
        verification_code=_free_verification_codes(1)[0],
        **fields,
    )
    award.full_clean()
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as error:  # a concurrent award took the place first
        raise ValidationError(
            _("This place in this nomination has already been awarded."), code="taken"
        ) from error
    audit.record(
        actor=actor,
        action="award.given",
        target=award,
        fair_id=ceremony.fair_id,
        details={
            "project": project.pk,
            "kind": kind,
            "place": place,
            "nomination": nomination.pk if nomination else None,
            "grant_amount": award.grant_amount,
        },
    )
    if ceremony.is_published:
        _make_winner(project, kind, actor)
        if kind != AwardKind.PARTICIPANT:
            _tell_winners(ceremony=ceremony, projects=[project], awards=[award])
    return award


# What an award's page and its ceremony's inline may change once it is given: never who received
# it or what kind it is (`award_revoke`, then `award_give`, so the project's state follows).
AWARD_TEXT_FIELDS = (
    "title_kk",
    "title_ru",
    "title_en",
    "grant_amount",
    "prize_kk",
    "prize_ru",
    "prize_en",
    "citation_kk",
    "citation_ru",
    "citation_en",
)
AWARD_EDITABLE_FIELDS = ("place", "nomination", *AWARD_TEXT_FIELDS)


@transaction.atomic
def award_update(*, award: Award, actor, changes: dict) -> Award:
    """Correct an award's place, nomination, titles, grant, prize or citation.

    The unique place per nomination is the database's (`IntegrityError` from a concurrent
    award becomes the same refusal as the form's pre-check)."""
    if not actor.has_perm("awards.change_award"):
        raise PermissionDenied
    unknown = set(changes) - set(AWARD_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable once given: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(award, name, value)
    award.full_clean()
    try:
        with transaction.atomic():
            award.save(update_fields=[*changes] or None)
    except IntegrityError as error:
        raise ValidationError(
            _("This place in this nomination has already been awarded."), code="taken"
        ) from error
    return award


@transaction.atomic
def ceremony_save(*, ceremony: Ceremony, actor) -> Ceremony:
    """Create or change a ceremony, never publishing it: `ceremony_publish` does that, with its winners."""
    permission = "awards.change_ceremony" if ceremony.pk else "awards.add_ceremony"
    if not actor.has_perm(permission):
        raise PermissionDenied
    # Unpublishing is a plain change; publishing is `ceremony_publish`'s, with its winners.
    was_published = (
        ceremony.pk is not None and Ceremony.objects.filter(pk=ceremony.pk, is_published=True).exists()
    )
    ceremony.is_published = ceremony.is_published and was_published
    created = ceremony.pk is None
    ceremony.full_clean()
    ceremony.save()
    if created:
        audit.record(actor=actor, action="ceremony.created", target=ceremony)
    if was_published and not ceremony.is_published:
        audit.record(actor=actor, action="ceremony.unpublished", target=ceremony)
    return ceremony


# What a ceremony photo's row in the admin may change besides its file.
CEREMONY_PHOTO_TEXT_FIELDS = ("alt_text_kk", "alt_text_ru", "alt_text_en", "position")


def _may_edit_photos(actor, permission: str) -> bool:
    return actor.has_perm(permission)


def _delete_file_after_commit(field_file) -> None:
    """A removed or replaced photo's file goes once the change is committed, so its URL stops working."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _store(photo: CeremonyPhoto, processed: ProcessedImage) -> None:
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)


@transaction.atomic
def ceremony_photo_add(
    *,
    ceremony: Ceremony,
    actor,
    upload=None,
    processed: ProcessedImage | None = None,
    texts: dict,
) -> CeremonyPhoto:
    """Verify and re-encode a photo (EXIF gone, with a thumbnail) and add it to the ceremony.

    `processed`: an upload the admin's form re-encoded already, to show its errors on the field.
    `texts`: its descriptions and position (`CEREMONY_PHOTO_TEXT_FIELDS`)."""
    if not _may_edit_photos(actor, "awards.add_ceremonyphoto"):
        raise PermissionDenied
    unknown = set(texts) - set(CEREMONY_PHOTO_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a photo's text: {sorted(unknown)}")
    processed = processed or reencode_image(upload)
    photo = CeremonyPhoto(ceremony=ceremony, **texts)
    _store(photo, processed)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def ceremony_photo_update(
    *, photo: CeremonyPhoto, actor, texts: dict, processed: ProcessedImage | None = None
) -> CeremonyPhoto:
    """Describe or move a photo anew, or replace its file (`processed`); old files deleted once committed."""
    if not _may_edit_photos(actor, "awards.change_ceremonyphoto"):
        raise PermissionDenied
    unknown = set(texts) - set(CEREMONY_PHOTO_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a photo's text: {sorted(unknown)}")
    for name, value in texts.items():
        setattr(photo, name, value)
    if processed is not None:
        stored = CeremonyPhoto.objects.get(pk=photo.pk)
        _delete_file_after_commit(stored.image)
        _delete_file_after_commit(stored.thumbnail)
        _store(photo, processed)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def ceremony_photo_remove(*, photo: CeremonyPhoto, actor) -> None:
    """Remove a photo and, once committed, its files."""
    if not _may_edit_photos(actor, "awards.delete_ceremonyphoto"):
        raise PermissionDenied
    stored = CeremonyPhoto.objects.filter(pk=photo.pk).first()
    if stored is None:
        return  # removed meanwhile
    _delete_file_after_commit(stored.image)
    _delete_file_after_commit(stored.thumbnail)
    stored.delete()


def _free_verification_codes(count: int) -> list[str]:
    """`count` new codes used by no award and no revoked certificate (a revoked code stays its own).

    Collisions are about one in 10**11 per code: one query to rule them out is all it takes, and
    the unique constraint still refuses the practically impossible concurrent twin.
    """
    while True:
        codes = {new_verification_code() for _ in range(count)}
        taken = set(
            Award.objects.filter(verification_code__in=codes).values_list("verification_code", flat=True)
        )
        taken |= set(
            RevokedCertificate.objects.filter(verification_code__in=codes).values_list(
                "verification_code", flat=True
            )
        )
        codes -= taken
        if len(codes) == count:
            return list(codes)


def _make_winner(project: Project, kind: str, actor) -> None:
    # No state-change mail: `_tell_winners` sends one that names the award.
    if kind != AwardKind.PARTICIPANT and project.state == ProjectState.FINALIST:
        project_mark_awarded(project=project, actor=actor, notify=False)


def _tell_winners(*, ceremony: Ceremony, projects, awards=None) -> None:
    """Each winning NGO's members: which prize (kind, place, nomination, grant), the ceremony,
    and the links to the certificate and its verification page, in each member's language."""
    projects = list(projects)
    by_project: dict[int, list[Award]] = {}
    if awards is None:
        # Every winner's prizes in one query, not one per project.
        for award in (
            Award.objects.filter(ceremony=ceremony, project__in=projects)
            .exclude(kind=AwardKind.PARTICIPANT)
            .select_related("nomination")
            .order_by("pk")
        ):
            by_project.setdefault(award.project_id, []).append(award)
    for project in projects:
        queue_to_users(
            template_prefix="awards/email/winner",
            context={
                "project": project,
                "ceremony": ceremony,
                "fair": ceremony.fair,
                "awards": awards if awards is not None else by_project.get(project.pk, []),
            },
            users=project.organisation.members.all(),
        )


@transaction.atomic
def ceremony_publish(*, ceremony: Ceremony, actor) -> int:
    """Publish the ceremony: only now do its prize winners become "winners" (history, e-mails),
    so nothing announces them before the organisers do. Returns how many became winners."""
    if not actor.has_perm("awards.change_ceremony") or not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    Ceremony.objects.filter(pk=ceremony.pk).update(is_published=True)
    page_cache.invalidate()  # update() sends no signal
    ceremony.is_published = True
    made = 0
    with row_lock():
        projects = list(
            Project.objects.filter(
                pk__in=Award.objects.filter(ceremony=ceremony)
                .exclude(kind=AwardKind.PARTICIPANT)
                .values("project_id"),
                state=ProjectState.FINALIST,
            ).select_for_update()
        )
    for project in projects:
        project_mark_awarded(project=project, actor=actor, notify=False)
        made += 1
    _tell_winners(ceremony=ceremony, projects=projects)
    audit.record(actor=actor, action="ceremony.published", target=ceremony, details={"winners": made})
    return made


@transaction.atomic
def award_participants(*, ceremony: Ceremony, actor) -> int:
    """Give every finalist (and winner) of the fair a participant award, once. Returns how many."""
    if not actor.has_perm("awards.add_award"):
        raise PermissionDenied
    have = Award.objects.filter(ceremony=ceremony, kind=AwardKind.PARTICIPANT).values("project_id")
    projects = Project.objects.filter(fair_id=ceremony.fair_id, state__in=AWARDABLE_STATES).exclude(
        pk__in=have
    )
    projects = list(projects)
    awards = [
        Award(
            ceremony=ceremony,
            project=project,
            kind=AwardKind.PARTICIPANT,
            verification_code=code,
            **PARTICIPANT_TITLES,
        )
        for project, code in zip(projects, _free_verification_codes(len(projects)), strict=True)
    ]
    # A concurrent run: the unique constraint keeps one award per project, the other is skipped.
    Award.objects.bulk_create(awards, ignore_conflicts=True)
    page_cache.invalidate()  # bulk_create sends no signal
    audit.record(
        actor=actor, action="award.participants_given", target=ceremony, details={"awards": len(awards)}
    )
    return len(awards)


@transaction.atomic
def award_revoke(*, award: Award, actor) -> None:
    """Remove an award given by mistake. A winner whose last prize goes becomes a finalist again
    (through the state service: history and e-mail).

    If its certificate was public (it may have been printed), a `RevokedCertificate` keeps what it
    said under its verification code, so checking the paper shows "revoked" rather than nothing.
    """
    if not actor.has_perm("awards.delete_award") or not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    with row_lock():
        project = Project.objects.select_for_update().get(pk=award.project_id)
    public = selectors.public_awards().filter(pk=award.pk).first()
    if public is not None:
        RevokedCertificate.objects.create(
            verification_code=public.verification_code,
            fair=public.ceremony.fair,
            project=public.project,
            project_title=public.project.title,
            project_language=public.project.content_language,
            organisation_name=public.project.organisation.name,
            kind=public.kind,
            place=public.place,
            title_kk=public.title_kk,
            title_ru=public.title_ru,
            title_en=public.title_en,
            ceremony_held_at=public.ceremony.held_at,
            given_at=public.created_at,
            revoked_by=actor if getattr(actor, "pk", None) else None,
        )
    audit.record(
        actor=actor,
        action="award.revoked",
        target=award,
        fair_id=award.ceremony.fair_id,
        details={"project": award.project_id, "kind": award.kind, "place": award.place},
    )
    award.delete()
    prizes_left = Award.objects.filter(project=project).exclude(kind=AwardKind.PARTICIPANT).exists()
    if project.state == ProjectState.AWARDED and not prizes_left:
        project_mark_finalist(project=project, actor=actor)


# ---------------------------------------------------------------- the people's choice


@dataclass
class Candidate:
    project: Project
    votes: int
    rank: int
    tied: bool


def peoples_choice_proposal(
    *, fair: Fair, per_nomination: bool, top: int = 3, now: datetime | None = None
) -> dict:
    """The most-voted finalists by valid votes, best first, ties marked; only once voting has closed.

    Returns {nomination (or None for the whole fair): [Candidate]}; places share a rank on ties.
    """
    now = now or timezone.now()
    if now < fair.voting_closes_at:
        raise ValidationError(_("Public voting has not closed yet."), code="voting_open")
    groups: dict = {}
    for project in voting_selectors.tally(fair):
        groups.setdefault(project.nomination if per_nomination else None, []).append(project)
    result = {}
    for key, projects in groups.items():
        projects.sort(key=lambda project: (-project.valid_votes, project.title.casefold()))
        counts = [project.valid_votes for project in projects]
        candidates = []
        for project in projects:
            rank = counts.index(project.valid_votes) + 1
            if rank > top or project.valid_votes == 0:
                break
            candidates.append(
                Candidate(project, project.valid_votes, rank, counts.count(project.valid_votes) > 1)
            )
        result[key] = candidates
    return result


def peoples_choice_confirm(
    *, ceremony: Ceremony, project: Project, per_nomination: bool, actor, now: datetime | None = None
) -> Award:
    """The organiser confirms a proposed winner: it must be first (or tied first) by valid votes."""
    proposal = peoples_choice_proposal(fair=ceremony.fair, per_nomination=per_nomination, top=1, now=now)
    key = project.nomination if per_nomination else None
    if project.pk not in {candidate.project.pk for candidate in proposal.get(key, [])}:
        raise ValidationError(_("This project does not have the most valid votes."), code="not_first")
    # Either one people's choice for the whole fair or one per nomination, never both.
    given = Award.objects.filter(ceremony=ceremony, kind=AwardKind.PEOPLES_CHOICE)
    if given.filter(nomination__isnull=per_nomination).exists():
        raise ValidationError(
            _(
                "The people's choice has already been given for the other scope (whole fair or each nomination)."
            ),
            code="other_scope",
        )
    return award_give(
        ceremony=ceremony,
        project=project,
        kind=AwardKind.PEOPLES_CHOICE,
        nomination=project.nomination if per_nomination else None,
        actor=actor,
        **PEOPLES_CHOICE_TITLES,
    )


# ---------------------------------------------------------------- jury prizes from the final ranking

JURY_PRIZE_TITLES = {
    1: {
        "title_kk": "Қазылар алқасының жүлдесі, I орын",
        "title_ru": "Приз жюри, 1-е место",
        "title_en": "Jury prize, 1st place",
    },
    2: {
        "title_kk": "Қазылар алқасының жүлдесі, II орын",
        "title_ru": "Приз жюри, 2-е место",
        "title_en": "Jury prize, 2nd place",
    },
    3: {
        "title_kk": "Қазылар алқасының жүлдесі, III орын",
        "title_ru": "Приз жюри, 3-е место",
        "title_en": "Jury prize, 3rd place",
    },
}
JURY_PLACES = (1, 2, 3)


@dataclass
class ProposedPlace:
    """One place of a nomination: the finalist(s) the final ranking puts there, or what took it."""

    place: int
    rows: list  # presentations.selectors.FinalRow at this rank: one, several (a tie) or none
    awarded: Award | None  # a jury prize already given at this place

    @property
    def tied(self) -> bool:
        return len(self.rows) > 1

    @property
    def proposable(self) -> bool:
        """One finalist alone at this place, and the place still free: the proposal gives it."""
        return self.awarded is None and len(self.rows) == 1

    @property
    def key(self) -> str:
        """What the confirmation sends back: nomination, place and project, to compare on apply."""
        nomination_id = self.rows[0].project.nomination_id if self.rows else None
        return f"{nomination_id or 0}:{self.place}:{self.rows[0].project.pk if self.rows else 0}"


@dataclass
class JuryPrizeGroup:
    nomination: object  # projects.models.Nomination or None (projects without one)
    places: list[ProposedPlace]

    @property
    def ties(self) -> list[ProposedPlace]:
        return [place for place in self.places if place.tied and place.awarded is None]


@dataclass
class JuryPrizeProposal:
    ranking: object  # presentations.selectors.FinalRanking
    groups: list[JuryPrizeGroup]

    @property
    def proposable(self) -> list[ProposedPlace]:
        return [place for group in self.groups for place in group.places if place.proposable]

    @property
    def keys(self) -> list[str]:
        return sorted(place.key for place in self.proposable)


def _presentation_round(fair: Fair):
    round = PresentationRound.objects.select_related("review__fair").filter(review__fair=fair).first()
    if round is None:
        raise ValidationError(_("This fair has no presentation round."), code="no_round")
    return round


def jury_prizes_proposal(*, ceremony: Ceremony, now: datetime | None = None) -> JuryPrizeProposal:
    """Places 1–3 of each nomination from the final ranking (`presentations.selectors`), once
    the presentations' scoring has closed, so the proposal no longer moves under the organisers.

    Only finalists ranked with both rounds are proposed. A place shared by a tie is not
    proposed: its finalists are listed for the organisers to decide, and the places the tie
    takes up stay empty (two tied at 1st leave no 2nd place), as in the ranking.
    """
    now = now or timezone.now()
    round = _presentation_round(ceremony.fair)
    if now < round.scoring_closes_at:
        raise ValidationError(
            _("Scoring of the presentations is still open: the ranking can change until it closes."),
            code="scoring_open",
        )
    ranking = presentation_selectors.final_ranking(round)
    given = {
        (award.nomination_id, award.place): award
        for award in Award.objects.filter(
            ceremony=ceremony, kind=AwardKind.JURY_PRIZE, place__isnull=False
        ).select_related("project")
    }
    groups = []
    for group in ranking.groups:
        nomination_id = group.nomination.pk if group.nomination else None
        places = [
            ProposedPlace(
                place,
                [row for row in group.ranked if row.rank == place],
                given.get((nomination_id, place)),
            )
            for place in JURY_PLACES
        ]
        groups.append(JuryPrizeGroup(group.nomination, places))
    return JuryPrizeProposal(ranking, groups)


@transaction.atomic
def jury_prizes_give(
    *, ceremony: Ceremony, expected: list[str], actor, now: datetime | None = None
) -> list[Award]:
    """Give the proposed jury prizes (`jury_prizes_proposal`) through `award_give`, all or none.

    `expected` are the keys of the places the organiser reviewed; if the proposal has changed
    since (a score, an outcome, a prize given by hand), nothing is given and the organiser
    looks again, as with the jury's shortlist.
    """
    if not presentation_permissions.can_view_final_ranking(actor):
        raise PermissionDenied
    proposal = jury_prizes_proposal(ceremony=ceremony, now=now)
    if proposal.keys != sorted(expected):
        raise ValidationError(
            _("The final ranking or the awards have changed since you looked. Check the new proposal."),
            code="changed",
        )
    awards = []
    for place in proposal.proposable:
        row = place.rows[0]
        awards.append(
            award_give(
                ceremony=ceremony,
                project=row.project,
                kind=AwardKind.JURY_PRIZE,
                nomination=row.project.nomination,
                place=place.place,
                actor=actor,
                **JURY_PRIZE_TITLES[place.place],
            )
        )
    return awards
