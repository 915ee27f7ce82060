"""The person page lists the person's consultations, つなぐシート and cases that the user
may see (issue 15, item 6) — other agencies' records only as the 「他機関で関わりあり」 line.

The cast: 髙橋花子 is registered by ``owner``'s 地域包括支援センター; the partner agency
(障がい者相談支援センター) works with her too; the 社会福祉協議会 coordinates her case."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST
from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.actions import ScopeInput
from tsunagu.coordination.models import Part
from tsunagu.intake import actions as intake
from tsunagu.intake import transitions
from tsunagu.intake.actions import ConsultationDetails
from tsunagu.intake.models import CoordinationStatus
from tsunagu.people import actions as people
from tsunagu.people.tests.conftest import person_data


def consult(user, agency, person, *, tags=("介護",), days_ago=0):
    return intake.take_consultation(
        staff=user,
        agency=agency,
        person=person,
        details=ConsultationDetails(
            received_at=timezone.now() - datetime.timedelta(days=days_ago),
            channel="visit",
            consulter="self",
            urgency="medium",
            consent_status="given",
            issue_tags=list(tags),
        ),
    )


def refer(user, agency, person, recipients, consultation=None):
    return intake.send_referral(
        sender=user,
        sender_agency=agency,
        person=person,
        recipients=recipients,
        reason="生活全般の相談",
        request="訪問をお願いします",
        agreed_to_share="氏名・住所・相談内容",
        consultation=consultation,
    )


@pytest.fixture
def records(town, owner, partner, coordinator, person):
    own = consult(owner, town.owner_agency, person, tags=("介護", "8050"), days_ago=3)
    partners = consult(partner, town.partner_agency, person, tags=("障がい福祉サービス",))
    sheet = refer(
        owner, town.owner_agency, person, [town.partner_agency, town.coordinating_agency], own
    )
    partner_sheet = refer(
        partner, town.partner_agency, person, [town.coordinating_agency], partners
    )
    request = intake.request_coordination(
        requested_by=owner, consultation=own, reason="8050世帯。母の介護と長男のひきこもり。"
    )
    request.status = CoordinationStatus.ACCEPTED
    request.decided_by, request.decided_at = coordinator, timezone.now()
    request.save()
    case = coordination.open_case(
        request=request, coordinator=coordinator, title="髙橋花子さん世帯"
    )
    consent = coordination.record_consent(
        case=case,
        by=coordinator,
        given_by="person",
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        method="written",
        scopes=[ScopeInput(parts=list(Part.values), agency=town.partner_agency)],
    )
    coordination.add_member(case=case, agency=town.partner_agency, by=coordinator)
    return {
        "own": own,
        "partners": partners,
        "sheet": sheet,
        "partner_sheet": partner_sheet,
        "case": case,
        "consent": consent,
    }


def _page(client, user, person):
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _link(name, obj):
    return f'href="{reverse(name, args=[obj.pk])}"'


def test_owner_sees_own_records_and_only_the_signal_for_others(
    client, town, owner, person, records
):
    html = _page(client, owner, person)
    assert _link("intake:consultation_detail", records["own"]) in html
    assert "介護・8050" in html
    # The partner agency's consultation and sheet are its own: the line names it, no more.
    assert _link("intake:consultation_detail", records["partners"]) not in html
    assert "障がい福祉サービス" not in html
    assert _link("intake:referral_detail", records["partner_sheet"]) not in html
    assert (
        f"他機関で関わりあり: {town.coordinating_agency.name}、{town.partner_agency.name}" in html
    )
    # The owner sent the sheet: both recipients and their states.
    assert _link("intake:referral_detail", records["sheet"]) in html
    assert html.count('<span class="badge">送付</span>') == 2
    # The owner asked for coordination but is not on the team: no case.
    assert _link("coordination:case", records["case"]) not in html
    assert "髙橋花子さん世帯" not in html


def test_a_recipient_sees_the_sheet_with_its_own_task_only(client, town, partner, person, records):
    html = _page(client, partner, person)
    assert _link("intake:referral_detail", records["sheet"]) in html
    assert _link("intake:referral_detail", records["partner_sheet"]) in html
    sheet_row = html.split(_link("intake:referral_detail", records["sheet"]))[1].split("</tr>")[0]
    assert town.partner_agency.name in sheet_row
    assert town.coordinating_agency.name not in sheet_row  # another recipient's task
    assert _link("intake:consultation_detail", records["partners"]) in html
    assert _link("intake:consultation_detail", records["own"]) not in html


def test_a_declined_sheet_leaves_the_recipients_page(client, town, partner, person, records):
    task = records["sheet"].tasks.get(agency=town.partner_agency)
    transitions.transition(actor=partner, task=task, to="declined", reason="対象外のため")
    html = _page(client, partner, person)
    assert _link("intake:referral_detail", records["sheet"]) not in html
    assert _link("intake:referral_detail", records["partner_sheet"]) in html


def test_the_coordinator_and_the_team_see_the_case(client, coordinator, partner, person, records):
    for user in (coordinator, partner):
        html = _page(client, user, person)
        assert _link("coordination:case", records["case"]) in html
        assert "髙橋花子さん世帯" in html
        assert "<td>受付</td>" in html  # the stage


def test_after_withdrawal_a_team_agency_sees_no_case_title(
    client, coordinator, partner, person, records
):
    coordination.withdraw_consent(
        consent=records["consent"], by=coordinator, reason="本人から電話で撤回の申出"
    )
    html = _page(client, partner, person)  # still involved through its own consultation
    assert "髙橋花子さん世帯" not in html
    assert _link("coordination:case", records["case"]) not in html
    assert f"事例 #{records['case'].pk}" not in html
    html = _page(client, coordinator, person)
    assert "髙橋花子さん世帯" in html  # the coordinating agency holds the case


def test_records_of_a_merged_record_are_listed_on_the_kept_one(client, town, owner, person):
    duplicate = people.register_person(
        user=owner, agency=town.owner_agency, data=person_data(given_name="はな子")
    )
    old = consult(owner, town.owner_agency, duplicate, tags=("認知症",))
    people.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一人物")
    html = _page(client, owner, person)
    assert _link("intake:consultation_detail", old) in html


@pytest.mark.parametrize("who", ["unrelated", *NO_CONTENT_CAST])
def test_others_and_admin_and_auditor_get_404(client, request, person, records, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_one_audit_event_per_view_naming_what_was_listed(client, owner, person, records):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _page(client, owner, person)
    events = AuditEvent.objects.filter(pk__gt=before)
    assert events.count() == 1
    event = events.get()
    assert (event.action, event.person_id) == ("view", person.pk)
    assert event.detail["consultations"] == [records["own"].pk]
    assert event.detail["referrals"] == [records["sheet"].pk]
    assert event.detail["cases"] == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_records(
    client, town, owner, person, records, django_assert_max_num_queries
):
    url = reverse("people:detail", args=[person.pk])
    client.force_login(owner)
    few = _queries(client, url)
    for i in range(25):
        consultation = consult(owner, town.owner_agency, person, days_ago=i)
        refer(owner, town.owner_agency, person, [town.partner_agency], consultation)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count('href="/intake/') >= 40  # a full page of each list
