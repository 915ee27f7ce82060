"""The pages a coordinator uses, through the HTTP client."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.participation import actions
from tsunagu.participation.models import FollowUp, ParticipationRecord, Stage
from tsunagu.participation.tests.conftest import make_offer
from tsunagu.participation.transitions import move
from tsunagu.resources.models import Organization

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_a_plan_asking_for_participation_opens_a_record(client, plan, coordinator, town):
    client.force_login(coordinator)
    url = reverse("participation:open_from_plan", args=[plan.pk])
    assert "人と関わる仕事を少しずつしたい" in text(client.get(url))
    response = client.post(url, {"agency": town.coordinating_agency.pk})
    record = ParticipationRecord.objects.get()
    assert response.url == reverse("participation:detail", args=[record.pk])
    assert (record.source, record.case, record.wishes) == (
        "plan",
        plan.case,
        "人と関わる仕事を少しずつしたい",
    )
    again = client.post(url, {"agency": town.coordinating_agency.pk})
    assert "すでに依頼されています" in text(again)


def test_a_plan_without_participation_is_refused_in_words(client, plan, coordinator, town):
    plan.uses_participation = False
    plan.save()
    client.force_login(coordinator)
    url = reverse("participation:open_from_plan", args=[plan.pk])
    response = client.post(url, {"agency": town.coordinating_agency.pk})
    assert "参加支援事業の利用が選ばれていません" in text(response)


def test_an_agency_that_does_not_run_participation_cannot_be_chosen(
    client, plan, coordinator, town
):
    client.force_login(coordinator)
    url = reverse("participation:open_from_plan", args=[plan.pk])
    response = client.post(url, {"agency": town.unrelated_agency.pk})
    assert response.status_code == 200 and not ParticipationRecord.objects.exists()


def test_matching_ranks_the_fitting_offer_first_and_explains_it(
    client, record, staff, farm_offer, salon_offer
):
    client.force_login(staff)
    page = text(client.get(reverse("participation:match", args=[record.pk])))
    assert "就労体験・平日午前・通える圏域(北川地区)・送迎不要・短時間可・体力に合うが一致" in page
    assert "サロンのお茶出し" not in page  # 南部圏域: outside the person's area
    wide = text(
        client.get(
            reverse("participation:match", args=[record.pk]),
            {"everywhere": "on", "show_blocked": "on"},
        )
    )
    assert wide.index("野菜の袋詰め") < wide.index("サロンのお茶出し")
    assert "参加できる時間帯に受入がない" in wide


def test_htmx_filter_returns_only_the_results(client, record, staff, farm_offer):
    client.force_login(staff)
    response = client.get(
        reverse("participation:match", args=[record.pk]), {"kind": "place"}, HTTP_HX_REQUEST="true"
    )
    assert text(response).lstrip().startswith('<section id="results"')
    assert "野菜の袋詰め" not in text(response)


def test_propose_visit_trial_and_start_through_the_pages(client, record, staff, farm_offer):
    client.force_login(staff)
    url = reverse("participation:move", args=[record.pk])
    client.post(url, {"to": "matching", "offer": farm_offer.pk})
    for to in ("visit", "trial", "active"):
        response = client.post(url, {"to": to, "on": timezone.localdate().isoformat()})
        assert response.status_code == 302
    record.refresh_from_db()
    assert record.stage == Stage.ACTIVE
    page = text(client.get(reverse("participation:detail", args=[record.pk])))
    assert "北川ファーム" in page and "参加中" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"to": "bogus"}, "「相談」の参加支援の記録を「bogus」にはできません"),
        ({"to": "active"}, "にはできません"),
        ({"to": "matching", "offer": "999999"}, "受入メニューを選んでください"),
        ({"to": "matching", "offer": "-3"}, "1 以上"),
        ({"to": "interrupted", "reason": "a\x00b", "category": "health"}, "理由・内容: "),
        ({"to": "closed", "on": "2026-13-40", "reason": "x"}, "実施日"),
    ],
)
def test_bad_input_gives_a_message_not_an_error(client, record, staff, data, message):
    client.force_login(staff)
    response = client.post(reverse("participation:move", args=[record.pk]), data, follow=True)
    assert response.status_code == 200
    assert message in text(response)


def test_needs_edit_keeps_both_versions_on_conflict(client, record, staff):
    client.force_login(staff)
    url = reverse("participation:needs", args=[record.pk])
    loaded_version = record.version
    actions.update_needs(
        record=record, by=staff, expected_version=record.version, data={"wishes": "他の職員の変更"}
    )
    form = {"version": loaded_version, "wishes": "わたしの変更", "load": 1, "days": ["1"]}
    response = client.post(url, form)
    page = text(response)
    assert "他の職員が保存しました" in page
    assert "他の職員の変更" in page and "わたしの変更" in page
    record.refresh_from_db()
    assert record.wishes == "他の職員の変更"
    form["version"] = record.version
    assert client.post(url, form).status_code == 302
    record.refresh_from_db()
    assert (record.wishes, record.days) == ("わたしの変更", 1)


def test_follow_ups_are_scheduled_recorded_and_shown_in_the_inbox(client, record, staff, farm):
    client.force_login(staff)
    today = timezone.localdate()
    client.post(
        reverse("participation:schedule_followup", args=[record.pk]),
        {"due_on": today.isoformat(), "purpose": "体験の様子を聞く"},
    )
    client.post(
        reverse("participation:schedule_host_followup", args=[farm.pk]),
        {"due_on": (today - datetime.timedelta(days=2)).isoformat(), "purpose": "受入の感想"},
    )
    inbox = text(client.get(reverse("participation:inbox")))
    assert "体験の様子を聞く" in inbox and "受入の感想" in inbox and "期日超過" in inbox
    host_item = FollowUp.objects.get(kind="host")
    response = client.post(
        reverse("participation:followup", args=[host_item.pk]),
        {
            "version": host_item.version,
            "done_on": today.isoformat(),
            "concerns": "声かけの仕方に迷う",
            "adjustments": "週1回の電話連絡",
        },
    )
    assert response.url == reverse("participation:host_history", args=[farm.pk])
    history = text(client.get(response.url))
    assert "声かけの仕方に迷う" in history
    assert "受入の感想" not in text(client.get(reverse("participation:inbox")))


def test_intake_inbox_loads_the_participation_block_for_coordinators(client, staff):
    client.force_login(staff)
    page = text(client.get(reverse("intake:inbox")))
    assert reverse("participation:inbox") in page


def test_host_history_shows_every_placement(client, record, staff, farm, farm_offer):
    move(record=record, to="matching", by=staff, offer=farm_offer)
    client.force_login(staff)
    page = text(client.get(reverse("participation:host_history", args=[farm.pk])))
    assert record.person.full_name in page and "提案" in page


def test_registering_a_host_and_an_offer(client, staff, areas, town):
    client.force_login(staff)
    response = client.post(
        reverse("participation:host_new"),
        {
            "name": "みなみ商店",
            "kind": "shop",
            "area": areas["south"].pk,
            "opened_on": "2026-06-01",
            "accepting": "on",
        },
    )
    host = Organization.objects.get(name="みなみ商店")
    assert response.url == reverse("participation:host", args=[host.pk])
    assert host.host_profile.found_by == staff
    bad = client.post(
        reverse("participation:offer_new", args=[host.pk]),
        {
            "title": "品出し",
            "kind": "work_experience",
            "capacity": 1,
            "load": 1,
            "age_min": 60,
            "age_max": 20,
        },
    )
    assert "上限は下限以上" in text(bad)
    client.post(
        reverse("participation:offer_new", args=[host.pk]),
        {
            "title": "品出し",
            "kind": "work_experience",
            "capacity": 1,
            "load": 1,
            "days": ["1", "4"],
            "active": "on",
        },
    )
    offer = host.offers.get()
    assert (offer.days, offer.municipality) == (5, town.municipality)


def test_offer_edit_conflict_is_shown(client, staff, farm_offer):
    client.force_login(staff)
    loaded = farm_offer.version
    actions.update_offer(offer=farm_offer, by=staff, expected_version=loaded, data={"capacity": 5})
    response = client.post(
        reverse("participation:offer_edit", args=[farm_offer.pk]),
        {
            "version": loaded,
            "title": "野菜の袋詰め",
            "kind": "work_experience",
            "capacity": 3,
            "load": 1,
        },
    )
    assert "他の職員が保存しました" in text(response)
    farm_offer.refresh_from_db()
    assert farm_offer.capacity == 5


def test_directory_filters_by_area_kind_days_and_conditions(
    client, unrelated, farm_offer, salon_offer, areas, django_assert_max_num_queries
):
    client.force_login(unrelated)
    url = reverse("participation:offers")
    with django_assert_max_num_queries(12):
        page = text(client.get(url, {"area": areas["village"].pk}))
    assert "野菜の袋詰め" in page and "サロンのお茶出し" not in page
    assert "サロンのお茶出し" in text(client.get(url, {"bands": ["2"]}))
    assert "野菜の袋詰め" not in text(client.get(url, {"bands": ["2"]}))
    assert "野菜の袋詰め" in text(client.get(url, {"conditions": ["short_hours"]}))
    assert "サロンのお茶出し" not in text(client.get(url, {"conditions": ["short_hours"]}))
    assert text(client.get(url, {"area": "x\x00", "days": ["999"]})).count("<tr>") >= 1


def test_directory_query_count_does_not_grow_with_offers(
    client, staff, farm, django_assert_max_num_queries
):
    for i in range(30):
        make_offer(farm, staff, title=f"作業{i}")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        client.get(reverse("participation:offers"))


def test_record_list_query_count(client, record, staff, plan, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        page = text(client.get(reverse("participation:list")))
    assert record.person.full_name in page


def test_figures_page_shows_the_year(client, record, staff, farm_offer):
    client.force_login(staff)
    page = text(client.get(reverse("participation:figures"), {"fy": "2026"}))
    assert "令和8年度" in page
    assert client.get(reverse("participation:figures"), {"fy": "99999999999"}).status_code == 200
