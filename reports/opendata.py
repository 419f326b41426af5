"""The open data: what each public dataset holds, when it is public, and its rows.

Every dataset starts from what the public pages already show and never from anything wider:
projects from `ProjectQuerySet.public()`, jury averages from the commission protocol once
`jury.permissions.can_see_commission_protocol` makes it public for an anonymous visitor, awards
from `awards.selectors.public_awards()`, vote totals from `voting.selectors.tally` once voting has
closed (the results page's numbers, frozen counts included). Who asks never matters: the
predicates are asked for an anonymous visitor, so an organiser's download holds what anyone's does.

The field dictionaries here are the source of truth: the open data page renders them, the JSON
downloads carry them, and docs/open-data.md points here instead of repeating them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards import selectors as award_selectors
from awards.models import Ceremony
from fairportal.spreadsheets import EXPORT_TIME_ZONE
from jury import permissions as jury_permissions
from jury import selectors as jury_selectors
from jury.models import Normalisation, Review
from projects import selectors as project_selectors
from projects.models import Fair, Project, ProjectState, Region, Sphere
from voting import selectors as voting_selectors

LICENCE = {
    "id": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# Averages are published as the commission protocol prints them: to two decimals. The exact
# fractions, with the counts of jurors beside them, would say more about single scores.
MEAN_PLACES = 2


class FieldType:
    """The types a field may have, as the JSON names them; the page shows the translated label."""

    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    DATETIME = "datetime"
    URL = "url"
    LIST = "list"

    LABELS = {
        INTEGER: _("whole number"),
        NUMBER: _("decimal number"),
        STRING: _("text"),
        DATETIME: _("date and time (Almaty)"),
        URL: _("web address"),
        LIST: _("list of texts"),
    }


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str  # lazily translated

    @property
    def type_label(self) -> str:
        return FieldType.LABELS[self.type]


@dataclass(frozen=True)
class Availability:
    """Whether a dataset of a fair is public now and, if not, from when (None: not yet known)."""

    public: bool
    from_moment: datetime | None = None
    condition: str = ""  # lazily translated: why it is not public yet, when no moment is known


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple[Field, ...]
    availability: Callable[..., Availability]  # (*, fair, now, known: Known)
    rows: Callable[..., Iterator[dict]]  # (*, fair, now, site_url); only called when public
    fields_as: str = ""  # another dataset's slug whose field dictionary this one shares

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


def site_url() -> str:
    return settings.SITE_URL


def _almaty(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment, EXPORT_TIME_ZONE) if moment else None


@dataclass(frozen=True)
class Known:
    """What availability depends on beyond the fair, read once for all fairs (two queries)."""

    reviews: dict[int, Review]  # fair id → its review
    published_ceremonies: frozenset[int]  # fair ids

    @classmethod
    def of(cls, fairs: list[Fair]) -> "Known":
        ids = [fair.pk for fair in fairs]
        reviews = Review.objects.filter(fair_id__in=ids)
        by_id = {fair.pk: fair for fair in fairs}
        found = {}
        for review in reviews:
            review.fair = by_id[review.fair_id]  # the predicate reads the fair: no query per fair
            found[review.fair_id] = review
        ceremonies = Ceremony.objects.filter(fair_id__in=ids, is_published=True).values_list(
            "fair_id", flat=True
        )
        return cls(reviews=found, published_ceremonies=frozenset(ceremonies))


def _always(*, fair: Fair, now: datetime, known: Known) -> Availability:
    return Availability(public=True)


# ---------------------------------------------------------------- projects and finalists

PROJECT_FIELDS = (
    Field("project_id", FieldType.INTEGER, _("The project's number on the portal; it never changes.")),
    Field("title", FieldType.STRING, _("The project's title, as the NGO wrote it.")),
    Field(
        "content_language",
        FieldType.STRING,
        _("The language the NGO wrote the application in: kk, ru or en."),
    ),
    Field("summary", FieldType.STRING, _("What the project does, in the NGO's words.")),
    Field("organisation_id", FieldType.INTEGER, _("The NGO's number on the portal.")),
    Field("organisation", FieldType.STRING, _("The NGO's name.")),
    Field("nomination_id", FieldType.INTEGER, _("The nomination's number; empty if none.")),
    Field("nomination", FieldType.STRING, _("The nomination's title in the language of the file.")),
    Field("region_code", FieldType.STRING, _("The region where the project works, as a stable code.")),
    Field("region", FieldType.STRING, _("The region's name in the language of the file.")),
    Field(
        "spheres",
        FieldType.LIST,
        _("Fields of work, in the language of the file (in CSV separated by “; ”)."),
    ),
    Field(
        "state",
        FieldType.STRING,
        _(
            "submitted (shown by the organisers), not_selected (not shortlisted, shown by the "
            "organisers), finalist, or awarded (a winner)."
        ),
    ),
    Field(
        "beneficiaries",
        FieldType.INTEGER,
        _("How many people the project serves, as the NGO says; empty if not given."),
    ),
    Field("duration_months", FieldType.INTEGER, _("The project's duration in months; empty if not given.")),
    Field("url", FieldType.URL, _("The project's public page.")),
)

FINALIST_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)


def _project_rows(*, fair: Fair, now: datetime, site_url: str, states=None) -> Iterator[dict]:
    """Public projects of the fair, oldest number first; five queries whatever their number.

    Spheres come as an array of ids in the projects' own query (a prefetch per chunk of the
    iterator would grow with the fair), nominations, regions and spheres once each.
    """
    nominations = {nomination.pk: nomination.title for nomination in fair.nominations.all()}
    regions = {region.pk: (region.code, region.name) for region in Region.objects.all()}
    spheres = {sphere.pk: sphere.name for sphere in Sphere.objects.all()}
    projects = Project.objects.public().filter(fair=fair)
    if states is not None:
        projects = projects.filter(state__in=states)
    projects = (
        projects.values(
            "id",
            "title",
            "content_language",
            "summary",
            "organisation_id",
            "organisation__name",
            "nomination_id",
            "region_id",
            "state",
            "beneficiaries",
            "duration_months",
        )
        .annotate(sphere_ids=ArrayAgg("spheres", filter=Q(spheres__isnull=False), default=[]))
        .order_by("id")
    )
    for project in projects.iterator(chunk_size=500):
        region_code, region_name = regions.get(project["region_id"], ("", ""))
        yield {
            "project_id": project["id"],
            "title": project["title"],
            "content_language": project["content_language"],
            "summary": project["summary"],
            "organisation_id": project["organisation_id"],
            "organisation": project["organisation__name"],
            "nomination_id": project["nomination_id"],
            "nomination": nominations.get(project["nomination_id"], ""),
            "region_code": region_code,
            "region": region_name,
            "spheres": [spheres[pk] for pk in sorted(project["sphere_ids"]) if pk in spheres],
            "state": project["state"],
            "beneficiaries": project["beneficiaries"],
            "duration_months": project["duration_months"],
            "url": site_url + reverse("catalogue:project_detail", args=[project["id"]]),
        }


# ---------------------------------------------------------------- jury averages

JURY_FIELDS = (
    Field("project_id", FieldType.INTEGER, _("The finalist's project number (as in the projects dataset).")),
    Field("title", FieldType.STRING, _("The project's title.")),
    Field("organisation", FieldType.STRING, _("The NGO's name.")),
    Field("nomination_id", FieldType.INTEGER, _("The nomination's number; empty if none.")),
    Field("nomination", FieldType.STRING, _("The nomination's title in the language of the file.")),
    Field(
        "rank", FieldType.INTEGER, _("The project's place in the jury's ranking; equal scores share a place.")
    ),
    Field(
        "score",
        FieldType.NUMBER,
        _("The project's score on the 1–10 scale: the mean of the jurors' weighted marks, to 0.01."),
    ),
    Field(
        "basis",
        FieldType.STRING,
        _(
            "Which score chose the finalists: “raw” (the score above) or “normalised” (each juror's marks compared with that juror's own average)."
        ),
    ),
    Field(
        "normalised_score",
        FieldType.NUMBER,
        _(
            "The normalised score on the 1–10 scale, to 0.01, when the finalists were chosen on it; empty otherwise."
        ),
    ),
    Field("jurors_scored", FieldType.INTEGER, _("How many jurors scored the project.")),
    Field(
        "recusals",
        FieldType.INTEGER,
        _("How many jurors declared a conflict of interest and did not score it."),
    ),
    Field("criterion_position", FieldType.INTEGER, _("The criterion's number in the protocol (C1, C2, …).")),
    Field("criterion", FieldType.STRING, _("The criterion's title in the language of the file.")),
    Field(
        "criterion_mean",
        FieldType.NUMBER,
        _(
            "The mean of the jurors' scores on this criterion, put on the 1–10 scale, to 0.01; empty if nobody could assess it."
        ),
    ),
)


def _public_review(fair: Fair, now: datetime, known: Known) -> Review | None:
    review = known.reviews.get(fair.pk)
    if review is None or not jury_permissions.can_see_commission_protocol(AnonymousUser(), review, now):
        return None
    return review


def _jury_availability(*, fair: Fair, now: datetime, known: Known) -> Availability:
    if _public_review(fair, now, known) is not None:
        return Availability(public=True)
    return Availability(public=False, condition=_("with the expert commission's protocol"))


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), MEAN_PLACES)


def _jury_rows(*, fair: Fair, now: datetime, site_url: str) -> Iterator[dict]:
    """The protocol's finalists table, one row per finalist and criterion (the protocol's own data)."""
    review = _public_review(fair, now, Known.of([fair]))
    if review is None:
        return
    protocol = jury_selectors.commission_protocol(review)
    normalised = review.shortlist_basis == Normalisation.ZSCORE
    for row in protocol.finalists:
        project = row.project
        for position, criterion in enumerate(protocol.criteria, start=1):
            yield {
                "project_id": project.pk,
                "title": project.title,
                "organisation": project.organisation.name,
                "nomination_id": project.nomination_id,
                "nomination": project.nomination.title if project.nomination_id else "",
                "rank": row.rank,
                "score": _rounded(row.score),
                "basis": "normalised" if normalised else "raw",
                "normalised_score": _rounded(row.normalised_score) if normalised else None,
                "jurors_scored": row.jurors_scored,
                "recusals": row.recusals,
                "criterion_position": position,
                "criterion": criterion.title,
                "criterion_mean": _rounded(protocol.means.get((project.pk, criterion.pk))),
            }


# ---------------------------------------------------------------- awards

AWARD_FIELDS = (
    Field("award_id", FieldType.INTEGER, _("The award's number on the portal.")),
    Field(
        "kind",
        FieldType.STRING,
        _(
            "jury (jury prize), grant, peoples_choice (people's choice), special (special mention) or participant."
        ),
    ),
    Field("kind_label", FieldType.STRING, _("The kind in the language of the file.")),
    Field("title", FieldType.STRING, _("The award's title in the language of the file.")),
    Field("place", FieldType.INTEGER, _("1, 2 or 3 for placed prizes; empty otherwise.")),
    Field(
        "nomination_id", FieldType.INTEGER, _("The nomination the award is for; empty for fair-wide awards.")
    ),
    Field("nomination", FieldType.STRING, _("The nomination's title in the language of the file.")),
    Field("project_id", FieldType.INTEGER, _("The awarded project's number (as in the projects dataset).")),
    Field("project", FieldType.STRING, _("The project's title.")),
    Field("organisation", FieldType.STRING, _("The NGO's name.")),
    Field("grant_kzt", FieldType.INTEGER, _("The grant in KZT; empty if the award carries none.")),
    Field("prize", FieldType.STRING, _("A prize other than money, in the language of the file.")),
    Field("ceremony_at", FieldType.DATETIME, _("When the award was given: the ceremony.")),
    Field("certificate_url", FieldType.URL, _("The award's certificate (PDF).")),
)


def _awards_availability(*, fair: Fair, now: datetime, known: Known) -> Availability:
    if fair.pk in known.published_ceremonies:
        return Availability(public=True)
    return Availability(public=False, from_moment=fair.ceremony_at)


def _award_rows(*, fair: Fair, now: datetime, site_url: str) -> Iterator[dict]:
    awards = (
        award_selectors.public_awards()
        .filter(ceremony__fair=fair)
        .order_by("nomination__position", "nomination_id", "kind", "place", "id")
    )
    for award in awards.iterator(chunk_size=500):
        yield {
            "award_id": award.pk,
            "kind": award.kind,
            "kind_label": award.get_kind_display(),
            "title": award.title,
            "place": award.place,
            "nomination_id": award.nomination_id,
            "nomination": award.nomination.title if award.nomination_id else "",
            "project_id": award.project_id,
            "project": award.project.title,
            "organisation": award.project.organisation.name,
            "grant_kzt": award.grant_amount,
            "prize": award.prize,
            "ceremony_at": _almaty(award.ceremony.held_at),
            "certificate_url": site_url + reverse("awards:certificate", args=[award.pk]),
        }


# ---------------------------------------------------------------- vote totals

VOTE_FIELDS = (
    Field("nomination_id", FieldType.INTEGER, _("The nomination's number; empty if none.")),
    Field("nomination", FieldType.STRING, _("The nomination's title in the language of the file.")),
    Field("project_id", FieldType.INTEGER, _("The finalist's project number (as in the projects dataset).")),
    Field("project", FieldType.STRING, _("The project's title.")),
    Field("organisation", FieldType.STRING, _("The NGO's name.")),
    Field(
        "valid_votes",
        FieldType.INTEGER,
        _("Valid votes: invalidated votes are not counted. The same numbers as the results page."),
    ),
)


def _votes_availability(*, fair: Fair, now: datetime, known: Known) -> Availability:
    # Only after the close, even with live results: the open data are a record, not a scoreboard.
    if now >= fair.voting_closes_at:
        return Availability(public=True)
    return Availability(public=False, from_moment=fair.voting_closes_at)


def _vote_rows(*, fair: Fair, now: datetime, site_url: str) -> Iterator[dict]:
    if now < fair.voting_closes_at:
        return
    for project in voting_selectors.tally(fair):
        yield {
            "nomination_id": project.nomination_id,
            "nomination": project.nomination.title if project.nomination_id else "",
            "project_id": project.pk,
            "project": project.title,
            "organisation": project.organisation.name,
            "valid_votes": project.valid_votes,
        }


# ---------------------------------------------------------------- the list

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            slug="projects",
            title=_("Projects"),
            description=_(
                "Every project the public site shows: finalists and winners, and the submitted "
                "projects the organisers chose to show. Drafts and private projects are never included, "
                "nor contacts, budgets or files."
            ),
            fields=PROJECT_FIELDS,
            availability=_always,
            rows=_project_rows,
        ),
        Dataset(
            slug="finalists",
            title=_("Finalists"),
            description=_(
                "The projects the expert commission shortlisted for the public vote, winners included."
            ),
            fields=PROJECT_FIELDS,
            availability=_always,
            rows=partial(_project_rows, states=FINALIST_STATES),
            fields_as="projects",
        ),
        Dataset(
            slug="jury-averages",
            title=_("Jury averages"),
            description=_(
                "The finalists' per-criterion averages from the commission's protocol, once it is public. "
                "No juror's own scores or comments."
            ),
            fields=JURY_FIELDS,
            availability=_jury_availability,
            rows=_jury_rows,
        ),
        Dataset(
            slug="awards",
            title=pgettext_lazy("open data", "Awards"),
            description=_("The awards given at the fair's ceremony, once it is published, with grants."),
            fields=AWARD_FIELDS,
            availability=_awards_availability,
            rows=_award_rows,
        ),
        Dataset(
            slug="vote-totals",
            title=_("Vote totals"),
            description=_("Valid votes per finalist in the public vote, after voting has closed."),
            fields=VOTE_FIELDS,
            availability=_votes_availability,
            rows=_vote_rows,
        ),
    )
}


def published_fairs() -> list[Fair]:
    return list(project_selectors.public_fairs().order_by("-submission_opens_at"))


def published_fair(slug: str) -> Fair | None:
    return project_selectors.public_fairs().filter(slug=slug).first()


@dataclass(frozen=True)
class FairDatasets:
    fair: Fair
    datasets: list[tuple[Dataset, Availability]]


def fair_datasets(*, fairs: list[Fair], now: datetime) -> list[FairDatasets]:
    """Each published fair with each dataset and whether it is public now; two queries in all."""
    known = Known.of(fairs)
    return [
        FairDatasets(
            fair,
            [
                (dataset, dataset.availability(fair=fair, now=now, known=known))
                for dataset in DATASETS.values()
            ],
        )
        for fair in fairs
    ]


def is_public(*, dataset: Dataset, fair: Fair, now: datetime) -> bool:
    return dataset.availability(fair=fair, now=now, known=Known.of([fair])).public


def dataset_rows(*, dataset: Dataset, fair: Fair, now: datetime) -> Iterator[dict]:
    """The rows of a public dataset; nothing at all if it is not public now (each dataset's rows
    check again: a stream is read after the view has returned)."""
    if not is_public(dataset=dataset, fair=fair, now=now):
        return iter(())
    return dataset.rows(fair=fair, now=now, site_url=site_url())


def csv_value(value):
    """A cell of the CSV file: lists joined, None empty, datetimes as `csv_response` writes them."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    return value


def json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value
