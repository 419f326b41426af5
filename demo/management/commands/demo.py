"""`manage.py demo seed|reset|delete`: the whole demo in one command, its steps in their order.

One command rather than one per app: the order the steps need (votes protect projects, so they are
deleted first; awards come from votes; cards belong to the fair in voting) lives here once, instead
of in the Makefile's lists, and `seed`, `reset` and `delete` each run in one transaction.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from demo import awards, cards, jury, portal, presentations, votes
from demo.fairs import SLUGS, MissingFair
from projects.models import Fair

# In the order they are seeded; deleted in the reverse order.
STEPS = ("portal", "jury", "presentations", "votes", "awards", "tallies", "cards")


class Command(BaseCommand):
    help = (
        "Demo data. `seed`: the three demo fairs (one in voting, one in expert review, an archived one, "
        "kk/ru/en), 72 NGOs across all regions, about 320 projects in every state with illustrations, "
        "three demo NGO accounts, the archived fair's jury and its finalists' presentation programme, votes with their codes, ceremony and awards, "
        "the frozen tallies, and a batch of voting cards; each step does nothing if its data exists. "
        "`reset`: delete, then seed. `delete`: remove only what the demo made."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("seed", "reset", "delete"))
        parser.add_argument(
            "--only",
            action="append",
            choices=STEPS,
            metavar="STEP",
            help=f"Seed only these steps (repeat it; {', '.join(STEPS)}); default all. `reset` still "
            "deletes everything first.",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            metavar="N",
            help="Multiply the number of organisations and projects by N (default 1, about 320 projects; "
            "20 gives about 6 300). Copies beyond the first get one shared image each.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database holds a fair the demo did not make (what `make run` uses), "
            "so real data is never mixed with demo data.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Do it all, report, then roll it back.")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DJANGO_DEBUG is false (staging, benchmarks). Never on the real portal: "
            "the demo accounts' password is published.",
        )

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        action, scale = options["action"], options["scale"]
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Refusing to touch demo data (accounts with a published password) while DJANGO_DEBUG is "
                "false; pass --allow-without-debug on a staging or benchmark server."
            )
        if options["if_empty"] and Fair.objects.exclude(slug__in=SLUGS).exists():
            self.log("The database already has fairs; no demo data added.")
            return
        steps = [step for step in STEPS if step in (options["only"] or STEPS)]
        saved_files: list[str] = []  # written by the seeding: removed again if it rolls back
        started = time.monotonic()
        try:
            with transaction.atomic():
                if action in ("reset", "delete"):
                    self.delete()
                if action in ("seed", "reset"):
                    self.seed(steps, scale=scale, if_empty=options["if_empty"], saved_files=saved_files)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except BaseException:
            self.remove_files(saved_files)
            raise
        if options["dry_run"]:
            self.remove_files(saved_files)
            self.log("Dry run: rolled everything back.")
            return
        self.log(self.style.SUCCESS(f"Demo {action} done in {time.monotonic() - started:.1f} s."))

    def delete(self) -> None:
        """Each step's data, those that protect others first; files go once this is committed."""
        for message in (
            cards.delete(),
            awards.delete(),
            votes.delete(),
            presentations.delete(),
            jury.delete(),
            portal.delete(),
        ):
            self.log(message)

    def seed(self, steps: list[str], *, scale: int, if_empty: bool, saved_files: list[str]) -> None:
        now = timezone.now()
        if "portal" in steps:
            if existing := portal.existing():
                self.log(
                    f"Demo portal already exists ({existing}); nothing to do. Use `reset` to rebuild it."
                )
            else:
                started = time.monotonic()
                seeder = portal.DemoSeeder(now=now, scale=scale, log=self.log)
                try:
                    summary = seeder.run()
                finally:
                    saved_files.extend(seeder.saved_files)
                for line in portal.report(summary, time.monotonic() - started):
                    self.log(line)
        seeders = {
            "jury": jury.seed,
            "presentations": presentations.seed,
            "votes": lambda: votes.seed(now=now),
            "awards": lambda: awards.seed(saved_files=saved_files),
            "tallies": lambda: votes.freeze(now=now),
            "cards": lambda: cards.seed(now=now),
        }
        for step in steps:
            if step not in seeders:
                continue
            try:
                self.log(seeders[step]())
            except MissingFair as missing:
                # `make run` on a database whose demo fairs someone deleted by hand: serve it anyway.
                if not if_empty:
                    raise
                self.log(f"{missing} Step {step} skipped.")

    def log(self, message: str, level: int = 1) -> None:
        if self.verbosity >= level:
            self.stdout.write(message)

    @staticmethod
    def remove_files(names: list[str]) -> None:
        portal.remove_files(names)
