"""参加支援 through the browser, on the 小林市 profile: a case's plan asks for 参加支援; the
coordinator passes it to the 社協 from the plan page; the 参加支援コーディネーター writes
the person's needs, searches the offers (each score explained in words), proposes the top
one, records 見学 and 体験 and then 参加開始. Every page: screenshot + axe check."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.accounts.models import Role, User
from tsunagu.coordination import actions as case_actions
from tsunagu.coordination.tests.conftest import walk_to
from tsunagu.demo.builder import create_users
from tsunagu.intake.models import Consultation, CoordinationRequest, CoordinationStatus
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.participation import actions
from tsunagu.participation.models import ParticipationRecord, Stage
from tsunagu.people.models import Household, HouseholdMembership, Person

SHAKYO = "小林市社会福祉協議会"
HOME = "小林市地域包括支援センター"
PARTNER = "小林市生活自立相談支援センター"


@pytest.fixture
def kobayashi(transactional_db):
    call_command("load_profile", "kobayashi", stdout=io.StringIO())
    m = Municipality.objects.get(slug="kobayashi")
    users = {
        (login.agency.name, Role(login.role).label): login.username for login in create_users(m)
    }
    home, shakyo, partner = (
        Agency.objects.get(municipality=m, name=n) for n in (HOME, SHAKYO, PARTNER)
    )
    coordinator = User.objects.get(username=users[(SHAKYO, "コーディネーター")])
    sanka = User.objects.get(username=users[(SHAKYO, "参加支援コーディネーター")])
    plan = _plan(m, home, shakyo, partner, coordinator, users)
    for name, title, kind, bands, extra in [
        ("えびの農園", "野菜の袋詰め", "work_experience", 1, {"short_hours": True}),
        ("夕方の学習教室", "中学生の宿題の見守り", "learning", 4, {}),
    ]:
        host = actions.register_host(
            by=sanka,
            agency=shakyo,
            data={"name": name, "kind": "farm", "description": "畑と作業場"},
        )
        actions.add_offer(
            host=host,
            by=sanka,
            data={
                "title": title,
                "kind": kind,
                "days": 31,
                "bands": bands,
                "capacity": 2,
                "load": 1,
                "active": True,
                **extra,
            },
        )
    return {"plan": plan, "coordinator": coordinator.username, "sanka": sanka.username}


def _plan(m, home, shakyo, partner, coordinator, users):
    counsellor = User.objects.get(username=users[(HOME, "相談員")])
    household = Household.objects.create(municipality=m, name="霧島世帯", address="小林市細野1-2")
    person = Person.objects.create(
        municipality=m,
        family_name="霧島",
        given_name="健一",
        family_kana="キリシマ",
        given_kana="ケンイチ",
        birth_date=datetime.date(1985, 8, 19),
        registered_by=home,
    )
    HouseholdMembership.objects.create(household=household, person=person, relation="本人")
    consultation = Consultation.objects.create(
        municipality=m,
        agency=home,
        staff=counsellor,
        received_at=timezone.now(),
        channel="visit",
        consulter="family",
        person=person,
        household=household,
        urgency="medium",
        consent_status="given",
    )
    request = CoordinationRequest.objects.create(
        consultation=consultation,
        requested_by=counsellor,
        from_agency=home,
        to_agency=shakyo,
        reason="長くひきこもっている。少しずつ外に出たいと話している。",
        status=CoordinationStatus.ACCEPTED,
        requested_at=timezone.now(),
        decided_by=coordinator,
        decided_at=timezone.now(),
    )
    case = case_actions.open_case(request=request, coordinator=coordinator)
    town = SimpleNamespace(partner_agency=partner, owner_agency=home)
    case = walk_to(case, "deliberation", coordinator, town)
    plan = case.latest_plan()
    plan.uses_participation = True
    plan.participation_wish = "朝のうちに、畑のような静かな場所で作業してみたい"
    plan.save()
    return plan


def submit(b, name: str):
    b.page.get_by_role("button", name=name).first.click()
    b.page.wait_for_load_state()


def test_from_a_plan_row_through_trial_to_taking_part(kobayashi, user_browser):
    b = user_browser
    b.login(kobayashi["coordinator"])
    b.go(f"/coordination/plan/{kobayashi['plan'].pk}/")
    b.page.get_by_role("link", name="参加支援を依頼する").click()
    b.page.wait_for_load_state()
    b.page.get_by_label("参加支援の担当機関").select_option(label=SHAKYO)
    b.step_check("request")
    submit(b, "参加支援の記録を作成")
    record = ParticipationRecord.objects.get()
    b.logout()

    b.login(kobayashi["sanka"])
    b.go("/participation/")
    b.step_check("records")
    b.page.get_by_role("link", name="霧島\u3000健一").click()
    b.page.get_by_role("link", name="ニーズ・希望を編集").click()
    b.page.get_by_label("就労体験").check()
    b.page.get_by_label("月").check()
    b.page.get_by_label("水").check()
    b.page.get_by_label("午前").check()
    b.page.get_by_label("短時間を希望").check()
    b.step_check("needs")
    submit(b, "保存")
    b.page.get_by_role("link", name="受入先を探す(マッチング)").click()
    b.page.wait_for_load_state()
    first_row = b.page.locator("#results tbody tr").first
    assert "えびの農園" in first_row.inner_text()
    assert "就労体験・月・水の午前・送迎不要・短時間可・体力に合う" in first_row.inner_text()
    b.step_check("matching")
    first_row.get_by_role("button", name="この受入先を提案").click()
    b.page.wait_for_load_state()
    b.step_check("proposed")
    for label in ("見学を記録する", "体験を始める", "参加開始を記録する"):
        b.page.get_by_role("button", name=label).click()
        b.page.wait_for_load_state()
    b.step_check("taking-part")
    record.refresh_from_db()
    assert record.stage == Stage.ACTIVE
    placement = record.current_placement()
    assert placement.offer.organization.name == "えびの農園" and placement.started_on
    b.go(f"/participation/hosts/{placement.offer.organization_id}/history/")
    b.step_check("host-history")
    b.go("/participation/offers/")
    b.step_check("offers")
