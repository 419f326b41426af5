import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.demo_data import DEMO_FAIR_SLUGS
from projects.models import Fair, ProjectState
from voting import identity
from voting.models import Channel, FrozenTally, LedgerCommitment, ResultsProtocol, Vote, VoteCode

DOMAINS = ["mail.kz", "mail.ru", "gmail.com", "yandex.kz", "inbox.kz", "bk.ru"]


class Command(BaseCommand):
    help = (
        "Add demo votes to the demo fairs made by seed_demo (about 3 000 on the archived fair so its "
        "results page has something to show, a few hundred on the current one, including one suspicious "
        "burst from one network for the admin's cluster view). Does nothing if they already have votes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be created, then roll back."
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the demo fairs' votes and codes instead (votes protect their projects, so "
            "`seed_demo --reset` needs this first; `make demo-reset` runs both).",
        )

    def handle(self, *args, **options):
        if options["delete"]:
            # What was frozen from the votes goes with them (the protocol protects its fair).
            for model in (ResultsProtocol, LedgerCommitment, FrozenTally):
                model.objects.filter(fair__slug__in=DEMO_FAIR_SLUGS).delete()
            deleted, _by_model = Vote.objects.filter(fair__slug__in=DEMO_FAIR_SLUGS).delete()
            VoteCode.objects.filter(fair__slug__in=DEMO_FAIR_SLUGS).delete()
            if options["verbosity"] >= 1:
                self.stdout.write(f"Deleted {deleted} demo votes.")
            return
        fairs = list(Fair.objects.filter(slug__in=DEMO_FAIR_SLUGS))
        if not fairs:
            raise CommandError("No demo fairs: run seed_demo first.")
        if Vote.objects.filter(fair__in=fairs).exists():
            self.stdout.write("The demo fairs already have votes; nothing to do.")
            return
        rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not secrets
        with transaction.atomic():
            votes = []
            for fair in fairs:
                finalists = list(fair.projects.filter(state=ProjectState.FINALIST))
                start, end = (
                    fair.voting_opens_at,
                    min(fair.voting_closes_at, fair.voting_opens_at + timedelta(days=9)),
                )
                per_project = (20, 160) if fair.slug == DEMO_FAIR_SLUGS[1] else (0, 12)
                for project in finalists:
                    for _n in range(rng.randint(*per_project)):
                        votes.append(self.vote(rng, fair, project, start, end))
                if finalists and fair.slug == DEMO_FAIR_SLUGS[0]:
                    # A burst from one network within minutes: what the cluster view is for.
                    burst_at = start + (end - start) / 2
                    for n in range(12):
                        votes.append(
                            self.vote(
                                rng, fair, finalists[0], burst_at, burst_at + timedelta(minutes=6), network=n
                            )
                        )
            Vote.objects.bulk_create(votes, batch_size=1000)
            if options["dry_run"]:
                transaction.set_rollback(True)
        verb = "Would create" if options["dry_run"] else "Created"
        if options["verbosity"] >= 1:
            self.stdout.write(f"{verb} {len(votes)} demo votes.")

    def vote(self, rng, fair, project, start, end, network=None):
        person = f"demo-voter-{rng.getrandbits(64):x}@{rng.choice(DOMAINS)}"
        voter = identity.email_identity(person)
        ip = (
            f"203.0.113.{rng.randint(1, 250)}"
            if network is not None
            else f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 250)}"
        )
        return Vote(
            fair=fair,
            project=project,
            nomination_id=project.nomination_id,
            scope="",
            voter_digest=voter.digest,
            voter_masked=voter.masked,
            email_domain=voter.domain,
            channel=Channel.EMAIL,
            ip_digest=identity.ip_digest(ip),
            network=identity.network_of(ip),
            receipt=identity.new_receipt(),
            created_at=start + (end - start) * rng.random(),
        )
