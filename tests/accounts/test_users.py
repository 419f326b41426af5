import pytest
from django.db import IntegrityError, transaction

from accounts.forms import UserAdminCreationForm
from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_in_lower_case():
    user = User.objects.create_user(email="  Aigerim.N@Mail.KZ ", password="s3cret-pass-phrase")

    assert user.email == "aigerim.n@mail.kz"
    assert user.check_password("s3cret-pass-phrase")
    assert not user.is_staff


def test_login_ignores_the_case_of_the_email(client):
    User.objects.create_user(email="director@ngo.kz", password="s3cret-pass-phrase")

    assert client.login(username="Director@NGO.kz", password="s3cret-pass-phrase")


def test_the_database_refuses_a_second_account_differing_only_in_case():
    user = UserFactory(email="fund@ngo.kz")
    other = UserFactory(email="other@ngo.kz")

    # update() bypasses save(): the constraint itself must hold the line.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="FUND@ngo.kz")
    assert User.objects.filter(email__iexact="fund@ngo.kz").count() == 1
    assert user.pk


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "A user with this e-mail address already exists."),
        ("ru", "Пользователь с таким адресом электронной почты уже существует."),
    ],
)
def test_admin_form_explains_a_duplicate_email_in_the_users_language(lang, message):
    from django.utils import translation

    UserFactory(email="fund@ngo.kz")
    with translation.override(lang):
        form = UserAdminCreationForm(
            data={
                "email": "Fund@NGO.kz",
                "language": "kk",
                "usable_password": "true",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
            }
        )
        assert not form.is_valid()
        assert form.errors["email"] == [message]
    # Nothing already entered is lost when the form comes back.
    assert form["email"].value() == "Fund@NGO.kz"


def test_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser(email="admin@example.kz", password="s3cret-pass-phrase")

    assert admin.is_staff
    assert admin.is_superuser
