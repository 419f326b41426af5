"""The three demo fairs, by name: each seeding step asks for the fair it needs ("voting",
"review", "archived"), never for a position in a list.

A fair's name is the phase the demo puts it in: the portal step checks that the schedule below
really gives that phase today. Its slug is the marker `manage.py demo delete` relies on: it deletes
only these fairs, so no organiser should give a real fair a slug starting with "demo-".
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time

from django.core.management.base import CommandError
from django.utils import timezone

from projects.models import Fair, Phase, ProjectState

# Almaty's akimat runs the voting and the archived fair; Astana's runs its own.
ALMATY = {
    "organiser_kk": "Алматы қаласының әкімдігі",
    "organiser_ru": "Акимат города Алматы",
    "organiser_en": "Akimat of Almaty",
}
ASTANA = {
    "organiser_kk": "Астана қаласының әкімдігі",
    "organiser_ru": "Акимат города Астаны",
    "organiser_en": "Akimat of Astana",
}

# (days from today, hour of the day, local time) for each date of a fair's schedule.
Schedule = dict[str, tuple[int, int]]


def _voting_schedule(weeks_back: int = 0) -> Schedule:
    """Voting open now, submission closed four weeks ago; `weeks_back` moves it all earlier."""
    shift = -7 * weeks_back
    return {
        "submission_opens_at": (shift - 84, 9),
        "submission_closes_at": (shift - 28, 18),
        "voting_opens_at": (shift - 6, 9),
        "voting_closes_at": (shift + 14, 18),
        "ceremony_at": (shift + 21, 15),
        "archived_at": (shift + 21 + 90, 9),
    }


@dataclass(frozen=True)
class DemoFair:
    """One demo fair: its texts, its schedule relative to today, and what its projects hold."""

    name: str  # the phase the schedule puts it in today, and its key in FAIRS
    slug: str
    texts: dict  # title_*, description_*, organiser_* in kk/ru/en
    schedule: Schedule
    # Projects per state at --scale 1 (--scale multiplies them).
    states: dict[str, int]
    # What the demo users' organisations (ngo1, ngo2, ngo3: indices 0-2) hold here, so a tester
    # sees every state.
    demo_slots: list[tuple[int, str]] = field(default_factory=list)
    # The same number of projects in each nomination, each from an NGO of its theme, so every
    # nomination has about as much for its jurors to score.
    per_nomination: bool = False
    # Drawn from a random sequence of its own: the fair added later leaves the others' projects
    # as they were.
    own_random_sequence: bool = False

    @property
    def phase(self) -> Phase:
        return Phase(self.name)

    def dates(self, now: datetime) -> dict[str, datetime]:
        today = timezone.localdate(now)
        return {
            name: timezone.make_aware(datetime.combine(today + timedelta(days=days), clock_time(hour)))
            for name, (days, hour) in self.schedule.items()
        }

    def get(self) -> Fair | None:
        """The fair in the database, or None before `manage.py demo seed`."""
        return Fair.objects.filter(slug=self.slug).first()


# In the order the portal step creates and fills them (the random sequence depends on it).
FAIRS: dict[str, DemoFair] = {
    fair.name: fair
    for fair in (
        DemoFair(
            name=Phase.VOTING,
            slug="demo-2026",
            texts={
                "title_kk": "Әлеуметтік жобалар жәрмеңкесі 2026",
                "title_ru": "Ярмарка социальных проектов 2026",
                "title_en": "Social Projects Fair 2026",
                "description_kk": (
                    "Алматы қаласының әкімдігі үкіметтік емес ұйымдардың әлеуметтік жобаларын көрсету, қолдау "
                    "және марапаттау үшін жыл сайын жәрмеңке өткізеді. Биыл жобалар үш номинация бойынша "
                    "қабылданды. Сарапшылар іріктеген финалистерге кез келген тұрғын дауыс бере алады, ал "
                    "жеңімпаздар марапаттау рәсімінде жарияланады."
                ),
                "description_ru": (
                    "Акимат города Алматы ежегодно проводит ярмарку, чтобы показать, поддержать и наградить "
                    "социальные проекты неправительственных организаций. В этом году проекты принимались в трёх "
                    "номинациях. За финалистов, отобранных экспертами, может проголосовать любой житель, а "
                    "победителей объявят на церемонии награждения."
                ),
                "description_en": (
                    "Every year the Akimat of Almaty holds a fair to showcase, support and reward the social "
                    "projects of non-governmental organisations. This year projects were accepted in three "
                    "nominations. Any resident can vote for the finalists chosen by the experts, and the winners "
                    "will be announced at the award ceremony."
                ),
                **ALMATY,
            },
            schedule=_voting_schedule(),
            states={
                ProjectState.SUBMITTED: 148,
                ProjectState.FINALIST: 50,
                ProjectState.NOT_SELECTED: 15,
                ProjectState.DRAFT: 3,
                ProjectState.RETURNED: 2,
                ProjectState.WITHDRAWN: 2,
            },
            demo_slots=[
                (0, ProjectState.FINALIST),
                (0, ProjectState.SUBMITTED),
                (0, ProjectState.DRAFT),
                (1, ProjectState.FINALIST),
                (1, ProjectState.SUBMITTED),
                (1, ProjectState.RETURNED),
                (2, ProjectState.SUBMITTED),
                (2, ProjectState.NOT_SELECTED),
                (2, ProjectState.WITHDRAWN),
            ],
        ),
        DemoFair(
            name=Phase.ARCHIVED,
            slug="demo-2025",
            texts={
                "title_kk": "Әлеуметтік жобалар жәрмеңкесі 2025",
                "title_ru": "Ярмарка социальных проектов 2025",
                "title_en": "Social Projects Fair 2025",
                "description_kk": (
                    "2025 жылғы жәрмеңкеге үш номинация бойынша үкіметтік емес ұйымдардың жобалары қатысты. "
                    "Финалистер мен жеңімпаздар туралы ақпарат мұрағатта сақталады."
                ),
                "description_ru": (
                    "В ярмарке 2025 года участвовали проекты неправительственных организаций в трёх номинациях. "
                    "Сведения о финалистах и победителях хранятся в архиве."
                ),
                "description_en": (
                    "Projects of non-governmental organisations in three nominations took part in the 2025 fair. "
                    "Its finalists and winners are kept in the archive."
                ),
                **ALMATY,
            },
            schedule=_voting_schedule(weeks_back=52),
            states={ProjectState.FINALIST: 24, ProjectState.NOT_SELECTED: 36},
            demo_slots=[
                (0, ProjectState.FINALIST),
                (1, ProjectState.NOT_SELECTED),
                (2, ProjectState.FINALIST),
            ],
        ),
        # In expert review: submission has closed and the jury has yet to pick the finalists, so
        # a tester can try the whole jury workflow on it. Submission opened 13 weeks ago, a week
        # before the voting fair's, so the home page (the fair that opened last) shows the fair
        # in voting first.
        DemoFair(
            name=Phase.REVIEW,
            slug="demo-astana-2026",
            texts={
                "title_kk": "Астана әлеуметтік жобалар жәрмеңкесі 2026",
                "title_ru": "Ярмарка социальных проектов Астаны 2026",
                "title_en": "Astana Social Projects Fair 2026",
                "organiser_kk": "Астана қаласының әкімдігі",
                "organiser_ru": "Акимат города Астаны",
                "organiser_en": "Akimat of Astana",
                "description_kk": (
                    "Астана қаласының әкімдігі үкіметтік емес ұйымдардың әлеуметтік жобаларын қолдау үшін "
                    "жәрмеңке өткізеді. Өтінімдерді қабылдау аяқталды: қазір сарапшылар алқасы үш номинация "
                    "бойынша келіп түскен жобаларды бағалап жатыр. Финалистер халықтық дауыс беру басталғанға "
                    "дейін жарияланады."
                ),
                "description_ru": (
                    "Акимат города Астаны проводит ярмарку, чтобы поддержать социальные проекты "
                    "неправительственных организаций. Приём заявок завершён: сейчас экспертное жюри оценивает "
                    "поданные проекты в трёх номинациях. Финалистов объявят до начала народного голосования."
                ),
                "description_en": (
                    "The Akimat of Astana holds a fair to support the social projects of non-governmental "
                    "organisations. Submissions have closed, and an expert jury is now reviewing the projects "
                    "in three nominations. The finalists will be announced before public voting opens."
                ),
            },
            schedule={
                "submission_opens_at": (-91, 9),
                "submission_closes_at": (-4, 18),
                "voting_opens_at": (12, 9),
                "voting_closes_at": (30, 18),
                "ceremony_at": (37, 15),
                "archived_at": (37 + 90, 9),
            },
            # No finalists yet (the jury picks them), 15 projects per nomination; 40 under review, read
            # by six jurors two per project (the jury step's reading assignment, not yet applied).
            states={
                ProjectState.SUBMITTED: 40,
                ProjectState.RETURNED: 2,
                ProjectState.WITHDRAWN: 1,
                ProjectState.DRAFT: 2,
            },
            # ngo1 and ngo3 wait for the jury's verdict; ngo2 was asked for changes and may still
            # make them.
            demo_slots=[(0, ProjectState.SUBMITTED), (1, ProjectState.RETURNED), (2, ProjectState.SUBMITTED)],
            per_nomination=True,
            own_random_sequence=True,
        ),
    )
}

SLUGS = tuple(fair.slug for fair in FAIRS.values())


class MissingFair(CommandError):
    """A step needs a demo fair the portal step has not made (or `--if-empty` left out)."""

    def __init__(self, demo_fair: DemoFair) -> None:
        super().__init__(
            f"No demo fair {demo_fair.slug} ({demo_fair.name}): run `manage.py demo seed` first."
        )
