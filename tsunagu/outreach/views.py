from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.lib.lifecycle import TransitionRefused
from tsunagu.lib.wareki import fiscal_year
from tsunagu.people.candidates import CandidateRows, candidate_rows

from . import actions, forms, selectors, transitions
from .figures import figures
from .models import Stage, quiet_days

PAGE_SIZE = 50


def _municipality(user):
    municipality = policy.home_municipality(user)
    if municipality is None:
        raise PermissionDenied("所属機関がありません。")
    return municipality


# --- the team's list ----------------------------------------------------------------------


@login_required
def record_list(request):
    """Open records by stage, overdue next steps and open records by area, then the list."""
    today = timezone.localdate()
    records = policy.visible_outreach_records(request.user)
    stage = request.GET.get("stage", "")
    rows = records if request.GET.get("state") == "all" else records.open()
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    page = Paginator(selectors.list_rows(rows).order_by("-informed_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    municipality = _municipality(request.user)
    overview = selectors.team_overview(records, today=today, quiet_days=quiet_days(municipality))
    shown = [r.pk for r in page.object_list] + [r.pk for r in overview.overdue]
    audit.log(request.user, "list", "outreach.outreachrecord", person_ids=shown)
    return render(
        request,
        "outreach/record_list.html",
        {
            "page": page,
            "overview": overview,
            "today": today,
            "stage": stage,
            "stages": [(s.value, s.label) for s in Stage],
            "show_all": request.GET.get("state") == "all",
            "keep": urlencode(
                {k: v for k, v in request.GET.items() if k in ("state", "stage") and v}
            ),
            "can_register": policy.writable_outreach_agencies(request.user, municipality).exists(),
        },
    )


@login_required
def record_create(request):
    municipality = _municipality(request.user)
    agencies = policy.writable_outreach_agencies(request.user, municipality)
    if not agencies.exists():
        raise PermissionDenied("アウトリーチ記録を登録できるのは4号事業の機関の職員のみです。")
    form = forms.RecordForm(
        request.POST or None,
        municipality=municipality,
        agencies=agencies,
        initial={
            "informed_on": timezone.localdate(),
            "worker": request.user.pk,
            "agency": agencies.order_by("pk").first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.register_record(user=request.user, data=form.cleaned_data)
        except actions.OutreachRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "アウトリーチ対象を登録しました。")
            return redirect("outreach:detail", pk=record.pk)
    return render(request, "outreach/record_form.html", {"form": form, "record": None})


# --- one record ---------------------------------------------------------------------------


def _detail_context(request, record, **forms_given):
    user = request.user
    sides = policy.outreach_sides(user, record)
    today = timezone.localdate()
    return {
        "r": record,
        "attempts": record.attempts.select_related("recorded_by"),
        "events": record.events.select_related("by"),
        "agenda": record.agenda_links.select_related("agenda_item__session__body"),
        "can_change": bool(sides),
        "moves": [(Stage(to), m) for to, m in transitions.manual_moves(record.stage, sides)],
        "quiet": record.is_quiet(today, quiet_days(record.municipality)),
        "quiet_days": quiet_days(record.municipality),
        "person_elsewhere": policy.known_elsewhere(user, record.person) if record.person else [],
        "attempt_form": forms_given.get("attempt_form")
        or forms.AttemptForm(initial={"date": today, "staff": str(user)}),
        "refusal": forms_given.get("refusal", ""),
        "handoff_form": forms_given.get("handoff_form") or forms.HandOffForm(record=record),
        "agenda_form": forms.AgendaForm(user=user, record=record),
        "can_open_case": record.case is not None and policy.can_view_case(user, record.case),
        "today": today,
    }


@login_required
def record_detail(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    audit.log(request.user, "view", record, person=record.person_id)
    return render(request, "outreach/record_detail.html", _detail_context(request, record))


def _refused_page(request, record, **given):
    """The record page again, with what was refused said at the top and the form kept."""
    form = given.get("attempt_form") or given.get("handoff_form")
    if form is not None and form.non_field_errors():
        given["refusal"] = " ".join(form.non_field_errors())
    record.refresh_from_db()
    audit.log(request.user, "view", record, person=record.person_id)
    return render(request, "outreach/record_detail.html", _detail_context(request, record, **given))


@login_required
def record_edit(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    initial = {name: getattr(record, name) for name in actions.EDITABLE}
    initial["version"] = record.version
    form = forms.EditForm(request.POST or None, record=record, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_record(
                user=request.user,
                record=record,
                expected_version=form.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except actions.StaleRecord as error:
            stale = _stale_rows(form, error.current)
            form.add_error(None, str(error))
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except actions.OutreachRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "アウトリーチ記録を保存しました。")
            return redirect("outreach:detail", pk=record.pk)
    audit.log(request.user, "view", record, person=record.person_id, purpose="記録の編集")
    return render(
        request, "outreach/record_form.html", {"form": form, "record": record, "stale": stale}
    )


def _stale_rows(form, current) -> list[tuple[str, str, str]]:
    """(field, what the other saved, what this editor typed) for the fields that differ."""
    rows = []
    for name in actions.EDITABLE:
        theirs, mine = getattr(current, name), form.cleaned_data.get(name)
        if name == "concerns":
            theirs, mine = "・".join(theirs), "・".join(mine or [])
        if theirs != mine and str(theirs or "") != str(mine or ""):
            rows.append((str(form.fields[name].label), str(theirs or ""), str(mine or "")))
    return rows


@login_required
@require_POST
def attempt_create(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.AttemptForm(request.POST)
    if form.is_valid():
        try:
            actions.add_attempt(
                user=request.user,
                record=record,
                attempt=actions.AttemptInput(**form.cleaned_data),
            )
        except (actions.OutreachRefused, TransitionRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "接触の記録を追加しました。")
            return redirect("outreach:detail", pk=record.pk)
    return _refused_page(request, record, attempt_form=form)


@login_required
@require_POST
def record_move(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        error = "日付: 正しい日付を入力してください。"
    else:
        try:
            actions.move(
                user=request.user,
                record=record,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except TransitionRefused as refused:
            error = str(refused)
        else:
            messages.success(request, "段階を変更しました。")
            return redirect("outreach:detail", pk=record.pk)
    return _refused_page(request, record, refusal=error)


# --- identity (名寄せ) and hand-off ---------------------------------------------------------


def _candidates(request, record, data) -> CandidateRows:
    return candidate_rows(
        request.user,
        data,
        municipality_id=record.municipality_id,
        purpose="アウトリーチ記録の本人特定(名寄せ)",
    )


@login_required
def identity(request, pk):
    """When a name becomes known: look for 名寄せ candidates, link one or register anew."""
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.IdentityForm(request.POST or None)
    candidates: CandidateRows | None = None
    if request.method == "POST" and form.is_valid():
        if "register" in request.POST:
            try:
                actions.register_and_link(user=request.user, record=record, data=form.cleaned_data)
            except actions.OutreachRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "本人を登録し、この記録と紐づけました。")
                return redirect("outreach:detail", pk=record.pk)
        candidates = _candidates(request, record, form.cleaned_data)
    audit.log(request.user, "view", record, person=record.person_id, purpose="本人の特定")
    return render(
        request,
        "outreach/identity.html",
        {"r": record, "form": form, "candidates": candidates},
    )


@login_required
@require_POST
def link(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "紐づける本人を候補から選んでください。")
        return redirect("outreach:identity", pk=record.pk)
    person = policy.get_person_or_404(request.user, form.cleaned_data["person_id"])
    try:
        actions.link_person(user=request.user, record=record, person=person)
    except actions.OutreachRefused as refused:
        messages.error(request, str(refused))
        return redirect("outreach:identity", pk=record.pk)
    messages.success(request, f"{person.full_name}さんの記録と紐づけました。")
    return redirect("outreach:detail", pk=record.pk)


@login_required
@require_POST
def hand_off(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.HandOffForm(request.POST, record=record)
    if form.is_valid():
        try:
            record = actions.hand_off(
                user=request.user,
                record=record,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except (actions.OutreachRefused, TransitionRefused) as refused:
            form.add_error(None, str(refused))
        else:
            if record.consultation_id is None:
                messages.success(
                    request, "依頼元の事例へ戻しました。事例で本人同意を記録してください。"
                )
                return redirect("outreach:detail", pk=record.pk)
            messages.success(
                request, "引き継ぎました。相談受付にアウトリーチの経過を記載しています。"
            )
            return redirect("intake:consultation_detail", pk=record.consultation_id)
    return _refused_page(request, record, handoff_form=form)


@login_required
@require_POST
def agenda(request, pk):
    record = policy.get_outreach_record_or_404(request.user, pk)
    if policy.is_read_only(request.user):
        raise PermissionDenied("監査の役割では変更できません。")
    form = forms.AgendaForm(request.POST, user=request.user, record=record)
    if not form.is_valid():
        messages.error(request, "支援会議: 議題にする会議を選んでください。")
        return redirect("outreach:detail", pk=record.pk)
    try:
        actions.put_on_agenda(
            user=request.user,
            record=record,
            session=form.cleaned_data["session"],
            note=form.cleaned_data["note"],
        )
    except actions.OutreachRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "支援会議の議題にしました。")
    return redirect("outreach:detail", pk=record.pk)


@login_required
@require_POST
def from_case(request, case_pk):
    """A case in 見守り・アウトリーチ asks a 4号 agency for outreach (from the case page)."""
    case = policy.get_case_or_404(request.user, case_pk)
    form = forms.FromCaseForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, "アウトリーチを依頼する機関を選んでください。")
        return redirect("coordination:case", pk=case.pk)
    try:
        record = actions.assign_from_case(
            user=request.user,
            case=case,
            agency=form.cleaned_data["agency"],
            note=form.cleaned_data["note"],
        )
    except actions.OutreachRefused as refused:
        messages.error(request, str(refused))
        return redirect("coordination:case", pk=case.pk)
    messages.success(request, f"{record.agency.name}にアウトリーチを依頼しました。")
    return redirect("outreach:detail", pk=record.pk)


# --- figures ------------------------------------------------------------------------------


@login_required
def figures_page(request):
    """The year's figures of the records the user may see (their agency, or all for the
    coordinating agency), per 年度 (April–March)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or fiscal_year(today))
    except ValueError:
        year = fiscal_year(today)
    year = min(max(year, 2000), fiscal_year(today))
    records = policy.visible_outreach_records(request.user)
    counted = figures(records, fiscal_year=year)
    audit.log(request.user, "view", "outreach.figures", fiscal_year=year)
    return render(
        request,
        "outreach/figures.html",
        {
            "f": counted,
            "year": year,
            "years": range(fiscal_year(today), fiscal_year(today) - 5, -1),
        },
    )
