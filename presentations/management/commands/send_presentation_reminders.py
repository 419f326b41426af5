from django.core.management.base import BaseCommand

from presentations.services import REMINDER_HOUR, send_presentation_reminders


class Command(BaseCommand):
    help = (
        "E-mail each finalist NGO a reminder of its presentation slot on the day before, from "
        f"{REMINDER_HOUR}:00 Almaty time, once per slot (again after a move). Safe to run every hour."
    )

    def handle(self, *args, **options) -> None:
        sent = send_presentation_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Presentation reminders queued for {sent} slot(s).")
