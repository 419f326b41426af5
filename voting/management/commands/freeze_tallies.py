"""The minutely results job: commitments while voting runs, then the frozen tally and protocol."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from fairportal.locks import Busy
from projects.models import Fair
from voting import protocol, services


class Command(BaseCommand):
    help = (
        "Commit each voting fair's ballot ledger once a day; once voting has closed, freeze the "
        "valid votes per project and the results protocol (a new revision after an invalidation). "
        "Idempotent: run it every minute."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        for fair in Fair.objects.filter(voting_opens_at__lte=now, voting_closes_at__gt=now):
            if protocol.ledger_commit_due(fair=fair, now=now) and (
                commitment := protocol.ledger_commit(fair=fair, now=now)
            ):
                self.stdout.write(
                    f"{fair.slug}: commitment {commitment.sequence}, {commitment.ballots} ballots"
                )
        for fair in Fair.objects.filter(voting_closes_at__lte=now - services.FREEZE_AFTER_CLOSE):
            try:
                tally = services.tally_freeze(fair=fair, now=now)
                latest = protocol.latest_protocol(fair)
                frozen = protocol.protocol_freeze(fair=fair, now=now)
            except Busy:
                self.stderr.write(f"{fair.slug}: busy, next run")
                continue
            if frozen is not None and (latest is None or frozen.pk != latest.pk):
                self.stdout.write(
                    f"{fair.slug}: {tally.valid_votes} valid votes frozen; protocol revision "
                    f"{frozen.revision}, digest {frozen.digest}"
                )
