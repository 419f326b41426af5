import re
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet

from projects.models import (
    Fair,
    Invitation,
    Nomination,
    Organisation,
    Phase,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
)

# Letters and digits of any script (Kazakh ә ғ қ ң ө ұ ү һ і included); the rest is a separator,
# which also keeps tsquery syntax (& | ! : *) out of the raw prefix query.
WORD = re.compile(r"[^\W_]+")


ORGANISERS_GROUP = "Organisers"


def organisers_to_notify():
    """Who gets organisers' e-mails: active staff in the Organisers group (or superusers) with an
    address, who have not turned them off (`User.wants_organiser_mail`)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, wants_organiser_mail=True)
        .filter(Q(groups__name=ORGANISERS_GROUP) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def current_fair(now: datetime) -> Fair | None:
    """The fair the home page is most about: the first of `home_fairs` (a fair in voting first)."""
    fairs = home_fairs(now=now)
    return fairs[0][0] if fairs else None


# The order fairs take on the home page: what a visitor can do today first. A fair in voting leads,
# so announcing next year's fair (in submission, or not yet open) never pushes the vote away.
HOME_PHASE_ORDER = (
    Phase.VOTING,
    Phase.SUBMISSION,
    Phase.RESULTS,
    Phase.CEREMONY,
    Phase.REVIEW,
    Phase.DRAFT,
)


def home_fairs(*, now: datetime, limit: int = 6) -> list[tuple[Fair, str]]:
    """Every published fair not yet archived, with its phase, ordered by `HOME_PHASE_ORDER` and
    then newest first: one query, whatever the number of fairs."""
    fairs = [
        (fair, fair.phase_at(now))
        for fair in Fair.objects.filter(is_published=True, archived_at__gt=now).order_by(
            "-submission_opens_at"
        )[: limit * 2]
    ]
    fairs.sort(key=lambda pair: HOME_PHASE_ORDER.index(pair[1]) if pair[1] in HOME_PHASE_ORDER else 99)
    return fairs[:limit]


# What a card or a list row never shows: loading them made the catalogue's page query four times
# slower (the generated search vector above all).
LONG_TEXT_FIELDS = (
    "problem",
    "target_group",
    "goals_and_activities",
    "results_achieved",
    "sustainability_plan",
    "search_vector",
)

SCHEDULE_FIELDS = (
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "ceremony_at",
    "archived_at",
)


def next_schedule_change(now: datetime) -> datetime | None:
    """The next moment after `now` at which a published fair changes phase, in one query."""
    moments = Fair.objects.filter(is_published=True).aggregate(
        **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in SCHEDULE_FIELDS}
    )
    return min((moment for moment in moments.values() if moment is not None), default=None)


def fairs_open_for_submission(now: datetime) -> QuerySet[Fair]:
    return Fair.objects.filter(is_published=True, submission_opens_at__lte=now, submission_closes_at__gt=now)


def organisations_of(user) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(memberships__user=user)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=Project.objects.select_related("fair", "nomination").order_by("-updated_at"),
            )
        )
    )


def open_invitations_for(user) -> QuerySet[Invitation]:
    """Invitations waiting for this user's address, so a newcomer finds them after signing up."""
    return Invitation.objects.open().filter(email__iexact=user.email).select_related("organisation")


def return_note(project: Project) -> str:
    """The organisers' message while a project is returned for changes, else ''."""
    if project.state != ProjectState.RETURNED:
        return ""
    change = (
        project.state_changes.filter(to_state=ProjectState.RETURNED).order_by("-created_at", "-id").first()
    )
    return change.note if change else ""


def organisation_for_member(user, pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk, memberships__user=user).select_related("region").first()


def project_for_member(user, pk: int) -> Project | None:
    """The project with what its private pages show, if `user` belongs to its NGO."""
    return (
        Project.objects.filter(pk=pk, organisation__memberships__user=user)
        .select_related("fair", "organisation", "nomination", "region")
        .prefetch_related(
            "spheres",
            "images",
            Prefetch("state_changes", queryset=ProjectStateChange.objects.select_related("actor")),
        )
        .first()
    )


# ---------------------------------------------------------------- public site


def public_fairs() -> QuerySet[Fair]:
    return Fair.objects.filter(is_published=True)


def public_projects() -> QuerySet[Project]:
    """Public projects with what a list shows, in a constant number of queries."""
    return (
        Project.objects.public()
        .select_related("organisation", "nomination", "region", "fair")
        .prefetch_related(
            "spheres", Prefetch("images", queryset=ProjectImage.objects.order_by("position", "id"))
        )
    )


