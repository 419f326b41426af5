"""The demo's steps after the portal (jury, votes, awards, tallies, cards) and `demo reset|delete`
as a whole: what `make run` and `make demo-reset` give a developer or an organiser trying the portal."""

import ast
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from awards.models import Award, AwardKind, Ceremony
from demo.data import DEMO_PASSWORD
from demo.fairs import FAIRS, SLUGS
from jury.models import Evaluation, Reading, ReadingAssignment, Review
from jury.services import reading_assignment_preview
from projects.models import Fair, Project, ProjectState
from reports.dashboard import fair_voting
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.jury.test_commission_protocol import flat, pdf_text, protocol_url, recomputed_digest
from voting import selectors
from voting.models import CardBatch, FrozenTally, ResultsProtocol, Vote, VoteCode
from voting.services import CODE_VALIDITY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug(settings, tmp_path):
    # The command refuses to publish demo passwords unless DEBUG is on (pytest turns it off);
    # the cards step writes its PDF under BASE_DIR/var, kept out of the worktree.
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_seed_gives_every_demo_fair_what_its_pages_show(tmp_path, client):
    output = demo("seed")
    demo("seed")  # a second run adds nothing

    archived, voting = FAIRS["archived"].get(), FAIRS["voting"].get()
    # The archived fair: its commission, results and ceremony.
    assert Review.objects.get(fair=archived).jurors.count() == 7
    rows = [row for group in selectors.tally_by_nomination(archived) for row in group["rows"]]
    assert (
        sum(votes for _project, votes, _percent in rows) == Vote.objects.filter(fair=archived).count() > 500
    )
    assert FrozenTally.objects.filter(fair=archived).exists()
    assert ResultsProtocol.objects.filter(fair=archived).exists()
    ceremony = Ceremony.objects.get(fair=archived)
    assert ceremony.photos.count() == 3
    assert ceremony.awards.filter(kind=AwardKind.JURY_PRIZE, place=1).count() == 3
    assert ceremony.awards.filter(kind=AwardKind.PEOPLES_CHOICE).count() == 3
    # The fair in voting: a suspicious burst for the cluster view, and voting cards.
    assert Vote.objects.filter(fair=voting, network="203.0.113.0/24").count() >= 12
    assert "card" in voting.voting_channels
    assert CardBatch.objects.get(fair=voting).size == 10
    assert (tmp_path / "var" / "demo-voting-cards.pdf").read_bytes().startswith(b"%PDF")
    # The fair in review waits for its jury: six jurors, two per project, the assignment to be
    # proposed and applied by the organiser, and it can be.
    assert not Vote.objects.filter(fair=FAIRS["review"].get()).exists()
    in_review = Review.objects.get(fair=FAIRS["review"].get())
    assert (in_review.reading, in_review.readers_per_project) == (Reading.ASSIGNED, 2)
    assert in_review.jurors.count() == 6
    assert not ReadingAssignment.objects.filter(juror__review=in_review).exists()
    preview = reading_assignment_preview(review=in_review)
    assert preview.proposal.complete, preview.proposal.problems
    assert len(preview.input.projects) == 40
    assert preview.proposal.spread <= 1
    assert not Evaluation.objects.filter(juror__review=in_review).exists()
    # A new organiser can try the juror's side: the jurors log in with the published password.
    juror = in_review.jurors.select_related("user").first().user
    assert f"the jurors log in with the demo password {DEMO_PASSWORD}" in output
    assert juror.email in output
    assert client.login(email=juror.email, password=DEMO_PASSWORD)
    assert client.get("/kk/jury/").status_code == 200
    assert Vote.objects.count() == Vote.objects.filter(fair__slug__in=SLUGS).count()
    assert "Demo seed done" in output


def test_no_demo_vote_or_code_lies_in_the_future_or_outside_voting():
    demo("seed", "--only", "portal", "--only", "votes")
    now = timezone.now()

    for name in ("voting", "archived"):
        fair = FAIRS[name].get()
        votes = Vote.objects.filter(fair=fair)
        assert votes.exists()
        assert not votes.filter(created_at__gt=now).exists(), name
        assert not votes.filter(created_at__lt=fair.voting_opens_at).exists(), name
        assert not votes.filter(created_at__gte=fair.voting_closes_at).exists(), name
        codes = VoteCode.objects.filter(fair=fair)
        assert not codes.filter(created_at__gt=now).exists(), name
        assert not codes.filter(created_at__lt=fair.voting_opens_at).exists(), name
        # Unused codes have all expired: no live code of a made-up voter lies about.
        assert not codes.filter(used_at__isnull=True, expires_at__gt=now).exists(), name
    # The fair in voting has votes up to today, not only in its first days.
    assert Vote.objects.filter(fair=FAIRS["voting"].get(), created_at__gt=now - timedelta(days=1)).exists()


