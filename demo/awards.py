"""The demo's awards step: a ceremony and awards for the archived demo fair, so its winners page,
certificates and the NGOs' award lists have something to show. Runs after the votes step (the
people's choice comes from the demo votes)."""

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from awards.models import Award, AwardKind, Ceremony, CeremonyPhoto
from awards.services import PARTICIPANT_TITLES, PEOPLES_CHOICE_TITLES
from demo.fairs import FAIRS, SLUGS, MissingFair
from projects.media import reencode_image
from projects.models import Fair, Project, ProjectState, ProjectStateChange
from voting import selectors as voting_selectors

FAIR = FAIRS["archived"]
GRANTS = {1: 3_000_000, 2: 2_000_000, 3: 1_000_000}
BEST_PROJECT = {"title_kk": "Үздік жоба", "title_ru": "Лучший проект", "title_en": "Best project"}
STATUETTE = {
    "prize_kk": "Мүсінше және диплом",
    "prize_ru": "Статуэтка и диплом",
    "prize_en": "A statuette and a diploma",
}
CEREMONY = {
    "venue_kk": "Республика сарайы",
    "venue_ru": "Дворец Республики",
    "venue_en": "Palace of the Republic",
    "city_kk": "Алматы",
    "city_ru": "Алматы",
    "city_en": "Almaty",
    "description_kk": (
        "Марапаттау рәсіміне үкіметтік емес ұйымдар, сарапшылар және қала тұрғындары жиналды. "
        "Әр номинацияның үздік жобалары мүсіншелер мен гранттарға ие болды, ал халық таңдауын "
        "ашық дауыс беру анықтады."
    ),
    "description_ru": (
        "На церемонию собрались некоммерческие организации, эксперты и жители города. Лучшие "
        "проекты каждой номинации получили статуэтки и гранты, а народный выбор определило "
        "открытое голосование."
    ),
    "description_en": (
        "NGOs, experts and residents came together for the ceremony. The best projects of each "
        "nomination received statuettes and grants, and the public vote chose the people's choice."
    ),
}
PHOTOS = [
    (
        "Сахнадағы жеңімпаздар мүсіншелерімен",
        "Победители со статуэтками на сцене",
        "Winners with statuettes on stage",
    ),
    ("Залдағы қонақтар", "Гости в зале", "Guests in the hall"),
    ("Грант сертификатын табыстау", "Вручение сертификата на грант", "Handing over a grant certificate"),
]


def stage_picture(seed: int) -> SimpleUploadedFile:
    """A simple drawn picture of a stage with a statuette; demo data has no real photos."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo pictures
    image = Image.new("RGB", (1200, 800), (20, 40, 70))
    draw = ImageDraw.Draw(image)
    for y in range(800):
        shade = int(40 + 60 * y / 800)
        draw.line([(0, y), (1200, y)], fill=(shade // 2, shade // 2 + 10, shade + 40))
    draw.rectangle([0, 560, 1200, 800], fill=(90, 50, 30))
    for _ in range(6):
        x = rng.randint(100, 1100)
        draw.polygon([(x, 0), (x - 120, 560), (x + 120, 560)], fill=(70, 80, 110))
    draw.rectangle([560, 380, 640, 560], fill=(201, 154, 46))
    draw.ellipse([550, 300, 650, 400], fill=(230, 190, 80))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"ceremony-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def delete() -> str:
    """The demo fairs' ceremonies and awards (awards protect their projects); the photos' files go
    once the deletion is committed."""
    ceremonies = Ceremony.objects.filter(fair__slug__in=SLUGS)
    files = [
        name
        for pair in CeremonyPhoto.objects.filter(ceremony__in=ceremonies).values_list("image", "thumbnail")
        for name in pair
        if name
    ]
    deleted, _by_model = Award.objects.filter(ceremony__in=ceremonies).delete()
    ceremonies.delete()
    transaction.on_commit(lambda: remove_files(files))
    return f"Deleted {deleted} demo awards."


def remove_files(names) -> None:
    storage = CeremonyPhoto._meta.get_field("image").storage
    for name in set(names):
        storage.delete(name)


def seed(*, saved_files: list[str]) -> str:
    """`saved_files` gets the photos' file names, for the caller to remove if it rolls back."""
    fair = FAIR.get()
    if fair is None:
        raise MissingFair(FAIR)
    if Ceremony.objects.filter(fair=fair).exists():
        return f"{fair.slug} already has its ceremony; nothing to do."
    count = _seed(fair, saved_files)
    return f"Created a ceremony with {count} awards for {fair.slug}."


def _seed(fair: Fair, saved_files: list[str]) -> int:
    ceremony = Ceremony.objects.create(
        fair=fair,
        held_at=fair.ceremony_at,
        is_published=True,
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        **CEREMONY,
    )
    for position, (kk, ru, en) in enumerate(PHOTOS):
        processed = reencode_image(stage_picture(position))
        photo = CeremonyPhoto(
            ceremony=ceremony, position=position, alt_text_kk=kk, alt_text_ru=ru, alt_text_en=en
        )
        photo.image.save(processed.image.name, processed.image, save=False)
        photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        photo.save()
        saved_files.extend([photo.image.name, photo.thumbnail.name])

    awards, winners = [], set()
    tally = list(voting_selectors.tally(fair))
    for nomination in fair.nominations.all():
        ranked = sorted(
            (project for project in tally if project.nomination_id == nomination.pk),
            key=lambda project: (-project.valid_votes, project.title),
        )
        # The jury's three places: the finalists after the most voted, in title order.
        jury_picks = sorted(ranked[1:], key=lambda project: project.title)[:3]
        for place, project in enumerate(jury_picks, start=1):
            awards.append(
                Award(
                    ceremony=ceremony,
                    project=project,
                    kind=AwardKind.JURY_PRIZE,
                    nomination=nomination,
                    place=place,
                    grant_amount=GRANTS[place],
                    citation_kk="Қоғамға нақты пайда әкелген жүйелі жұмыс үшін.",
                    citation_ru="За последовательную работу, которая приносит обществу ощутимую пользу.",
                    citation_en="For steady work that brings real benefit to the community.",
                    **BEST_PROJECT,
                    **STATUETTE,
                )
            )
            winners.add(project.pk)
        if ranked:
            awards.append(
                Award(
                    ceremony=ceremony,
                    project=ranked[0],
                    kind=AwardKind.PEOPLES_CHOICE,
                    nomination=nomination,
                    **PEOPLES_CHOICE_TITLES,
                )
            )
            winners.add(ranked[0].pk)
    finalists = Project.objects.filter(fair=fair, state__in=[ProjectState.FINALIST, ProjectState.AWARDED])
    awards += [
        Award(ceremony=ceremony, project=project, kind=AwardKind.PARTICIPANT, **PARTICIPANT_TITLES)
        for project in finalists
    ]
    Award.objects.bulk_create(awards)
    # Winners, as the awards service would have made them on the evening of the ceremony.
    Project.objects.filter(pk__in=winners).update(state=ProjectState.AWARDED)
    changes = ProjectStateChange.objects.bulk_create(
        ProjectStateChange(project_id=pk, from_state=ProjectState.FINALIST, to_state=ProjectState.AWARDED)
        for pk in sorted(winners)
    )
    ProjectStateChange.objects.filter(pk__in=[change.pk for change in changes]).update(
        created_at=fair.ceremony_at + timedelta(hours=2)
    )
    return len(awards)
