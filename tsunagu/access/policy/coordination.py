"""多機関協働の事例 (coordination cases).

The coordinating agency holds the case and sees every part. Agencies on the case team
(current CaseMember) see the case, their own assignments, and the parts the current
consent opens to them (consent_covers). Everyone else gets 404. Whoever may not read the
基本情報 part sees the case under a neutral title without the person's name
(``label_cases``), e.g. after the person withdrew consent.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tsunagu.access.policy.base import can_act_for, casework_agency_ids, is_read_only
from tsunagu.coordination.consent import cases_covering, consent_covers
from tsunagu.coordination.models import (
    Assessment,
    Assignment,
    Case,
    CaseMember,
    CaseQuerySet,
    Consent,
    ConsentScope,
    Part,
    Reminder,
    SupportPlan,
)
from tsunagu.municipality.models import Agency
from tsunagu.people.models import HouseholdMembership, Person


def visible_cases(user) -> CaseQuerySet:
    """Cases ``user`` may open: held by one of their agencies or with them on the team."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return Case.objects.none()
    on_team = CaseMember.objects.current().filter(agency_id__in=agencies)
    return Case.objects.filter(
        Q(coordinating_agency_id__in=agencies) | Q(pk__in=on_team.values("case_id"))
    )


def person_cases(user, person_ids) -> QuerySet[Case]:
    """Cases about ``person_ids`` (their focus person) that a page about the person may list
    for ``user``: those their agency holds, and team cases whose 基本情報 the current consent
    opens to them. A team case it no longer opens (withdrawn, expired, outside the scope) is
    left out: on the person's page even the neutral title of ``label_cases`` would tell
    whom the case is about."""
    agencies = casework_agency_ids(user)
    cases = visible_cases(user).filter(focus_person_id__in=person_ids)
    others = list(cases.exclude(coordinating_agency_id__in=agencies).values_list("pk", flat=True))
    readable = cases_covering(others, agency_ids=agencies, part=Part.BASIC) if others else set()
    return cases.filter(Q(coordinating_agency_id__in=agencies) | Q(pk__in=readable))


def holds_case(user, case) -> bool:
    return case.coordinating_agency_id in casework_agency_ids(user)


def can_view_case(user, case) -> bool:
    agencies = casework_agency_ids(user)
    if not agencies:
        return False
    if case.coordinating_agency_id in agencies:
        return True
    return case.members.current().filter(agency_id__in=agencies).exists()


def can_change_case(user, case) -> bool:
    return holds_case(user, case) and not is_read_only(user)


def can_take_up_request(user, request) -> bool:
    """May ``user`` accept a 支援依頼 and open its case (a casework member of the agency it
    is addressed to; never a 管理者 or 監査 membership)."""
    return can_act_for(user, request.to_agency_id)


def case_parts(user, case) -> set[str]:
    """The parts of ``case`` (基本情報, アセスメント, 支援プラン, 支援経過) ``user`` may read."""
    if holds_case(user, case):
        return set(Part.values)
    if not can_view_case(user, case):
        return set()
    member_agencies = set(
        case.members.current()
        .filter(agency_id__in=casework_agency_ids(user))
        .values_list("agency_id", flat=True)
    )
    return {
        part
        for part in Part.values
        for agency in Agency.objects.filter(pk__in=member_agencies)
        if consent_covers(case, agency=agency, part=part)
    }


def _withdrawn(case_ids) -> set[int]:
    """Of ``case_ids``, the cases whose latest consent was withdrawn."""
    latest: dict[int, bool] = {}
    rows = Consent.objects.filter(case_id__in=case_ids).order_by("case_id", "-given_on", "-pk")
    for case_id, withdrawn_at in rows.values_list("case_id", "withdrawn_at"):
        latest.setdefault(case_id, withdrawn_at is not None)
    return {case_id for case_id, withdrawn in latest.items() if withdrawn}


