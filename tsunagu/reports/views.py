"""年度実績と評価: the report page, its downloads and the targets page (統計・管理者・監査)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.lib.wareki import fiscal_year
from tsunagu.municipality.selectors import current_municipality
from tsunagu.reports import exports, present
from tsunagu.reports.charts import bar_chart
from tsunagu.reports.indicators import build_report
from tsunagu.reports.targets import TargetForm, save_targets


class YearForm(forms.Form):
    fy = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    publish = forms.BooleanField(required=False)
    encoding = forms.ChoiceField(choices=[("utf-8", "UTF-8"), ("cp932", "CP932")], required=False)


def _request_year(request) -> tuple[int, bool, str]:
    """年度, 公表用 or not, CSV encoding from the query; 404 for anything out of range."""
    form = YearForm(request.GET)
    if not form.is_valid():
        raise Http404("年度の指定が正しくありません(2000〜2100)。")
    data = form.cleaned_data
    fy = data["fy"] or fiscal_year(timezone.localdate())
    return fy, bool(data["publish"]), data["encoding"] or "utf-8"


def _reader(request):
    if not policy.can_read_reports(request.user):
        raise Http404
    municipality = current_municipality()
    if municipality is None:
        raise Http404
    return municipality


@login_required
def report(request):
    municipality = _reader(request)
    fy, publish, _ = _request_year(request)
    built = build_report(municipality, fy)
    lines = present.lines(built, publish=publish)
    threshold = present.min_cell(municipality)
    audit.log(request.user, "view", "reports.report", fiscal_year=fy, publish=publish)
    sections = [
        {
            "section": section,
            "lines": lines[section.code],
            "details": [
                {
                    "figure": figure,
                    "dimension": dim,
                    "rows": present.rows_as_printed(
                        rows, figure.unit, publish=publish, threshold=threshold
                    ),
                    # A hidden count draws no bar: its length would tell the number.
                    "chart": bar_chart(
                        f"{figure.label}({dim}別)",
                        [
                            (
                                r.label,
                                None
                                if present.hidden(
                                    r.value, figure.unit, publish=publish, threshold=threshold
                                )
                                else r.value,
                                text,
                            )
                            for r, text in present.rows_as_printed(
                                rows, figure.unit, publish=publish, threshold=threshold
                            )
                        ],
                    ),
                }
                for figure in section.figures
                for dim, rows in figure.breakdowns.items()
            ],
        }
        for section in built.sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            "report": built,
            "sections": sections,
            "publish": publish,
            "threshold": threshold,
            "year_label": present.year_label(fy),
            "years": present.plan_years(municipality, fy),
            "months": [
                "4月",
                "5月",
                "6月",
                "7月",
                "8月",
                "9月",
                "10月",
                "11月",
                "12月",
                "1月",
                "2月",
                "3月",
            ],
            "can_edit": policy.can_edit_targets(request.user),
            "unconvertible": exports.unconvertible(built),
        },
    )


def _download(request, content: bytes, filename: str, content_type: str, fy: int, fmt: str):
    audit.log(request.user, "export", "reports.report", fiscal_year=fy, format=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def export_xlsx(request):
    municipality = _reader(request)
    fy, publish, _ = _request_year(request)
    built = build_report(municipality, fy)
    data = exports.to_xlsx(built, present.lines(built, publish=publish), publish=publish)
    return _download(request, data, f"nendo_jisseki_{fy}.xlsx", exports.XLSX_TYPE, fy, "xlsx")


@login_required
def export_csv(request):
    municipality = _reader(request)
    fy, publish, encoding = _request_year(request)
    built = build_report(municipality, fy)
    data = exports.to_csv(
        built, present.lines(built, publish=publish), publish=publish, encoding=encoding
    )
    content_type = f"text/csv; charset={'shift_jis' if encoding == 'cp932' else 'utf-8'}"
    return _download(request, data, f"nendo_jisseki_{fy}_{encoding}.csv", content_type, fy, "csv")


@login_required
def export_pdf(request):
    municipality = _reader(request)
    fy, _, _ = _request_year(request)
    built = build_report(municipality, fy)
    data = exports.to_pdf(built, present.lines(built, publish=True), request=request)
    return _download(request, data, f"nendo_jisseki_{fy}.pdf", "application/pdf", fy, "pdf")


@login_required
def targets(request):
    municipality = _reader(request)
    if not policy.can_edit_targets(request.user):
        raise PermissionDenied("目標値を変更する権限がありません。")
    fy, _, _ = _request_year(request)
    built = build_report(municipality, fy, detail=False)
    form = TargetForm(request.POST or None, report=built)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_targets(user=request.user, report=built, data=form.cleaned_data)
        if conflict is None:
            messages.success(request, f"{present.year_label(fy)}の目標値を保存しました。")
            return redirect(f"{request.path}?fy={fy}")
        form = TargetForm(report=built)  # the values saved by the other person
    return render(
        request,
        "reports/targets.html",
        {"form": form, "report": built, "year_label": present.year_label(fy), "conflict": conflict},
    )
