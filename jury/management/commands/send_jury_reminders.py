from datetime import timedelta

from django.core.management.base import BaseCommand

from jury.services import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "E-mail jurors who still have projects to score when their review closes soon. "
        "Safe to run every hour: each juror is reminded at most once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within-hours",
            type=int,
            default=48,
            help="Remind when scoring closes within this many hours (48).",
        )
        parser.add_argument(
            "--every-hours", type=int, default=24, help="Remind the same juror at most this often (24)."
        )

    def handle(self, *args, within_hours: int, every_hours: int, **options):
        sent = send_deadline_reminders(
            within=timedelta(hours=within_hours), every=timedelta(hours=every_hours)
        )
        self.stdout.write(f"Reminders sent: {sent}")
