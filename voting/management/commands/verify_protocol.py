"""Recompute a fair's results protocol from the database and report every difference."""

from django.core.management.base import BaseCommand, CommandError

from projects.models import Fair
from voting import protocol


class Command(BaseCommand):
    help = "Check that the database still matches the fair's published results protocol."

    def add_arguments(self, parser) -> None:
        parser.add_argument("fair", help="the fair's slug")

    def handle(self, *args, **options) -> None:
        fair = Fair.objects.filter(slug=options["fair"]).first()
        if fair is None:
            raise CommandError(f"No fair {options['fair']!r}.")
        problems = protocol.verify(fair)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} difference(s): the protocol does not match the database.")
        latest = protocol.latest_protocol(fair)
        self.stdout.write(
            f"{fair.slug}: revision {latest.revision} matches the database, digest {latest.digest}"
        )
