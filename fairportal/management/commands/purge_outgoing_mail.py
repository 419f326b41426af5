from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairportal.models import OutgoingMail


class Command(BaseCommand):
    help = (
        "Delete the record of e-mails sent or failed more than --older-than days ago. The rows "
        "hold addresses, so they are kept only as long as an organiser may ask what became of "
        "a message; queued ones are never deleted. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=90, metavar="DAYS", help="Age of the record (default 90)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args, **options):
        if options["older_than"] < 0:
            raise CommandError("--older-than must not be negative.")
        cutoff = timezone.now() - timedelta(days=options["older_than"])
        old = OutgoingMail.objects.filter(created_at__lt=cutoff).exclude(status=OutgoingMail.Status.QUEUED)
        if options["dry_run"]:
            count, verb = old.count(), "Would delete"
        else:
            count, verb = old.delete()[0], "Deleted"
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{verb} {count} outgoing e-mail record(s) queued before {cutoff:%Y-%m-%d %H:%M} UTC."
            )
