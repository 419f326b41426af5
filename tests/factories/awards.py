"""Ceremonies and awards; an award is given through `awards.services.award_give`, as in the admin."""

import factory

from awards import services
from awards.models import Award, AwardKind, Ceremony
from projects.models import ProjectState
from tests.factories.accounts import make_organiser
from tests.factories.projects import FairFactory, ProjectFactory

PLACED = (AwardKind.JURY_PRIZE, AwardKind.GRANT)


class CeremonyFactory(factory.django.DjangoModelFactory):
    """The ceremony of a fair whose voting closed a day ago, held at the fair's ceremony time.

    Unpublished, as an organiser first saves it; pass `is_published=True` for the public pages.
    """

    class Meta:
        model = Ceremony

    fair = factory.SubFactory(FairFactory, voting_closed=True)
    held_at = factory.LazyAttribute(lambda o: o.fair.ceremony_at)
    venue_kk = "Республика сарайы"
    venue_ru = "Дворец Республики"
    venue_en = "Palace of the Republic"
    city_kk = "Алматы"
    city_ru = "Алматы"
    city_en = "Almaty"


class AwardFactory(factory.django.DjangoModelFactory):
    """First place of a jury prize for a finalist of the ceremony's fair, in its nomination.

    Another `kind` has no place and no nomination unless passed (a place is for jury prizes and
    grants only).

    Given by `actor` (an organiser made for it unless passed), with the service's checks and
    its verification code.
    """

    class Meta:
        model = Award

    ceremony = factory.SubFactory(CeremonyFactory)
    project = factory.LazyAttribute(
        lambda o: ProjectFactory(fair=o.ceremony.fair, state=ProjectState.FINALIST)
    )
    kind = AwardKind.JURY_PRIZE
    nomination = factory.LazyAttribute(lambda o: o.project.nomination if o.kind in PLACED else None)
    place = factory.LazyAttribute(lambda o: 1 if o.kind in PLACED else None)
    title_kk = "Бас жүлде"
    title_ru = "Главный приз"
    title_en = "Grand prize"

    @classmethod
    def _create(cls, model_class, *, actor=None, **fields):
        return services.award_give(actor=actor or make_organiser(), **fields)
