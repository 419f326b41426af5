"""The demo's cards step: the fair in voting takes voting cards too, gets one batch of 10, and
their PDF is written to var/demo-voting-cards.pdf (again on every run)."""

from datetime import datetime
from pathlib import Path

from django.conf import settings

from demo.fairs import FAIRS, SLUGS, MissingFair
from projects.models import Fair, IdentityChannel
from voting import cards
from voting.card_pdf import cards_pdf
from voting.models import CardBatch

DEMO_LABEL = "Демо стенд / Демо-стенд"
DEMO_SIZE = 10
FAIR = FAIRS["voting"]


def delete() -> str:
    deleted, _by_model = CardBatch.objects.filter(fair__slug__in=SLUGS).delete()
    return f"Deleted {deleted} demo card rows."


def seed(*, now: datetime) -> str:
    fair = FAIR.get()
    if fair is None:
        raise MissingFair(FAIR)
    if IdentityChannel.CARD not in fair.voting_channels:
        # Demo data only: the rules freeze (projects.services.fair_update) guards organisers'
        # changes; the seeder sets the demo fair up as if it had chosen cards from the start.
        fair.voting_channels = [*fair.voting_channels, IdentityChannel.CARD]
        Fair.objects.filter(pk=fair.pk).update(voting_channels=fair.voting_channels)
    batch = CardBatch.objects.filter(fair=fair, label=DEMO_LABEL).first()
    if batch is None:
        batch, _codes = cards._batch_insert(
            fair=fair, label=DEMO_LABEL, size=DEMO_SIZE, created_by=None, now=now
        )
    path = Path(settings.BASE_DIR) / "var" / "demo-voting-cards.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cards_pdf(batch))
    used = batch.cards.filter(used_at__isnull=False).count()
    return f"{path}: {batch.size} cards, {used} used. First card: {cards.card_url(cards.code_for(batch, 1))}"
