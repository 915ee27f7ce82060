"""Japanese form labels end without a colon (settings.FORM_RENDERER), on every app's pages."""

import re

import pytest
from django.urls import reverse

from tsunagu.municipality.models import MeetingBody

COLON_AFTER_LABEL = re.compile(r"[:：]\s*</(label|legend)>")


@pytest.fixture
def body(town):
    return MeetingBody.objects.create(
        municipality=town.municipality,
        name="テスト町重層的支援会議",
        functions=["coordination"],
        consent_rule="required",
        convener=town.coordinating_agency,
    )


@pytest.mark.parametrize(
    ("who", "page", "on_body"),
    [
        ("owner", "intake:consultation_create", False),
        ("owner", "people:register", False),
        ("owner", "people:search", False),
        ("coordinator", "meetings:session_new", True),
        ("auditor", "access:audit_log", False),
    ],
)
def test_labels_have_no_trailing_colon(client, body, who, page, on_body, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page, args=[body.pk] if on_body else []))
    html = response.content.decode()
    assert response.status_code == 200
    assert "</label>" in html
    assert not COLON_AFTER_LABEL.search(html)
