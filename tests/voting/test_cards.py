"""Fair-floor voting cards: printed single-use codes, one vote each."""

import io
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fairportal.models import AuditEvent
from projects.models import IdentityChannel, ProjectState
from tests.factories.accounts import UserFactory, make_superuser
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.race import at_once
from voting import cards, selectors, services
from voting.card_pdf import cards_pdf
from voting.models import CardBatch, Channel, Vote, VotingCard

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"


@pytest.fixture
def card_fair():
    return FairFactory(
        slug="cards-2026",
        in_voting=True,
        voting_channels=[IdentityChannel.EMAIL, IdentityChannel.CARD],
    )


@pytest.fixture
def finalists(card_fair):
    first, second = (
        NominationFactory(fair=card_fair, position=1),
        NominationFactory(fair=card_fair, position=2),
    )
    return [
        ProjectFactory(fair=card_fair, nomination=first, state=ProjectState.FINALIST, title="Мейірім үйі"),
        ProjectFactory(fair=card_fair, nomination=first, state=ProjectState.FINALIST, title="Жасыл аула"),
        ProjectFactory(fair=card_fair, nomination=second, state=ProjectState.FINALIST, title="Қамқор"),
    ]


def make_batch(fair, organiser, size=3, label="Стенд 4"):
    return cards.card_batch_create(fair=fair, label=label, size=size, actor=organiser)


def card_path(code: str, lang: str = "kk") -> str:
    with translation.override(lang):
        return reverse("voting:card", kwargs={"code": code})


def vote_with_card(client, code: str, project, lang: str = "kk"):
    return client.post(card_path(code, lang), {"project": project.pk, "confirm": "1"}, REMOTE_ADDR=IP)


# ------------------------------------------------------------------ codes


def test_only_digests_of_the_codes_are_stored(card_fair, organiser):
    batch, codes = make_batch(card_fair, organiser, size=5)
    assert len(codes) == 5
    assert len({code for _n, code in codes}) == 5
    stored = " ".join(
        str(value)
        for row in [
            *CardBatch.objects.filter(pk=batch.pk).values_list(),
            *VotingCard.objects.filter(batch=batch).values_list(),
        ]
        for value in row
    )
    for _number, code in codes:
        assert code not in stored
        assert cards.normalise_code(code) not in stored
    # The codes can be derived again for a reprint: the same cards, the same codes.
    assert cards.card_codes(CardBatch.objects.get(pk=batch.pk)) == codes


def test_a_code_has_sixty_bits_from_the_unambiguous_alphabet(card_fair, organiser):
    _batch, codes = make_batch(card_fair, organiser, size=20)
    for _number, code in codes:
        raw = cards.normalise_code(code)
        assert len(raw) == 12
        assert set(raw) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        assert code == "-".join([raw[:3], raw[3:6], raw[6:9], raw[9:]])


def test_cards_need_a_fair_that_takes_them(organiser):
    fair = FairFactory()  # e-mail only
    with pytest.raises(ValidationError):
        cards.card_batch_create(fair=fair, label="Стенд 1", size=10, actor=organiser)
    assert not CardBatch.objects.exists()


# ------------------------------------------------------------------ voting


def test_a_card_votes_once_and_only_once(client, finalists, organiser):
    _batch, [(_n, code), *_rest] = make_batch(finalists[0].fair, organiser)
    page = client.get(card_path(code), REMOTE_ADDR=IP)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert all(project.title in page.content.decode() for project in finalists)
    confirm = client.post(card_path(code), {"project": finalists[1].pk}, REMOTE_ADDR=IP)
    assert "Жасыл аула" in confirm.content.decode()
    assert Vote.objects.count() == 0

    done = vote_with_card(client, code, finalists[1])
    assert done.status_code == 302
    assert done["Location"] == reverse("voting:done")
    vote = Vote.objects.get()
    assert (vote.project, vote.channel) == (finalists[1], Channel.CARD)
    receipt = client.get(done["Location"])
    assert vote.receipt in receipt.content.decode()

    again = vote_with_card(client, code, finalists[0])
    assert Vote.objects.count() == 1
    assert "Бұл карточканы пайдалану мүмкін емес" in again.content.decode()
    with pytest.raises(services.VotingError):
        cards.card_vote(code=code, project=finalists[2], ip=IP)
    assert Vote.objects.count() == 1


