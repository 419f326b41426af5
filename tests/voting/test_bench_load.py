"""The load benchmark's instruments read what the portal really produces (bench/load/).

A benchmark that misread the mail or solved the browser check wrongly would report errors of its
own as the portal's; these check its two readers against the portal's code.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.load.mailbox import Mailbox, codes_in
from bench.load.proof_solver import solve_challenge
from voting import identity, proof, services
from voting.models import VoteCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_mail(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def request_code(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.vote_request_code(ip="127.10.0.1", language="ru", **kwargs)

    return request_code


def test_the_mailbox_reads_the_code_the_portal_mails(file_mail, finalist, ask):
    challenge = ask(project=finalist, address="Bench1V7@Mail.ru")
    mailbox = Mailbox(file_mail)
    mailbox.scan()

    challenge = VoteCode.objects.get(pk=challenge.pk)
    assert mailbox.code_for("bench1v7@mail.ru") == identity.code_for(challenge.pk, challenge.code_secret)
    assert mailbox.files == 1


def test_a_resent_mail_repeats_the_code_the_mailbox_holds(file_mail, finalist, ask):
    ask(project=finalist, address="again@mail.ru")
    mailbox = Mailbox(file_mail)
    mailbox.scan()
    ask(project=finalist, address="again@mail.ru", now=timezone.now() + timedelta(minutes=2))
    mailbox.scan()

    codes = {code for path in file_mail.iterdir() for _to, code in codes_in(path.read_bytes())}
    assert mailbox.files == 2
    assert codes == {mailbox.code_for("again@mail.ru")}


def test_a_code_appended_to_a_file_already_read_is_found(file_mail, finalist, ask):
    # Two gunicorn workers forked from one parent can give their mail connections the same name
    # (the second and id() of the connection): the second code is appended to the first's file.
    ask(project=finalist, address="first@mail.ru")
    mailbox = Mailbox(file_mail)
    mailbox.scan()
    (only,) = file_mail.iterdir()
    ask(project=finalist, address="second@mail.ru")
    for later in [path for path in file_mail.iterdir() if path != only]:
        only.write_bytes(only.read_bytes() + later.read_bytes())
        later.unlink()

    mailbox.scan()

    assert mailbox.code_for("second@mail.ru")
    assert mailbox.files == 1


def test_the_solver_answers_the_portals_browser_check_once():
    payload, _seconds = solve_challenge(json.loads(proof.new_challenge()))

    assert proof.solution_valid(payload)
    assert not proof.solution_valid(payload)  # single use, as for a browser
