from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairportal.models import RateLimitCounter
from fairportal.ratelimit import MAX_PERIOD


class Command(BaseCommand):
    help = (
        "Delete rate-limit counters whose window ended more than --older-than hours ago. "
        "Counters of ended windows are never read again, so this only frees space; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=24,
            metavar="HOURS",
            help="Age of the window's end (default 24).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args, **options):
        if options["older_than"] < 0:
            raise CommandError("--older-than must not be negative.")
        # A row does not store its period: a window that started before this has surely ended
        # --older-than hours ago, because hit() refuses periods longer than MAX_PERIOD.
        cutoff = timezone.now() - timedelta(hours=options["older_than"]) - MAX_PERIOD
        stale = RateLimitCounter.objects.filter(window_start__lt=cutoff)
        if options["dry_run"]:
            count, verb = stale.count(), "Would delete"
        else:
            count, verb = stale.delete()[0], "Deleted"
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{verb} {count} rate-limit counter(s) from windows started before {cutoff:%Y-%m-%d %H:%M} UTC."
            )
