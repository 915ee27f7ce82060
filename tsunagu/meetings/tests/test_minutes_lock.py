"""Minutes edited in two tabs: the second save gets the conflict screen (issue 12 item 8)."""

from django.urls import reverse

from tsunagu.meetings import actions
from tsunagu.meetings.models import Minutes

from .conftest import new_session


def test_a_stale_minutes_form_shows_both_versions_and_keeps_the_saved_text(
    client, coordinator, kobayashi
):
    session = new_session(coordinator, kobayashi["representatives"])
    actions.save_minutes(user=coordinator, session=session, text="第1稿")
    loaded = Minutes.objects.get(session=session).lock_version
    url = reverse("meetings:minutes_save", args=[session.pk])
    client.force_login(coordinator)
    assert client.post(url, {"text": "Aさんの稿", "lock_version": loaded}).status_code == 302
    response = client.post(url, {"text": "Bさんの稿", "lock_version": loaded})
    body = response.content.decode()
    assert response.status_code == 200 and "ほかの人が先に保存しました" in body
    assert "<del>A</del>" in body and "<ins>B</ins>" in body
    assert Minutes.objects.get(session=session).text == "Aさんの稿"
    again = Minutes.objects.get(session=session).lock_version
    assert f'name="lock_version" value="{again}"' in body
    assert client.post(url, {"text": "合意稿", "lock_version": again}).status_code == 302
    assert Minutes.objects.get(session=session).text == "合意稿"


def test_a_stale_tab_with_emptied_minutes_gets_the_conflict_screen_not_a_field_error(
    client, coordinator, kobayashi
):
    session = new_session(coordinator, kobayashi["representatives"])
    actions.save_minutes(user=coordinator, session=session, text="第1稿")
    client.force_login(coordinator)
    url = reverse("meetings:minutes_save", args=[session.pk])
    body = client.post(url, {"text": "", "lock_version": "0"}).content.decode()
    assert "ほかの人が先に保存しました" in body and "議事録を入力してください" not in body
