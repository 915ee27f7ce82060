"""社会資源台帳 pages. Every view asks access/policy first; writes go through actions.

The register holds no personal data, so reading it is not audit-logged; every write is
(actions, transitions). The public directory needs no login and shows only 公開 records
through ``public_fields`` — never internal memos, 担当者 or non-public coordinators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import policy
from tsunagu.lib.lifecycle import TransitionRefused
from tsunagu.lib.pdf import render_pdf
from tsunagu.lib.wareki import fiscal_year
from tsunagu.meetings.models import ResourceGap
from tsunagu.municipality.models import Area, Municipality

from . import actions, exports, hsds, hsds_import
from .figures import year_figures
from .forms import (
    ActivityForm,
    CoordinatorFormSet,
    GapEditForm,
    GapForm,
    GapMoveForm,
    ImportForm,
    OrganizationForm,
    ResourceForm,
    ScheduleFormSet,
    SearchForm,
    rows,
)
from .models import Coordinator, Resource
from .search import Criteria, area_ids_serving, search
from .transitions import GAP, gap_decisions, gap_sides, move_gap

PAGE_SIZE = 50


def _municipality(user) -> Municipality:
    ids = policy.register_municipality_ids(user)
    if not ids:
        raise Http404("社会資源台帳を閲覧する権限がありません。")
    return Municipality.objects.get(pk=min(ids))


def _for_list(resources):
    return resources.select_related("operator", "area").prefetch_related("schedules")


@login_required
def index(request):
    municipality = _municipality(request.user)
    form = SearchForm(request.GET or None, municipality=municipality)
    found = search(policy.visible_resources(request.user), form.criteria())
    page = Paginator(_for_list(found).order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "keep": _keep(request),
        "can_edit": policy.can_edit_register(request.user, municipality.pk),
        "municipality": municipality,
    }
    if request.htmx:
        return render(request, "resources/index.html#results", context)
    return render(request, "resources/index.html", context)


def _keep_input(form, error: actions.Stale) -> Any:
    """Show the conflict, keep what the editor typed, and base the next save on the
    version the other editor saved (the conflict screen)."""
    form.add_error(None, str(error))
    form.data = form.data.copy()
    form.data["version"] = error.current.version  # type: ignore[attr-defined]
    return error.current


def _keep(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def resource_detail(request, pk: int):
    resource = policy.get_resource_or_404(request.user, pk)
    context = {
        "r": resource,
        "can_edit": policy.can_edit_register(request.user, resource.municipality_id),
        "records": resource.activity_records.all()[:24],
        "activity_form": ActivityForm(),
        "gaps": resource.filled_gaps.all(),
    }
    return render(request, "resources/detail.html", context)


def _schedule_initial(resource: Resource | None) -> list[dict]:
    if resource is None:
        return []
    return [
        {"weekday": s.weekday, "weeks": s.weeks, "opens_at": s.opens_at, "closes_at": s.closes_at}
        for s in resource.schedules.all()
    ]


def _coordinator_initial(resource: Resource | None) -> list[dict]:
    if resource is None:
        return []
    return [
        {"name": c.name, "role": c.role, "is_public": c.is_public}
        for c in resource.coordinators.all()
    ]


def _resource_form(request, municipality, resource: Resource | None):
    post = request.POST or None
    initial = {"version": resource.version} if resource else {}
    form = ResourceForm(post, instance=resource, initial=initial, municipality=municipality)
    schedules = ScheduleFormSet(post, initial=_schedule_initial(resource), prefix="s")
    coordinators = CoordinatorFormSet(post, initial=_coordinator_initial(resource), prefix="c")
    return form, schedules, coordinators


@login_required
def resource_new(request):
    municipality = _municipality(request.user)
    actions.require_edit(request.user, municipality.pk)
    form, schedules, coordinators = _resource_form(request, municipality, None)
    if (
        request.method == "POST"
        and form.is_valid()
        and schedules.is_valid()
        and coordinators.is_valid()
    ):
        resource = actions.create_resource(
            user=request.user,
            municipality=municipality,
            data=form.values(),
            schedules=rows(schedules),
            coordinators=rows(coordinators),
        )
        messages.success(request, f"「{resource.name}」を登録しました。")
        return redirect("resources:detail", pk=resource.pk)
    context = {"form": form, "schedules": schedules, "coordinators": coordinators}
    return render(request, "resources/form.html", context)


@login_required
def resource_edit(request, pk: int):
    resource = policy.get_resource_or_404(request.user, pk)
    actions.require_edit(request.user, resource.municipality_id)
    form, schedules, coordinators = _resource_form(request, resource.municipality, resource)
    stale = None
    if (
        request.method == "POST"
        and form.is_valid()
        and schedules.is_valid()
        and coordinators.is_valid()
    ):
        try:
            actions.update_resource(
                user=request.user,
                resource=resource,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.values(),
                schedules=rows(schedules),
                coordinators=rows(coordinators),
            )
        except actions.Stale as error:
            stale = _keep_input(form, error)
        else:
            messages.success(request, f"「{resource.name}」を保存しました。")
            return redirect("resources:detail", pk=resource.pk)
    context = {
        "form": form,
        "schedules": schedules,
        "coordinators": coordinators,
        "r": resource,
        "stale": stale,
    }
    return render(request, "resources/form.html", context)


@login_required
@require_POST
def activity_add(request, pk: int):
    resource = policy.get_resource_or_404(request.user, pk)
    actions.require_edit(request.user, resource.municipality_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        actions.record_activity(user=request.user, resource=resource, data=form.cleaned_data)
        messages.success(request, "開催記録を登録しました。")
        return redirect("resources:detail", pk=resource.pk)
    context = {
        "r": resource,
        "can_edit": True,
        "records": resource.activity_records.all()[:24],
        "activity_form": form,
        "gaps": resource.filled_gaps.all(),
    }
    return render(request, "resources/detail.html", context, status=400)


@login_required
def organizations(request):
    municipality = _municipality(request.user)
    found = policy.visible_organizations(request.user).select_related("area")
    page = Paginator(found.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = policy.can_edit_register(request.user, municipality.pk)
    return render(request, "resources/organizations.html", {"page": page, "can_edit": can_edit})


@login_required
def organization_edit(request, pk: int | None = None):
    municipality = _municipality(request.user)
    organization = policy.get_organization_or_404(request.user, pk) if pk else None
    actions.require_edit(
        request.user, organization.municipality_id if organization else municipality.pk
    )
    initial = {"version": organization.version} if organization else {}
    form = OrganizationForm(
        request.POST or None, instance=organization, initial=initial, municipality=municipality
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            if organization:
                actions.update_organization(
                    user=request.user,
                    organization=organization,
                    expected_version=form.cleaned_data["version"] or 0,
                    data=form.values(),
                )
            else:
                organization = actions.create_organization(
                    user=request.user, municipality=municipality, data=form.values()
                )
        except actions.Stale as error:
            stale = _keep_input(form, error)
        else:
            messages.success(request, f"「{organization.name}」を保存しました。")
            return redirect("resources:organizations")
    context = {"form": form, "org": organization, "stale": stale}
    return render(request, "resources/organization_form.html", context)


# --- 不足資源 (資源開発) ------------------------------------------------------------------


@login_required
def gaps(request):
    municipality = _municipality(request.user)
    found = policy.visible_gaps(request.user).select_related("area").order_by("-created_at", "-pk")
    area = _area_param(request, municipality)
    if area is not None:
        found = found.filter(area_id__in=area_ids_serving(area))
    status = request.GET.get("status", "")
    if status in ResourceGap.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "areas": Area.objects.filter(municipality=municipality),
        "area": area,
        "status": status,
        "statuses": ResourceGap.Status.choices,
        "keep": _keep(request),
    }
    return render(request, "resources/gaps.html", context)


def _area_param(request, municipality) -> Area | None:
    value = request.GET.get("area", "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return Area.objects.filter(municipality=municipality, pk=int(value)).first()


def _gap_source(request) -> tuple[object | None, str]:
    """The case a gap is raised from (``?case=``), checked against the policy."""
    value = request.GET.get("case") or request.POST.get("case") or ""
    if not value:
        return None, ResourceGap.Source.STAFF
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404("指定された事例は見つかりません。")
    case = policy.get_case_or_404(request.user, int(value))
    return case, ResourceGap.Source.CASE


@login_required
def gap_new(request):
    municipality = _municipality(request.user)
    if not policy.can_raise_gap(request.user, municipality.pk):
        raise PermissionDenied("不足資源を登録する権限がありません。")
    source, source_kind = _gap_source(request)
    form = GapForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        gap = actions.raise_gap(
            user=request.user,
            municipality=municipality,
            source=source,
            source_kind=source_kind,
            **form.cleaned_data,
        )
        messages.success(request, f"不足資源「{gap.title}」を登録しました(把握)。")
        return redirect("resources:gap", pk=gap.pk)
    return render(request, "resources/gap_form.html", {"form": form, "source": source})


def _gap_context(request, gap, move_form=None, edit_form=None, stale=None) -> dict:
    source = actions.gap_source(gap)
    sides = gap_sides(request.user, gap)
    resources = (
        policy.visible_resources(request.user)
        .filter(municipality=gap.municipality)
        .order_by("name")
    )
    return {
        "gap": gap,
        "source": source,
        "show_source": source is not None and policy.can_view_gap_source(request.user, gap, source),
        "moves": GAP.open_moves(gap.status, sides),
        "events": gap.events.select_related("actor", "decision__session__body"),
        "decisions": gap.decisions.select_related("session__body"),
        "move_form": move_form
        or GapMoveForm(
            decisions=gap_decisions(gap).select_related("session__body"), resources=resources
        ),
        "edit_form": edit_form
        or (
            GapEditForm(
                instance=gap, initial={"version": gap.version}, municipality=gap.municipality
            )
            if sides
            else None
        ),
        "stale": stale,
    }


@login_required
def gap_detail(request, pk: int):
    gap = policy.get_gap_or_404(request.user, pk)
    return render(request, "resources/gap_detail.html", _gap_context(request, gap))


@login_required
@require_POST
def gap_move(request, pk: int):
    gap = policy.get_gap_or_404(request.user, pk)
    if not gap_sides(request.user, gap):
        raise PermissionDenied("不足資源の段階を変更する権限がありません。")
    resources = policy.visible_resources(request.user).filter(municipality=gap.municipality)
    form = GapMoveForm(request.POST, decisions=gap_decisions(gap), resources=resources)
    if form.is_valid():
        try:
            move_gap(user=request.user, gap=gap, **form.cleaned_data)
        except TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"不足資源を「{GAP.label(form.cleaned_data['to'])}」にしました。"
            )
            return redirect("resources:gap", pk=gap.pk)
    return render(
        request, "resources/gap_detail.html", _gap_context(request, gap, move_form=form), status=400
    )


@login_required
@require_POST
def gap_edit(request, pk: int):
    gap = policy.get_gap_or_404(request.user, pk)
    actions.require_edit(request.user, gap.municipality_id)
    form = GapEditForm(request.POST, instance=gap, municipality=gap.municipality)
    stale = None
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "description", "kind", "area")}
        try:
            actions.update_gap(
                user=request.user,
                gap=gap,
                expected_version=form.cleaned_data["version"] or 0,
                data=data,
            )
        except actions.Stale as error:
            stale = _keep_input(form, error)
        else:
            messages.success(request, "不足資源を保存しました。")
            return redirect("resources:gap", pk=gap.pk)
    gap.refresh_from_db()
    return render(
        request,
        "resources/gap_detail.html",
        _gap_context(request, gap, edit_form=form, stale=stale),
        status=400,
    )


# --- exports, import, figures ------------------------------------------------------------


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def export_hsds_json(request):
    municipality = _municipality(request.user)
    data = hsds.to_json(hsds.export_tables(municipality))
    return _download(data, "application/json", f"hsds-{municipality.slug}.json")


@login_required
def export_hsds_csv(request):
    municipality = _municipality(request.user)
    data = hsds.to_csv_zip(hsds.export_tables(municipality), exports.safe_cell)
    return _download(data, "application/zip", f"hsds-{municipality.slug}-csv.zip")


@login_required
def export_xlsx(request):
    municipality = _municipality(request.user)
    form = SearchForm(request.GET or None, municipality=municipality)
    found = _for_list(search(policy.visible_resources(request.user), form.criteria()))
    data = exports.to_xlsx(found.order_by("area__name", "name", "pk"))
    return _download(data, exports.XLSX_TYPE, f"shakai-shigen-{municipality.slug}.xlsx")


@login_required
def booklet_pdf(request):
    """地域資源マップ: the public resources of an area, by area, for residents."""
    municipality = _municipality(request.user)
    area = _area_param(request, municipality)
    found = search(Resource.objects.public().filter(municipality=municipality), Criteria(area=area))
    context = booklet_context(municipality, area, found)
    pdf = render_pdf("resources/pdf/booklet.html", context)
    return _download(pdf, "application/pdf", f"chiiki-shigen-map-{municipality.slug}.pdf")


def booklet_context(municipality, area, resources) -> dict:
    resources = resources.select_related("area", "operator").prefetch_related(
        "schedules",
        Prefetch(
            "coordinators",
            queryset=Coordinator.objects.filter(is_public=True),
            to_attr="public_coordinators",
        ),
    )
    sections: dict[str, list[Resource]] = {}
    for r in resources.order_by("area__order", "area__name", "kind", "name"):
        sections.setdefault(r.area.name if r.area_id else "市町村全域・圏域なし", []).append(r)
    return {
        "municipality": municipality,
        "area": area,
        "sections": sections.items(),
        "today": timezone.localdate(),
        "count": sum(len(v) for v in sections.values()),
    }


@login_required
def import_view(request):
    municipality = _municipality(request.user)
    actions.require_edit(request.user, municipality.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            form.add_error("file", "ファイル: 50MB以下のファイルを選んでください。")
        else:
            report = hsds_import.import_document(
                user=request.user,
                municipality=municipality,
                data=upload.read(),
                apply=form.cleaned_data["apply"],
            )
    return render(request, "resources/import.html", {"form": form, "report": report})


@login_required
def figures(request):
    municipality = _municipality(request.user)
    year = request.GET.get("year", "")
    this_year = fiscal_year(timezone.localdate())
    shown = (
        int(year) if year.isascii() and year.isdigit() and 1989 <= int(year) <= 2100 else this_year
    )
    context = {
        "f": year_figures(municipality, shown),
        "years": range(this_year, this_year - 5, -1),
    }
    return render(request, "resources/figures.html", context)


# --- public directory (no login) ---------------------------------------------------------


def public_home(request):
    places = Municipality.objects.filter(resources__is_public=True).distinct().order_by("name")
    return render(request, "resources/public/home.html", {"places": places})


def public_index(request, slug: str):
    municipality = get_object_or_404(Municipality, slug=slug)
    form = SearchForm(request.GET or None, municipality=municipality)
    found = search(Resource.objects.public().filter(municipality=municipality), form.criteria())
    page = Paginator(_for_list(found).order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"municipality": municipality, "form": form, "page": page, "keep": _keep(request)}
    return render(request, "resources/public/index.html", context)


def public_detail(request, slug: str, hsds_id):
    municipality = get_object_or_404(Municipality, slug=slug)
    resource = get_object_or_404(
        Resource.objects.public().select_related("operator", "area").prefetch_related("schedules"),
        municipality=municipality,
        hsds_id=hsds_id,
    )
    context = {
        "municipality": municipality,
        "r": resource,
        "operator": resource.operator
        if resource.operator_id and resource.operator.is_public
        else None,
        "coordinators": resource.coordinators.filter(is_public=True),
    }
    return render(request, "resources/public/detail.html", context)
