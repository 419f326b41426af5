"""The demo's first step: a realistic, living portal for demos, manual testing and benchmarks —
the three demo fairs (`demo.fairs`), 72 NGOs across all regions, about 320 projects in every state
with illustrations, and three demo NGO accounts.

Writes through the ORM in bulk, never through `projects.services`: the services e-mail NGO members
on every state change and check the clock, while this step invents a history (state changes
with timestamps inside each fair's schedule) that no real clock could have produced.
"""

import math
import os
import random
import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from io import BytesIO
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from demo import data
from demo.fairs import FAIRS, SLUGS, DemoFair
from projects.media import reencode_image
from projects.models import (
    Fair,
    LegalForm,
    Membership,
    Nomination,
    Organisation,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
    Region,
    Sphere,
)
from projects.validators import bin_check_digit

SEED = 2026
BATCH_SIZE = 500

# Numbers at --scale 1; --scale multiplies all of them.
BASE_ORGANISATIONS = 72
# Share of submitted / not selected projects an organiser chose to show on the public site.
PUBLIC_SHARE = {ProjectState.SUBMITTED: 0.5, ProjectState.NOT_SELECTED: 0.4, ProjectState.FINALIST: 0.5}

IMAGE_SIZE = (1200, 800)
SUPERSAMPLE = 2
LANGUAGE_INDEX = {"kk": 0, "ru": 1, "en": 2}

_TRANSLITERATION = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        **dict(zip("әғқңөұүһі", "agqnouuhi", strict=True)),
        "ё": "yo",
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ь": "",
        "ю": "yu",
        "я": "ya",
    }
)


