"""ホーム (today's work): each role sees its blocks with the right counts, one link to each
list, nothing of an unrelated agency, and no person's name without a casework role."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from tsunagu.access.models import AuditEvent
from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Stage
from tsunagu.coordination.tests.conftest import MeetingDecision, walk_to
from tsunagu.intake import actions as intake
from tsunagu.intake.models import CoordinationRequest, CoordinationStatus
from tsunagu.intake.tests.factories import details
from tsunagu.meetings import actions as meetings
from tsunagu.municipality.models import Delivery, MeetingBody, Programme, StatutoryProject
from tsunagu.outreach import actions as outreach
from tsunagu.outreach.models import Means, Result
from tsunagu.outreach.tests.conftest import record_data
from tsunagu.participation import actions as participation
from tsunagu.people.models import Person

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
NEXT_MONTH = TODAY + datetime.timedelta(days=35)
# Names only the owner agency's work shows, and the one only the unrelated agency's shows.
OWNER_NAMES = ("髙橋", "山田", "鈴木")
UNRELATED_NAME = "無関係"


def consult(user, agency, family, given, *, due=None, step="自宅を訪問する"):
    return intake.take_consultation(
        staff=user,
        agency=agency,
        details=details(next_step=step, next_step_due=due),
        new_person=intake.NewPerson(family_name=family, given_name=given, family_kana="テスト"),
    )


def refer(sender, agency, consultation, to):
    return intake.send_referral(
        sender=sender,
        sender_agency=agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[to],
        reason="障害福祉サービスの相談",
        request="サービス利用の相談に乗ってください",
        agreed_to_share="氏名・連絡先",
    )


def supported_case(owner, coordinator, town, consultation, *, review_due):
    """A case in 支援実施 held by ``coordinator`` with the partner agency on the team."""
    request = intake.request_coordination(
        requested_by=owner, consultation=consultation, reason="8050世帯"
    )
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    plan = case.latest_plan()
    plan.monitoring_due = review_due
    plan.save()
    coordination.approve_plan(plan=plan, approver=coordinator, decision=MeetingDecision())
    return case


def planned_session(coordinator, body, date, title):
    return meetings.create_session(
        user=coordinator, body=body, date=date, place="役場 会議室", title=title
    )


@pytest.fixture
def body(town):
    b = MeetingBody.objects.create(
        municipality=town.municipality,
        name="テスト町重層的支援会議",
        functions=["coordination"],
        consent_rule="required",
        convener=town.coordinating_agency,
    )
    b.members.set([town.coordinating_agency, town.owner_agency, town.partner_agency])
    return b


@pytest.fixture
def statistician(town):
    return make_user("toukei", town.department, Role.STATISTICS, "統計 担当")


@pytest.fixture
def day(town, owner, partner, unrelated, coordinator, body):
    """One working day's state across the test town's agencies.

    Owner (地域包括): two open consultations (one step overdue), one つなぐシート sent to the
    partner agency and overdue, one 支援依頼 pending, one case coordinated elsewhere.
    Partner (障がい者相談支援): that つなぐシート to answer, a role on the case's plan.
    Coordinator (社協): the pending 支援依頼, the case in 支援実施 with モニタリング due.
    Unrelated (子育て): its own consultation and つなぐシート to the coordinating agency.
    """
    overdue = consult(owner, town.owner_agency, "髙橋", "花子", due=YESTERDAY)
    soon = consult(owner, town.owner_agency, "山田", "一郎", due=TODAY + datetime.timedelta(days=1))
    sent = refer(owner, town.owner_agency, overdue, town.partner_agency)
    sent.tasks.update(due_on=YESTERDAY)
    intake.request_coordination(requested_by=owner, consultation=overdue, reason="8050世帯")
    supported_case(owner, coordinator, town, soon, review_due=TODAY + datetime.timedelta(days=3))
    theirs = consult(unrelated, town.unrelated_agency, UNRELATED_NAME, "太郎", due=TODAY)
    refer(unrelated, town.unrelated_agency, theirs, town.coordinating_agency)
    planned_session(coordinator, body, TODAY, "第1回")
    planned_session(coordinator, body, NEXT_MONTH, "来月の回")
    return town


def cards(client, user) -> dict[str, str]:
    """The home page's cards as the text a reader sees, by heading id."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    found = re.findall(
        r'<section class="card" aria-labelledby="([\w-]+)"[^>]*>(.*?)</section>', body, re.S
    )
    return {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)) for key, html in found}


