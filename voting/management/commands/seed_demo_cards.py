from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from projects.demo_data import DEMO_FAIR_SLUGS
from projects.models import Fair, IdentityChannel
from voting import cards
from voting.card_pdf import cards_pdf
from voting.models import CardBatch

DEMO_LABEL = "Демо стенд / Демо-стенд"
DEMO_SIZE = 10


class Command(BaseCommand):
    help = (
        "Let the current demo fair (made by seed_demo) take voting cards, give it one batch of 10 "
        "and write their PDF to var/demo-voting-cards.pdf; prints the first card's address. "
        "Does nothing if the batch exists (the PDF is written again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the demo fairs' card batches instead (run before `seed_demo --reset`).",
        )

    def handle(self, *args, **options):
        if options["delete"]:
            deleted, _by_model = CardBatch.objects.filter(fair__slug__in=DEMO_FAIR_SLUGS).delete()
            self.stdout.write(f"Deleted {deleted} demo card rows.")
            return
        fair = Fair.objects.filter(slug=DEMO_FAIR_SLUGS[0]).first()
        if fair is None:
            raise CommandError("No demo fair: run seed_demo first.")
        with transaction.atomic():
            if IdentityChannel.CARD not in fair.voting_channels:
                # Demo data only: the rules freeze (projects.services.fair_update) guards organisers'
                # changes; the seeder sets the demo fair up as if it had chosen cards from the start.
                fair.voting_channels = [*fair.voting_channels, IdentityChannel.CARD]
                Fair.objects.filter(pk=fair.pk).update(voting_channels=fair.voting_channels)
            batch = CardBatch.objects.filter(fair=fair, label=DEMO_LABEL).first()
            if batch is None:
                batch, _codes = cards._batch_insert(
                    fair=fair, label=DEMO_LABEL, size=DEMO_SIZE, created_by=None, now=timezone.now()
                )
        path = Path(settings.BASE_DIR) / "var" / "demo-voting-cards.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cards_pdf(batch))
        used = batch.cards.filter(used_at__isnull=False).count()
        self.stdout.write(
            f"{path}: {batch.size} cards, {used} used. First card: {cards.card_url(cards.code_for(batch, 1))}"
        )
