"""The visitor's voting flow through the test client, as on a phone after a shared link."""

import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.race import at_once
from tests.voting.conftest import last_code
from voting.forms import issue_stamp
from voting.models import Vote, VoteCode

pytestmark = pytest.mark.django_db


def url(name, lang="en", *args):
    with translation.override(lang):
        return reverse(name, args=args or None)


def stamp(client, seconds_ago=10):
    """The form's "started" value, as the vote page gave it to this client `seconds_ago`."""
    session = client.session  # creates and saves a session (and its cookie) when there is none
    value = issue_stamp(session, started=time.time() - seconds_ago)
    session.save()
    return value


def start_data(client, email, **changes):
    data = {"email": email, "consent": "on", "website": "", "started": stamp(client)}
    data.update(changes)
    return data


def ask_for_code(client, project, email, capture, lang="en"):
    with capture(execute=True):
        return client.post(url("voting:start", lang, project.pk), start_data(client, email))


def test_a_visitor_votes_and_gets_a_receipt(client, finalist, django_capture_on_commit_callbacks):
    page = client.get(url("catalogue:project_detail", "ru", finalist.pk)).content.decode()
    assert url("voting:start", "ru", finalist.pk) in page

    response = ask_for_code(client, finalist, "Voter@Mail.kz", django_capture_on_commit_callbacks, "ru")
    assert response["Location"] == url("voting:verify", "ru")
    verify_page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in verify_page
    assert 'inputmode="numeric"' in verify_page
    session_key = client.session.session_key

    done = client.post(url("voting:verify", "ru"), {"code": last_code("voter@mail.kz")}, follow=True)

    html = done.content.decode()
    vote = Vote.objects.get()
    assert vote.receipt in html
    assert "Мейірім үйі" in html
    assert client.session.session_key != session_key  # rotated after verification
    assert "voter@mail.kz" not in str(dict(client.session))
    check = client.get(url("voting:receipt_check", "en"), {"code": vote.receipt}).content.decode()
    assert "This vote is counted." in check


