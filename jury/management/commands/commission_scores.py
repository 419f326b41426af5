"""Write the canonical scores file a fair's commission protocol digests (docs/commission-protocol.md)."""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from jury import selectors
from jury.models import Review


class Command(BaseCommand):
    help = (
        "Write the counted scores of a fair's review in the canonical form of the commission protocol "
        "(project_id,juror_id,criterion_id,value, sorted) and report its SHA-256, for an auditor to "
        "compare with the PDF and with the scores export."
    )

    def add_arguments(self, parser):
        parser.add_argument("fair", help="The fair's slug, e.g. demo-2025.")
        parser.add_argument("--output", "-o", help="Write the file here instead of standard output.")

    def handle(self, *args, **options):
        review = Review.objects.select_related("fair").filter(fair__slug=options["fair"]).first()
        if review is None:
            raise CommandError(f"No jury review for the fair {options['fair']!r}.")
        content = selectors.scores_canonical_csv(selectors.counted_scores(review))
        digest = hashlib.sha256(content).hexdigest()
        if options["output"]:
            with open(options["output"], "wb") as file:
                file.write(content)
        else:
            self.stdout.write(content.decode(), ending="")
        if options["verbosity"] >= 1:
            self.stderr.write(f"SHA-256 {digest}")
            stored = review.shortlist_scores_sha256
            if stored and stored != digest:
                self.stderr.write(f"The shortlist was applied to other scores: {stored}")