def batched(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def backdate(model, objects: list, fields: list[str]) -> None:
    """Store the timestamps set on `objects`, which bulk_create replaced with the clock's.

    auto_now and auto_now_add fields ignore what they are given on insert. One UPDATE per
    5 000 rows from arrays; bulk_update would build a CASE with a branch per row instead.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in fields]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    arrays = ", ".join(["%s::timestamptz[]"] * len(columns))
    # Only identifiers from the model's own metadata are interpolated; values go as parameters.
    sql = f"UPDATE {quote(meta.db_table)} AS t SET {assignments} FROM unnest(%s::bigint[], {arrays}) AS v(id, {', '.join(columns)}) WHERE t.{quote(meta.pk.column)} = v.id"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in batched(objects, 5000):
            cursor.execute(
                sql, [[obj.pk for obj in chunk]] + [[getattr(obj, name) for obj in chunk] for name in fields]
            )


def demo_user_emails() -> list[str]:
    return [email for email, _name, _language in data.DEMO_USERS]


def is_demo_email(email: str) -> bool:
    return email.lower().endswith("." + data.DEMO_DOMAIN)


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class PoolImage:
    theme: str
    motif: str
    palette: dict
    image: bytes
    image_ext: str
    thumbnail: bytes
    width: int
    height: int

    def alt_text(self, language: str) -> str:
        text = data.ALT_TEXT[language].format(
            colours=self.palette["words"][language], motif=data.MOTIFS[self.motif][language]
        )
        return text[:1].upper() + text[1:]


@cache
def image_pool() -> dict[str, list[PoolImage]]:
    """The 24 illustrations (3 themes x 2 palettes x 4 motifs), re-encoded like uploads.

    Cached for the process: making them is most of a small run's time, and they depend on nothing
    but their own seed. Drawing runs in threads (Pillow releases the GIL while it resizes and
    encodes); re-encoding does not, because `reencode_image` changes process-wide warning filters.
    """
    jobs = [
        (theme, motif, palette, f"{SEED}-{theme}-{palette_index}-{motif_index}")
        for theme in data.THEMES
        for palette_index, palette in enumerate(data.PALETTES[theme])
        for motif_index, motif in enumerate(data.THEME_MOTIFS[theme])
    ]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as executor:
        drawings = list(
            executor.map(lambda job: draw_illustration(job[1], job[2], random.Random(job[3])), jobs)  # noqa: S311
        )
    pool: dict[str, list[PoolImage]] = {theme: [] for theme in data.THEMES}
    for (theme, motif, palette, _seed), drawing in zip(jobs, drawings, strict=True):
        processed = reencode_image(ContentFile(drawing))
        pool[theme].append(
            PoolImage(
                theme=theme,
                motif=motif,
                palette=palette,
                image=processed.image.read(),
                image_ext=processed.image.name.rsplit(".", 1)[-1],
                thumbnail=processed.thumbnail.read(),
                width=processed.width,
                height=processed.height,
            )
        )
    return pool


@cache
def _sky_mask() -> Image.Image:
    return Image.linear_gradient("L").resize(IMAGE_SIZE)


def draw_illustration(motif: str, palette: dict, rng: random.Random) -> bytes:
    """A gradient sky with a simple motif in the palette's colours, as high-quality JPEG bytes."""
    sky = Image.composite(
        Image.new("RGB", IMAGE_SIZE, palette["bottom"]),
        Image.new("RGB", IMAGE_SIZE, palette["top"]),
        _sky_mask(),
    ).convert("RGBA")
    # ImageDraw does not anti-alias: draw the motif twice as large and scale it down.
    width, height = IMAGE_SIZE[0] * SUPERSAMPLE, IMAGE_SIZE[1] * SUPERSAMPLE
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    _MOTIF_PAINTERS[motif](ImageDraw.Draw(layer), width, height, palette, rng)
    layer = layer.resize(IMAGE_SIZE, Image.Resampling.BOX)
    buffer = BytesIO()
    Image.alpha_composite(sky, layer).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def _rgba(colour: tuple[int, int, int], alpha: int = 255) -> tuple[int, int, int, int]:
    return (*colour, alpha)


def _sun(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, colour) -> None:
    for scale, alpha in ((1.7, 45), (1.35, 80), (1.0, 255)):
        draw.ellipse((x - r * scale, y - r * scale, x + r * scale, y + r * scale), fill=_rgba(colour, alpha))


def _wave(width: int, height: int, base: float, amplitude: float, period: float, phase: float) -> list:
    step = max(1, width // 80)
    points = [(x, base + amplitude * math.sin(x / period + phase)) for x in range(0, width + step, step)]
    return [*points, (width, height), (0, height)]


def _ground(draw, w, h, palette) -> float:
    top = h * 0.78
    draw.ellipse((-w * 0.2, top, w * 1.2, h + h * 0.6), fill=_rgba(palette["main"], 150))
    return top + h * 0.04


def _paint_people(draw, w, h, palette, rng) -> None:
    _sun(draw, w * rng.uniform(0.12, 0.3), h * 0.2, h * 0.08, palette["sun"])
    ground = _ground(draw, w, h, palette)
    colours = [palette["accent"], palette["main"], palette["sun"], palette["dark"], palette["accent"]]
    count = rng.choice([4, 5, 5, 6])
    xs = [w * (0.2 + 0.6 * i / (count - 1)) + rng.uniform(-w * 0.015, w * 0.015) for i in range(count)]
    figures = []
    for x in xs:
        tall = rng.random() > 0.3
        body = h * (rng.uniform(0.3, 0.36) if tall else rng.uniform(0.2, 0.24))
        head = h * (0.05 if tall else 0.042)
        figures.append((x, ground - body, body, head))
    # Hands first, so the bodies cover the ends of the arms.
    for (x1, top1, body1, _), (x2, top2, body2, _) in pairwise(figures):
        y1, y2 = top1 + body1 * 0.3, top2 + body2 * 0.3
        middle = ((x1 + x2) / 2, max(y1, y2) + h * 0.05)
        draw.line(
            [(x1, y1), middle, (x2, y2)], fill=_rgba(palette["dark"], 230), width=int(h * 0.02), joint="curve"
        )
    for index, (x, top, _body, head) in enumerate(figures):
        colour = colours[index % len(colours)]
        half = head * 1.15
        draw.rounded_rectangle((x - half, top, x + half, ground), radius=half, fill=_rgba(colour))
        draw.ellipse((x - head, top - head * 2.3, x + head, top - head * 0.3), fill=_rgba(colour))


def _paint_house(draw, w, h, palette, rng) -> None:
    _sun(draw, w * rng.uniform(0.12, 0.22), h * 0.2, h * 0.07, palette["sun"])
    ground = _ground(draw, w, h, palette)
    cx = w * rng.uniform(0.45, 0.55)
    half = w * 0.14
    wall_top = h * 0.48
    draw.rectangle((cx - half, wall_top, cx + half, ground), fill=_rgba(palette["main"]))
    draw.polygon(
        [(cx - half * 1.25, wall_top), (cx, wall_top - h * 0.17), (cx + half * 1.25, wall_top)],
        fill=_rgba(palette["dark"]),
    )
    draw.rectangle((cx - half * 0.2, ground - h * 0.16, cx + half * 0.2, ground), fill=_rgba(palette["dark"]))
    for side in (-1, 1):
        wx = cx + side * half * 0.6
        draw.rectangle(
            (wx - h * 0.035, wall_top + h * 0.06, wx + h * 0.035, wall_top + h * 0.13),
            fill=_rgba(palette["sun"]),
        )
    # A heart: two circles and a triangle.
    hx, hy, r = cx, wall_top - h * 0.3, h * 0.045
    draw.ellipse((hx - 2 * r, hy - r, hx, hy + r), fill=_rgba(palette["accent"]))
    draw.ellipse((hx, hy - r, hx + 2 * r, hy + r), fill=_rgba(palette["accent"]))
    draw.polygon(
        [(hx - 1.93 * r, hy + r * 0.35), (hx + 1.93 * r, hy + r * 0.35), (hx, hy + 2.6 * r)],
        fill=_rgba(palette["accent"]),
    )


def _paint_circles(draw, w, h, palette, rng) -> None:
    colours = [palette["main"], palette["accent"], palette["sun"], palette["dark"]]
    for index in range(rng.randint(12, 18)):
        r = h * rng.uniform(0.07, 0.26)
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=_rgba(colours[index % len(colours)], rng.randint(80, 160))
        )


def _paint_hills(draw, w, h, palette, rng) -> None:
    _sun(draw, w * rng.uniform(0.55, 0.8), h * 0.36, h * 0.1, palette["sun"])
    for index, (colour, alpha) in enumerate(
        ((palette["main"], 130), (palette["dark"], 170), (palette["main"], 235))
    ):
        base = h * (0.55 + 0.12 * index)
        draw.polygon(
            _wave(w, h, base, h * rng.uniform(0.04, 0.08), w / rng.uniform(3, 6), rng.uniform(0, 6)),
            fill=_rgba(colour, alpha),
        )


def _paint_scales(draw, w, h, palette, rng) -> None:
    _sun(draw, w / 2, h * 0.42, h * 0.3, palette["sun"])
    cx, top = w / 2, h * 0.2
    line = int(h * 0.014)
    draw.rectangle((cx - h * 0.015, top, cx + h * 0.015, h * 0.8), fill=_rgba(palette["dark"]))
    draw.rounded_rectangle(
        (cx - w * 0.12, h * 0.78, cx + w * 0.12, h * 0.84), radius=h * 0.02, fill=_rgba(palette["dark"])
    )
    tilt = h * rng.uniform(-0.03, 0.03)
    left, right = (cx - w * 0.22, top + h * 0.05 + tilt), (cx + w * 0.22, top + h * 0.05 - tilt)
    draw.line([left, right], fill=_rgba(palette["dark"]), width=line * 2)
    for px, py in (left, right):
        pan_y = py + h * 0.25
        draw.line([(px, py), (px - w * 0.07, pan_y)], fill=_rgba(palette["main"]), width=line)
        draw.line([(px, py), (px + w * 0.07, pan_y)], fill=_rgba(palette["main"]), width=line)
        draw.chord(
            (px - w * 0.09, pan_y - h * 0.08, px + w * 0.09, pan_y + h * 0.08),
            0,
            180,
            fill=_rgba(palette["accent"]),
        )
    draw.ellipse(
        (cx - h * 0.035, top - h * 0.035, cx + h * 0.035, top + h * 0.035), fill=_rgba(palette["accent"])
    )


def _paint_tree(draw, w, h, palette, rng) -> None:
    _sun(draw, w * rng.uniform(0.7, 0.85), h * 0.2, h * 0.08, palette["sun"])
    ground = _ground(draw, w, h, palette)
    cx = w * rng.uniform(0.4, 0.5)
    draw.rectangle(
        (cx - h * 0.035, h * 0.45, cx + h * 0.035, ground + h * 0.02), fill=_rgba(palette["accent"])
    )
    for _ in range(7):
        r = h * rng.uniform(0.1, 0.16)
        x, y = cx + rng.uniform(-h * 0.2, h * 0.2), h * rng.uniform(0.25, 0.45)
        colour = rng.choice([palette["main"], palette["dark"]])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(colour, 225))


