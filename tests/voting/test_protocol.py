"""The results protocol: anyone recomputes the counts and the digest; an altered row is caught."""

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from projects.models import ProjectState
from tests.factories.accounts import make_superuser
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from tests.race import at_once
from voting import protocol, services
from voting.models import LedgerCommitment, ResultsProtocol, Vote

pytestmark = pytest.mark.django_db

CHECK_SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "protocol_check.py"


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def finalists(fair, count=2):
    nomination = NominationFactory(fair=fair)
    return [
        ProjectFactory(fair=fair, nomination=nomination, state=ProjectState.FINALIST, title=f"Жоба {n}")
        for n in range(count)
    ]


@pytest.fixture
def closed():
    """A fair that closed two days ago, with 3 + 1 votes cast and one of them invalidated."""
    fair = FairFactory(opens=timezone.now() - timedelta(days=62))
    first, second = finalists(fair)
    VoteFactory.create_batch(3, project=first)
    VoteFactory(project=second)
    VoteFactory(project=second, invalidated_at=timezone.now(), invalidation_reason="Bought, one network")
    return fair, first, second


def download(client, fair, directory: Path) -> list[Path]:
    paths = []
    for name in protocol.FILES:
        response = client.get(url("voting:protocol_file", fair.slug, name))
        assert response.status_code == 200
        path = directory / name
        path.write_bytes(b"".join(response.streaming_content))
        paths.append(path)
    return paths


def test_the_published_files_recount_to_the_result_and_the_digest(client, closed, tmp_path):
    fair, first, _second = closed
    frozen = protocol.protocol_freeze(fair=fair)
    paths = download(client, fair, tmp_path)

    check = subprocess.run(  # the stand-alone script of docs/protocol.md, as a journalist runs it
        [sys.executable, str(CHECK_SCRIPT), frozen.digest, *map(str, paths)], capture_output=True, text=True
    )

    assert check.returncode == 0, check.stdout
    assert "OK: the files match the digest and add up." in check.stdout
    assert f"project {first.pk}: 3" in check.stdout
    page = client.get(url("voting:results", fair.slug)).content.decode()
    assert frozen.digest in page
    assert url("voting:protocol_file", fair.slug, "ballots.csv") in page


def test_the_ledger_names_no_receipt_and_the_receipts_no_project(client, closed, tmp_path):
    fair, _first, _second = closed
    protocol.protocol_freeze(fair=fair)
    ballots, _commitments, _counts, _invalidations, receipts = (
        p.read_text() for p in download(client, fair, tmp_path)
    )

    for vote in Vote.objects.filter(fair=fair):
        assert vote.receipt not in ballots
        assert vote.ballot in ballots
    assert receipts.splitlines()[0] == "receipt"
    assert len(receipts.splitlines()) == 1 + 4  # the counted ones only
    assert "invalidated" in ballots
    assert "Bought, one network" not in ballots


def test_an_altered_ballot_makes_verify_protocol_fail(closed, capsys):
    fair, first, second = closed
    protocol.protocol_freeze(fair=fair)
    call_command("verify_protocol", fair.slug)
    assert "matches the database" in capsys.readouterr().out

    ballot = Vote.objects.filter(project=first).order_by("ballot").first()  # one of the three…
    Vote.objects.filter(pk=ballot.pk).update(project=second)  # …moved by hand in the database

    with pytest.raises(CommandError, match="does not match the database"):
        call_command("verify_protocol", fair.slug)
    errors = capsys.readouterr().err
    assert "ballots.csv" in errors
    assert "counts.csv" in errors
    assert "commitment 1: the ledger it covers has changed" in errors


def test_commitments_while_voting_chain_into_the_final_ledger(client, tmp_path):
    fair = FairFactory(in_voting=True)  # voting opened 5 days ago
    project, _other = finalists(fair)
    VoteFactory.create_batch(2, project=project)
    assert protocol.ledger_commit_due(fair=fair, now=timezone.now())
    day_one = protocol.ledger_commit(fair=fair)
    VoteFactory(project=project)
    assert protocol.ledger_commit_due(fair=fair, now=timezone.now()) is False  # made less than a day ago
    day_two = protocol.ledger_commit(fair=fair, now=timezone.now() + timedelta(days=1))

    assert (day_one.sequence, day_one.ballots, day_two.sequence, day_two.ballots) == (1, 2, 2, 3)
    assert day_two.chain_digest == protocol.chain(day_one.chain_digest, 2, 3, day_two.ledger_digest)
    assert protocol.ledger_commit(fair=fair) is None  # nothing new
    page = client.get(url("voting:results", fair.slug)).content.decode()
    assert day_two.chain_digest in page  # public while voting runs, without counts


def test_an_invalidation_after_the_freeze_makes_a_new_revision_and_keeps_the_old(client, closed):
    fair, first, _second = closed
    first_revision = protocol.protocol_freeze(fair=fair)
    organiser = make_superuser()

    services.vote_invalidate(
        vote=Vote.objects.filter(project=first).first(), actor=organiser, reason="Late check"
    )
    assert protocol.verify(fair)[0].startswith("revision 1 is outdated")
    call_command("freeze_tallies")

    second_revision = protocol.latest_protocol(fair)
    assert second_revision.revision == 2
    assert second_revision.digest != first_revision.digest
    assert protocol.verify(fair) == []
    page = client.get(url("voting:results", fair.slug)).content.decode()
    assert second_revision.digest in page
    assert first_revision.digest in page


def test_nothing_is_frozen_or_downloadable_before_the_close(client):
    fair = FairFactory(in_voting=True)
    finalists(fair)

    assert protocol.protocol_freeze(fair=fair) is None
    assert client.get(url("voting:protocol_file", fair.slug, "ballots.csv")).status_code == 404
    assert client.get(url("voting:protocol_counts_json", fair.slug)).status_code == 404
    assert not ResultsProtocol.objects.exists()
    assert not LedgerCommitment.objects.exists()


def test_counts_json_names_the_projects_and_explains_every_field(client, closed):
    fair, first, _second = closed
    protocol.protocol_freeze(fair=fair)

    document = client.get(url("voting:protocol_counts_json", fair.slug)).json()

    row = next(r for r in document["counts"] if r["project"] == first.pk)
    assert (row["project_title"], row["valid_votes"]) == ("Жоба 0", 3)
    assert document["by_channel"] == [{"channel": "email", "valid_votes": 4, "invalidated_votes": 1}]
    assert set(document["fields"]) == set(protocol.FILES)


@pytest.mark.parametrize(("lang", "heading"), [("kk", "Жоба"), ("ru", "Проект")])
def test_the_protocol_pdf_prints_the_counts_and_the_digest(client, closed, lang, heading):
    fair, first, _second = closed
    frozen = protocol.protocol_freeze(fair=fair)

    response = client.get(url("voting:protocol_pdf", fair.slug, lang=lang))

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace("\n", "")
    assert frozen.digest in compact
    assert first.title in text
    assert heading in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_freezes_publish_one_revision(closed):
    fair, _first, _second = closed
    outcomes = at_once(lambda: protocol.protocol_freeze(fair=fair), [()] * 3)

    assert all(isinstance(outcome, ResultsProtocol) for outcome in outcomes), outcomes
    assert ResultsProtocol.objects.filter(fair=fair).count() == 1
    assert LedgerCommitment.objects.filter(fair=fair).count() == 1
