"""Pages of 参加支援. Policy check first (tsunagu/access/policy/participation.py); every read
of a person's data is audited."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.access.policy import participation as access
from tsunagu.lib.lifecycle import TransitionRefused
from tsunagu.lib.wareki import fiscal_year

from . import actions, figures, forms, search, transitions
from .actions import ParticipationError, Stale
from .matching import bands_words, days_words
from .models import NEEDS_FIELDS, FollowUp, Offer, OfferKind, Placement, Stage

PAGE_SIZE = 50
INBOX_ROWS = 20


def _stale_rows(form, current, fields) -> list[tuple[str, str, str]]:
    """(label, saved value, this editor's value) for the fields that differ."""
    rows = []
    for name in fields:
        if name not in form.fields:
            continue
        saved = getattr(current, name, "")
        mine = form.cleaned_data.get(name, "")
        if str(saved) != str(mine):
            rows.append((form.fields[name].label, _shown(saved), _shown(mine)))
    return rows


def _shown(value) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return "" if value is None else str(value)


def _keep_new_version(form, version_field: str, version: int) -> None:
    form.data = form.data.copy()
    form.data[version_field] = version


# --- records ------------------------------------------------------------------------------


@login_required
def record_list(request):
    staff = access.staff_agency_ids(request.user)
    rows = policy.visible_participations(request.user)
    if not staff and not rows.exists():
        raise Http404("参加支援の記録を閲覧する権限がありません。")
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    else:
        stage = ""
        rows = rows.open()
    rows = rows.select_related("person", "agency", "coordinator", "area").order_by(
        "-opened_on", "-pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log(
        request.user,
        "list",
        "participation.participationrecord",
        person_ids=[r.person_id for r in page.object_list],
    )
    return render(
        request,
        "participation/record_list.html",
        {
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "keep": f"stage={stage}" if stage else "",
        },
    )


def _open_page(request, *, source, agencies, create, back):
    form = forms.OpenForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            record = create(form.cleaned_data["agency"])
        except ParticipationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "参加支援の記録を作成しました。")
            if access.can_view_participation(request.user, record):
                return redirect("participation:detail", pk=record.pk)
            return redirect(back)
    return render(
        request, "participation/open.html", {"form": form, "source": source, "back": back}
    )


@login_required
def open_from_plan(request, plan_pk):
    plan = policy.get_plan_or_404(request.user, plan_pk)
    case = plan.case
    if policy.is_read_only(request.user):
        raise PermissionDenied("監査の役割では依頼できません。")
    audit.log(request.user, "view", plan, person=case.focus_person_id, purpose="参加支援の依頼")
    return _open_page(
        request,
        source=f"{case.title}の{plan}(希望する参加の場: {plan.participation_wish or '未記入'})",
        agencies=access.responsible_agencies(case.municipality),
        create=lambda agency: actions.open_from_plan(plan=plan, agency=agency, by=request.user),
        back=reverse("coordination:plan", args=[plan.pk]),
    )


@login_required
def open_from_outreach(request, pk):
    outreach = policy.get_outreach_record_or_404(request.user, pk)
    if not policy.can_change_outreach_record(request.user, outreach):
        raise PermissionDenied("このアウトリーチ記録から依頼する権限がありません。")
    audit.log(request.user, "view", outreach, person=outreach.person_id, purpose="参加支援の依頼")
    return _open_page(
        request,
        source=f"アウトリーチ記録 {outreach.pk}({outreach.known_as})",
        agencies=access.responsible_agencies(outreach.municipality),
        create=lambda agency: actions.open_from_outreach(
            outreach=outreach, agency=agency, by=request.user
        ),
        back=reverse("outreach:detail", args=[outreach.pk]),
    )


@login_required
def open_from_consultation(request, pk):
    consultation = policy.get_consultation_or_404(request.user, pk)
    if not policy.can_change_consultation(request.user, consultation):
        raise PermissionDenied("監査の役割では依頼できません。")
    audit.log(
        request.user, "view", consultation, person=consultation.person_id, purpose="参加支援の依頼"
    )
    return _open_page(
        request,
        source=f"相談受付 {consultation.person.full_name}さん",
        agencies=access.responsible_agencies(consultation.municipality),
        create=lambda agency: actions.open_from_consultation(
            consultation=consultation, agency=agency, by=request.user
        ),
        back=reverse("intake:consultation_detail", args=[consultation.pk]),
    )


