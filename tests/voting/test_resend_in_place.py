"""'Send the code again' on the code page itself: the same code, the same gates, the cooldown told."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.voting.test_views import ask_for_code, last_code, url
from voting.models import Vote, VoteCode

pytestmark = pytest.mark.django_db


def resend(client, address, capture, lang="en"):
    with capture(execute=True):
        return client.post(url("voting:resend", lang), {"address": address}, follow=True)


def age_the_code(by=timedelta(seconds=61)):
    code = VoteCode.objects.get()
    code.last_sent_at = code.created_at = timezone.now() - by
    code.save(update_fields=["last_sent_at", "created_at"])


def test_the_code_page_sends_the_same_code_again_in_place(
    client, finalist, django_capture_on_commit_callbacks
):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    age_the_code()

    page = resend(client, "Voter@Mail.kz", django_capture_on_commit_callbacks, lang="ru")

    assert page.redirect_chain[-1][0] == url("voting:verify", "ru")
    html = page.content.decode()
    assert "Мы отправили код ещё раз" in html
    bodies = [m.body for m in mail.outbox if m.to[0].lower() == "voter@mail.kz"]
    assert len(bodies) == 2
    assert re.search(r"^(\d{6})$", bodies[0], re.M).group(1) == re.search(
        r"^(\d{6})$", bodies[1], re.M
    ).group(1)


def test_too_soon_the_page_says_how_long_to_wait_and_keeps_the_address(
    client, finalist, django_capture_on_commit_callbacks
):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)

    html = resend(client, "voter@mail.kz", django_capture_on_commit_callbacks, lang="kk").content.decode()

    assert len(mail.outbox) == 1
    assert re.search(r"\d+ с\.?", html)
    assert 'value="voter@mail.kz"' in html
    # The cursor waits at the refused address, not at the code.
    assert re.search(r'<input[^>]*name="address"[^>]*autofocus', html)
    assert not re.search(r'<input[^>]*name="code"[^>]*autofocus', html)


def test_the_code_page_shows_the_cooldown_on_arrival(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)

    html = client.get(url("voting:verify", "en")).content.decode()

    assert re.search(r'id="resend-wait"[^>]*>You can ask for it again in (\d+) s\.', html)
    # site.js swaps the count for this once the wait is over, so "in 55 s" never stands stale.
    assert re.search(
        r'id="resend-wait" data-wait-seconds="\d+" data-ready-text="You can ask for it again now\."', html
    )
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', html)


def test_another_address_is_refused_so_the_page_cannot_mail_strangers(
    client, finalist, django_capture_on_commit_callbacks
):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    age_the_code()

    html = resend(client, "someone.else@mail.kz", django_capture_on_commit_callbacks).content.decode()

    assert "This is not the address the code was sent to" in html
    assert [m.to for m in mail.outbox] == [["voter@mail.kz"]]


def test_without_a_code_in_the_session_the_visitor_is_sent_to_choose_a_project(client, finalist):
    page = client.post(url("voting:resend", "en"), {"address": "voter@mail.kz"})

    assert page.status_code == 302
    assert not mail.outbox


def test_after_a_refused_resend_the_code_typed_is_still_checked_and_counted(
    client, finalist, django_capture_on_commit_callbacks
):
    """A refused resend leaves the browser at the resend address; a code form posting "here"
    sent the voter's code to the resend view, which threw it away (found by the phone walk)."""
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    refused = resend(client, "voter@mail.kz", django_capture_on_commit_callbacks, lang="ru")
    html = refused.content.decode()
    code_form = next(
        form for form in re.findall(r"<form[^>]*>.*?</form>", html, re.S) if 'name="code"' in form
    )
    action = re.search(r'action="([^"]*)"', code_form)

    assert action is not None
    assert action.group(1) == url("voting:verify", "ru")
    client.post(action.group(1), {"code": last_code("voter@mail.kz")})
    assert Vote.objects.filter(project=finalist, invalidated_at__isnull=True).count() == 1
