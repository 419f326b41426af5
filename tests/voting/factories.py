import hashlib

import factory
from django.utils import timezone

from projects.models import ProjectState
from tests.projects.factories import ProjectFactory
from voting import identity
from voting.models import Channel, Vote


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
