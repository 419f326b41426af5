"""The results protocol: canonical files anyone can download, recount and fingerprint.

Five CSV files (UTF-8, "\\n" line ends, a header row, Python's `csv` quoting) describe a fair's
vote without naming anyone (see docs/protocol.md):

- `ballots.csv`    ballot, scope, project, commitment, status — one row per vote, sorted by the
                   random ballot id: no receipt, no address, no time of day (the commitment is
                   the day it was first committed in);
- `counts.csv`     nomination, project, valid_votes — the result, sorted by nomination and project;
- `receipts.csv`   receipt — the counted receipts, sorted, without projects: every voter finds
                   theirs and nobody learns how they voted;
- `invalidations.csv` reason, votes;
- `commitments.csv` sequence, date, ballots, ledger_digest, chain_digest.

The protocol's digest is the SHA-256 of the `sha256sum`-style listing of the five files (sorted by
name), so `sha256sum *.csv | sha256sum` recomputes it. Commitment k's ledger digest is the SHA-256
of "ballot,project\\n" for every ballot first committed in 1…k, sorted by ballot; its chained
digest hashes the previous chained digest, k, the count and the ledger digest.

The files are generated from the database on demand; the digests are stored at the freeze. A row
changed afterwards no longer matches (`manage.py verify_protocol`).
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from fairportal import page_cache
from fairportal.locks import row_lock
from projects.models import Fair
from voting.models import LedgerCommitment, ResultsProtocol, Vote

COMMITMENT_INTERVAL = timedelta(days=1)
FILES = ("ballots.csv", "commitments.csv", "counts.csv", "invalidations.csv", "receipts.csv")
COUNTED, INVALIDATED = "counted", "invalidated"


def _csv_line(row: Iterable) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


def _votes(fair: Fair):
    return Vote.objects.filter(fair=fair).order_by()


def ballot_rows(fair: Fair) -> Iterator[list]:
    yield ["ballot", "scope", "project", "commitment", "status"]
    for ballot, scope, project, commitment, invalidated in (
        _votes(fair)
        .order_by("ballot")
        .values_list("ballot", "scope", "project_id", "commitment", "invalidated_at")
        .iterator(chunk_size=5000)
    ):
        yield [ballot, scope, project, commitment or "", COUNTED if invalidated is None else INVALIDATED]


def count_rows(fair: Fair) -> Iterator[list]:
    yield ["nomination", "project", "valid_votes"]
    counts = (
        _votes(fair)
        .filter(invalidated_at__isnull=True)
        .values("nomination_id", "project_id")
        .annotate(count=Count("*"))
        .order_by("nomination_id", "project_id")
    )
    for row in counts:
        yield [row["nomination_id"] or "", row["project_id"], row["count"]]


def receipt_rows(fair: Fair) -> Iterator[list]:
    yield ["receipt"]
    receipts = _votes(fair).filter(invalidated_at__isnull=True).order_by("receipt")
    for receipt in receipts.values_list("receipt", flat=True).iterator(chunk_size=5000):
        yield [receipt]


def invalidation_rows(fair: Fair) -> Iterator[list]:
    yield ["reason", "votes"]
    reasons = (
        _votes(fair)
        .filter(invalidated_at__isnull=False)
        .values("invalidation_reason")
        .annotate(count=Count("*"))
        .order_by("invalidation_reason")
    )
    for row in reasons:
        yield [row["invalidation_reason"], row["count"]]


def commitment_rows(fair: Fair) -> Iterator[list]:
    yield ["sequence", "date", "ballots", "ledger_digest", "chain_digest"]
    for commitment in LedgerCommitment.objects.filter(fair=fair).order_by("sequence"):
        yield [
            commitment.sequence,
            timezone.localdate(commitment.created_at).isoformat(),
            commitment.ballots,
            commitment.ledger_digest,
            commitment.chain_digest,
        ]


ROWS = {
    "ballots.csv": ballot_rows,
    "commitments.csv": commitment_rows,
    "counts.csv": count_rows,
    "invalidations.csv": invalidation_rows,
    "receipts.csv": receipt_rows,
}


def file_lines(fair: Fair, name: str) -> Iterator[str]:
    """The canonical file's lines, for streaming a download."""
    for row in ROWS[name](fair):
        yield _csv_line(row)


def file_digest(fair: Fair, name: str) -> str:
    digest = hashlib.sha256()
    for line in file_lines(fair, name):
        digest.update(line.encode())
    return digest.hexdigest()


