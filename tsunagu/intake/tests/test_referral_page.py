"""The つなぐシート page with one form per recipient task keeps its HTML ids unique."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tsunagu.intake import actions
from tsunagu.intake.models import TaskStatus


class IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "label" and "for" in values:
            self.label_targets.append(values["for"])


@pytest.fixture
def referral_to_two(town, owner, consultation, note):
    return actions.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency, town.unrelated_agency],
        reason="長男のひきこもりと子育ての不安",
        request="それぞれの窓口での相談",
        agreed_to_share="氏名・連絡先・相談内容の概要",
        notes=[note],
    )


@pytest.mark.parametrize("who", ["owner", "partner", "unrelated"])
def test_every_id_on_the_referral_page_is_unique(client, referral_to_two, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    page = IdCollector()
    page.feed(response.content.decode())
    assert response.status_code == 200
    assert [i for i, n in Counter(page.ids).items() if n > 1] == []
    assert set(page.label_targets) <= set(page.ids)


def buttons(response) -> list[str]:
    """The action buttons the page offers: submit buttons and the summaries opening a form."""
    html = response.content.decode()
    return re.findall(
        r"<(?:button type=\"submit\"[^>]*|summary class=\"btn[^\"]*\")>([^<]+)<", html
    )


def test_the_sender_sees_only_withdraw_for_each_recipient(client, owner, referral_to_two):
    client.force_login(owner)
    response = client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    actions_shown = [b for b in buttons(response) if b != "ログアウト"]
    assert actions_shown.count("取り下げる…") == 2
    assert not {"受け入れる", "辞退する…", "支援につながった"} & set(actions_shown)
    assert referral_to_two.tasks.filter(status=TaskStatus.SENT).count() == 2  # not received
    html = response.content.decode()
    assert reverse("intake:consultation_detail", args=[referral_to_two.consultation_id]) in html


def test_opening_the_sheet_records_receipt_and_offers_accept_or_decline(
    client, partner, referral_to_two, town
):
    client.force_login(partner)
    response = client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    task = referral_to_two.tasks.get(agency=town.partner_agency)
    assert task.status == TaskStatus.RECEIVED
    assert task.events.last().actor == partner
    shown = buttons(response)
    assert "受け入れる" in shown and "辞退する…" in shown and "取り下げる…" not in shown
    html = response.content.decode()
    assert f"{town.partner_agency.name} 障害 二郎さんが受け取りました。" in html
    # The recipient does not see the consultation, which stays with the sending agency.
    assert reverse("intake:consultation_detail", args=[referral_to_two.consultation_id]) not in html
    # A second visit records nothing more.
    client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    assert task.events.count() == 2
    other = referral_to_two.tasks.get(agency=town.unrelated_agency)
    assert other.status == TaskStatus.SENT


def test_accept_then_report_got_help_through_the_buttons(
    client, partner, owner, referral_to_two, town
):
    client.force_login(partner)
    url = reverse("intake:referral_detail", args=[referral_to_two.pk])
    client.get(url)
    task = referral_to_two.tasks.get(agency=town.partner_agency)
    post = reverse("intake:task_transition", args=[task.pk])
    response = client.post(post, {"to": "accepted"}, follow=True)
    assert "受け入れました。" in response.content.decode()
    assert "支援につながった" in buttons(response) and "つながらなかった…" in buttons(response)
    client.post(post, {"to": "completed", "outcome": "got_help"})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.outcome == "got_help"
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "障害 二郎さんが支援につながったと報告しました(支援につながった)。" in html


def test_decline_needs_a_reason_shown_in_japanese(client, partner, referral_to_two, town):
    client.force_login(partner)
    client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    task = referral_to_two.tasks.get(agency=town.partner_agency)
    post = reverse("intake:task_transition", args=[task.pk])
    response = client.post(post, {"to": "declined", "reason": " "}, follow=True)
    assert "「辞退する」には理由の入力が必要です。" in response.content.decode()
    response = client.post(post, {"to": "declined", "reason": "対象地区外です"}, follow=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED
    assert "辞退しました。" in response.content.decode()


def test_auditor_opening_the_sheet_records_no_receipt(client, referral_to_two, town):
    from conftest import make_user
    from tsunagu.accounts.models import Role

    auditor = make_user("partner_auditor", town.partner_agency, Role.AUDITOR)
    client.force_login(auditor)
    response = client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    assert response.status_code == 404
    assert not referral_to_two.tasks.exclude(status=TaskStatus.SENT).exists()
