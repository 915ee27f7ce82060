import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.coordination.consent import consent_covers
from tsunagu.coordination.models import Case, Part, PlanStatus, Stage, SupportPlan
from tsunagu.intake.models import CoordinationStatus
from tsunagu.municipality.models import Delivery, Municipality, Programme


@pytest.fixture
def coordinated_town(town):
    """A town whose profile allows a recorded plan approval (no meetings needed)."""
    for field, agency in [
        ("介護", town.owner_agency),
        ("障がい", town.partner_agency),
        ("子ども", town.unrelated_agency),
    ]:
        programme = Programme.objects.create(
            municipality=town.municipality, project=1, field=field, name=f"{field}相談"
        )
        Delivery.objects.create(programme=programme, agency=agency)
    town.municipality.settings["plan_approval_without_meeting"] = True
    town.municipality.save()
    return town


def seed(seed: int = 1) -> str:
    out = io.StringIO()
    call_command("seed_demo", profile="testtown", scale="small", seed=seed, stdout=out)
    return out.getvalue()


def case_snapshot():
    return list(
        Case.objects.order_by("pk").values_list(
            "focus_person__family_name", "stage", "opened_at", "lead_agency__name"
        )
    )


def test_small_demo_has_a_case_at_every_stage_opened_from_a_request(coordinated_town):
    output = seed()
    assert "多機関協働の事例 14 件" in output
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    for case in Case.objects.select_related("request", "household"):
        assert case.request.status == CoordinationStatus.ACCEPTED
        assert case.request.from_agency_id != case.coordinating_agency_id
        assert case.household.memberships.count() >= 2
        assert case.coordinating_agency == coordinated_town.coordinating_agency
        assert case.coordinator.username.endswith("-coord")
        assert AuditEvent.objects.filter(action="create", object_id=str(case.pk)).exists()


def test_every_confirmed_plan_is_covered_by_consent_and_its_agencies_are_on_the_team(
    coordinated_town,
):
    seed()
    confirmed = 0
    for case in Case.objects.exclude(stage__in=[Stage.CLOSED, Stage.SUSPENDED]):
        plan = case.current_plan()
        if plan is None:
            continue
        confirmed += 1
        assert plan.approval and plan.approved_at.date() <= case.events.last().at.date()
        for a in plan.assignments.select_related("agency"):
            assert consent_covers(case, agency=a.agency, part=Part.PLAN)
            assert (
                Involvement.objects.current()
                .filter(agency=a.agency, person=case.focus_person, source="case", source_id=case.pk)
                .exists()
            )
    assert confirmed >= 3
    replanned = Case.objects.filter(plans__number=2, plans__status=PlanStatus.CONFIRMED)
    assert replanned.exists()
    assert replanned.first().plans.get(number=1).status == PlanStatus.SUPERSEDED


def test_consent_states_withdrawn_expired_and_meeting_scopes_are_present(coordinated_town):
    seed()
    withdrawn = Case.objects.get(consents__withdrawn_at__isnull=False)
    assert withdrawn.stage == Stage.SUSPENDED and withdrawn.current_consent() is None
    # Withdrawal took effect: only the coordinating agency still holds the person via the case.
    holders = Involvement.objects.current().filter(source="case", source_id=withdrawn.pk)
    assert set(holders.values_list("agency_id", flat=True)) == {withdrawn.coordinating_agency_id}
    expired = Case.objects.get(consents__expires_on__isnull=False)
    assert expired.stage == Stage.PREPARATION and expired.current_consent() is None
    no_consent = Case.objects.filter(stage__in=[Stage.CONFERENCE, Stage.WATCHING, Stage.RECEIVED])
    assert not any(c.consents.exists() for c in no_consent)


def test_closed_cases_hand_back_to_the_requesting_agency_and_end_the_team(coordinated_town):
    seed()
    case = Case.objects.get(stage=Stage.CLOSED)
    closure = case.closure
    assert closure.hand_back_to_id == case.request.from_agency_id
    assert closure.hand_back_referral.tasks.get().agency_id == case.request.from_agency_id
    assert not Involvement.objects.current().filter(source="case", source_id=case.pk).exists()
    assert case.closed_at.date() == closure.closed_on


def test_without_recorded_approval_cases_wait_at_deliberation(town):
    town.municipality.settings["plan_approval_without_meeting"] = False
    town.municipality.save()
    for field, agency in [("介護", town.owner_agency), ("障がい", town.partner_agency)]:
        programme = Programme.objects.create(
            municipality=town.municipality, project=1, field=field, name=f"{field}相談"
        )
        Delivery.objects.create(programme=programme, agency=agency)
    seed()
    stages = set(Case.objects.values_list("stage", flat=True))
    assert Stage.DELIBERATION in stages
    assert not stages & {Stage.SUPPORT, Stage.MONITORING, Stage.CLOSED}
    assert not Case.objects.filter(plans__status=PlanStatus.CONFIRMED).exists()


def test_same_seed_gives_the_same_cases(coordinated_town):
    with transaction.atomic():
        seed(seed=5)
        first = case_snapshot()
        transaction.set_rollback(True)
    assert not Case.objects.exists()
    seed(seed=5)
    assert case_snapshot() == first


@pytest.fixture
def kobayashi(db):
    call_command("load_profile", "kobayashi", stdout=io.StringIO())
    call_command("seed_demo", profile="kobayashi", scale="small", stdout=io.StringIO())
    return Municipality.objects.get(slug="kobayashi")


def test_kobayashi_plans_are_confirmed_and_cases_closed_by_meeting_decisions(kobayashi):
    from tsunagu.meetings.models import Decision

    confirmed = SupportPlan.objects.exclude(status=PlanStatus.DRAFT)
    assert confirmed.count() >= 5
    for plan in confirmed:
        decision = Decision.objects.get(pk=plan.decision_pk)
        assert decision.kind == Decision.Kind.PLAN_APPROVAL and decision.case == plan.case
        assert decision.minutes.session == decision.session
    closed = Case.objects.get(stage=Stage.CLOSED)
    assert closed.meeting_decisions.filter(kind=Decision.Kind.CLOSURE_APPROVAL).exists()
    assert closed.coordinator.username == "koba-og01-coord"
    assert closed.coordinating_agency.name == "小林市社会福祉協議会"


def test_every_body_meets_at_its_planned_frequency_and_support_meetings_have_pledges(kobayashi):
    from tsunagu.lib.wareki import fiscal_year
    from tsunagu.meetings.frequency import expected_per_year
    from tsunagu.meetings.models import MeetingSession, Pledge

    last_fy = fiscal_year(timezone.localdate()) - 1
    for body in kobayashi.meeting_bodies.all():
        held = MeetingSession.objects.filter(body=body).held().in_fiscal_year(last_fy).count()
        assert held >= (expected_per_year(body.frequency) or 4), body.name
    confidential = MeetingSession.objects.filter(confidential=True)
    assert confidential.exists()
    for session in confidential:
        for attendance in session.attendances.all():
            assert Pledge.objects.filter(
                user=attendance.user, body=session.body, signed_on__lte=session.date
            ).exists()
    no_consent = Case.objects.get(stage=Stage.CONFERENCE)
    assert no_consent.agenda_items.get().function == "confidential"


def test_the_demo_has_sessions_coming_this_week_and_later(kobayashi):
    import datetime

    from tsunagu.meetings.models import MeetingSession

    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    coming = MeetingSession.objects.filter(status=MeetingSession.Status.PLANNED, date__gt=today)
    assert coming.filter(date__lte=week_end).exists() or today == week_end
    assert coming.filter(date__gt=week_end).count() >= 2