@login_required
def detail(request, pk):
    record = policy.get_participation_or_404(request.user, pk)
    can_change = policy.can_change_participation(request.user, record)
    placements = record.placements.select_related("offer__organization").order_by("-pk")
    moves = transitions.moves_for(request.user, record)
    audit.log(request.user, "view", record, person=record.person_id, purpose="参加支援")
    return render(
        request,
        "participation/detail.html",
        {
            "r": record,
            "can_change": can_change,
            "current": record.current_placement(),
            "placements": placements,
            "events": record.events.select_related("by", "offer__organization"),
            "followups": record.followups.select_related("by", "organization"),
            "moves": [(to, Stage(to).label, m) for to, m in moves if "offer" not in m.guards],
            "kind_labels": [OfferKind(k).label for k in record.kinds if k in OfferKind.values],
            "needs_days": days_words(record.days) or "曜日の指定なし",
            "needs_bands": bands_words(record.bands) or "時間帯の指定なし",
            "proposes": any("offer" in m.guards for _, m in moves),
            "age": search.age_on(record.person.birth_date, timezone.localdate()),
            "today": timezone.localdate(),
            "schedule_form": forms.ScheduleForm(),
            "categories": forms.MoveForm().fields["category"].choices,
        },
    )


@login_required
def edit_needs(request, pk):
    record = policy.get_participation_or_404(request.user, pk)
    actions.require_change(request.user, record)
    initial = {f: getattr(record, f) for f in NEEDS_FIELDS}
    initial.update(version=record.version, area=record.area_id, coordinator=record.coordinator_id)
    form = forms.NeedsForm(request.POST or None, initial=initial, record=record)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_needs(
                record=record,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except Stale as error:
            stale = _stale_rows(form, error.current, NEEDS_FIELDS)
            form.add_error(None, str(error))
            _keep_new_version(form, "version", error.current.version)
        else:
            messages.success(request, "ニーズ・希望を保存しました。")
            return redirect("participation:detail", pk=record.pk)
    audit.log(request.user, "view", record, person=record.person_id, purpose="ニーズ・希望の編集")
    return render(
        request, "participation/needs_form.html", {"r": record, "form": form, "stale": stale}
    )


@login_required
def match(request, pk):
    record = policy.get_participation_or_404(request.user, pk)
    actions.require_change(request.user, record)
    filters = forms.MatchFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    matches = search.match_offers(
        record,
        today=timezone.localdate(),
        nearby_only=not data.get("everywhere"),
        kind=data.get("kind", ""),
        show_blocked=bool(data.get("show_blocked")),
    )
    moves = dict(transitions.moves_for(request.user, record))
    propose_to = next((to for to, m in moves.items() if "offer" in m.guards), None)
    audit.log(request.user, "view", record, person=record.person_id, purpose="マッチング")
    template = "participation/match.html" + ("#results" if request.htmx else "")
    return render(
        request,
        template,
        {
            "r": record,
            "matches": matches,
            "filters": filters,
            "propose_to": propose_to,
            "needs_reason": bool(propose_to and moves[propose_to].needs_reason),
            "current": record.current_placement(),
        },
    )


@login_required
@require_POST
def move(request, pk):
    record = policy.get_participation_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or '入力'}: {' '.join(errors)}")
        return redirect("participation:detail", pk=record.pk)
    data = form.cleaned_data
    offer = None
    if data["offer"]:
        offer = Offer.objects.filter(
            pk=data["offer"], municipality_id=record.municipality_id
        ).first()
    try:
        transitions.move(
            record=record,
            to=data["to"],
            by=request.user,
            reason=data["reason"],
            on=data["on"],
            offer=offer,
            category=data["category"],
        )
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        if data["offer"]:
            return redirect("participation:match", pk=record.pk)
    else:
        messages.success(request, f"「{transitions.LIFECYCLE.label(data['to'])}」を記録しました。")
    return redirect("participation:detail", pk=record.pk)


@login_required
@require_POST
def schedule_person_followup(request, pk):
    record = policy.get_participation_or_404(request.user, pk)
    actions.require_change(request.user, record)
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        actions.schedule_followup(by=request.user, record=record, **form.cleaned_data)
        messages.success(request, "フォローアップの予定を登録しました。")
    else:
        messages.error(request, "フォローアップ: 予定日を正しく入力してください。")
    return redirect("participation:detail", pk=record.pk)