def label_cases(user, cases):
    """Set ``display_title`` and ``shows_person`` on each case for ``user``: the title and
    the person's name only where the user may read the 基本情報 part; otherwise a neutral
    「事例 #123(同意撤回のため氏名非表示)」. The one place case titles are chosen."""
    cases = list(cases)
    agencies = casework_agency_ids(user)
    others = [c.pk for c in cases if c.coordinating_agency_id not in agencies]
    readable = cases_covering(others, agency_ids=agencies, part=Part.BASIC) if others else set()
    hidden = [pk for pk in others if pk not in readable]
    withdrawn = _withdrawn(hidden) if hidden else set()
    for case in cases:
        case.shows_person = case.pk not in hidden
        case.display_title = case.title
        if not case.shows_person:
            why = "同意撤回のため" if case.pk in withdrawn else "本人同意の範囲外のため"
            case.display_title = f"事例 #{case.pk}({why}氏名非表示)"
    return cases


def cases_naming_person(user, cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of ``cases``, those ``user`` sees with the person's name: ``label_cases``'s rule as one
    query (held by their agency, or a team case whose current consent opens 基本情報 to one
    of their agencies). A list filtered by the person's name or address narrows to these,
    so a search never tells whose a neutrally titled case is."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return cases.none()
    today = timezone.localdate()
    current = (  # Case.current_consent, for the case of the outer query
        Consent.objects.filter(
            case_id=OuterRef(OuterRef("pk")), withdrawn_at__isnull=True, given_on__lte=today
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("-given_on", "-pk")
        .values("pk")[:1]
    )
    # ``parts`` is a JSON list; its text holds each part quoted on SQLite and PostgreSQL
    # alike (JSON ``contains`` on a list is not available on SQLite).
    opens_basic = ConsentScope.objects.alias(parts_text=Cast("parts", TextField())).filter(
        consent_id=Subquery(current),
        agency_id__in=agencies,
        parts_text__contains=f'"{Part.BASIC.value}"',
    )
    return cases.filter(Q(coordinating_agency_id__in=agencies) | Exists(opens_basic))


def get_case_or_404(user, pk, *, part: str | None = None) -> Case:
    """The case, if ``user`` may open it — and, with ``part``, read that part of it."""
    case = (
        Case.objects.filter(pk=pk)
        .select_related(
            "focus_person", "household", "coordinating_agency", "coordinator", "lead_agency"
        )
        .first()
    )
    if case is None or not can_view_case(user, case):
        raise Http404("指定された事例は見つからないか、閲覧する権限がありません。")
    if part is not None and part not in case_parts(user, case):
        raise Http404("この情報を閲覧する権限がありません。")
    label_cases(user, [case])
    return case


def get_consent_or_404(user, pk) -> Consent:
    consent = Consent.objects.filter(pk=pk).first()
    if consent is None:
        raise Http404("指定された本人同意は見つかりません。")
    consent.case = get_case_or_404(user, consent.case_id)
    return consent


def get_assessment_or_404(user, pk) -> Assessment:
    assessment = get_object_or_404(Assessment, pk=pk)
    assessment.case = get_case_or_404(user, assessment.case_id, part=Part.ASSESSMENT)
    return assessment


def get_plan_or_404(user, pk) -> SupportPlan:
    plan = get_object_or_404(SupportPlan, pk=pk)
    plan.case = get_case_or_404(user, plan.case_id, part=Part.PLAN)
    return plan


def get_assignment_or_404(user, pk) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("plan"), pk=pk)
    assignment.plan.case = get_case_or_404(user, assignment.plan.case_id)
    return assignment


def own_assignments(user) -> QuerySet[Assignment]:
    """自機関の役割分担: rows of confirmed plans in force for the user's agencies."""
    return Assignment.objects.in_force().for_agencies(casework_agency_ids(user))


def own_rows_of_current_plan(user, case) -> QuerySet[Assignment]:
    """The user's agencies' rows of the case's confirmed plan (shown without the plan part)."""
    return Assignment.objects.filter(
        plan=case.current_plan(), agency_id__in=casework_agency_ids(user)
    ).select_related("agency")


def own_reminders(user) -> QuerySet[Reminder]:
    return Reminder.objects.filter(agency_id__in=casework_agency_ids(user), done_at__isnull=True)


def case_people(user, case) -> QuerySet[Person]:
    """The persons ``case`` touches (the focus person and the household's current members),
    offered on the eco-map form to those who may change the case."""
    if not can_change_case(user, case):
        return Person.objects.none()
    ids = [case.focus_person_id]
    if case.household_id is not None:
        members = HouseholdMembership.objects.filter(
            household_id=case.household_id, left_on__isnull=True
        )
        ids += list(members.values_list("person_id", flat=True))
    return Person.objects.filter(pk__in=ids)
