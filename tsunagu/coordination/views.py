"""Pages of 多機関協働. Policy check first; every read of case content is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.intake.transitions import COORDINATION_REQUEST, request_sides
from tsunagu.lib.conflicts import Stale, conflict, display, posted_version
from tsunagu.lib.lists import head
from tsunagu.lib.redirects import redirect_next
from tsunagu.outreach import selectors as outreach

from . import actions, diff, ecomap, filters, forms, transitions
from .actions import CaseError, ScopeInput, StalePlan
from .models import (
    Assessment,
    AssignmentStatus,
    Case,
    ConsentScope,
    Part,
    Stage,
    SupportPlan,
)

PAGE_SIZE = 50


def _refused(request, error: CaseError, case: Case):
    messages.error(request, str(error))
    return redirect("coordination:case", pk=case.pk)


# --- lists ------------------------------------------------------------------------------


@login_required
def case_list(request):
    visible = policy.visible_cases(request.user)
    form = filters.CaseFilterForm(request.GET, user=request.user, cases=visible)
    cases = (
        form.narrow(visible)
        .select_related("focus_person", "coordinator", "lead_agency")
        .order_by("-opened_at", "-pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    policy.label_cases(request.user, page)
    incoming = list(
        policy.pending_coordination_requests(request.user)
        .select_related("consultation__person", "from_agency")
        .order_by("requested_at")
    )
    for req in incoming:
        sides = request_sides(request.user, req)
        req.moves = dict(COORDINATION_REQUEST.open_moves(req.status, sides))
    shown = [c.focus_person_id for c in page if c.shows_person]
    shown += [r.consultation.person_id for r in incoming]
    audit.log(
        request.user,
        "list",
        "coordination.case",
        purpose="事例一覧",
        person_ids=sorted(set(shown)),
        query=form.audit_query(),
    )
    return render(
        request,
        "coordination/case_list.html",
        {"page": page, "incoming": incoming, "form": form},
    )


@login_required
def my_assignments(request):
    """Each agency's inbox of its roles on confirmed plans, and the reminders due."""
    rows = list(
        policy.own_assignments(request.user)
        .select_related("agency", "plan__case__focus_person")
        .order_by("until", "pk")[:200]
    )
    reminders = list(
        policy.own_reminders(request.user).select_related("case").order_by("due_on")[:50]
    )
    cases = {row.plan.case_id: row.plan.case for row in rows}
    for reminder in reminders:
        reminder.case = cases.setdefault(reminder.case_id, reminder.case)
    policy.label_cases(request.user, cases.values())
    audit.log(
        request.user,
        "list",
        "coordination.assignment",
        purpose="自機関の役割分担",
        person_ids=sorted({c.focus_person_id for c in cases.values() if c.shows_person}),
    )
    context = {
        "rows": rows,
        "reminders": reminders,
        "status_choices": AssignmentStatus.choices,
    }
    template = "coordination/my_assignments.html"
    if request.htmx:
        template += "#inbox"
    return render(request, template, context)


@login_required
@require_POST
def open_from_request(request, pk):
    req = policy.get_incoming_request_or_404(request.user, pk)
    try:
        case = actions.accept_and_open(request=req, coordinator=request.user)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("coordination:list")
    messages.success(request, "支援依頼を受理し、事例を開始しました。")
    return redirect("coordination:case", pk=case.pk)