def _paint_waves(draw, w, h, palette, rng) -> None:
    _sun(draw, w * rng.uniform(0.25, 0.75), h * 0.42, h * 0.12, palette["sun"])
    colours = [palette["main"], palette["dark"], palette["main"], palette["dark"]]
    for index, colour in enumerate(colours):
        base = h * (0.5 + 0.1 * index)
        draw.polygon(
            _wave(w, h, base, h * 0.03, w / rng.uniform(8, 14), rng.uniform(0, 6)),
            fill=_rgba(colour, 120 + 30 * index),
        )


_MOTIF_PAINTERS = {
    "people": _paint_people,
    "house": _paint_house,
    "circles": _paint_circles,
    "hills": _paint_hills,
    "scales": _paint_scales,
    "tree": _paint_tree,
    "waves": _paint_waves,
}


# ---------------------------------------------------------------- the seeder


@dataclass
class DemoOrganisation:
    organisation: Organisation
    theme: str
    language: str
    founded: datetime
    owner: object = None  # the demo user, for the first three


@dataclass
class PlannedProject:
    project: Project
    theme: str
    created_at: datetime
    updated_at: datetime
    changes: list[ProjectStateChange] = field(default_factory=list)
    change_times: list[datetime] = field(default_factory=list)
    sphere_ids: list[int] = field(default_factory=list)
    image_count: int = 0
    own_files: bool = True


