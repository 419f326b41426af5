"""Votes and codes written directly (no mail, no checks), and card batches made as organisers make them."""

import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from projects.models import ProjectState
from tests.factories.accounts import make_organiser
from tests.factories.projects import ProjectFactory
from voting import cards, identity
from voting.models import CardBatch, Channel, Vote, VoteCode


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class VoteFactory(factory.django.DjangoModelFactory):
    """A valid vote for a finalist, written directly (no code, no checks of the voting window).

    Each vote has its own voter and IP; pass `network`, `email_domain` or `ip_digest` to make
    several look alike.
    """

    class Meta:
        model = Vote

    class Params:
        n = factory.Sequence(lambda n: n)

    project = factory.SubFactory(ProjectFactory, state=ProjectState.FINALIST)
    fair = factory.LazyAttribute(lambda o: o.project.fair)
    nomination = factory.LazyAttribute(lambda o: o.project.nomination)
    scope = ""
    voter_digest = factory.LazyAttribute(lambda o: _digest(f"voter:{o.n}"))
    voter_masked = factory.LazyAttribute(
        lambda o: f"{'abcdefghijklmnopqrstuvwxyz'[o.n % 26]}***@{o.email_domain}"
    )
    email_domain = "mail.kz"
    channel = Channel.EMAIL
    ip_digest = factory.LazyAttribute(lambda o: _digest(f"ip:{o.n}"))
    network = "203.0.113.0/24"
    receipt = factory.LazyFunction(identity.new_receipt)
    created_at = factory.LazyFunction(timezone.now)


class VoteCodeFactory(factory.django.DjangoModelFactory):
    """A code as `vote_request_code` leaves it once sent (live for 15 minutes), written directly.

    Pass `used=True` for a code that has cast its vote. For the code a visitor reads in a mail,
    go through `voting.services.vote_request_code` instead.
    """

    class Meta:
        model = VoteCode

    class Params:
        n = factory.Sequence(lambda n: n)
        used = False

    project = factory.SubFactory(ProjectFactory, state=ProjectState.FINALIST)
    fair = factory.LazyAttribute(lambda o: o.project.fair)
    channel = Channel.EMAIL
    voter_digest = factory.LazyAttribute(lambda o: _digest(f"code-voter:{o.n}"))
    voter_masked = "a***@mail.kz"
    language = "kk"
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(minutes=15))
    used_at = factory.LazyAttribute(lambda o: o.created_at if o.used else None)
    replaced_at = factory.LazyAttribute(lambda o: o.created_at if o.used else None)


class CardBatchFactory(factory.django.DjangoModelFactory):
    """A batch of printed voting cards, made by `voting.cards.card_batch_create` (audited).

    The cards' codes: `voting.cards.card_codes(batch)`.
    """

    class Meta:
        model = CardBatch

    # A fair in voting that takes cards besides e-mail; a fair passed in must take them too.
    fair = factory.SubFactory(
        "tests.factories.projects.FairFactory", in_voting=True, voting_channels=[Channel.EMAIL, Channel.CARD]
    )
    label = factory.Sequence(lambda n: f"Стенд {n}")
    size = 3

    @classmethod
    def _create(cls, model_class, *, fair, label, size, actor=None, now=None):
        batch, _codes = cards.card_batch_create(
            fair=fair, label=label, size=size, actor=actor or make_organiser(), now=now
        )
        return batch
