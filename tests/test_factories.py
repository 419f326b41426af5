"""The shared factories and role fixtures make what the portal itself would make.

If one of them drifts from the domain (an image without a thumbnail, an organiser who cannot
act), every test built on it would test something the portal never holds.
"""

import pytest
from django.utils import timezone

from awards.models import AwardKind
from jury import selectors as jury_selectors
from projects.models import Membership, Phase, ProjectState
from tests.factories.accounts import verified_login
from tests.factories.awards import AwardFactory
from tests.factories.jury import EvaluationFactory
from tests.factories.projects import FairFactory, ProjectFactory, ProjectImageFactory
from tests.factories.voting import CardBatchFactory, VoteCodeFactory
from voting import cards

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("flag", "phase"),
    [
        (None, Phase.SUBMISSION),
        ("in_review", Phase.REVIEW),
        ("in_voting", Phase.VOTING),
        ("voting_closed", Phase.RESULTS),
    ],
)
def test_each_fair_flag_puts_the_fair_in_that_phase_now(flag, phase):
    fair = FairFactory(**({flag: True} if flag else {}))

    assert fair.phase_at(timezone.now()) == phase


def test_the_role_fixtures_have_the_rights_their_names_promise(
    organiser, superuser, ngo_owner, ngo_member, juror
):
    assert organiser.is_staff
    assert not organiser.is_superuser
    assert organiser.has_perm("projects.change_project_state")
    assert superuser.is_superuser
    owner_ship, member_ship = ngo_owner.memberships.get(), ngo_member.memberships.get()
    assert owner_ship.organisation == member_ship.organisation
    assert (owner_ship.role, member_ship.role) == (Membership.Role.OWNER, Membership.Role.MEMBER)
    assert not ngo_owner.is_staff
    assert juror.user.groups.filter(name="Jury").exists()


def test_an_organiser_with_two_factor_reaches_the_admin_when_staff_must_prove_it(
    client, settings, organiser_with_two_factor
):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(organiser_with_two_factor)
    assert client.get("/en/admin/").status_code == 302  # a password alone is not enough

    verified_login(client, organiser_with_two_factor)

    assert client.get("/en/admin/").status_code == 200


def test_a_project_image_is_re_encoded_with_a_thumbnail_for_a_draft_and_a_finalist():
    for state in (ProjectState.DRAFT, ProjectState.FINALIST):
        image = ProjectImageFactory(project=ProjectFactory(state=state))

        assert (image.width, image.height) == (800, 600)
        assert image.thumbnail.name
        assert image.project.images.count() == 1


def test_an_evaluation_counts_as_scored_in_the_jurors_worklist():
    evaluation = EvaluationFactory(value=8)

    items, progress = jury_selectors.worklist(evaluation.juror)

    assert [item.project for item in items] == [evaluation.project]
    assert items[0].status == jury_selectors.WorkStatus.SCORED
    assert progress.scored == 1


def test_awards_are_given_with_a_verification_code_and_places_only_where_they_exist():
    prize = AwardFactory()
    mention = AwardFactory(ceremony=prize.ceremony, kind=AwardKind.SPECIAL_MENTION)

    assert prize.verification_code
    assert prize.place == 1
    assert prize.nomination == prize.project.nomination
    assert (mention.place, mention.nomination) == (None, None)


def test_a_card_batch_has_its_cards_and_a_code_is_live():
    batch = CardBatchFactory(size=4)
    code = VoteCodeFactory()

    assert len(cards.card_codes(batch)) == 4
    assert code.expires_at > timezone.now()
    assert code.used_at is None
    assert VoteCodeFactory(used=True).used_at is not None
