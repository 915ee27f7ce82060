"""資源開発: a 不足資源 raised by staff or from a case, moved through its stages."""

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.meetings import actions as meetings
from tsunagu.meetings.models import Decision, ResourceGap
from tsunagu.meetings.tests.conftest import new_session
from tsunagu.resources.models import GapEvent


@pytest.fixture
def gap(client, partner, areas, community_programme):
    client.force_login(partner)
    response = client.post(
        reverse("resources:gap_new"),
        {
            "title": "夜間のひきこもり居場所",
            "description": "夜に集まれる場がない",
            "area": areas["north"].pk,
        },
    )
    assert response.status_code == 302
    return ResourceGap.objects.get(title="夜間のひきこもり居場所")


def _move(client, gap, **data):
    return client.post(reverse("resources:gap_move", args=[gap.pk]), data)


def test_any_reader_raises_a_gap_at_noticed(gap, partner):
    assert gap.status == ResourceGap.Status.NOTICED and gap.source_kind == "staff"
    assert gap.raised_by == partner
    assert AuditEvent.objects.filter(object_type="meetings.resourcegap", action="create").exists()


def test_gap_raised_from_a_case_links_it_only_for_those_who_see_the_case(
    client, coordinator, unrelated, case, community_programme
):
    client.force_login(coordinator)
    url = reverse("resources:gap_new") + f"?case={case.pk}"
    response = client.post(url, {"title": "送迎の手段", "case": case.pk})
    gap = ResourceGap.objects.get(title="送迎の手段")
    assert response.status_code == 302 and gap.source_kind == "case" and gap.source_id == case.pk
    detail = reverse("resources:gap", args=[gap.pk])
    case_link = reverse("coordination:case", args=[case.pk])
    assert case_link in client.get(detail).content.decode()
    client.force_login(unrelated)
    body = client.get(detail).content.decode()
    assert "送迎の手段" in body and case_link not in body and "山田" not in body


def test_unrelated_user_cannot_raise_a_gap_from_a_case_they_cannot_see(client, unrelated, case):
    client.force_login(unrelated)
    response = client.get(reverse("resources:gap_new") + f"?case={case.pk}")
    assert response.status_code == 404


def test_stages_move_with_reasons_and_developed_links_the_resource(client, coordinator, gap, salon):
    client.force_login(coordinator)
    assert _move(client, gap, to="open").status_code == 302
    assert _move(client, gap, to="developing").status_code == 302
    refused = _move(client, gap, to="developed")
    assert refused.status_code == 400 and "開発した資源" in refused.content.decode()
    assert _move(client, gap, to="developed", resource=salon.pk).status_code == 302
    gap.refresh_from_db()
    assert gap.status == "developed" and gap.developed_resource == salon
    assert [e.to_status for e in GapEvent.objects.filter(gap=gap)] == [
        "open",
        "developing",
        "developed",
    ]
    assert (
        "夜間のひきこもり居場所"
        in client.get(reverse("resources:detail", args=[salon.pk])).content.decode()
    )


def test_dropping_needs_a_reason_and_illegal_moves_are_refused_in_japanese(
    client, coordinator, gap
):
    client.force_login(coordinator)
    response = _move(client, gap, to="dropped")
    assert "理由の入力が必要" in response.content.decode()
    response = _move(client, gap, to="developing")
    assert "「把握」の不足資源を「開発中」にはできません" in response.content.decode()
    assert _move(client, gap, to="dropped", reason="既存のサロンで対応できる").status_code == 302
    gap.refresh_from_db()
    assert gap.status == "dropped"
    assert GapEvent.objects.get(gap=gap).reason == "既存のサロンで対応できる"


def test_readers_who_do_not_edit_cannot_move_gaps(client, partner, auditor, gap):
    client.force_login(partner)
    assert _move(client, gap, to="open").status_code == 403
    client.force_login(auditor)
    assert _move(client, gap, to="open").status_code == 404


def test_meeting_decision_gap_starts_at_open_and_the_decision_can_move_it(
    client, coordinator, town, kobayashi, community_programme, salon
):
    body = kobayashi["representatives"]
    session = new_session(coordinator, body)
    item = meetings.add_agenda_item(user=coordinator, session=session, kind="free", title="居場所")
    meetings.save_minutes(user=coordinator, session=session, text="居場所の不足を協議")
    decision = meetings.record_decision(
        user=coordinator,
        agenda_item=item,
        kind="resource_development",
        text="居場所を検討する",
        gap_title="居場所",
    )
    gap = decision.resource_gap
    assert gap.status == "open" and gap.source_kind == "decision"
    client.force_login(coordinator)
    page = client.get(reverse("resources:gaps")).content.decode()
    assert "居場所" in page
    response = _move(client, gap, to="developed", resource=salon.pk, decision=decision.pk)
    assert response.status_code == 302
    event = GapEvent.objects.get(gap=gap)
    assert event.decision == decision
    assert Decision.objects.filter(gap_events=event).exists()


def test_gap_list_filters_by_area_including_sub_areas(client, partner, gap, areas):
    ResourceGap.objects.create(
        municipality=gap.municipality, title="南の学習支援", area=areas["south"]
    )
    client.force_login(partner)
    north = client.get(reverse("resources:gaps"), {"area": areas["north"].pk}).content.decode()
    assert "夜間のひきこもり居場所" in north and "南の学習支援" not in north
    whole = client.get(reverse("resources:gaps"), {"area": areas["whole"].pk}).content.decode()
    assert "夜間のひきこもり居場所" in whole and "南の学習支援" in whole


def test_gap_edit_is_optimistically_locked(client, coordinator, gap):
    client.force_login(coordinator)
    url = reverse("resources:gap_edit", args=[gap.pk])
    first = client.post(url, {"title": "夜の居場所", "version": gap.version})
    assert first.status_code == 302
    stale = client.post(url, {"title": "別の名前", "version": gap.version})
    assert stale.status_code == 400 and "ほかの人が先に保存した" in stale.content.decode()
    gap.refresh_from_db()
    assert gap.title == "夜の居場所"
