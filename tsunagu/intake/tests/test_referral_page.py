"""The つなぐシート page with one form per recipient task keeps its HTML ids unique."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tsunagu.intake import actions


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


@pytest.mark.parametrize(("who", "forms"), [("owner", 2), ("partner", 1), ("unrelated", 1)])
def test_every_id_on_the_referral_page_is_unique(client, referral_to_two, who, forms, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("intake:referral_detail", args=[referral_to_two.pk]))
    page = IdCollector()
    page.feed(response.content.decode())
    assert response.status_code == 200
    assert response.content.decode().count("更新する") == forms
    assert [i for i, n in Counter(page.ids).items() if n > 1] == []
    assert set(page.label_targets) <= set(page.ids)