@login_required
@require_POST
def decline_request(request, pk):
    req = policy.get_incoming_request_or_404(request.user, pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.decline_request(request=req, coordinator=request.user, reason=reason)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{req.from_agency}からの支援依頼を受けないことを記録しました。")
    return redirect("coordination:list")


# --- the case page ----------------------------------------------------------------------


@login_required
def case_detail(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    parts = policy.case_parts(request.user, case)
    holder = policy.holds_case(request.user, case)
    plan = case.latest_plan() if Part.PLAN in parts else None
    # Without the plan part, a team member sees its own agency's rows of the confirmed plan.
    own_assignments = (
        [] if Part.PLAN in parts else policy.own_rows_of_current_plan(request.user, case)
    )
    context = {
        "case": case,
        "parts": parts,
        "part_labels": [label for value, label in Part.choices if value in parts],
        "holder": holder,
        "can_change": policy.can_change_case(request.user, case),
        "moves": [
            (Stage(to), move) for to, move in transitions.CASE.open_moves(case.stage, {"holder"})
        ],
        "can_close": transitions.CASE.move(case.stage, Stage.CLOSED) is not None,
        "events": case.events.select_related("by"),
        "members": case.team(),
        "consents": case.consents.prefetch_related(
            Prefetch("scopes", ConsentScope.objects.select_related("agency", "meeting_body"))
        )
        if holder
        else [],
        "assessment": case.latest_assessment() if Part.ASSESSMENT in parts else None,
        "plan": plan,
        "plan_rows": plan.assignments.select_related("agency") if plan else [],
        "own_assignments": own_assignments,
        "monitorings": case.monitorings.all() if Part.PLAN in parts else [],
        "closure": getattr(case, "closure", None),
        "decisions": _meeting_decisions(request.user, case) if Part.PLAN in parts else [],
        "ecomap": ecomap.render_svg(case) if Part.BASIC in parts else "",
        "member_form": forms.MemberForm(case=case),
        "note_form": _note_form(),
        "outreach": outreach.for_case(request.user, case),
    }
    if Part.NOTES in parts:
        context["notes"], context["more_notes"] = head(
            case.notes.select_related("recorded_by"), CASE_PAGE_NOTES
        )
    audit.log(
        request.user,
        "view",
        case,
        person=case.focus_person_id,
        purpose="事例の閲覧",
        parts=sorted(parts),
    )
    return render(request, "coordination/case_detail.html", context)


CASE_PAGE_NOTES = 10  # the newest 支援経過 on the case page; the rest one link away


def _note_form(data=None):
    return forms.CaseNoteForm(data, prefix="note", initial={"date": timezone.localdate()})


@login_required
def notes(request, pk):
    """支援経過: every note of the case, newest first (the 支援経過 part of the consent)."""
    case = policy.get_case_or_404(request.user, pk, part=Part.NOTES)
    return _notes_page(request, case, _note_form())


def _notes_page(request, case: Case, form):
    page = Paginator(case.notes.select_related("recorded_by"), 50).get_page(request.GET.get("page"))
    audit.log(
        request.user,
        "view",
        case,
        person=case.focus_person_id,
        purpose="支援経過",
        note_ids=[n.pk for n in page.object_list],
    )
    context = {
        "case": case,
        "page": page,
        "note_form": form,
        "can_change": policy.can_change_case(request.user, case),
    }
    return render(request, "coordination/notes.html", context)


@login_required
@require_POST
def add_note(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = _note_form(request.POST)
    if form.is_valid():
        try:
            actions.add_note(case=case, by=request.user, data=form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "支援経過を記録しました。")
            return redirect("coordination:case", pk=case.pk)
    return _notes_page(request, case, form)


def _meeting_decisions(user, case):
    """「会議での決定」 on the case, newest first. A 支援会議 session's papers are 非公開, so
    its decisions show only to users who may read its papers (``policy.sessions_with_visible_papers``)."""
    readable = Q(session__confidential=False) | Q(
        session__in=policy.sessions_with_visible_papers(user)
    )
    return (
        case.meeting_decisions.filter(readable)
        .select_related("session__body")
        .order_by("-session__date", "-pk")
    )


@login_required
@require_POST
def move(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in Stage.values:
        messages.error(request, "移動先の段階を選んでください。")
        return redirect("coordination:case", pk=case.pk)
    try:
        actions.transition(
            case=case,
            to=form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except CaseError as error:
        return _refused(request, error, case)
    messages.success(request, f"「{Stage(form.cleaned_data['to']).label}」に進めました。")
    return redirect("coordination:case", pk=case.pk)


@login_required
@require_POST
def add_member(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.MemberForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, "支援チームに加える機関を選んでください。")
        return redirect("coordination:case", pk=case.pk)
    agency = form.cleaned_data["agency"]
    try:
        actions.add_member(case=case, agency=agency, by=request.user)
    except CaseError as error:
        return _refused(request, error, case)
    messages.success(request, f"{agency}を支援チームに加えました。")
    return redirect("coordination:case", pk=case.pk)


@login_required
@require_POST
def end_member(request, pk, agency_pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    member = get_object_or_404(case.members.current(), agency_id=agency_pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.end_member(case=case, agency=member.agency, by=request.user, reason=reason)
    except CaseError as error:
        return _refused(request, error, case)
    messages.success(
        request, f"{member.agency}を支援チームから外しました。必要になれば、もう一度加えられます。"
    )
    return redirect("coordination:case", pk=case.pk)


@login_required
def tie_form(request, pk):
    """The eco-map tie form, loaded when 「つながりを追加」 is opened (htmx) or as a page:
    its selects cost more to render than the rest of the case page's forms."""
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    people = policy.case_people(request.user, case)
    audit.log(request.user, "view", case, person=case.focus_person_id, purpose="つながりの追加")
    template = "coordination/tie_form.html" + ("#form" if request.htmx else "")
    context = {"case": case, "tie_form": forms.TieForm(case=case, people=people)}
    return render(request, template, context)


@login_required
@require_POST
def add_tie(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.TieForm(request.POST, case=case, people=policy.case_people(request.user, case))
    if not form.is_valid():
        messages.error(
            request, "エコマップのつながり: 機関・資源・人と関係の種類を入力してください。"
        )
        return redirect("coordination:case", pk=case.pk)
    actions.add_tie(case=case, by=request.user, **form.cleaned_data)
    messages.success(request, "エコマップにつながりを追加しました。")
    return redirect("coordination:case", pk=case.pk)


# --- consent ---------------------------------------------------------------------------


@login_required
def consent_new(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        scopes = [ScopeInput(agency=a, meeting_body=b, parts=p) for a, b, p in form.scopes()]
        try:
            actions.record_consent(case=case, by=request.user, scopes=scopes, **data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "本人同意を記録しました。")
            return redirect("coordination:case", pk=case.pk)
    audit.log(request.user, "view", case, person=case.focus_person_id, purpose="本人同意の記録")
    return render(request, "coordination/consent_form.html", {"case": case, "form": form})


@login_required
@require_POST
def consent_withdraw(request, pk):
    consent = policy.get_consent_or_404(request.user, pk)
    case = consent.case
    actions.require_change(request.user, case)
    form = forms.WithdrawForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        actions.withdraw_consent(consent=consent, by=request.user, reason=reason)
    except CaseError as error:
        return _refused(request, error, case)
    messages.success(
        request,
        "同意の撤回を記録しました。共有は直ちに停止されます。"
        "再び同意を得たときは「本人同意を記録」から記録してください。",
    )
    return redirect("coordination:case", pk=case.pk)


# --- assessment -------------------------------------------------------------------------


def _member_initial(case: Case):
    if case.household is None:
        return []
    return [
        {"name": m.person.full_name, "relation": m.relation, "lives_together": True}
        for m in case.household.current_memberships()
    ]


@login_required
def assessment_new(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    latest = case.latest_assessment()
    post = request.POST or None
    form, member_set, problem_set = _assessment_forms(case, latest, post)
    stale = None
    try:
        if post:
            based_on = posted_version(post)
            if latest is not None and based_on != latest.version:
                raise Stale(latest)
            if form.is_valid() and member_set.is_valid() and problem_set.is_valid():
                assessment = actions.save_assessment(
                    case=case,
                    by=request.user,
                    data=form.cleaned_data,
                    members=_kept_rows(member_set),
                    problems=_kept_rows(problem_set),
                    based_on=based_on,
                )
                messages.success(request, f"アセスメント第{assessment.version}版を記録しました。")
                return redirect("coordination:case", pk=case.pk)
    except Stale as error:
        stale = _assessment_conflict(form, member_set, problem_set, error.current)
        form, member_set, problem_set = _assessment_forms(case, error.current)
    except CaseError as error:
        form.add_error(None, str(error))
    audit.log(request.user, "view", case, person=case.focus_person_id, purpose="アセスメント入力")
    context = {
        "case": case,
        "form": form,
        "member_set": member_set,
        "problem_set": problem_set,
        "conflict": stale,
    }
    return render(request, "coordination/assessment_form.html", context)


def _assessment_forms(case: Case, latest: Assessment | None, post=None):
    """The assessment form and its two tables, starting from the latest version."""
    if latest:
        initial = {**forms.AssessmentForm(instance=latest).initial, "lock_version": latest.version}
        members = list(latest.members.values(*forms.MemberRowForm.Meta.fields))
        problems = list(latest.problems.values(*forms.ProblemRowForm.Meta.fields))
    else:
        initial, members, problems = {}, _member_initial(case), []
    return (
        forms.AssessmentForm(post, initial=initial),
        forms.MemberRowFormSet(post, initial=members, prefix="m"),
        forms.ProblemRowFormSet(post, initial=problems, prefix="p"),
    )


def _table_lines(formset, rows) -> str:
    columns = list(formset.form.Meta.fields)
    return "\n".join(" / ".join(display(row.get(k)) for k in columns) for row in rows)


def _assessment_conflict(form, member_set, problem_set, latest: Assessment):
    extra = []
    for label, formset, saved in [
        ("世帯の状況", member_set, latest.members.values()),
        ("課題の整理", problem_set, latest.problems.values()),
    ]:
        mine = _table_lines(formset, _kept_rows(formset)) if formset.is_valid() else ""
        extra.append((label, _table_lines(formset, saved), mine))
    fields = forms.AssessmentForm.Meta.fields
    return conflict(
        form,
        {f: getattr(latest, f) for f in fields},
        fields,
        who=latest.assessed_by,
        when=latest.created_at,
        extra=extra,
    )


@login_required
def assessment_detail(request, pk):
    assessment = policy.get_assessment_or_404(request.user, pk)
    case = assessment.case
    audit.log(request.user, "view", assessment, person=case.focus_person_id, purpose="アセスメント")
    return render(
        request,
        "coordination/assessment_detail.html",
        {"case": case, "a": assessment, "versions": case.assessments.all()},
    )


# --- plan ------------------------------------------------------------------------------


@login_required
@require_POST
def plan_start(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    try:
        plan = actions.start_plan(case=case, by=request.user)
    except CaseError as error:
        return _refused(request, error, case)
    return redirect("coordination:plan_edit", pk=plan.pk)


def _plan_for(user, pk) -> tuple[SupportPlan, Case]:
    plan = policy.get_plan_or_404(user, pk)
    return plan, plan.case


@login_required
def plan_detail(request, pk):
    plan, case = _plan_for(request.user, pk)
    previous = case.plans.filter(number__lt=plan.number).order_by("-number").first()
    audit.log(request.user, "view", plan, person=case.focus_person_id, purpose="支援プラン")
    context = {
        "case": case,
        "plan": plan,
        "rows": plan.assignments.select_related("agency"),
        "previous": previous,
        "changes": diff.plan_changes(previous, plan) if previous else None,
        "versions": case.plans.order_by("number"),
        "approve_form": forms.ApproveForm(),
        "recorded_approval": case.municipality.setting("plan_approval_without_meeting", False),
        "can_change": policy.can_change_case(request.user, case),
    }
    return render(request, "coordination/plan_detail.html", context)


def _kept_rows(formset) -> list[dict]:
    """Every filled row of a table formset not marked 削除 — rows carried over from the
    previous version count even when this editor left them unchanged."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def plan_edit(request, pk):
    plan, case = _plan_for(request.user, pk)
    actions.require_change(request.user, case)
    if not plan.is_editable:
        messages.error(request, "確定したプランは編集できません。再プランを作成してください。")
        return redirect("coordination:plan", pk=plan.pk)
    post = request.POST or None
    form, formset = _plan_forms(plan, case, post)
    stale = None
    try:
        if post:
            expected = posted_version(post)
            if expected != plan.lock_version:
                raise StalePlan(plan)
            if form.is_valid() and formset.is_valid():
                actions.update_plan(
                    plan=plan,
                    by=request.user,
                    expected_version=expected,
                    data=form.cleaned_data,
                    assignments=_kept_rows(formset),
                )
                messages.success(request, "支援プランを保存しました。")
                return redirect("coordination:plan", pk=plan.pk)
    except StalePlan as error:
        stale = _plan_conflict(form, formset, error.current)
        form, formset = _plan_forms(error.current, case)
    except CaseError as error:
        form.add_error(None, str(error))
    audit.log(request.user, "view", plan, person=case.focus_person_id, purpose="支援プラン編集")
    context = {"case": case, "plan": plan, "form": form, "formset": formset, "conflict": stale}
    return render(request, "coordination/plan_form.html", context)


def _plan_forms(plan: SupportPlan, case: Case, post=None):
    """The plan form and its role table, loaded from ``plan`` (bound to ``post`` if given)."""
    form = forms.PlanForm(post, instance=plan, initial={"lock_version": plan.lock_version})
    rows = list(plan.assignments.values(*forms.AssignmentRowForm.Meta.fields))
    formset = forms.AssignmentFormSet(
        post, initial=rows, prefix="a", form_kwargs={"municipality": case.municipality}
    )
    return form, formset


ROLE_COLUMNS = ("issue", "what", "agency", "staff", "frequency", "until")


def _role_lines(rows) -> str:
    return "\n".join(" / ".join(display(row.get(k)) for k in ROLE_COLUMNS) for row in rows)


def _plan_conflict(form, formset, current: SupportPlan):
    saved_rows = [
        {k: getattr(a, k) for k in ROLE_COLUMNS}
        for a in current.assignments.select_related("agency")
    ]
    mine = _role_lines(_kept_rows(formset)) if formset.is_valid() else ""
    fields = forms.PlanForm.Meta.fields
    return conflict(
        form,
        {f: getattr(current, f) for f in fields},
        fields,
        who=current.updated_by or current.author,
        when=current.updated_at,
        extra=[("役割分担表", _role_lines(saved_rows), mine)],
    )


@login_required
@require_POST
def plan_approve(request, pk):
    plan, case = _plan_for(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.approve_plan(plan=plan, approver=request.user, note=note)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "支援プランを確定しました。")
    return redirect("coordination:plan", pk=plan.pk)


@login_required
@require_POST
def assignment_status(request, pk):
    assignment = policy.get_assignment_or_404(request.user, pk)
    case = assignment.plan.case
    form = forms.AssignmentStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.set_assignment_status(
                assignment=assignment, by=request.user, status=form.cleaned_data["status"]
            )
        except CaseError as error:
            messages.error(request, str(error))
    return redirect_next(request, reverse("coordination:case", args=[case.pk]))


# --- monitoring and closure -------------------------------------------------------------


@login_required
def monitoring_new(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    plan = case.current_plan()
    assignments = list(plan.assignments.select_related("agency")) if plan else []
    form = forms.MonitoringForm(request.POST or None, assignments=assignments)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            actions.record_monitoring(case=case, by=request.user, data=data, reviews=form.reviews())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "モニタリングを記録しました。")
            return redirect("coordination:case", pk=case.pk)
    audit.log(request.user, "view", case, person=case.focus_person_id, purpose="モニタリング入力")
    return render(request, "coordination/monitoring_form.html", {"case": case, "form": form})


@login_required
def close(request, pk):
    case = policy.get_case_or_404(request.user, pk)
    actions.require_change(request.user, case)
    form = forms.ClosureForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_case(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "終結評価を記録し、事例を終結しました。")
            return redirect("coordination:case", pk=case.pk)
    audit.log(request.user, "view", case, person=case.focus_person_id, purpose="終結評価の入力")
    return render(request, "coordination/closure_form.html", {"case": case, "form": form})
