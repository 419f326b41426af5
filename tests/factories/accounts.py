"""People: any user, and the roles of the portal made the way the portal makes them.

The role fixtures in tests/conftest.py (`organiser`, `superuser`, …) call these; call them
directly for a variant (another address, language or password, a second organiser).
"""

import factory
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

PASSWORD = "correct horse battery staple"  # every user's, unless made with another
SUPERUSER_PASSWORD = "s3cret-pass-phrase"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@ngo.kz")
    full_name = factory.Faker("name", locale="ru_RU")
    password = factory.django.Password(PASSWORD)


def make_organiser(email: str | None = None, **fields) -> User:
    """Staff, not superuser: only what the Organisers group (made by a migration) gives."""
    if email is not None:
        fields["email"] = email
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Organisers"))
    return user


def make_superuser(email: str = "root@fair.kz", *, password: str = SUPERUSER_PASSWORD, **fields) -> User:
    return User.objects.create_superuser(email=email, password=password, **fields)


def enrol_two_factor(user: User, codes=("abcd2345", "efgh6723")) -> TOTPDevice:
    """A confirmed authenticator app and these recovery codes, as after the set-up page."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=recovery, token=code)
    return device


def verified_login(client, user: User) -> None:
    """A staff session that has passed its second factor, as after the code page."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_two_factor(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
