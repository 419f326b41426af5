"""Freeze the vote counts of every fair whose voting has closed (run every minute by a timer)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.models import Fair
from voting import services
from voting.models import FrozenTally


class Command(BaseCommand):
    help = "Freeze the valid votes per project of fairs whose voting has closed (idempotent)."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        closed = Fair.objects.filter(voting_closes_at__lte=now - services.FREEZE_AFTER_CLOSE)
        frozen = {tally.fair_id: tally.closes_at for tally in FrozenTally.objects.all()}
        for fair in closed:
            if frozen.get(fair.pk) == fair.voting_closes_at:
                continue
            tally = services.tally_freeze(fair=fair, now=now)
            self.stdout.write(f"{fair.slug}: {tally.valid_votes} valid votes frozen")