@login_required
def followup(request, pk):
    item = access.get_followup_or_404(request.user, pk)
    form = forms.FollowUpForm(
        request.POST or None,
        initial={
            "version": item.version,
            "done_on": item.done_on or timezone.localdate(),
            "went_well": item.went_well,
            "concerns": item.concerns,
            "adjustments": item.adjustments,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_followup(
                followup=item,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except Stale as error:
            stale = _stale_rows(form, error.current, actions.FOLLOWUP_FIELDS)
            form.add_error(None, str(error))
            _keep_new_version(form, "version", error.current.version)
        except ParticipationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "フォローアップを記録しました。")
            if item.record_id:
                return redirect("participation:detail", pk=item.record_id)
            return redirect("participation:host_history", pk=item.organization_id)
    audit.log(request.user, "view", item, person=item.person_id, purpose="フォローアップ")
    return render(
        request, "participation/followup_form.html", {"f": item, "form": form, "stale": stale}
    )


@login_required
def inbox(request):
    """The coordinator's follow-ups due this week or overdue (a block of the intake inbox)."""
    staff = access.staff_agency_ids(request.user)
    if not staff:
        raise Http404("参加支援の担当機関に所属していません。")
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    due = (
        access.visible_followups(request.user)
        .due(week_end)
        .select_related("record__person", "organization")
        .order_by("due_on", "pk")
    )
    rows = list(due[: INBOX_ROWS + 1])
    audit.log(
        request.user,
        "list",
        "participation.followup",
        person_ids=[f.record.person_id for f in rows if f.record_id],
    )
    template = "participation/inbox.html" + ("#inbox" if request.htmx else "")
    return render(
        request,
        template,
        {"rows": rows[:INBOX_ROWS], "more": len(rows) > INBOX_ROWS, "today": today},
    )


# --- offers and hosts -------------------------------------------------------------------


def _municipalities_or_404(user) -> set[int]:
    ids = access.municipality_ids(user)
    if not ids:
        raise Http404("所属機関がありません。")
    return ids


@login_required
def offer_directory(request):
    municipalities = _municipalities_or_404(request.user)
    form = forms.DirectoryForm(request.GET or None, municipality_ids=municipalities)
    data = form.cleaned_data if form.is_valid() else {}
    filters = search.DirectoryFilter(
        area=data.get("area"),
        kind=data.get("kind", ""),
        days=data.get("days", 0),
        bands=data.get("bands", 0),
        conditions=tuple(data.get("conditions", ())),
        text=data.get("q", ""),
    )
    offers = search.directory(municipalities, filters)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = search.record_counts([o.pk for o in page.object_list])
    for offer in page.object_list:
        offer.record_count = counts.get(offer.pk, 0)
    keep = request.GET.copy()
    keep.pop("page", None)
    template = "participation/offers.html" + ("#results" if request.htmx else "")
    return render(request, template, {"form": form, "page": page, "keep": keep.urlencode()})


@login_required
def host_list(request):
    municipalities = _municipalities_or_404(request.user)
    hosts = access.visible_hosts(request.user).select_related("area", "host_profile__agency")
    page = Paginator(hosts.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = any(access.can_manage_hosts(request.user, m) for m in municipalities)
    return render(request, "participation/host_list.html", {"page": page, "can_manage": can_manage})


@login_required
def host_new(request):
    agencies = access.responsible_agencies_of(request.user)
    if not agencies or policy.is_read_only(request.user):
        raise PermissionDenied("受入先を登録できるのは参加支援の担当機関の職員のみです。")
    municipality_id = agencies[0].municipality_id
    form = forms.HostForm(
        request.POST or None,
        municipality_id=municipality_id,
        initial={"opened_on": timezone.localdate(), "accepting": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            host = actions.register_host(
                by=request.user, agency=agencies[0], data=form.cleaned_data
            )
        except ParticipationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "受入先を登録しました。続けて受入メニューを登録してください。"
            )
            return redirect("participation:host", pk=host.pk)
    return render(request, "participation/host_form.html", {"form": form, "host": None})


@login_required
def host_detail(request, pk):
    host = access.get_host_or_404(request.user, pk)
    offers = list(host.offers.select_related("area").order_by("-active", "title"))
    counts = search.record_counts([o.pk for o in offers])
    for offer in offers:
        offer.record_count = counts.get(offer.pk, 0)
    return render(
        request,
        "participation/host_detail.html",
        {
            "host": host,
            "profile": host.host_profile,
            "offers": offers,
            "can_manage": access.can_manage_hosts(request.user, host.municipality_id),
            "can_history": access.can_view_host_history(request.user, host),
        },
    )


HOST_FIELDS = actions.HOST_ORG_FIELDS + actions.HOST_PROFILE_FIELDS


@login_required
def host_edit(request, pk):
    host = access.get_host_or_404(request.user, pk)
    actions.require_hosts(request.user, host.municipality_id)
    profile = host.host_profile
    initial = {f: getattr(host, f) for f in actions.HOST_ORG_FIELDS}
    initial.update({f: getattr(profile, f) for f in actions.HOST_PROFILE_FIELDS})
    initial.update(area=host.area_id, org_version=host.version, profile_version=profile.version)
    form = forms.HostForm(
        request.POST or None, initial=initial, municipality_id=host.municipality_id
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_host(
                host=host,
                by=request.user,
                org_version=form.cleaned_data["org_version"] or 0,
                profile_version=form.cleaned_data["profile_version"] or 0,
                data=form.cleaned_data,
            )
        except Stale as error:
            current = error.current
            stale = _stale_rows(form, current, actions.HOST_ORG_FIELDS)
            stale += _stale_rows(form, current.host_profile, actions.HOST_PROFILE_FIELDS)
            form.add_error(None, str(error))
            _keep_new_version(form, "org_version", current.version)
            form.data["profile_version"] = current.host_profile.version
        else:
            messages.success(request, "受入先を保存しました。")
            return redirect("participation:host", pk=host.pk)
    return render(
        request, "participation/host_form.html", {"form": form, "host": host, "stale": stale}
    )


@login_required
def offer_new(request, pk):
    host = access.get_host_or_404(request.user, pk)
    actions.require_hosts(request.user, host.municipality_id)
    form = forms.OfferForm(
        request.POST or None,
        municipality_id=host.municipality_id,
        initial={"area": host.area_id, "capacity": 1, "active": True},
    )
    if request.method == "POST" and form.is_valid():
        actions.add_offer(host=host, by=request.user, data=form.cleaned_data)
        messages.success(request, "受入メニューを登録しました。")
        return redirect("participation:host", pk=host.pk)
    return render(request, "participation/offer_form.html", {"form": form, "host": host})


@login_required
def offer_edit(request, pk):
    offer = access.get_offer_or_404(request.user, pk)
    actions.require_hosts(request.user, offer.municipality_id)
    initial = {f: getattr(offer, f) for f in actions.OFFER_FIELDS}
    initial.update(area=offer.area_id, version=offer.version)
    form = forms.OfferForm(
        request.POST or None, initial=initial, municipality_id=offer.municipality_id
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_offer(
                offer=offer,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
            )
        except Stale as error:
            stale = _stale_rows(form, error.current, actions.OFFER_FIELDS)
            form.add_error(None, str(error))
            _keep_new_version(form, "version", error.current.version)
        else:
            messages.success(request, "受入メニューを保存しました。")
            return redirect("participation:host", pk=offer.organization_id)
    return render(
        request,
        "participation/offer_form.html",
        {"form": form, "host": offer.organization, "offer": offer, "stale": stale},
    )


@login_required
def host_history(request, pk):
    """Every placement at the host and every follow-up of the host (participation staff)."""
    host = access.get_host_or_404(request.user, pk)
    if not access.can_view_host_history(request.user, host):
        raise Http404("受入先の受入履歴を閲覧する権限がありません。")
    placements = (
        Placement.objects.filter(offer__organization=host)
        .select_related("offer", "record__person", "record__agency")
        .order_by("-proposed_on", "-pk")
    )
    followups = (
        FollowUp.objects.filter(organization=host)
        .select_related("record__person", "by")
        .order_by("-due_on", "-pk")
    )
    placements_page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    followups_page = Paginator(followups, PAGE_SIZE).get_page(request.GET.get("fpage"))
    persons = {p.record.person_id for p in placements_page.object_list}
    persons |= {f.record.person_id for f in followups_page.object_list if f.record_id}
    audit.log(request.user, "list", host, purpose="受入先の受入履歴", person_ids=sorted(persons))
    return render(
        request,
        "participation/host_history.html",
        {
            "host": host,
            "placements": placements_page,
            "followups": followups_page,
            "schedule_form": forms.ScheduleForm(),
            "can_manage": access.can_manage_hosts(request.user, host.municipality_id),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def schedule_host_followup(request, pk):
    host = access.get_host_or_404(request.user, pk)
    if not access.can_view_host_history(request.user, host):
        raise Http404("受入先の受入履歴を閲覧する権限がありません。")
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        actions.schedule_followup(by=request.user, host=host, **form.cleaned_data)
        messages.success(request, "受入先へのフォローアップの予定を登録しました。")
    else:
        messages.error(request, "フォローアップ: 予定日を正しく入力してください。")
    return redirect("participation:host_history", pk=host.pk)


# --- figures ----------------------------------------------------------------------------


@login_required
def figures_page(request):
    agencies = access.responsible_agencies_of(request.user)
    if not agencies:
        raise Http404("参加支援の実績を閲覧する権限がありません。")
    municipality_id = agencies[0].municipality_id
    form = forms.FiguresForm(request.GET or None)
    fy = form.cleaned_data["fy"] if form.is_valid() else fiscal_year(timezone.localdate())
    total = figures.figures(municipality_id=municipality_id, fiscal_year=fy)
    audit.log(request.user, "view", "participation.figures", fiscal_year=fy)
    return render(
        request,
        "participation/figures.html",
        {
            "fy": fy,
            "form": form,
            "total": total,
            "by_agency": figures.by_agency(municipality_id=municipality_id, fiscal_year=fy),
            "by_area": figures.by_area(municipality_id=municipality_id, fiscal_year=fy, depth=1),
        },
    )