def test_the_ballot_needs_few_queries_whatever_the_number_of_finalists(
    client, finalists, organiser, django_assert_max_num_queries
):
    fair = finalists[0].fair
    for _ in range(20):
        ProjectFactory(fair=fair, nomination=finalists[2].nomination, state=ProjectState.FINALIST)
    _batch, [(_n, code), *_rest] = make_batch(fair, organiser)
    with django_assert_max_num_queries(10):
        page = client.get(card_path(code), REMOTE_ADDR=IP)
    assert page.content.decode().count('name="project"') == 23


def test_the_short_address_printed_on_the_card_leads_to_the_form(client):
    response = client.get("/vote/card/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 302
    assert response["Location"] == "/kk/vote/card/"
    assert client.get(response["Location"]).status_code == 200


def test_a_typed_code_with_spaces_and_lower_case_leads_to_the_ballot(client, finalists, organiser):
    _batch, [(_n, code), *_rest] = make_batch(finalists[0].fair, organiser)
    typed = code.replace("-", " ").lower()
    with translation.override("ru"):
        response = client.post(reverse("voting:card_enter"), {"code": typed}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    assert response["Location"] == card_path(code, "ru")


def test_unknown_and_spent_codes_get_the_same_answer(client, finalists, organiser):
    _batch, [(_n, spent), *_rest] = make_batch(finalists[0].fair, organiser)
    cards.card_vote(code=spent, project=finalists[0], ip=IP)
    with translation.override("ru"):
        url = reverse("voting:card_enter")
    unknown_page = client.post(url, {"code": "ABC-DEF-GHJ-KLM"}, REMOTE_ADDR=IP)
    spent_page = client.post(url, {"code": spent}, REMOTE_ADDR=IP)
    unknown_error = unknown_page.context["form"].errors["code"]
    assert unknown_error == spent_page.context["form"].errors["code"]
    assert "Эту карточку нельзя использовать" in unknown_error[0]
    # Landing on a spent card's page by its QR code says the same.
    assert client.get(card_path(spent, "ru"), REMOTE_ADDR=IP).context["refusal"] == unknown_error[0]


def test_guessing_is_limited_per_address_and_per_network(client, finalists, organiser):
    _batch, codes = make_batch(finalists[0].fair, organiser, size=3)
    for n in range(cards.MAX_WRONG_CARDS_PER_ADDRESS):
        with pytest.raises(services.VotingError) as refused:
            cards.card_fair(code=f"WRONG{n:07d}", ip="198.51.100.1")
        assert refused.value.code == "unusable"
    # Now even a right code is refused from that address …
    with pytest.raises(services.VotingError) as locked:
        cards.card_vote(code=codes[0][1], project=finalists[0], ip="198.51.100.1")
    assert locked.value.code == "locked"
    page = client.get(card_path(codes[0][1], "ru"), REMOTE_ADDR="198.51.100.1")
    assert "Слишком много" in page.context["refusal"]
    # … while a neighbour on the same network votes with it.
    assert cards.card_vote(code=codes[0][1], project=finalists[0], ip="198.51.100.2").channel == Channel.CARD

    # Guesses spread over the addresses of one network lock the network, not the others.
    for n in range(cards.MAX_WRONG_CARDS_PER_NETWORK - cards.MAX_WRONG_CARDS_PER_ADDRESS):
        with pytest.raises(services.VotingError):
            cards.card_fair(code=f"GUESS{n:07d}", ip=f"198.51.100.{10 + n % 200}")
    with pytest.raises(services.VotingError) as locked:
        cards.card_vote(code=codes[1][1], project=finalists[0], ip="198.51.100.3")
    assert locked.value.code == "locked"
    assert cards.card_vote(code=codes[1][1], project=finalists[0], ip=IP).channel == Channel.CARD


def test_a_card_of_one_fair_does_not_vote_in_another(finalists, organiser):
    _batch, [(_n, code), *_rest] = make_batch(finalists[0].fair, organiser)
    other = ProjectFactory(fair=FairFactory(in_voting=True), state=ProjectState.FINALIST)
    with pytest.raises(services.VotingError):
        cards.card_vote(code=code, project=other, ip=IP)
    assert not Vote.objects.exists()
    assert not VotingCard.objects.filter(used_at__isnull=False).exists()


def test_a_card_does_not_vote_outside_the_voting_window(finalists, organiser):
    fair = finalists[0].fair
    _batch, [(_n, code), *_rest] = make_batch(fair, organiser)
    with pytest.raises(services.VotingError) as refused:
        cards.card_vote(code=code, project=finalists[0], ip=IP, now=fair.voting_closes_at)
    assert refused.value.code == "closed"
    assert VotingCard.objects.filter(used_at__isnull=True).count() == 3  # the card is not spent


def test_the_ballot_of_a_closed_or_unpublished_fair_shows_no_finalists(client, finalists, organiser):
    fair = finalists[0].fair
    _batch, [(_n, code), *_rest] = make_batch(fair, organiser)
    fair.is_published = False
    fair.save()
    page = client.get(card_path(code, "ru"), REMOTE_ADDR=IP)
    assert page.context["refusal"] == "Голосование ещё не началось."
    assert finalists[0].title not in page.content.decode()
    fair.is_published = True
    fair.voting_closes_at = timezone.now() - timedelta(minutes=1)
    fair.save()
    page = client.get(card_path(code, "ru"), REMOTE_ADDR=IP)
    assert page.context["refusal"] == "Голосование завершено."
    assert 'name="project"' not in page.content.decode()


def test_the_email_form_of_a_card_only_fair_says_so(finalists):
    fair = finalists[0].fair
    fair.voting_channels = [IdentityChannel.CARD]
    fair.save()
    with pytest.raises(ValidationError) as refused:
        services.vote_request_code(project=finalists[0], address="ali@mail.kz", ip=IP, language="en")
    with translation.override("en"):
        assert "voting cards" in refused.value.messages[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_using_one_card_at_once_cast_exactly_one_vote(finalists):
    organiser = make_superuser("cards@fair.kz")
    _batch, [(_n, code), *_rest] = make_batch(finalists[0].fair, organiser)
    outcomes = at_once(
        lambda project: cards.card_vote(code=code, project=project, ip=IP),
        [(finalists[n % 3],) for n in range(8)],
    )

    assert Vote.objects.count() == 1
    assert sum(isinstance(outcome, Vote) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, services.VotingError) for outcome in outcomes) == 7
    assert VotingCard.objects.filter(used_at__isnull=False).count() == 1


# ------------------------------------------------------------------ invalidation


def test_invalidating_a_batch_takes_its_votes_out_of_the_tally_and_refuses_its_cards(finalists, organiser):
    fair = finalists[0].fair
    stolen, stolen_codes = make_batch(fair, organiser, size=3, label="Стенд 4")
    _honest, honest_codes = make_batch(fair, organiser, size=2, label="Стенд 5")
    for _n, code in stolen_codes[:2]:
        cards.card_vote(code=code, project=finalists[0], ip=IP)
    cards.card_vote(code=honest_codes[0][1], project=finalists[0], ip=IP)
    assert {p.pk: p.valid_votes for p in selectors.tally(fair)}[finalists[0].pk] == 3

    invalidated = cards.card_batch_invalidate(batch=stolen, actor=organiser, reason="Стек ұрланды")
    assert invalidated == 2
    assert {p.pk: p.valid_votes for p in selectors.tally(fair)}[finalists[0].pk] == 1
    assert set(Vote.objects.exclude(invalidated_at=None).values_list("invalidation_reason", flat=True)) == {
        "Стек ұрланды"
    }
    assert AuditEvent.objects.filter(action="card_batch.invalidated").count() == 1
    assert AuditEvent.objects.filter(action="vote.invalidated").count() == 2
    with pytest.raises(services.VotingError) as refused:
        cards.card_vote(code=stolen_codes[2][1], project=finalists[0], ip=IP)
    assert refused.value.code == "unusable"
    # The other batch still votes; invalidating again changes nothing.
    cards.card_vote(code=honest_codes[1][1], project=finalists[1], ip=IP)
    assert cards.card_batch_invalidate(batch=stolen, actor=organiser, reason="again") == 0


def test_invalidating_needs_a_reason_and_the_permission(finalists, organiser):
    batch, _codes = make_batch(finalists[0].fair, organiser)
    with pytest.raises(ValidationError):
        cards.card_batch_invalidate(batch=batch, actor=organiser, reason="  ")
    visitor = UserFactory(email="someone@mail.kz")
    with pytest.raises(services.PermissionDenied):
        cards.card_batch_invalidate(batch=batch, actor=visitor, reason="no")
    assert CardBatch.objects.get().invalidated_at is None


# ------------------------------------------------------------------ printing


def decoded_qr_codes(pdf: bytes, page: int = 0) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    image = document[page].render(scale=3).to_pil()
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def test_the_pdf_renders_and_its_qr_codes_decode_to_the_cards_pages(settings, finalists, organiser):
    settings.SITE_URL = "https://fair.example.kz"
    batch, codes = make_batch(finalists[0].fair, organiser, size=12)
    pdf = cards_pdf(batch)
    assert pdf.startswith(b"%PDF")
    assert len(pypdfium2.PdfDocument(io.BytesIO(pdf))) == 2
    expected = sorted(f"https://fair.example.kz/kk/vote/card/{code}/" for _n, code in codes[:10])
    assert decoded_qr_codes(pdf) == expected
    text = pypdfium2.PdfDocument(io.BytesIO(pdf))[0].get_textpage().get_text_range()
    assert codes[0][1] in text
    assert finalists[0].fair.title_ru in text
    assert finalists[0].fair.title_kk in text  # fitted to the card, not cut
    assert "Әлеуметтік жобалар жәрмеңкесі" in text
    assert "телефон" in text.lower()  # the instruction, in Kazakh and Russian


def test_the_decoded_link_votes_at_phone_width(client, settings, finalists, organiser):
    settings.SITE_URL = "https://fair.example.kz"
    batch, _codes = make_batch(finalists[0].fair, organiser, size=1)
    [url] = decoded_qr_codes(cards_pdf(batch))
    path = url.removeprefix("https://fair.example.kz")
    page = client.get(path, REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Mobile")
    assert 'name="viewport"' in page.content.decode()
    assert client.post(path, {"project": finalists[2].pk, "confirm": "1"}, REMOTE_ADDR=IP).status_code == 302
    assert Vote.objects.get().project == finalists[2]


# ------------------------------------------------------------------ admin


def test_organisers_create_print_and_invalidate_batches_in_the_admin(client, finalists, organiser):
    fair = finalists[0].fair
    client.force_login(organiser)
    with translation.override("en"):
        add_url = reverse("admin:voting_cardbatch_add")
        changelist = reverse("admin:voting_cardbatch_changelist")
    refused = client.post(add_url, {"fair": fair.pk, "label": "Stand 4", "size": 50000})
    assert refused.status_code == 200
    assert not CardBatch.objects.exists()
    created = client.post(add_url, {"fair": fair.pk, "label": "Stand 4", "size": 4})
    batch = CardBatch.objects.get()
    assert created.status_code == 302
    assert batch.cards.count() == 4
    assert batch.created_by == organiser

    with translation.override("en"):
        pdf_url = reverse("admin:voting_cardbatch_pdf", args=[batch.pk])
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    batch.refresh_from_db()
    assert batch.printed_at is not None

    code = cards.card_codes(batch)[0][1]
    cards.card_vote(code=code, project=finalists[0], ip=IP)
    listing = client.get(changelist)
    assert [row.used for row in listing.context["cl"].result_list] == [1]
    page = client.get(reverse("admin:voting_cardbatch_change", args=[batch.pk]))
    assert pdf_url in page.content.decode()

    action = {"action": "invalidate_batches", "_selected_action": [batch.pk], "index": 0}
    confirm = client.post(changelist, action)
    assert confirm.status_code == 200
    assert "reason" in confirm.context["form"].fields
    no_reason = client.post(changelist, {**action, "apply": "1", "reason": ""})
    assert no_reason.status_code == 200
    assert CardBatch.objects.get().invalidated_at is None
    client.post(changelist, {**action, "apply": "1", "reason": "Stolen stack"})
    assert CardBatch.objects.get().invalidated_at is not None
    assert Vote.objects.valid().count() == 0


def test_staff_without_the_permission_cannot_print(client, finalists, organiser):
    batch, _codes = make_batch(finalists[0].fair, organiser)
    staff = UserFactory(email="clerk@fair.kz", is_staff=True)
    client.force_login(staff)
    with translation.override("en"):
        response = client.get(reverse("admin:voting_cardbatch_pdf", args=[batch.pk]))
    assert response.status_code == 403
