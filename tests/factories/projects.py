"""Fairs, nominations, NGOs (organisations and their members), projects and their images."""

import io
from datetime import datetime, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from projects import services
from projects.models import (
    Fair,
    LegalForm,
    Membership,
    Nomination,
    Organisation,
    Project,
    ProjectImage,
    ProjectState,
    Region,
    Sphere,
)
from projects.validators import bin_check_digit
from tests.factories.accounts import UserFactory, make_organiser


def valid_bin(n: int) -> str:
    """A BIN with a correct check digit, different for each n."""
    for prefix in ("210540", "210541", "210542"):
        first11 = f"{prefix}{n % 100000:05d}"
        digit = bin_check_digit(first11)
        if digit is not None:  # about 1 in 11 numbers has no valid check digit
            return first11 + str(digit)
    raise AssertionError(n)


def jpeg_upload(name: str = "photo.jpg", size=(800, 600), color=(0, 97, 138)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _opens(o) -> datetime:
    days = 40 if o.in_review else 55 if o.in_voting else 61 if o.voting_closed else 10
    return timezone.now() - timedelta(days=days)


class FairFactory(factory.django.DjangoModelFactory):
    """A published fair whose submission phase is open now (move the clock to change that).

    The phases: submission 30 days from `opens`, review until day 50, public voting until day 60,
    the ceremony on day 70. Flags for a fair in another phase now: `in_review=True` (voting
    opens in 10 days), `in_voting=True` (opened 5 days ago), `voting_closed=True` (a day ago; the
    ceremony is tomorrow).
    """

    class Meta:
        model = Fair
        skip_postgeneration_save = True

    class Params:
        in_review = False
        in_voting = False
        voting_closed = False
        opens = factory.LazyAttribute(_opens)

    slug = factory.Sequence(lambda n: f"fair-{n}")
    title_kk = factory.Sequence(lambda n: f"Әлеуметтік жобалар жәрмеңкесі {2026 + n}")
    title_ru = factory.Sequence(lambda n: f"Ярмарка социальных проектов {2026 + n}")
    title_en = factory.Sequence(lambda n: f"Social Projects Fair {2026 + n}")
    organiser_kk = "Алматы қаласының әкімдігі"
    organiser_ru = "Акимат города Алматы"
    organiser_en = "Akimat of Almaty"
    is_published = True
    submission_opens_at = factory.LazyAttribute(lambda o: o.opens)
    submission_closes_at = factory.LazyAttribute(lambda o: o.opens + timedelta(days=30))
    voting_opens_at = factory.LazyAttribute(lambda o: o.opens + timedelta(days=50))
    voting_closes_at = factory.LazyAttribute(lambda o: o.opens + timedelta(days=60))
    ceremony_at = factory.LazyAttribute(lambda o: o.opens + timedelta(days=70))
    archived_at = factory.LazyAttribute(lambda o: o.opens + timedelta(days=365))


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    fair = factory.SubFactory(FairFactory)
    title_kk = "Мүгедектігі бар адамдарды әлеуметтік бейімдеу және оңалту"
    title_ru = "Социальная адаптация и реабилитация людей с инвалидностью"
    title_en = "Social adaptation and rehabilitation of people with disabilities"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"«Қамқор-{n}» қоғамдық қоры")
    legal_form = LegalForm.PUBLIC_FUND
    bin = factory.Sequence(valid_bin)
    region = factory.LazyFunction(lambda: Region.objects.get(code="almaty"))
    city = "Алматы"
    phone = "+77011234567"
    email = factory.Sequence(lambda n: f"info{n}@ngo.kz")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft with every field filled in, but no image yet."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    fair = factory.SubFactory(FairFactory)
    nomination = factory.LazyAttribute(lambda o: NominationFactory(fair=o.fair))
    region = factory.LazyFunction(lambda: Region.objects.get(code="almaty"))
    state = ProjectState.DRAFT
    title = factory.Sequence(lambda n: f"Инклюзивті шеберхана {n}")
    summary = "Ерекше қажеттіліктері бар жасөспірімдерге арналған кәсіптік шеберхана."
    problem = "Мүгедектігі бар жастардың жұмысқа орналасуы төмен."
    target_group = "14–25 жастағы жасөспірімдер"
    beneficiaries = 120
    goals_and_activities = "Апта сайынғы сабақтар, тәлімгерлік."
    results_achieved = "40 түлек жұмысқа орналасты."
    sustainability_plan = "Әлеуметтік кәсіпорын арқылы өзін-өзі қаржыландыру."
    budget_requested = 5_000_000
    duration_months = 12

    @factory.post_generation
    def spheres(self, create, extracted, **kwargs):
        if create:
            self.spheres.set(extracted if extracted is not None else Sphere.objects.filter(slug="disability"))


def make_ngo_member(organisation=None, *, role=Membership.Role.OWNER, **user_fields):
    """A person in an NGO (its owner unless `role` says member); returns the user."""
    return MembershipFactory(
        organisation=organisation or OrganisationFactory(),
        role=role,
        **{f"user__{name}": value for name, value in user_fields.items()},
    ).user


class ProjectImageFactory(factory.django.DjangoModelFactory):
    """An image attached through `project_add_image`: verified, re-encoded and thumbnailed.

    Uploaded by an owner of the project's NGO while it is a draft, otherwise by an organiser
    (who may correct a submitted project); pass `user` to upload as someone else.
    """

    class Meta:
        model = ProjectImage

    project = factory.SubFactory(ProjectFactory)
    alt_text = factory.Sequence(lambda n: f"Шеберханадағы сабақ {n}")

    @classmethod
    def _create(cls, model_class, *, project, alt_text, user=None, upload=None, **fields):
        if user is None:
            if project.state == ProjectState.DRAFT:
                user = make_ngo_member(project.organisation)
            else:
                user = make_organiser()
        return services.project_add_image(
            project=project, user=user, upload=upload or jpeg_upload(), alt_text=alt_text, **fields
        )
