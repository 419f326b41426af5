import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        ("kk", "fairportal басқару панелі"),
        ("ru", "Администрирование fairportal"),
        ("en", "fairportal administration"),
    ],
)
def test_organiser_logs_into_the_admin_in_each_language(client, superuser, lang, header):
    response = client.post(
        f"/{lang}/admin/login/?next=/{lang}/admin/",
        {"username": "Root@Fair.kz", "password": "s3cret-pass-phrase"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/{lang}/admin/"
    assert header in response.content.decode()


def test_wrong_password_keeps_the_organiser_out(client, superuser):
    response = client.post("/en/admin/login/", {"username": "root@fair.kz", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter the correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_organiser_creates_a_user_in_the_admin(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/en/admin/accounts/user/add/",
        {
            "email": "New.Member@NGO.kz",
            "full_name": "Айгерім Нұрланқызы",
            "language": "ru",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )

    assert response.status_code == 302
    member = User.objects.get(email="new.member@ngo.kz")
    assert member.language == "ru"
    assert member.check_password("a-long-pass-phrase-42")


def test_user_list_searches_by_email(client, superuser):
    User.objects.create_user(email="findme@ngo.kz")
    client.force_login(superuser)

    html = client.get("/en/admin/accounts/user/", {"q": "findme"}).content.decode()

    assert "findme@ngo.kz" in html
    assert "root@fair.kz" not in html.split("result_list")[1]
