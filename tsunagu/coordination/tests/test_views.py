import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions
from tsunagu.coordination.models import Assessment, Stage, Tie
from tsunagu.intake.models import CoordinationStatus

from .conftest import give_consent, walk_to


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_coordinator_sees_every_part_of_the_case(client, coordinator, supported):
    response = _get(client, coordinator, reverse("coordination:case", args=[supported.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("本人同意", "アセスメント", "支援プラン", "経過", "<svg"):
        assert text in body
    assert AuditEvent.objects.filter(
        user=coordinator, action="view", object_id=str(supported.pk)
    ).exists()


def test_assigned_agency_sees_its_part_only(client, partner, owner, coordinator, supported, town):
    # The owner agency is on the team with basic data only (consent scope).
    actions.add_member(case=supported, agency=town.owner_agency, by=coordinator)
    body = _get(client, owner, reverse("coordination:case", args=[supported.pk])).content.decode()
    assert "山田" in body
    assert "長男の社会参加" not in body  # the plan is outside the owner's consent scope
    assert "撤回" not in body  # consent records are the holder's
    plan = supported.current_plan()
    assert _get(client, owner, reverse("coordination:plan", args=[plan.pk])).status_code == 404
    assert _get(client, partner, reverse("coordination:plan", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor", "owner"])
def test_agencies_outside_the_team_get_404(client, request, supported, who):
    user = request.getfixturevalue(who)
    plan = supported.current_plan()
    assessment = supported.latest_assessment()
    urls = [
        reverse("coordination:case", args=[supported.pk]),
        reverse("coordination:plan", args=[plan.pk]),
        reverse("coordination:plan_pdf", args=[plan.pk]),
        reverse("coordination:plan_xlsx", args=[plan.pk]),
        reverse("coordination:assessment", args=[assessment.pk]),
        reverse("coordination:assessment_xlsx", args=[assessment.pk]),
        reverse("coordination:consent_new", args=[supported.pk]),
        reverse("coordination:tie_form", args=[supported.pk]),
    ]
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("coordination:move", args=[supported.pk]), {"to": "monitoring"})
    assert response.status_code == 404


def test_team_member_cannot_change_the_case(client, partner, supported):
    client.force_login(partner)
    response = client.post(reverse("coordination:move", args=[supported.pk]), {"to": "monitoring"})
    assert response.status_code == 403


def test_case_list_shows_only_visible_cases(
    client, coordinator, unrelated, supported, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coordination:list"))
    assert supported.title in response.content.decode()
    client.force_login(unrelated)
    assert supported.title not in client.get(reverse("coordination:list")).content.decode()


def test_request_is_accepted_and_opened_through_the_page(client, coordinator, request_accepted):
    request_accepted.status = CoordinationStatus.REQUESTED
    request_accepted.save()
    client.force_login(coordinator)
    assert "受理して事例を開始" in client.get(reverse("coordination:list")).content.decode()
    response = client.post(reverse("coordination:open_from_request", args=[request_accepted.pk]))
    request_accepted.refresh_from_db()
    assert request_accepted.status == CoordinationStatus.ACCEPTED
    assert response.url == reverse("coordination:case", args=[request_accepted.case.pk])


def test_other_agency_cannot_open_a_request(client, partner, request_accepted):
    client.force_login(partner)
    response = client.post(reverse("coordination:open_from_request", args=[request_accepted.pk]))
    assert response.status_code == 404


def test_illegal_move_shows_japanese_refusal(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:move", args=[case.pk]), {"to": "support"}, follow=True
    )
    assert "「受付」の事例を「支援実施」にはできません" in response.content.decode()


def test_consent_is_recorded_through_the_form(client, coordinator, case, town):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:consent_new", args=[case.pk]),
        {
            "given_by": "person",
            "given_on": "2026-04-01",
            "method": "oral",
            "written_by": "協働 四郎",
            f"agency_{town.partner_agency.pk}": ["basic", "plan"],
        },
    )
    assert response.status_code == 302
    scope = case.current_consent().scopes.get()
    assert scope.agency == town.partner_agency and scope.parts == ["basic", "plan"]


def test_consent_without_scope_is_refused_on_the_form(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:consent_new", args=[case.pk]),
        {"given_by": "person", "given_on": "2026-04-01", "method": "written"},
    )
    assert "同意の範囲(共有先と共有してよい情報)を1つ以上" in response.content.decode()


def test_assessment_form_records_a_new_version(client, coordinator, case, town):
    case = walk_to(case, Stage.ASSESSMENT, coordinator, town)
    client.force_login(coordinator)
    url = reverse("coordination:assessment_new", args=[case.pk])
    assert "山田　一郎" in client.get(url).content.decode()  # household prefilled
    data = {
        "assessed_on": "2026-04-10",
        "isolation": "some",
        "screening": "coordination",
        "care_flags": ["8050", "ダブルケア"],
        "person_wishes": "家で暮らしたい",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-0-name": "山田　一郎",
        "m-0-relation": "長男",
        "m-0-age": "52",
        "m-0-lives_together": "on",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-0-issue": "長男のひきこもり",
        "p-0-priority": "1",
    }
    assert client.post(url, data).status_code == 302
    assessment = Assessment.objects.get(case=case)
    assert assessment.care_flags == ["8050", "ダブルケア"]
    assert assessment.members.get().relation == "長男"
    assert assessment.problems.get().get_priority_display() == "高"


def _plan_post(plan, town, goal, version):
    return {
        "lock_version": str(version),
        "long_term_goal": goal,
        "a-TOTAL_FORMS": "1",
        "a-INITIAL_FORMS": "0",
        "a-0-issue": "長男の社会参加",
        "a-0-what": "週1回の訪問",
        "a-0-agency": str(town.partner_agency.pk),
        "a-0-status": "planned",
    }


def test_second_concurrent_plan_save_is_refused_and_shows_other_changes(
    client, coordinator, case, town
):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    plan = actions.start_plan(case=case, by=coordinator)
    url = reverse("coordination:plan_edit", args=[plan.pk])
    client.force_login(coordinator)
    loaded = plan.lock_version
    assert client.post(url, _plan_post(plan, town, "Aさんの案", loaded)).status_code == 302
    response = client.post(url, _plan_post(plan, town, "Bさんの案", loaded))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人が先に保存しました" in body and "あなたの入力は保存していません" in body
    table = body.split("保存されている内容とあなたの入力の違い")[1].split("</table>")[0]
    assert "長期目標" in table or "目標" in table
    assert "<del>A</del>" in table and "<ins>B</ins>" in table  # theirs beside mine
    form = body.split("</section>")[1]
    assert "Aさんの案" in form and "Bさんの案" not in form  # the form holds the saved plan
    plan.refresh_from_db()
    assert plan.long_term_goal == "Aさんの案"
    # Resubmitting with the version the conflict page carries succeeds.
    assert f'name="lock_version" value="{plan.lock_version}"' in form
    assert (
        client.post(url, _plan_post(plan, town, "合意した案", plan.lock_version)).status_code == 302
    )
    plan.refresh_from_db()
    assert plan.long_term_goal == "合意した案"


def test_a_stale_tab_with_emptied_fields_gets_the_conflict_screen(client, coordinator, case, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    plan = actions.start_plan(case=case, by=coordinator)
    url = reverse("coordination:plan_edit", args=[plan.pk])
    client.force_login(coordinator)
    loaded = plan.lock_version
    assert client.post(url, _plan_post(plan, town, "Aさんの案", loaded)).status_code == 302
    stale = {"lock_version": str(loaded), "a-TOTAL_FORMS": "1", "a-INITIAL_FORMS": "0"}
    stale["a-0-issue"] = "長男の社会参加"  # a row without its agency: invalid if validated
    body = client.post(url, stale).content.decode()
    assert "ほかの人が先に保存しました" in body and "errorlist" not in body


def test_plan_page_shows_diff_against_previous_version(client, coordinator, supported, town):
    case = actions.transition(case=supported, to=Stage.MONITORING, by=coordinator)
    case = actions.transition(case=case, to=Stage.PLANNING, by=coordinator)
    second = actions.start_plan(case=case, by=coordinator)
    actions.update_plan(
        plan=second,
        by=coordinator,
        expected_version=second.lock_version,
        data={"long_term_goal": "母子が地域で安心して暮らし、長男が働く"},
        assignments=[],
    )
    body = _get(client, coordinator, reverse("coordination:plan", args=[second.pk])).content
    body = body.decode()
    assert "第1版)からの変更" in body
    assert "暮ら<del>す</del><ins>し、長男が働く</ins>" in body
    assert "削除された役割分担" in body


def test_recorded_approval_through_the_page(client, coordinator, case, town):
    town.municipality.settings["plan_approval_without_meeting"] = True
    town.municipality.save()
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    plan = case.latest_plan()
    client.force_login(coordinator)
    client.post(reverse("coordination:plan_approve", args=[plan.pk]), {"note": "課長決裁"})
    plan.refresh_from_db()
    assert plan.status == "confirmed"


def test_my_assignments_lists_own_agency_rows(client, partner, unrelated, supported):
    body = _get(client, partner, reverse("coordination:my_assignments")).content.decode()
    assert "長男の社会参加" in body
    body = _get(client, unrelated, reverse("coordination:my_assignments")).content.decode()
    assert "長男の社会参加" not in body
    assert AuditEvent.objects.filter(user=partner, action="list").exists()


def test_assigned_agency_updates_status_from_inbox(client, partner, supported):
    assignment = supported.current_plan().assignments.get()
    client.force_login(partner)
    client.post(
        reverse("coordination:assignment_status", args=[assignment.pk]), {"status": "active"}
    )
    assignment.refresh_from_db()
    assert assignment.status == "active"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http:evil.example", "javascript:1"]
)
def test_status_form_never_redirects_off_site(client, partner, supported, target):
    assignment = supported.current_plan().assignments.get()
    client.force_login(partner)
    url = reverse("coordination:assignment_status", args=[assignment.pk])
    response = client.post(url, {"status": "active", "next": target})
    assert response["Location"] == reverse("coordination:case", args=[supported.pk])
    mine = reverse("coordination:my_assignments")
    response = client.post(url, {"status": "done", "next": mine})
    assert response["Location"] == mine


def test_monitoring_and_closure_with_hand_back(client, coordinator, supported, town):
    client.force_login(coordinator)
    assignment = supported.current_plan().assignments.get()
    response = client.post(
        reverse("coordination:monitoring_new", args=[supported.pk]),
        {
            "reviewed_on": "2026-06-01",
            "goal_progress": "順調",
            "result": "continue",
            f"status_{assignment.pk}": "done",
        },
    )
    assert response.status_code == 302
    actions.transition(case=supported, to=Stage.MONITORING, by=coordinator)
    response = client.post(
        reverse("coordination:close", args=[supported.pk]),
        {
            "closed_on": "2026-09-01",
            "goals_reached": "長男が居場所に通い始めた",
            "reason": "handed_to_lead",
            "hand_back_to": str(town.partner_agency.pk),
        },
    )
    assert response.status_code == 302
    supported.refresh_from_db()
    assert supported.stage == Stage.CLOSED
    referral = supported.closure.hand_back_referral
    assert referral.tasks.get().agency == town.partner_agency


def test_hand_back_outside_consent_is_refused(client, coordinator, supported, town):
    actions.transition(case=supported, to=Stage.MONITORING, by=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:close", args=[supported.pk]),
        {
            "closed_on": "2026-09-01",
            "goals_reached": "x",
            "reason": "handed_to_lead",
            "hand_back_to": str(town.unrelated_agency.pk),
        },
    )
    assert "本人同意の範囲(共有先)に含まれていません" in response.content.decode()
    supported.refresh_from_db()
    assert supported.stage == Stage.MONITORING


def test_tie_form_loads_when_opened_and_only_for_the_case_holder(
    client, coordinator, partner, supported
):
    son = supported.household.memberships.get(relation="長男").person
    case_page = _get(client, coordinator, reverse("coordination:case", args=[supported.pk])).text
    url = reverse("coordination:tie_form", args=[supported.pk])
    assert f'hx-get="{url}"' in case_page and f'href="{url}"' in case_page
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and son.given_name in fragment and "関係の種類" in fragment
    page = client.get(url).text
    assert "<html" in page and son.given_name in page  # without JavaScript: a page of its own
    assert AuditEvent.objects.filter(user=coordinator, purpose="つながりの追加").exists()
    assert _get(client, partner, url).status_code == 403  # on the team, not the holder


def test_ecomap_draws_genogram_symbols_and_ties(client, coordinator, supported, town):
    son = supported.household.memberships.get(relation="長男").person
    actions.add_tie(
        case=supported,
        by=coordinator,
        label="ひきこもり家族会",
        kind=Tie.Kind.STRESSFUL,
        person=son,
    )
    page = _get(client, coordinator, reverse("coordination:case", args=[supported.pk]))
    text = page.content.decode().split("<figure>")[1].split("</figure>")[0]
    assert "<rect" in text and "<circle" in text  # □ the son, ○ the mother
    assert "ひきこもり家族会" in text and "<polyline" in text  # stressful tie as zigzag
    assert "障がい者相談支援センター" in text  # team agency drawn around the household


def test_plan_xlsx_is_laid_out_like_the_form(client, coordinator, supported):
    plan = supported.current_plan()
    response = _get(client, coordinator, reverse("coordination:plan_xlsx", args=[plan.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert ws["A1"].value == "プラン兼利用申込書"
    assert "役割分担表" in values and "長男の社会参加" in values
    assert AuditEvent.objects.filter(action="export", object_id=str(plan.pk)).exists()


def test_assessment_and_plan_pdf(client, coordinator, supported):
    client.force_login(coordinator)
    for name, obj in [
        ("coordination:assessment_pdf", supported.latest_assessment()),
        ("coordination:plan_pdf", supported.current_plan()),
    ]:
        response = client.get(reverse(name, args=[obj.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_withdrawal_through_the_page_hides_parts_at_once(client, coordinator, partner, supported):
    consent = supported.current_consent()
    client.force_login(coordinator)
    client.post(
        reverse("coordination:consent_withdraw", args=[consent.pk]), {"reason": "電話で撤回"}
    )
    plan = supported.current_plan()
    assert _get(client, partner, reverse("coordination:plan", args=[plan.pk])).status_code == 404


def test_unused_give_consent_helper_keeps_owner_basic_only(case, coordinator, town):
    consent = give_consent(case, coordinator, town)
    assert consent.scopes.get(agency=town.owner_agency).parts == ["basic"]


def test_every_read_page_writes_an_audit_event(client, coordinator, supported):
    plan = supported.current_plan()
    assessment = supported.latest_assessment()
    urls = [
        reverse("coordination:list"),
        reverse("coordination:my_assignments"),
        reverse("coordination:case", args=[supported.pk]),
        reverse("coordination:plan", args=[plan.pk]),
        reverse("coordination:plan_xlsx", args=[plan.pk]),
        reverse("coordination:assessment", args=[assessment.pk]),
        reverse("coordination:assessment_new", args=[supported.pk]),
        reverse("coordination:assessment_xlsx", args=[assessment.pk]),
    ]
    client.force_login(coordinator)
    for url in urls:
        before = AuditEvent.objects.filter(user=coordinator).count()
        client.get(url)
        assert AuditEvent.objects.filter(user=coordinator).count() == before + 1, url


def test_my_assignments_keeps_a_bounded_number_of_queries(
    client, partner, supported, django_assert_max_num_queries
):
    client.force_login(partner)
    # 3 of these are the audit event (lock the chain head, insert, move the head).
    with django_assert_max_num_queries(11):
        client.get(reverse("coordination:my_assignments"))


def test_case_page_reads_no_more_queries_for_a_bigger_team(client, coordinator, town, case):
    """The team, consents with their scopes and eco-map ties are each read once: another
    agency, consent or tie adds rows to the page, not queries."""
    client.force_login(coordinator)
    url = reverse("coordination:case", args=[case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    give_consent(case, coordinator, town)
    actions.add_member(case=case, agency=town.partner_agency, by=coordinator)
    actions.add_tie(case=case, by=coordinator, label="民生委員", kind=Tie.Kind.STRONG)
    few = queries()
    give_consent(case, coordinator, town)
    actions.add_member(case=case, agency=town.owner_agency, by=coordinator)
    for label in ("主治医", "近所の友人"):
        actions.add_tie(case=case, by=coordinator, label=label, kind=Tie.Kind.WEAK)
    response = client.get(url)
    assert "近所の友人" in response.content.decode()
    assert town.owner_agency.name in response.content.decode()
    assert queries() == few
