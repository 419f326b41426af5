#!/usr/bin/env python3
"""Recompute a fair's result and protocol digest from the five downloaded files.

    python3 protocol_check.py DIGEST ballots.csv commitments.csv counts.csv invalidations.csv receipts.csv

Python 3 alone, no packages. Prints what it checked and exits 1 on any difference.
"""

import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

FILES = ("ballots.csv", "commitments.csv", "counts.csv", "invalidations.csv", "receipts.csv")


def rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(digest: str, paths: list[str]) -> int:
    files = {
        Path(p).name.split("-")[-1] if Path(p).name not in FILES else Path(p).name: Path(p) for p in paths
    }
    problems = []
    listing = "".join(f"{hashlib.sha256(files[name].read_bytes()).hexdigest()}  {name}\n" for name in FILES)
    if hashlib.sha256(listing.encode()).hexdigest() != digest:
        problems.append("the files' digest differs from the published one")

    ballots = rows(files["ballots.csv"])
    counted = [b for b in ballots if b["status"] == "counted"]
    recount = Counter(b["project"] for b in counted)
    published = {r["project"]: int(r["valid_votes"]) for r in rows(files["counts.csv"])}
    if dict(recount) != published:
        problems.append("counts.csv differs from a recount of ballots.csv")
    if len(rows(files["receipts.csv"])) != len(counted):
        problems.append("receipts.csv does not list one receipt per counted ballot")
    invalidated = sum(int(r["votes"]) for r in rows(files["invalidations.csv"]))
    if invalidated != len(ballots) - len(counted):
        problems.append("invalidations.csv does not add up to the invalidated ballots")

    previous = ""
    for commitment in rows(files["commitments.csv"]):
        number = int(commitment["sequence"])
        covered = sorted(
            (b["ballot"], b["project"]) for b in ballots if b["commitment"] and int(b["commitment"]) <= number
        )
        ledger = hashlib.sha256(
            "".join(f"{ballot},{project}\n" for ballot, project in covered).encode()
        ).hexdigest()
        if (len(covered), ledger) != (int(commitment["ballots"]), commitment["ledger_digest"]):
            problems.append(f"commitment {number} does not match the ledger")
        chained = f"{previous}\n{number}\n{commitment['ballots']}\n{commitment['ledger_digest']}\n"
        if hashlib.sha256(chained.encode()).hexdigest() != commitment["chain_digest"]:
            problems.append(f"commitment {number}: the chain is broken")
        previous = commitment["chain_digest"]

    print(f"{len(ballots)} ballots, {len(counted)} counted, {len(published)} projects with votes")
    for project, votes in sorted(recount.items(), key=lambda item: -item[1]):
        print(f"  project {project}: {votes}")
    for problem in problems:
        print("DIFFERENCE:", problem)
    print("OK: the files match the digest and add up." if not problems else f"{len(problems)} difference(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