def home_text(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


# --- per role -----------------------------------------------------------------------------


def test_counsellor_sees_their_consultations_and_referrals(client, day, owner):
    shown = cards(client, owner)
    assert "2 件 — 相談受付一覧を開く" in shown["home-consultations"]
    assert "次の対応の期日超過 1件" in shown["home-consultations"]
    assert "髙橋 花子" in shown["home-consultations"]
    assert "自宅を訪問する" in shown["home-consultations"]  # the next step itself
    assert "0 件 未回答" in shown["home-referrals"]
    assert "送付したシートの回答待ち(期限超過) 1件" in shown["home-referrals"]
    assert "1 件 開催予定" in shown["home-meetings"]
    assert "home-requests" not in shown  # 支援依頼 are the coordinating agency's work
    assert UNRELATED_NAME not in home_text(client, owner)


def test_partner_agency_sees_the_referral_to_answer_and_its_role_on_the_case(client, day, partner):
    shown = cards(client, partner)
    assert "1 件 未回答" in shown["home-referrals"]
    assert "回答期限超過 1件" in shown["home-referrals"]
    assert "未開封 1件" in shown["home-referrals"]
    assert "髙橋 花子" in shown["home-referrals"]
    assert "自機関の役割分担 1件" in shown["home-cases"]
    assert "支援チームとして関わる事例 1件" in shown["home-cases"]
    assert "担当している事例 0 件" in shown["home-cases"]
    assert "1 件 開催予定" in shown["home-meetings"]
    assert UNRELATED_NAME not in home_text(client, partner)


def test_coordinator_sees_pending_requests_and_cases_by_stage_with_due_monitoring(
    client, day, coordinator
):
    shown = cards(client, coordinator)
    # The owner's pending request and the unrelated agency's つなぐシート addressed here.
    assert "1 件 事例の開始待ち" in shown["home-requests"]
    assert "受理の判断待ち 1件" in shown["home-requests"]
    assert "髙橋 花子" in shown["home-requests"]
    assert "担当している事例 1 件" in shown["home-cases"]
    assert "支援実施 1件" in shown["home-cases"]
    assert "期日の近いもの 1件" in shown["home-cases"]
    assert "山田 一郎さんの世帯" in shown["home-cases"]
    assert "1 件 未回答" in shown["home-referrals"]
    assert "1 件 開催予定" in shown["home-meetings"]


def test_requests_link_to_the_list_where_they_are_taken_up(client, day, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("home")).content.decode()
    section = body.split('aria-labelledby="home-requests"')[1].split("</section>")[0]
    assert f'href="{reverse("coordination:list")}"' in section


def test_unrelated_agency_sees_only_its_own_work(client, day, unrelated):
    shown = cards(client, unrelated)
    body = home_text(client, unrelated)
    for name in OWNER_NAMES:
        assert name not in body
    assert "1 件 — 相談受付一覧を開く" in shown["home-consultations"]
    assert "0 件 未回答" in shown["home-referrals"]
    assert "送付したシートの回答待ち(期限超過) 0件" in shown["home-referrals"]
    assert "0 件 開催予定" in shown["home-meetings"]
    assert "home-cases" not in shown and "home-requests" not in shown


def test_department_statistics_sees_the_headline_figures_and_no_names(client, day, statistician):
    body = home_text(client, statistician)
    assert "の実績(主な指標)" in body
    for name in (*OWNER_NAMES, UNRELATED_NAME):
        assert name not in body
    assert "home-referrals" not in body and "home-consultations" not in body


def test_admin_only_sees_the_staff_accounts_and_no_names(client, day, admin_user):
    shown = cards(client, admin_user)
    assert set(shown) == {"home-staff"}
    assert "職員アカウントの一覧を開く" in shown["home-staff"]
    body = home_text(client, admin_user)
    assert reverse("accounts:staff_list") in body
    for name in (*OWNER_NAMES, UNRELATED_NAME):
        assert name not in body


def test_auditor_only_sees_the_audit_log_link_and_no_names(client, day, auditor):
    shown = cards(client, auditor)
    assert set(shown) == {"home-audit"}
    body = home_text(client, auditor)
    assert reverse("access:audit_log") in body
    for name in (*OWNER_NAMES, UNRELATED_NAME):
        assert name not in body


def test_a_casework_member_who_is_also_admin_sees_both(client, day, owner, town):
    Membership.objects.create(user=owner, agency=town.owner_agency, role=Role.ADMIN)
    shown = cards(client, owner)
    assert "home-consultations" in shown and "home-staff" in shown


def test_outreach_worker_sees_the_records_needing_contact(client, town, unrelated):
    programme = Programme.objects.create(
        municipality=town.municipality, project=StatutoryProject.OUTREACH, name="アウトリーチ事業"
    )
    Delivery.objects.create(programme=programme, agency=town.owner_agency)
    worker = make_user("worker", town.owner_agency, Role.OUTREACH, "訪問 花子")
    record = outreach.register_record(
        user=worker, data=record_data(town, worker=worker, informed_on=TODAY)
    )
    outreach.add_attempt(
        user=worker,
        record=record,
        attempt=outreach.AttemptInput(
            date=TODAY,
            means=Means.VISIT,
            staff=str(worker),
            result=Result.ABSENT,
            next_step="夕方に再訪問",
            next_due=TODAY,
        ),
    )
    shown = cards(client, worker)
    assert "1 件 今週までに次の対応" in shown["home-outreach"]
    assert "夕方に再訪問" in shown["home-outreach"]
    assert "home-outreach" not in cards(client, unrelated)


def test_participation_coordinator_sees_follow_ups_due(client, town):
    programme = Programme.objects.create(
        municipality=town.municipality, project=StatutoryProject.PARTICIPATION, name="参加支援事業"
    )
    Delivery.objects.create(programme=programme, operator=town.coordinating_agency)
    staff = make_user("sanka", town.coordinating_agency, Role.PARTICIPATION, "参加 七子")
    host = participation.register_host(
        by=staff, agency=town.coordinating_agency, data={"name": "北川農園", "kind": "farm"}
    )
    participation.schedule_followup(by=staff, host=host, due_on=YESTERDAY, purpose="受入先の様子")
    shown = cards(client, staff)
    assert "1 件 今週まで" in shown["home-participation"]
    assert "期日超過 1件" in shown["home-participation"]


# --- audit and queries --------------------------------------------------------------------


def test_the_persons_listed_are_audited(client, day, owner):
    client.force_login(owner)
    client.get(reverse("home"))
    event = AuditEvent.objects.filter(user=owner, action="list", object_type="home").last()
    listed = Person.objects.filter(pk__in=event.detail["person_ids"])
    names = set(listed.values_list("family_name", flat=True))
    assert names == {"髙橋", "山田"}


def test_no_content_roles_leave_no_list_event(client, day, admin_user):
    client.force_login(admin_user)
    client.get(reverse("home"))
    assert not AuditEvent.objects.filter(user=admin_user, object_type="home").exists()


@pytest.fixture
def busy(town, owner, partner, coordinator, body):
    """The coordinator also counsels at the owner agency and does outreach there."""
    for role in (Role.COUNSELLOR, Role.OUTREACH):
        Membership.objects.create(user=coordinator, agency=town.owner_agency, role=role)
    coordinator.__dict__.pop("_active_memberships", None)  # read the new roles
    return coordinator


def add_rows(town, partner, user, body, n):
    """``n`` more rows of every kind the busy user's home lists."""
    for i in range(n):
        mine = consult(user, town.owner_agency, "鈴木", f"{i}号", due=TODAY)
        intake.request_coordination(requested_by=user, consultation=mine, reason="複合課題")
        theirs = consult(partner, town.partner_agency, "障害", f"{i}号")
        refer(partner, town.partner_agency, theirs, town.owner_agency)
        planned_session(user, body, TODAY, f"第{i}回")
        case_from = consult(user, town.owner_agency, "事例", f"{i}号")
        supported_case(user, user, town, case_from, review_due=TODAY)


def home_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("home"))  # warm: session, first-request caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(
    client, busy, town, partner, body, django_assert_max_num_queries
):
    add_rows(town, partner, busy, body, 1)
    few = home_queries(client, busy)
    add_rows(town, partner, busy, body, 7)  # more than a card lists
    assert home_queries(client, busy) == few
    # Session, user, memberships, the audit event, and one count and one list per card.
    with django_assert_max_num_queries(34):
        client.get(reverse("home"))
    shown = cards(client, busy)
    assert "8 件 開催予定" in shown["home-meetings"]
    assert "8 件 未回答" in shown["home-referrals"]
    assert "期日の近いもの 8件" in shown["home-cases"]