class DemoSeeder:
    """Builds the demo data in memory and writes it with bulk inserts. Call `run()` once."""

    def __init__(self, *, now: datetime, scale: int, log: Callable[[str, int], None]) -> None:
        self.now = now
        self.scale = scale
        self.log = log
        self.rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
        self.saved_files: list[str] = []  # for the caller to remove if the transaction rolls back
        self._shared_files: dict[tuple[str, int], tuple[str, str]] = {}
        self._idea_cycles: dict[tuple, list] = {}
        self._titles: dict[int, set[str]] = {}
        self.nominations: dict[int, dict[str, Nomination]] = {}

    # ------------------------------------------------------------ entry point

    def run(self) -> dict:
        # The regions and spheres of migration 0002; regions added later have no demo cities.
        self.regions = list(Region.objects.filter(code__in=data.CITIES).order_by("position", "id"))
        self.spheres = {sphere.slug: sphere.pk for sphere in Sphere.objects.all()}
        needed = {slug for main, others in data.SPHERES.values() for slug in [main, *others]}
        if len(self.regions) < len(data.CITIES) or not needed <= self.spheres.keys():
            raise CommandError("Regions or spheres are missing: run `manage.py migrate` first.")
        self.region_by_code = {region.code: region for region in self.regions}

        users = self._create_users()
        fairs = self._create_fairs()
        organisations = self._create_organisations(users)
        plans = []
        for demo_fair in FAIRS.values():
            plan = self._plan_projects_per_nomination if demo_fair.per_nomination else self._plan_projects
            sequence = (
                self._random(f"{SEED}-{demo_fair.slug}") if demo_fair.own_random_sequence else nullcontext()
            )
            with sequence:
                plans += plan(fairs[demo_fair.name], organisations, demo_fair)
        self._write_projects(plans)
        image_count = self._write_images(plans)
        return {
            "users": users,
            "fairs": list(fairs.values()),
            "organisations": len(organisations),
            "projects": len(plans),
            "images": image_count,
        }

    @contextmanager
    def _random(self, seed: str):
        """Draw from another repeatable sequence inside the block."""
        saved, self.rng = self.rng, random.Random(seed)  # noqa: S311 - demo data, not secrets
        try:
            yield
        finally:
            self.rng = saved

    # ------------------------------------------------------------ people and fairs

    def _create_users(self) -> list:
        User = get_user_model()
        # One hash for the shared, published password: hashing is slow by design.
        password = make_password(data.DEMO_PASSWORD)
        users = []
        for email, full_name, language in data.DEMO_USERS:
            user = User(
                email=email,
                password=password,
                full_name=full_name,
                language=language,
                email_confirmed_at=self.now,
            )
            user.full_clean()
            user.save()
            users.append(user)
        self.log(f"Demo users: {len(users)}", 2)
        return users

    def _create_fairs(self) -> dict[str, Fair]:
        """The demo fairs by name, each with the three nominations."""
        fairs = {}
        for demo_fair in FAIRS.values():
            fair = Fair.objects.create(
                slug=demo_fair.slug, **demo_fair.texts, **demo_fair.dates(self.now), is_published=True
            )
            if fair.phase_at(self.now) != demo_fair.phase:
                raise CommandError(
                    f"The demo schedule does not put {fair.slug} in its {demo_fair.name} phase."
                )
            self.nominations[fair.pk] = {
                theme: Nomination.objects.create(fair=fair, position=position, **data.NOMINATIONS[theme])
                for position, theme in enumerate(data.THEMES)
            }
            fairs[demo_fair.name] = fair
        self.log(
            "Fairs: "
            + ", ".join(f"{fair.slug} ({name})" for name, fair in fairs.items())
            + ", 3 nominations each",
            2,
        )
        return fairs

    # ------------------------------------------------------------ organisations

    def _region_codes(self, count: int) -> list[str]:
        """Every region at least once, the rest weighted towards the big cities."""
        codes = [region.code for region in self.regions]
        weights = [data.REGION_WEIGHTS.get(code, 1) for code in codes]
        pool = codes[:count] + self.rng.choices(codes, weights, k=max(0, count - len(codes)))
        self.rng.shuffle(pool)
        return pool

    def _create_organisations(self, users: list) -> list[DemoOrganisation]:
        count = BASE_ORGANISATIONS * self.scale
        seeds = [data.ORGANISATIONS[i % len(data.ORGANISATIONS)] for i in range(count)]
        codes = self._region_codes(count)
        for i, seed in enumerate(seeds):  # names like «Жасыл Алматы» belong to their city
            if seed.region and codes[i] != seed.region:
                swap = next(
                    (j for j, code in enumerate(codes) if code == seed.region and not seeds[j].region), None
                )
                if swap is None:
                    codes[i] = seed.region
                else:
                    codes[i], codes[swap] = codes[swap], codes[i]

        used_bins = set(Organisation.objects.exclude(bin="").values_list("bin", flat=True))
        used_names: set[str] = set()
        forms = list(data.LEGAL_FORM_WEIGHTS)
        form_weights = list(data.LEGAL_FORM_WEIGHTS.values())
        result = []
        for i, seed in enumerate(seeds):
            region = self.region_by_code[codes[i]]
            cities = self.rng.choice(data.CITIES[region.code])
            city = cities[LANGUAGE_INDEX[seed.style]]
            legal_form = seed.legal_form or self.rng.choices(forms, form_weights)[0]
            root = seed.root
            copy = i // len(data.ORGANISATIONS)
            if copy:  # --scale: the same name again, as a branch elsewhere
                root = f"{seed.root} {copy + 1}" if seed.region else f"{seed.root}-{city}"
            name = data.LEGAL_FORM_NAMES[legal_form][seed.style].format(root=root)
            suffix = 2
            while name in used_names:
                name = data.LEGAL_FORM_NAMES[legal_form][seed.style].format(root=f"{root} {suffix}")
                suffix += 1
            used_names.add(name)

            founded_year = self.rng.randint(2003, 2022)
            founded = timezone.make_aware(
                datetime(founded_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            )
            handle = re.sub(r"[^a-z0-9]+", "-", root.lower().translate(_TRANSLITERATION)).strip("-")
            registered = legal_form != LegalForm.INITIATIVE_GROUP
            street_language = "kk" if seed.style == "kk" else "ru"
            organisation = Organisation(
                name=name,
                legal_form=legal_form,
                bin=self._bin(founded, used_bins) if registered else "",
                region=region,
                city=city,
                address=data.ADDRESS[street_language].format(
                    street=self.rng.choice(data.STREETS[street_language]),
                    house=self.rng.randint(1, 240),
                    office=self.rng.randint(1, 60),
                )
                if registered
                else "",
                website=f"https://{handle}.{data.DEMO_DOMAIN}" if self.rng.random() < 0.5 else "",
                phone=f"+7{self.rng.choice(data.PHONE_CODES)}{self.rng.randint(0, 9_999_999):07d}",
                email=f"info@{handle}.{data.DEMO_DOMAIN}",
                description=data.ORGANISATION_DESCRIPTION[seed.language].format(
                    year=founded_year,
                    city=cities[LANGUAGE_INDEX[seed.language]],
                    focus=data.ORGANISATION_FOCUS[seed.theme][seed.language],
                    staff=self.rng.randint(3, 25),
                    volunteers=self.rng.randrange(2, 30) * 10,
                ),
            )
            result.append(DemoOrganisation(organisation, seed.theme, seed.language, founded))

        Organisation.objects.bulk_create([item.organisation for item in result], batch_size=BATCH_SIZE)
        # They joined the portal about a year and a half ago (auto_now fields ignore what we set).
        joined = self.now - timedelta(days=540)
        for item in result:
            item.organisation.created_at = item.organisation.updated_at = joined + timedelta(
                minutes=self.rng.randint(0, 60 * 24 * 120)
            )
        backdate(Organisation, [item.organisation for item in result], ["created_at", "updated_at"])
        memberships = []
        for item, user in zip(result, users, strict=False):
            item.owner = user
            memberships.append(
                Membership(organisation=item.organisation, user=user, role=Membership.Role.OWNER)
            )
        Membership.objects.bulk_create(memberships)
        self.log(f"Organisations: {len(result)} in {len(set(codes))} regions", 1)
        return result

    def _bin(self, founded: datetime, used: set[str]) -> str:
        """YYMM of registration, 4 (resident legal entity), 0 (head office), serial, check digit."""
        while True:
            first11 = f"{founded:%y%m}40{self.rng.randint(0, 99_999):05d}"
            digit = bin_check_digit(first11)
            if digit is not None and (bin_ := f"{first11}{digit}") not in used:
                used.add(bin_)
                return bin_

    # ------------------------------------------------------------ projects

    def _plan_projects(
        self, fair: Fair, organisations: list[DemoOrganisation], demo_fair: DemoFair
    ) -> list[PlannedProject]:
        demo_slots, base_states = demo_fair.demo_slots, demo_fair.states
        states = [state for state, count in base_states.items() for _ in range(count * self.scale)]
        base_total = sum(base_states.values())
        assignments = []
        for index, state in demo_slots:
            states.remove(state)
            assignments.append((organisations[index], state))
        self.rng.shuffle(states)
        others = organisations[len(data.DEMO_USERS) :]
        order = self.rng.sample(others, len(others))
        assignments += [(order[i % len(order)], state) for i, state in enumerate(states)]
        self._titles[fair.pk] = set()
        return [
            self._plan_project(fair, owner, state, own_files=i < base_total)
            for i, (owner, state) in enumerate(assignments)
        ]

    def _plan_projects_per_nomination(
        self, fair: Fair, organisations: list[DemoOrganisation], demo_fair: DemoFair
    ) -> list[PlannedProject]:
        """Like `_plan_projects`, but each nomination gets the same number of projects, all from
        organisations working on its theme, with the states other than submitted spread evenly, so
        every nomination has about as much for its jurors to score."""
        demo_slots, base_states = demo_fair.demo_slots, demo_fair.states
        states = [state for state, count in base_states.items() for _ in range(count * self.scale)]
        size, extra = divmod(len(states), len(data.THEMES))
        sizes = {theme: size + (i < extra) for i, theme in enumerate(data.THEMES)}
        # (owner, state) per theme; the owner is None until one is drawn below.
        buckets: dict[str, list[tuple]] = {theme: [] for theme in data.THEMES}
        demo_assignments = []
        for index, state in demo_slots:
            states.remove(state)
            owner = organisations[index]
            buckets[owner.theme].append((owner, state))
            demo_assignments.append((owner, state, owner.theme))
        for state in [state for state in states if state != ProjectState.SUBMITTED]:
            theme = min(
                (theme for theme in data.THEMES if len(buckets[theme]) < sizes[theme]),
                key=lambda theme: sum(s != ProjectState.SUBMITTED for _owner, s in buckets[theme]),
            )
            buckets[theme].append((None, state))
        others = organisations[len(data.DEMO_USERS) :]
        assignments = []
        for theme, bucket in buckets.items():
            bucket += [(None, ProjectState.SUBMITTED)] * (sizes[theme] - len(bucket))
            owners = [item for item in others if item.theme == theme]
            owners = self.rng.sample(owners, len(owners))
            unowned = [state for owner, state in bucket if owner is None]
            assignments += [(owners[i % len(owners)], state, theme) for i, state in enumerate(unowned)]
        self.rng.shuffle(assignments)
        base_total = sum(base_states.values())
        self._titles[fair.pk] = set()
        return [
            self._plan_project(fair, owner, state, own_files=i < base_total, theme=theme)
            for i, (owner, state, theme) in enumerate(demo_assignments + assignments)
        ]

    def _language(self, organisation: DemoOrganisation) -> str:
        roll = self.rng.random()
        if organisation.language == "en":
            return "en" if roll < 0.7 else ("ru" if roll < 0.9 else "kk")
        other = "ru" if organisation.language == "kk" else "kk"
        return organisation.language if roll < 0.82 else (other if roll < 0.97 else "en")

    def _idea(self, fair: Fair, theme: str, language: str, city: str) -> tuple[dict, str, str]:
        """Texts that belong together: a title and summary, with the problem, target group, activities
        and results of the same strand. Ideas repeat only once all of them have been used."""
        key = (fair.pk, theme, language)
        if not self._idea_cycles.get(key):
            ideas = [
                (strand, title, summary)
                for strand in data.PROJECT_STRANDS[theme].values()
                for title, summary in strand["ideas"].get(language, [])
            ]
            self._idea_cycles[key] = self.rng.sample(ideas, len(ideas))
        strand, title, summary = self._idea_cycles[key].pop()
        hints = dict(
            zip(("target_groups", "activities", "results"), data.IDEA_HINTS.get(title, ()), strict=False)
        )
        used = self._titles[fair.pk]
        if "{city}" not in title and title in used:
            title = data.TITLE_WITH_CITY[language].format(title=title, city=city)
        title = title.format(city=city)
        used.add(title)
        texts = {
            part: self._pick(strand[part][language], hints.get(part))
            for part in ("problems", "target_groups", "activities", "results")
        }
        return texts, title, summary.format(city=city)

    def _pick(self, options: list, index: int | None):
        return options[index] if index is not None and index < len(options) else self.rng.choice(options)

    def _between(self, start: datetime, end: datetime) -> datetime:
        moment = start + (end - start) * self.rng.uniform(0.02, 0.98)
        return moment.replace(microsecond=0)

    def _plan_project(
        self, fair: Fair, owner: DemoOrganisation, state: str, *, own_files: bool, theme: str | None = None
    ) -> PlannedProject:
        rng = self.rng
        if theme is None:
            theme = owner.theme if rng.random() < 0.8 else rng.choice(data.THEMES)
        language = self._language(owner)
        region = owner.organisation.region if rng.random() < 0.85 else rng.choice(self.regions)
        city = rng.choice(data.CITIES[region.code])[LANGUAGE_INDEX[language]]
        texts, title, summary = self._idea(fair, theme, language, city)
        target_group, fewest, most = texts["target_groups"]
        reached = rng.randrange(4, 61) * 10
        draft = state == ProjectState.DRAFT
        main_sphere, other_spheres = data.SPHERES[theme]
        spheres = [main_sphere, *rng.sample(other_spheres, rng.choice([0, 1, 1, 2]))]
        budget = round(math.exp(rng.uniform(math.log(500_000), math.log(30_000_000))) / 50_000) * 50_000

        project = Project(
            organisation=owner.organisation,
            fair=fair,
            nomination=self.nominations[fair.pk][theme],
            region=region,
            state=state,
            is_public=rng.random() < PUBLIC_SHARE.get(state, 0),
            title=title[:200],
            summary=summary,
            problem=texts["problems"].format(city=city),
            target_group=target_group,
            beneficiaries=max(10, round(rng.randint(fewest, most), -1)),
            goals_and_activities=texts["activities"],
            results_achieved=""
            if draft
            else texts["results"].format(
                n=reached, m=max(10, round(reached * rng.uniform(0.15, 0.6) / 10) * 10)
            ),
            sustainability_plan="" if draft else rng.choice(data.SUSTAINABILITY[language]),
            budget_requested=None if draft and rng.random() < 0.5 else min(max(budget, 500_000), 30_000_000),
            duration_months=rng.choice([6, 9, 12, 12, 12, 18, 24, 24, 36]),
            content_language=language,
            created_by=owner.owner,
        )
        plan = PlannedProject(
            project=project,
            theme=theme,
            created_at=self._between(
                fair.submission_opens_at,
                fair.submission_opens_at + (fair.submission_closes_at - fair.submission_opens_at) * 0.7,
            ),
            updated_at=fair.submission_opens_at,
            sphere_ids=[self.spheres[slug] for slug in spheres],
            own_files=own_files,
        )
        self._plan_history(plan, fair, state, language)
        if own_files:
            plan.image_count = rng.choice([0, 1]) if draft else rng.choice([1, 2, 2, 3])
        else:  # --scale copies: one shared picture each is enough for benchmarks
            plan.image_count = 0 if draft else 1
        return plan

    def _plan_history(self, plan: PlannedProject, fair: Fair, state: str, language: str) -> None:
        """The state changes that lead to `state`, timed inside the fair's schedule (and before now,
        for a fair whose review is still under way)."""
        actor = plan.project.created_by
        closes, review_ends = fair.submission_closes_at, min(fair.voting_opens_at, self.now)

        def change(from_state: str, to_state: str, at: datetime, *, by=None, note: str = "") -> None:
            plan.changes.append(
                ProjectStateChange(from_state=from_state, to_state=to_state, actor=by, note=note)
            )
            plan.change_times.append(at)

        if state == ProjectState.DRAFT:
            plan.updated_at = self._between(plan.created_at, min(closes, self.now))
            return
        submitted = self._between(plan.created_at, closes)
        change(ProjectState.DRAFT, ProjectState.SUBMITTED, submitted, by=actor)

        def returned_and_sent_again() -> datetime:
            """Returned once during review, fixed and sent again; when it was sent again."""
            returned = self._between(closes, closes + (review_ends - closes) * 0.3)
            change(
                ProjectState.SUBMITTED,
                ProjectState.RETURNED,
                returned,
                note=self.rng.choice(data.RETURN_NOTES[language]),
            )
            again = self._between(returned, closes + (review_ends - closes) * 0.6)
            change(ProjectState.RETURNED, ProjectState.SUBMITTED, again, by=actor)
            return again

        if state == ProjectState.WITHDRAWN:
            change(ProjectState.SUBMITTED, ProjectState.WITHDRAWN, self._between(submitted, closes), by=actor)
        elif state == ProjectState.SUBMITTED:
            # While the jury is at work, a few have already been returned and sent again.
            if closes < self.now < fair.voting_opens_at and self.rng.random() < 0.1:
                submitted = returned_and_sent_again()
        else:
            review_start = closes
            if state != ProjectState.RETURNED and self.rng.random() < 0.1:
                submitted = review_start = returned_and_sent_again()
            note = {
                ProjectState.RETURNED: self.rng.choice(data.RETURN_NOTES[language]),
                ProjectState.NOT_SELECTED: data.NOT_SELECTED_NOTES[language]
                if self.rng.random() < 0.6
                else "",
                ProjectState.FINALIST: data.FINALIST_NOTES[language] if self.rng.random() < 0.3 else "",
            }[state]
            change(ProjectState.SUBMITTED, state, self._between(review_start, review_ends), note=note)
        plan.project.submitted_at = submitted
        plan.updated_at = plan.change_times[-1]

    def _write_projects(self, plans: list[PlannedProject]) -> None:
        total = len(plans)
        for done, batch in enumerate(batched(plans, BATCH_SIZE), start=1):
            Project.objects.bulk_create([plan.project for plan in batch])
            self.log(f"Projects: {min(done * BATCH_SIZE, total)}/{total}", 1)
        # auto_now/auto_now_add overwrite what bulk_create is given: set the invented times after.
        for plan in plans:
            plan.project.created_at, plan.project.updated_at = plan.created_at, plan.updated_at
        backdate(Project, [plan.project for plan in plans], ["created_at", "updated_at"])

        through = Project.spheres.through
        Project.spheres.through.objects.bulk_create(
            [
                through(project_id=plan.project.pk, sphere_id=sphere)
                for plan in plans
                for sphere in plan.sphere_ids
            ],
            batch_size=BATCH_SIZE * 4,
        )
        changes = []
        for plan in plans:
            for change in plan.changes:
                change.project = plan.project
                changes.append(change)
        ProjectStateChange.objects.bulk_create(changes, batch_size=BATCH_SIZE * 2)
        for plan in plans:
            for change, at in zip(plan.changes, plan.change_times, strict=True):
                change.created_at = at
        backdate(ProjectStateChange, changes, ["created_at"])
        self.log(f"State changes: {len(changes)}", 2)

    # ------------------------------------------------------------ images

    def _store(self, field_name: str, content: bytes, ext: str) -> str:
        model_field = ProjectImage._meta.get_field(field_name)
        name = model_field.generate_filename(None, f"{uuid.uuid4().hex}.{ext}")
        name = model_field.storage.save(name, ContentFile(content))
        self.saved_files.append(name)
        return name

    def _files_for(self, picture: PoolImage, index: int, *, own: bool) -> tuple[str, str]:
        if own:
            return self._store("image", picture.image, picture.image_ext), self._store(
                "thumbnail", picture.thumbnail, "jpg"
            )
        key = (picture.theme, index)
        if key not in self._shared_files:
            self._shared_files[key] = self._files_for(picture, index, own=True)
        return self._shared_files[key]

    def _write_images(self, plans: list[PlannedProject]) -> int:
        pool = image_pool()
        images = []
        for plan in plans:
            choices = self.rng.sample(range(len(pool[plan.theme])), plan.image_count)
            for position, index in enumerate(choices):
                picture = pool[plan.theme][index]
                image_name, thumbnail_name = self._files_for(picture, index, own=plan.own_files)
                images.append(
                    ProjectImage(
                        project=plan.project,
                        image=image_name,
                        thumbnail=thumbnail_name,
                        width=picture.width,
                        height=picture.height,
                        alt_text=picture.alt_text(plan.project.content_language),
                        position=position,
                    )
                )
        ProjectImage.objects.bulk_create(images, batch_size=BATCH_SIZE * 2)
        for image in images:
            image.created_at = image.project.created_at + timedelta(minutes=5 + image.position)
        backdate(ProjectImage, images, ["created_at"])
        self.log(f"Images: {len(images)} ({len(self.saved_files)} files written)", 1)
        return len(images)


# ---------------------------------------------------------------- existing data, deletion, report


def remove_files(names) -> None:
    storage = ProjectImage._meta.get_field("image").storage
    for name in set(names):
        storage.delete(name)


def existing() -> str:
    """What of the portal step is already there (fairs, demo users), or "" if nothing."""
    fairs = sorted(Fair.objects.filter(slug__in=SLUGS).values_list("slug", flat=True))
    users = sorted(
        get_user_model().objects.filter(email__in=demo_user_emails()).values_list("email", flat=True)
    )
    return ", ".join(fairs + users)


def delete() -> str:
    """Delete the demo fairs with their projects, the demo NGOs that have no other projects, and
    the demo users; the image files go once the deletion is committed. Refuses if a demo fair
    holds a project of an organisation the demo did not create. Run inside a transaction, after
    the other steps' deletions (votes and awards protect their projects)."""
    projects = Project.objects.filter(fair__slug__in=SLUGS)
    foreign = [
        project
        for project in projects.select_related("organisation").only("organisation__email")
        if not is_demo_email(project.organisation.email)
    ]
    if foreign:
        raise CommandError(
            f"The fairs {', '.join(SLUGS)} hold {len(foreign)} project(s) of organisations "
            "the demo did not create; refusing to delete them."
        )
    files = set()
    for image, thumbnail in ProjectImage.objects.filter(project__in=projects).values_list(
        "image", "thumbnail"
    ):
        files.update(name for name in (image, thumbnail) if name)
    deleted_projects = projects.delete()[1].get(Project._meta.label, 0)
    Fair.objects.filter(slug__in=SLUGS).delete()
    organisations = Organisation.objects.filter(
        email__iendswith="." + data.DEMO_DOMAIN, projects__isnull=True
    )
    deleted_organisations = organisations.delete()[1].get(Organisation._meta.label, 0)
    get_user_model().objects.filter(email__in=demo_user_emails()).delete()
    transaction.on_commit(lambda: remove_files(files))
    return (
        f"Reset: deleted {deleted_projects} projects, {deleted_organisations} organisations and "
        f"{len(files)} image files of the demo."
    )


def report(summary: dict, seconds: float) -> list[str]:
    """What the portal step made, and how to log in as a demo NGO."""
    lines = [f"Demo portal ready in {seconds:.1f} s."]
    now = timezone.now()
    for fair in summary["fairs"]:
        states = dict(fair.projects.values_list("state").annotate(n=Count("id")).order_by())
        listed = ", ".join(f"{state} {states[state]}" for state in ProjectState.values if state in states)
        lines.append(f"  {fair.slug} ({fair.phase_at(now).value}): {listed}")
    lines.append(
        f"  {summary['organisations']} organisations, {summary['projects']} projects, {summary['images']} images"
    )
    with translation.override("kk"):
        login = reverse("accounts:login")
    lines.append(f"Demo NGO accounts (log in at {login}, password {data.DEMO_PASSWORD}):")
    for user in summary["users"]:
        organisation = user.organisations.first()
        lines.append(f"  {user.email}  [{user.language}]  owner of {organisation.name}")
    return lines
