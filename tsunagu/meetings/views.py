"""Meeting pages. Every view asks the access policy (tsunagu/access/policy/) first and audits what it shows."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.coordination.models import ClosureReason
from tsunagu.lib.conflicts import Stale, conflict, posted_version
from tsunagu.lib.forms import error_text, parse_id
from tsunagu.lib.lifecycle import TransitionRefused
from tsunagu.lib.months import Month, weekday_names
from tsunagu.municipality.models import Agency, MeetingBody, MeetingFunction

from . import actions, transitions
from .calendar_grid import month_grid
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    MinutesForm,
    MonthForm,
    PledgeForm,
    SessionForm,
    StatusForm,
)
from .models import MeetingSession, Minutes, ResourceGap
from .overview import frequency_rows


def _overview_municipality(user):
    municipality = policy.meeting_overview_municipality(user)
    if municipality is None:
        raise Http404("会議体の一覧を閲覧する権限がありません。")
    return municipality


@login_required
def index(request):
    municipality = _overview_municipality(request.user)
    sessions = (
        policy.visible_sessions(request.user)
        .select_related("body", "convener")
        .order_by("-date", "-pk")
    )
    page = Paginator(sessions, 30).get_page(request.GET.get("page"))
    bodies = policy.manageable_bodies(request.user).filter(municipality=municipality)
    audit.log(request.user, "list", "meetings.meetingsession", purpose="会議一覧")
    return render(request, "meetings/index.html", {"page": page, "bodies": bodies})


UPCOMING_PAGE = 30


@login_required
def upcoming(request):
    """開催予定: planned sessions from today on, nearest first."""
    today = timezone.localdate()
    sessions = (
        policy.visible_sessions(request.user)
        .filter(status=MeetingSession.Status.PLANNED, date__gte=today)
        .select_related("body")
        .order_by("date", F("start_time").asc(nulls_last=True), "pk")
    )
    page = Paginator(sessions, UPCOMING_PAGE).get_page(request.GET.get("page"))
    audit.log(request.user, "list", "meetings.meetingsession", purpose="会議の予定")
    return render(request, "meetings/upcoming.html", {"page": page, "today": today})


@login_required
def month_calendar(request):
    """A month of sessions as a server-drawn calendar (weeks start on Sunday, lib/months.py);
    ``?month=2025-06``, the current month when absent or not a month (with a message)."""
    today = timezone.localdate()
    form = MonthForm(request.GET)
    month = (form.cleaned_data["month"] if form.is_valid() else None) or Month.of(today)
    weeks, count = month_grid(month, policy.visible_sessions(request.user), today=today)
    audit.log(
        request.user, "list", "meetings.meetingsession", purpose="会議カレンダー", month=month.param
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "form": form,
            "month": month,
            "this_month": Month.of(today),
            "weekdays": weekday_names(),
            "weeks": weeks,
            "count": count,
        },
    )


@login_required
def frequency(request):
    municipality = _overview_municipality(request.user)
    fiscal_years, rows = frequency_rows(municipality)
    audit.log(request.user, "list", "municipality.meetingbody", purpose="会議の開催状況")
    return render(request, "meetings/frequency.html", {"fiscal_years": fiscal_years, "rows": rows})


@login_required
def resource_gaps(request):
    municipality = _overview_municipality(request.user)
    gaps = ResourceGap.objects.filter(municipality=municipality).prefetch_related(
        "decisions__session__body"
    )
    page = Paginator(gaps, 50).get_page(request.GET.get("page"))
    audit.log(request.user, "list", "meetings.resourcegap", purpose="不足資源一覧")
    return render(request, "meetings/resource_gaps.html", {"page": page})


@login_required
def session_new(request, body_pk: int):
    body = get_object_or_404(MeetingBody, pk=body_pk)
    if not policy.can_manage_body(request.user, body):
        raise Http404("指定された会議体は見つからないか、会議を登録する権限がありません。")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.create_session(user=request.user, body=body, **form.cleaned_data)
        except actions.MeetingRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "会議を登録しました。")
            return redirect("meetings:session", pk=session.pk)
    return render(request, "meetings/session_form.html", {"form": form, "body": body})


def _session_context(request, session: MeetingSession, refusal: str) -> dict:
    user = request.user
    manage = policy.can_manage_session(user, session)
    ctx: dict = {
        "session": session,
        "refusal": refusal,
        "manage": manage,
        "status_moves": transitions.SESSION.open_moves(
            session.status, transitions.session_sides(user, session)
        ),
        "attendances": session.attendances.select_related("user", "agency"),
        "needs_pledge": session.body.has_function(MeetingFunction.CONFIDENTIAL),
        "has_pledge": policy.has_pledge(user, session),
        "pledge_form": PledgeForm(initial={"signed_on": session.date}),
    }
    if refusal:
        return ctx
    items = list(
        session.agenda_items.select_related("case__focus_person", "resource_gap").order_by(
            "order", "pk"
        )
    )
    ctx.update(
        items=items,
        minutes=getattr(session, "minutes", None),
        decisions=session.decisions.select_related("agenda_item", "resource_gap", "case"),
        shared_case_ids=set(policy.meeting_shared_cases(user).values_list("pk", flat=True)),
    )
    if manage:
        ctx.update(
            attendance_form=AttendanceForm(body=session.body),
            agenda_form=AgendaItemForm(
                cases=policy.visible_cases(user).select_related("focus_person"),
                body=session.body,
            ),
            minutes_form=_minutes_form(ctx["minutes"]),
            decision_form=DecisionForm(),
            closure_reasons=ClosureReason.choices,
            agencies=Agency.objects.filter(municipality=session.body.municipality),
        )
    return ctx


def _minutes_form(minutes: Minutes | None) -> MinutesForm:
    if minutes is None:
        return MinutesForm()
    return MinutesForm(initial={"text": minutes.text, "lock_version": minutes.lock_version})


def _audit_papers(user, session: MeetingSession, items, purpose: str) -> None:
    audit.log(user, "view", session, purpose=purpose, confidential=session.confidential)
    for item in items:
        if item.case_id:
            audit.log(user, "view", item, person=item.case.focus_person_id, purpose=purpose)


@login_required
def session_detail(request, pk: int):
    session = policy.get_session_or_404(request.user, pk)
    refusal = policy.papers_refusal(request.user, session)
    ctx = _session_context(request, session, refusal)
    if refusal:
        audit.log(request.user, "denied", session, purpose="議題の閲覧", reason=refusal)
        return render(request, "meetings/session_detail.html", ctx, status=403)
    _audit_papers(request.user, session, ctx["items"], "会議の議題・議事録の閲覧")
    return render(request, "meetings/session_detail.html", ctx)


def _post_session(request, pk: int) -> MeetingSession:
    session = policy.get_session_or_404(request.user, pk)
    if not policy.can_manage_session(request.user, session):
        raise PermissionDenied("この会議を運営する権限がありません。")
    return session


def _run(request, session: MeetingSession, form, action, success: str):
    """Validate ``form``, run ``action(form.cleaned_data)``, and go back to the session."""
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        try:
            action(form.cleaned_data)
        except (actions.MeetingRefused, TransitionRefused) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    return redirect("meetings:session", pk=session.pk)


@login_required
@require_POST
def session_status(request, pk: int):
    session = _post_session(request, pk)
    return _run(
        request,
        session,
        StatusForm(request.POST),
        lambda d: transitions.set_status(user=request.user, session=session, **d),
        f"会議を「{transitions.SESSION.label(request.POST.get('status', ''))}」にしました。",
    )


@login_required
@require_POST
def attendance_add(request, pk: int):
    session = _post_session(request, pk)
    return _run(
        request,
        session,
        AttendanceForm(request.POST, body=session.body),
        lambda d: actions.add_attendance(user=request.user, session=session, **d),
        "出席者を登録しました。",
    )


@login_required
@require_POST
def pledge_add(request, pk: int):
    session = policy.get_session_or_404(request.user, pk)
    return _run(
        request,
        session,
        PledgeForm(request.POST),
        lambda d: actions.record_pledge(
            user=request.user, body=session.body, signed_on=d["signed_on"]
        ),
        "守秘義務の確認を記録しました。",
    )


@login_required
@require_POST
def agenda_add(request, pk: int):
    session = _post_session(request, pk)
    form = AgendaItemForm(request.POST, cases=policy.visible_cases(request.user), body=session.body)
    return _run(
        request,
        session,
        form,
        lambda d: actions.add_agenda_item(user=request.user, session=session, **d),
        "議題を登録しました。",
    )


@login_required
@require_POST
def minutes_save(request, pk: int):
    session = _post_session(request, pk)
    form = MinutesForm(request.POST)
    saved = Minutes.objects.filter(session=session).first()
    try:
        if saved is not None and posted_version(request.POST) != saved.lock_version:
            raise Stale(saved)
        return _run(
            request,
            session,
            form,
            lambda d: actions.save_minutes(
                user=request.user,
                session=session,
                text=d["text"],
                expected_version=d["lock_version"],
            ),
            "議事録を保存しました。",
        )
    except Stale as error:
        return _minutes_conflict(request, session, form, cast(Minutes, error.current))


def _minutes_conflict(request, session: MeetingSession, form: MinutesForm, saved: Minutes):
    """The session page with the saved minutes beside what this editor typed."""
    saved.refresh_from_db()
    ctx = _session_context(request, session, policy.papers_refusal(request.user, session))
    ctx.update(
        minutes=saved,
        minutes_form=_minutes_form(saved),
        conflict=conflict(
            form, {"text": saved.text}, ["text"], who=saved.recorded_by, when=saved.updated_at
        ),
    )
    _audit_papers(request.user, session, ctx["items"], "議事録の更新(競合)")
    return render(request, "meetings/session_detail.html", ctx)


@login_required
@require_POST
def decision_add(request, item_pk: int):
    item = policy.get_agenda_item_or_404(request.user, item_pk)
    session = _post_session(request, item.session_id)
    hand_back = parse_id(request.POST.get("hand_back_to"))
    closure = {
        "reason": request.POST.get("closure_reason", ""),
        "goals_reached": request.POST.get("goals_reached", ""),
        "hand_back_to": Agency.objects.filter(
            pk=hand_back, municipality=session.body.municipality
        ).first()
        if hand_back
        else None,
    }
    return _run(
        request,
        session,
        DecisionForm(request.POST),
        lambda d: actions.record_decision(
            user=request.user, agenda_item=item, closure=closure, **d
        ),
        "決定を記録しました。",
    )


def _papers_or_404(request, pk: int) -> MeetingSession:
    """Papers of a session as a file: refused as 404 to anyone the papers are closed to."""
    session = policy.get_session_or_404(request.user, pk)
    if policy.papers_refusal(request.user, session):
        audit.log(request.user, "denied", session, purpose="会議資料の出力")
        raise Http404("この会議の資料を出力する権限がありません。")
    return session


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


@login_required
def agenda_pdf(request, pk: int):
    from tsunagu.lib.pdf import render_pdf

    session = _papers_or_404(request, pk)
    items = list(session.agenda_items.select_related("case__focus_person", "resource_gap"))
    attendances = session.attendances.select_related("user", "agency")
    _audit_papers(request.user, session, items, "会議次第の出力")
    data = render_pdf(
        "meetings/pdf/agenda.html",
        {"session": session, "items": items, "attendances": attendances},
    )
    return _pdf_response(data, f"agenda-{session.pk}.pdf")


@login_required
def minutes_pdf(request, pk: int):
    from tsunagu.lib.pdf import render_pdf

    session = _papers_or_404(request, pk)
    minutes = getattr(session, "minutes", None)
    if minutes is None:
        raise Http404("この会議の議事録はまだ記録されていません。")
    items = list(session.agenda_items.select_related("case__focus_person"))
    decisions = session.decisions.select_related("agenda_item")
    _audit_papers(request.user, session, items, "議事録の出力")
    data = render_pdf(
        "meetings/pdf/minutes.html",
        {
            "session": session,
            "minutes": minutes,
            "decisions": decisions,
            "attendances": session.attendances.select_related("user", "agency"),
        },
    )
    return _pdf_response(data, f"minutes-{session.pk}.pdf")


@login_required
def shared_case(request, pk: int, case_pk: int):
    """What a pledged 支援会議 attendee may read of an agenda case, during the sharing period."""
    session = policy.get_session_or_404(request.user, pk)
    case = (
        policy.meeting_shared_cases(request.user)
        .filter(pk=case_pk, agenda_items__session=session)
        .select_related("focus_person", "household", "coordinating_agency", "lead_agency")
        .first()
    )
    if case is None:
        raise Http404("この事例の情報は見つからないか、共有期間が終了しています。")
    persons = policy.meeting_shared_persons(request.user).filter(
        household_memberships__household_id=case.household_id,
        household_memberships__left_on__isnull=True,
    )
    members = list(persons.distinct()) if case.household_id else []
    plan = case.current_plan()
    assessment = case.latest_assessment()
    for person in {case.focus_person, *members}:
        audit.log(
            request.user,
            "view",
            case,
            person=person,
            purpose="支援会議による情報共有(法第106条の6)",
            session=session.pk,
        )
    return render(
        request,
        "meetings/shared_case.html",
        {
            "session": session,
            "case": case,
            "members": [m for m in members if m.pk != case.focus_person_id],
            "plan": plan,
            "assessment": assessment,
        },
    )
