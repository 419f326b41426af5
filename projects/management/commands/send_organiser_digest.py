from django.core.management.base import BaseCommand

from projects.services import organiser_digest_send


class Command(BaseCommand):
    help = (
        "E-mail the organisers the projects submitted since the last digest. "
        "Safe to run more than once a day: only the first run of a day sends anything."
    )

    def handle(self, *args, **options):
        sent = organiser_digest_send()
        self.stdout.write(f"Digests sent: {sent}")
