"""Issue 15 item 10: styled Japanese 403/404/500 pages that say what happened and where to
go, and the favicon."""

from django.test import RequestFactory
from django.views.defaults import server_error

from tsunagu.accounts.tests.cast import build_cast


def test_404_is_styled_japanese_with_a_way_home(client, town):
    cast = build_cast(town)
    client.force_login(cast.staff["counter"])
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in html and 'href="/"' in html
    assert "tsunagu/app.css" in html and "favicon.svg" in html


def test_403_says_why_and_who_to_ask(client, town):
    cast = build_cast(town)
    client.force_login(cast.staff["counter"])
    response = client.get("/access/audit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "権限がありません" in html and "監査" in html and "管理者に連絡" in html


def test_500_renders_without_request_or_database():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "エラーが発生しました" in html and "tsunagu/app.css" in html