def test_a_second_attempt_is_refused_politely(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    client.post(url("voting:verify"), {"code": last_code("voter@mail.kz")})
    VoteCode.objects.update(created_at=VoteCode.objects.get().created_at.replace(year=2000))

    other = Client()
    ask_for_code(other, finalist, "voter+again@mail.kz", django_capture_on_commit_callbacks)
    response = other.post(url("voting:verify"), {"code": last_code("voter+again@mail.kz")})

    html = response.content.decode()
    assert response.status_code == 200
    assert "You have already voted" in html
    assert "Мейірім үйі" in html
    assert Vote.objects.count() == 1


def test_a_retried_submit_never_creates_a_second_vote(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    code = last_code("voter@mail.kz")
    first = client.post(url("voting:verify"), {"code": code})
    cookie = client.cookies["sessionid"].value

    # The phone lost the answer and the browser sends the same form again, old session and all.
    retry = Client()
    retry.cookies["sessionid"] = cookie
    second = retry.post(url("voting:verify"), {"code": code})

    assert first.status_code == 302
    assert second.status_code in (200, 302)
    assert Vote.objects.count() == 1


def test_the_answer_to_send_me_a_code_reveals_nothing(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "voted@mail.kz", django_capture_on_commit_callbacks)
    client.post(url("voting:verify"), {"code": last_code("voted@mail.kz")})

    fresh, again = Client(), Client()
    new_answer = ask_for_code(fresh, finalist, "new@mail.kz", django_capture_on_commit_callbacks)
    old_answer = ask_for_code(again, finalist, "voted+2@mail.kz", django_capture_on_commit_callbacks)

    assert new_answer.status_code == old_answer.status_code == 302
    assert new_answer["Location"] == old_answer["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "x@mailinator.com"}, "temporary mail services"),
        ({"consent": ""}, "Please accept the voting rules"),
        ({"website": "http://spam.example"}, "Something went wrong"),
        ({"started": "forged"}, "This form has expired"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
)
def test_bad_requests_get_a_clear_message_and_keep_the_address(client, finalist, data, message):
    response = client.post(url("voting:start", "en", finalist.pk), start_data(client, "keep@mail.kz") | data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    if "email" not in data:
        assert 'value="keep@mail.kz"' in html
    assert not VoteCode.objects.exists()


def test_no_vote_form_outside_the_window(client, finalist):
    fair = finalist.fair
    fair.voting_closes_at = timezone.now() - timedelta(minutes=1)
    fair.save()

    response = client.get(url("voting:start", "en", finalist.pk))

    assert "Voting has closed." in response.content.decode()
    assert "Send me a code" not in response.content.decode()


def test_requests_for_codes_are_rate_limited_per_network(client, finalist):
    for n in range(100):
        client.post(url("voting:start", "en", finalist.pk), start_data(client, f"v{n}@mailinator.com"))

    response = client.post(url("voting:start", "en", finalist.pk), start_data(client, "late@mail.kz"))

    assert response.status_code == 429
    assert response["Retry-After"]


def test_results_stay_hidden_until_voting_closes(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "voter@mail.kz", django_capture_on_commit_callbacks)
    client.post(url("voting:verify"), {"code": last_code("voter@mail.kz")})
    fair = finalist.fair

    hidden = client.get(url("voting:results", "en", fair.slug)).content.decode()
    assert "Results are published when voting closes" in hidden
    assert "Мейірім үйі" not in hidden

    fair.live_results = True
    fair.save()
    shown = client.get(url("voting:results", "en", fair.slug)).content.decode()
    assert "Мейірім үйі" in shown
    assert "1 valid vote in this nomination." in shown


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_submits_of_one_code_cast_exactly_one_vote(finalist):
    visitor = Client()
    visitor.post(
        url("voting:start", "en", finalist.pk), start_data(visitor, "racer@mail.kz")
    )  # commits: mail sent
    code, cookie = last_code("racer@mail.kz"), visitor.cookies["sessionid"].value

    def submit():
        tab = Client()  # another tab or a double tap: the same session, its own connection
        tab.cookies["sessionid"] = cookie
        return tab.post(url("voting:verify"), {"code": code}).status_code

    statuses = at_once(submit, [()] * 20)

    assert Vote.objects.count() == 1
    assert len(statuses) == 20
    assert set(statuses) <= {200, 302}  # the vote, or a polite page; never a 500
    assert statuses.count(302) >= 1


def test_a_pasted_code_with_spaces_works(client, finalist, django_capture_on_commit_callbacks):
    ask_for_code(client, finalist, "paste@mail.kz", django_capture_on_commit_callbacks)
    code = last_code("paste@mail.kz")

    response = client.post(url("voting:verify"), {"code": f"  {code[:3]} {code[3:]} \n"})

    assert response.status_code == 302
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("typed", ["{r}", "{r_lower}", "{r_plain}", " {r_spaced} "])
def test_receipts_are_found_however_they_are_typed(
    client, finalist, django_capture_on_commit_callbacks, typed
):
    ask_for_code(client, finalist, "r@mail.kz", django_capture_on_commit_callbacks)
    client.post(url("voting:verify"), {"code": last_code("r@mail.kz")})
    receipt = Vote.objects.get().receipt
    plain = receipt.replace("-", "")
    value = typed.format(
        r=receipt,
        r_lower=receipt.lower(),
        r_plain=plain,
        r_spaced=" ".join([plain[:4], plain[4:8], plain[8:]]),
    )

    html = client.get(url("voting:receipt_check"), {"code": value}).content.decode()

    assert "This vote is counted." in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_vote_counted_just_before_the_database_goes_away_still_shows_its_receipt(finalist):
    """The issue's restart: the vote committed, then the connection died before the session was
    saved. The voter must see their receipt, not a 500, and get it again when they retry."""
    visitor = Client(raise_request_exception=False)
    visitor.post(url("voting:start", "en", finalist.pk), start_data(visitor, "late@mail.kz"))
    code = last_code("late@mail.kz")

    def cut_the_connection_after_commit(sender, instance, created, **kwargs):
        pid = connection.connection.info.backend_pid

        def terminate():
            # From another connection, as a restart or failover would: the real server kills ours.
            settings_dict = connection.settings_dict
            with psycopg.connect(
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or None,
                user=settings_dict["USER"],
                password=settings_dict["PASSWORD"] or None,
                dbname=settings_dict["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])

        transaction.on_commit(terminate)

    post_save.connect(cut_the_connection_after_commit, sender=Vote, dispatch_uid="cut")
    try:
        counted = visitor.post(url("voting:verify"), {"code": code})
    finally:
        post_save.disconnect(dispatch_uid="cut", sender=Vote)
    connection.close()  # the next request starts on a fresh connection, as gunicorn's would

    vote = Vote.objects.get()
    assert counted.status_code == 200
    assert vote.receipt in counted.content.decode()
    retried = visitor.post(url("voting:verify"), {"code": code})
    assert retried.status_code == 200
    assert vote.receipt in retried.content.decode()
    assert Vote.objects.count() == 1