# --- the 支援依頼 block in the coordinator's inbox --------------------------------------------


def test_inbox_loads_the_requests_block_for_coordinators(client, day, coordinator, owner):
    client.force_login(coordinator)
    assert reverse("home_requests") in client.get(reverse("intake:inbox")).content.decode()
    block = client.get(reverse("home_requests"), HTTP_HX_REQUEST="true").content.decode()
    assert "髙橋" in block and "受理の判断待ち 1件" in block
    client.force_login(owner)
    assert reverse("home_requests") not in client.get(reverse("intake:inbox")).content.decode()


@pytest.mark.parametrize("who", ["unrelated", "partner", "owner"])
def test_requests_block_shows_nothing_to_other_agencies(client, day, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home_requests"))
    assert response.status_code == 200
    assert "髙橋" not in response.content.decode()


@pytest.mark.parametrize("who", ["admin_user", "auditor", "statistician"])
def test_requests_block_is_404_without_a_casework_role(client, day, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("home_requests")).status_code == 404


def test_declined_request_leaves_the_coordinators_home(client, day, coordinator):
    pending = CoordinationRequest.objects.get(status=CoordinationStatus.REQUESTED)
    coordination.decline_request(request=pending, coordinator=coordinator, reason="対象外")
    shown = cards(client, coordinator)
    assert "0 件 事例の開始待ち" in shown["home-requests"]
