import pytest
from django.urls import reverse

from tsunagu.accounts.models import Membership, Role, User
from tsunagu.municipality.models import Agency, Municipality


@pytest.fixture
def counsellor(db):
    town = Municipality.objects.create(slug="t", name="テスト町")
    agency = Agency.objects.create(
        municipality=town, kind=Agency.Kind.AGENCY, name="地域包括支援センター"
    )
    user = User.objects.create_user("soudan", password="tsunagu-demo", display_name="相談 花子")
    Membership.objects.create(user=user, agency=agency, role=Role.COUNSELLOR)
    return user


def test_anonymous_user_is_sent_to_japanese_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    page = client.get(response.url)
    assert "ログイン" in page.content.decode()


def test_login_shows_name_agency_and_logout_button(client, counsellor):
    response = client.post(
        reverse("accounts:login"), {"username": "soudan", "password": "tsunagu-demo"}, follow=True
    )
    html = response.content.decode()
    assert "相談 花子" in html
    assert "地域包括支援センター・相談員" in html
    assert "ログアウト" in html


def test_wrong_password_gives_japanese_error(client, counsellor):
    response = client.post(reverse("accounts:login"), {"username": "soudan", "password": "x"})
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()


def test_logout_ends_the_session(client, counsellor):
    client.force_login(counsellor)
    assert client.get("/").status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