def public_project_cards() -> QuerySet[Project]:
    """Public projects with what a card shows and nothing more (no long texts, no fair)."""
    return (
        Project.objects.public()
        .select_related("organisation", "nomination", "region")
        .defer(
            *LONG_TEXT_FIELDS,
            "organisation__description",
            "nomination__description_kk",
            "nomination__description_ru",
            "nomination__description_en",
        )
        .prefetch_related(
            "spheres", Prefetch("images", queryset=ProjectImage.objects.order_by("position", "id"))
        )
    )


def public_project_brief(pk: int) -> Project | None:
    """A public project with its fair, nomination and NGO, for pages that show only its title
    (the voting pages): one query, no long texts."""
    return (
        Project.objects.public()
        .select_related("fair", "nomination", "organisation")
        .defer(*LONG_TEXT_FIELDS, "organisation__description")
        .filter(pk=pk)
        .first()
    )


def public_project(pk: int) -> Project | None:
    return (
        public_projects()
        .prefetch_related(
            Prefetch(
                "organisation__projects",
                queryset=Project.objects.public().select_related("fair").defer(*LONG_TEXT_FIELDS),
            )
        )
        .filter(pk=pk)
        .first()
    )


def nominations_with_public_counts(fair: Fair) -> list[Nomination]:
    """The fair's nominations with `public_count`: one GROUP BY over the catalogue's index."""
    counts = dict(
        Project.objects.public()
        .filter(fair=fair)
        .values("nomination_id")
        .annotate(count=Count("*"))
        .values_list("nomination_id", "count")
        .order_by()
    )
    nominations = list(fair.nominations.all())
    for nomination in nominations:
        nomination.public_count = counts.get(nomination.pk, 0)
    return nominations


# Kazakh case endings (dative, genitive, accusative, locative, ablative, instrumental) in every
# variant of vowel harmony and consonant assimilation; longest first. PostgreSQL has no Kazakh
# dictionary and PyPI no maintained Kazakh stemmer, so a query word loses one such ending and is
# then matched as a prefix: "жастарға" → "жастар:*", which finds жастар, жастарға, жастардың.
# Only one ending goes, never the plural or the stem, so "жастар" never widens to "жас" (жасыл).
KAZAKH_CASE_ENDINGS = tuple(
    sorted(
        (
            "ға", "ге", "қа", "ке", "на", "не",
            "ның", "нің", "дың", "дің", "тың", "тің",
            "ны", "ні", "ды", "ді", "ты", "ті",
            "да", "де", "та", "те", "нда", "нде",
            "дан", "ден", "тан", "тен", "нан", "нен", "ндан", "нден",
            "мен", "бен", "пен", "менен", "бенен", "пенен",
            "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
KAZAKH_LETTERS = set("әғқңөұүһі")
KAZAKH_PLURALS = ("лар", "лер", "дар", "дер", "тар", "тер")
KAZAKH_POSSESSIVES = ("ымыз", "іміз", "ыңыз", "іңіз", "ың", "ің", "ым", "ім", "ы", "і")
SHORTEST_STEM = 4


def kazakh_search_stem(word: str) -> str:
    """`word` without its Kazakh case ending, for prefix search; other words unchanged.

    Endings like -да or -не end Russian words too ("стране"): they are dropped only from a word
    that is Kazakh by its letters, or whose remainder ends in a Kazakh plural (жастар-дан).
    """
    for ending in KAZAKH_CASE_ENDINGS:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < SHORTEST_STEM:
            continue
        if KAZAKH_LETTERS & set(word) or stem.endswith(KAZAKH_PLURALS):
            word = stem
            break
    # A possessive between the plural and the case ending (оқушылар-ы-на, жастар-ымыз-ға) goes
    # too, but only where a plural is left: a bare -ы or -і ends too many stems to cut elsewhere.
    for ending in KAZAKH_POSSESSIVES:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= SHORTEST_STEM and stem.endswith(KAZAKH_PLURALS):
            return stem
    return word


def search_projects(projects: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Full-text search: Russian stems, plus word prefixes for Kazakh (and any language).

    Every word must match ("websearch" semantics for the stemmed part; AND of prefixes).
    """
    words = WORD.findall(text.lower())
    if not words:
        return projects
    stemmed = SearchQuery(text, config="russian", search_type="websearch")
    prefixes = SearchQuery(
        " & ".join(f"{kazakh_search_stem(word)}:*" for word in words), config="simple", search_type="raw"
    )
    return projects.annotate(
        rank=SearchRank(F("search_vector"), stemmed) + SearchRank(F("search_vector"), prefixes)
    ).filter(Q(search_vector=stemmed) | Q(search_vector=prefixes))
