from datetime import timedelta

from django.core.management.base import BaseCommand

from voting.delivery import refresh_delivery_statuses


class Command(BaseCommand):
    help = (
        "Ask the SMS gateways (mobizon, smsc) whether the voting codes they accepted were delivered, "
        "so a voter whose SMS failed is told so on the code page; then erase the phone numbers kept "
        "for those questions. Run every minute; safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-hours",
            type=int,
            default=24,
            help="Ask only about codes sent this recently (default 24: gateways give up after a day).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Ask and count, but change nothing.")

    def handle(self, *args, **options):
        report = refresh_delivery_statuses(
            max_age=timedelta(hours=options["max_age_hours"]), dry_run=options["dry_run"]
        )
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Asked about {report.asked} messages: {report.delivered} delivered, {report.failed} failed; "
                f"{report.errors} gateway errors; {report.numbers_erased} phone numbers erased."
                + (" (dry run: nothing changed)" if options["dry_run"] else "")
            )