def test_every_demo_vote_comes_with_the_code_of_its_channel_that_let_it_in():
    demo("seed", "--only", "portal", "--only", "votes")
    now = timezone.now()

    for name in ("voting", "archived"):
        fair = FAIRS[name].get()
        # What the organisers' dashboard shows in "verification channels and code delivery".
        rows = fair_voting(fair=fair, now=now).channels
        assert sum(row.votes for row in rows) == Vote.objects.filter(fair=fair).count()
        for row in rows:
            assert row.used == row.votes, (name, row)
            assert row.codes >= row.used, (name, row)
        assert {row.channel: row.codes > row.used for row in rows if row.votes} == {"email": True}
        # Vote for vote: the same voter, project and channel, cast while the code was valid.
        codes = {
            (code.voter_digest, code.channel): code
            for code in VoteCode.objects.filter(fair=fair, used_at__isnull=False)
        }
        for vote in Vote.objects.filter(fair=fair):
            code = codes[(vote.voter_digest, vote.channel)]
            assert code.project_id == vote.project_id
            assert code.created_at <= vote.created_at == code.used_at < code.created_at + CODE_VALIDITY


def test_reset_rebuilds_every_step_and_delete_leaves_only_what_the_demo_did_not_make(
    django_capture_on_commit_callbacks,
):
    real = FairFactory(slug="real-2026")
    demo("seed")
    counts = (Vote.objects.count(), Award.objects.count(), Review.objects.count(), Project.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        demo("reset")

    assert (
        Vote.objects.count(),
        Award.objects.count(),
        Review.objects.count(),
        Project.objects.count(),
    ) == counts
    assert set(Fair.objects.values_list("slug", flat=True)) == {*SLUGS, real.slug}

    with django_capture_on_commit_callbacks(execute=True):
        output = demo("delete")

    assert list(Fair.objects.values_list("slug", flat=True)) == [real.slug]
    assert not Vote.objects.exists()
    assert not VoteCode.objects.exists()
    assert not Award.objects.exists()
    assert not Review.objects.exists()
    assert "Deleted" in output


def test_if_empty_fills_in_the_steps_missing_on_a_demo_only_database():
    demo("seed", "--only", "portal")

    demo("seed", "--if-empty")

    assert Vote.objects.filter(fair=FAIRS["archived"].get()).exists()
    assert Ceremony.objects.filter(fair=FAIRS["archived"].get()).exists()


def test_a_step_without_its_fair_says_to_seed_first():
    with pytest.raises(CommandError, match="demo seed"):
        demo("seed", "--only", "awards")


@pytest.mark.parametrize("action", ["seed", "reset", "delete"])
def test_every_action_refuses_without_debug_unless_allowed(settings, action):
    demo("seed", "--only", "portal")
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        demo(action)
    assert Fair.objects.filter(slug__in=SLUGS).count() == 3

    demo(action, "--only", "portal", "--allow-without-debug")
    assert Fair.objects.filter(slug__in=SLUGS).count() == (0 if action == "delete" else 3)


def test_the_demo_commission_makes_the_archived_fairs_protocol_public(client):
    fair = FairFactory(slug=FAIRS["archived"].slug, opens=timezone.now() - timedelta(days=200))
    nomination = NominationFactory(fair=fair)
    for n, state in enumerate([ProjectState.FINALIST] * 3 + [ProjectState.NOT_SELECTED] * 4):
        ProjectFactory(fair=fair, nomination=nomination, state=state, title=f"Demo {n}")
    demo("seed", "--only", "jury")
    demo("seed", "--only", "jury")  # once only
    review = Review.objects.get(fair=fair)
    assert review.jurors.count() == 7
    assert review.shortlist_scores_sha256 == recomputed_digest(review)
    text = flat(pdf_text(client.get(protocol_url(review, "ru"))))
    assert "Гүлнар Әбілқызы" in text
    assert "Demo 0" in text
    assert "Demo 5" not in text


def test_no_app_imports_the_demo():
    """The demo sits on top (docs/architecture.md): an app that imported it would ship demo data's
    code paths into its own."""
    base = Path(__file__).resolve().parents[2]  # BASE_DIR is tmp_path here
    offenders = []
    for app in ("fairportal", "accounts", "projects", "voting", "jury", "awards", "reports"):
        for path in (base / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(name == "demo" or name.startswith("demo.") for name in names):
                    offenders.append(str(path.relative_to(base)))
    assert offenders == []