def combined_digest(file_digests: dict[str, str]) -> str:
    """What `sha256sum *.csv | sha256sum` prints for the five files."""
    listing = "".join(f"{file_digests[name]}  {name}\n" for name in FILES)
    return hashlib.sha256(listing.encode()).hexdigest()


def chain(previous: str, sequence: int, ballots: int, ledger_digest: str) -> str:
    return hashlib.sha256(f"{previous}\n{sequence}\n{ballots}\n{ledger_digest}\n".encode()).hexdigest()


def _ledger_digest(fair: Fair, up_to: int) -> tuple[int, str]:
    digest, ballots = hashlib.sha256(), 0
    rows = (
        _votes(fair)
        .filter(commitment__lte=up_to)
        .order_by("ballot")
        .values_list("ballot", "project_id")
        .iterator(chunk_size=5000)
    )
    for ballot, project in rows:
        digest.update(f"{ballot},{project}\n".encode())
        ballots += 1
    return ballots, digest.hexdigest()


def ledger_commit(*, fair: Fair, now: datetime | None = None) -> LedgerCommitment | None:
    """Commit the ballots cast so far (daily while voting runs, and once after the close).

    The votes not yet in a commitment are stamped with the next number in the same transaction
    that hashes the ledger, so the commitment covers exactly what it says. Returns None when
    there is nothing new to commit. Serialised per fair by the fair's row lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        with row_lock():
            Fair.objects.select_for_update().get(pk=fair.pk)
        last = LedgerCommitment.objects.filter(fair=fair).order_by("-sequence").first()
        sequence = (last.sequence if last else 0) + 1
        stamped = _votes(fair).filter(commitment__isnull=True).update(commitment=sequence)
        if not stamped and last is not None:
            return None
        ballots, ledger_digest = _ledger_digest(fair, sequence)
        commitment = LedgerCommitment.objects.create(
            fair=fair,
            sequence=sequence,
            created_at=now,
            ballots=ballots,
            ledger_digest=ledger_digest,
            chain_digest=chain(last.chain_digest if last else "", sequence, ballots, ledger_digest),
        )
        page_cache.invalidate()  # the results page lists the commitments
    return commitment


def current_digests(fair: Fair) -> dict[str, str]:
    return {name: file_digest(fair, name) for name in FILES}


def latest_protocol(fair: Fair) -> ResultsProtocol | None:
    return ResultsProtocol.objects.filter(fair=fair).order_by("-revision").first()


def protocol_freeze(*, fair: Fair, now: datetime | None = None) -> ResultsProtocol | None:
    """Freeze the fair's protocol once voting has closed (after `services.FREEZE_AFTER_CLOSE`).

    Idempotent: returns the latest revision unless an invalidation has outdated it, in which case
    it makes the next, dated revision (earlier revisions stay). The last commitment (the close's)
    is made first, so every ballot is in one.
    """
    from voting import services

    now = now or timezone.now()
    if now < fair.voting_closes_at + services.FREEZE_AFTER_CLOSE:
        return None
    latest = latest_protocol(fair)
    if latest is not None and latest.outdated_at is None:
        return latest
    ledger_commit(fair=fair, now=now)
    with transaction.atomic():
        with row_lock():
            Fair.objects.select_for_update().get(pk=fair.pk)
        latest = latest_protocol(fair)
        if latest is not None and latest.outdated_at is None:
            return latest  # another process froze it meanwhile
        digests = current_digests(fair)
        valid = Q(invalidated_at__isnull=True)
        votes = _votes(fair).aggregate(
            valid=Count("pk", filter=valid), invalidated=Count("pk", filter=~valid)
        )
        protocol = ResultsProtocol.objects.create(
            fair=fair,
            revision=(latest.revision if latest else 0) + 1,
            frozen_at=now,
            digest=combined_digest(digests),
            file_digests=digests,
            valid_votes=votes["valid"],
            invalidated_votes=votes["invalidated"],
        )
        page_cache.invalidate()
    return protocol


def ledger_commit_due(*, fair: Fair, now: datetime) -> bool:
    """While voting runs: the first commitment a day after opening, then one a day."""
    if not fair.voting_opens_at <= now < fair.voting_closes_at:
        return False
    last = LedgerCommitment.objects.filter(fair=fair).order_by("-sequence").first()
    since = last.created_at if last else fair.voting_opens_at
    return now - since >= COMMITMENT_INTERVAL


def protocol_outdate(*, fair: Fair, now: datetime | None = None) -> None:
    """An invalidation after the freeze: the next freeze run publishes a new revision."""
    ResultsProtocol.objects.filter(fair=fair, outdated_at__isnull=True).update(
        outdated_at=now or timezone.now()
    )


def verify(fair: Fair) -> list[str]:
    """Differences between the latest revision and what the database says now ([] if none)."""
    protocol = latest_protocol(fair)
    if protocol is None:
        return ["no protocol has been frozen for this fair"]
    problems = []
    if protocol.outdated_at is not None:
        problems.append(f"revision {protocol.revision} is outdated by an invalidation; a new one is pending")
    digests = current_digests(fair)
    for name in FILES:
        if digests[name] != protocol.file_digests.get(name):
            problems.append(
                f"{name}: published {protocol.file_digests.get(name)}, database now {digests[name]}"
            )
    previous = ""
    for commitment in LedgerCommitment.objects.filter(fair=fair).order_by("sequence"):
        ballots, ledger_digest = _ledger_digest(fair, commitment.sequence)
        if (ballots, ledger_digest) != (commitment.ballots, commitment.ledger_digest):
            problems.append(f"commitment {commitment.sequence}: the ledger it covers has changed")
        if chain(previous, commitment.sequence, commitment.ballots, commitment.ledger_digest) != (
            commitment.chain_digest
        ):
            problems.append(f"commitment {commitment.sequence}: the chain is broken")
        previous = commitment.chain_digest
    last = LedgerCommitment.objects.filter(fair=fair).aggregate(last=Max("sequence"))["last"]
    if _votes(fair).filter(commitment__isnull=True).exists() or (
        last is not None and _votes(fair).filter(commitment__gt=last).exists()
    ):
        problems.append("some ballots are in no commitment")
    return problems


FIELDS = {
    "ballots.csv": {
        "ballot": "random id of the vote, unrelated to its receipt",
        "scope": "empty for one vote per fair, else the nomination's id (one vote per nomination)",
        "project": "the project's id (its page: /<lang>/projects/<id>/)",
        "commitment": "number of the first daily commitment that included the ballot",
        "status": "counted or invalidated",
    },
    "counts.csv": {
        "nomination": "the nomination's id",
        "project": "the project's id",
        "valid_votes": "counted ballots",
    },
    "receipts.csv": {"receipt": "a counted vote's receipt code, as its voter was shown it"},
    "invalidations.csv": {"reason": "the organisers' reason", "votes": "ballots invalidated for it"},
    "commitments.csv": {
        "sequence": "1, 2, …",
        "date": "the day it was made (Asia/Almaty)",
        "ballots": "ballots in the ledger so far",
        "ledger_digest": "SHA-256 of 'ballot,project\\n' for those ballots, sorted by ballot",
        "chain_digest": "SHA-256 of 'previous chain_digest\\nsequence\\nballots\\nledger_digest\\n'",
    },
}


def channel_counts(fair: Fair) -> list[tuple[str, int, int]]:
    """(channel, counted, invalidated) per way voters proved who they are (e-mail, SMS, card)."""
    rows = (
        _votes(fair)
        .values("channel")
        .annotate(
            valid=Count("pk", filter=Q(invalidated_at__isnull=True)),
            invalid=Count("pk", filter=Q(invalidated_at__isnull=False)),
        )
        .order_by("channel")
    )
    return [(row["channel"], row["valid"], row["invalid"]) for row in rows]


def counts_document(fair: Fair, latest: ResultsProtocol) -> dict:
    from projects.models import Project

    names = {
        project.pk: (project.title, project.nomination.title if project.nomination else "")
        for project in Project.objects.filter(fair=fair)
        .select_related("nomination")
        .only("title", "nomination__title_kk", "nomination__title_ru", "nomination__title_en")
    }
    rows = list(count_rows(fair))[1:]
    return {
        "fair": fair.slug,
        "revision": latest.revision,
        "frozen_at": latest.frozen_at.isoformat(),
        "digest": latest.digest,
        "file_digests": latest.file_digests,
        "counts": [
            {
                "nomination": nomination or None,
                "nomination_title": names.get(project, ("", ""))[1],
                "project": project,
                "project_title": names.get(project, ("", ""))[0],
                "valid_votes": votes,
            }
            for nomination, project, votes in rows
        ],
        "by_channel": [
            {"channel": channel, "valid_votes": valid, "invalidated_votes": invalid}
            for channel, valid, invalid in channel_counts(fair)
        ],
        "fields": FIELDS,
    }
