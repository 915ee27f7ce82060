"""Printouts laid out like the municipal 様式: the assessment sheet, the plan and the
支援経過記録, PDF and xlsx.

PDF: WeasyPrint from a print template, with Debian's Noto CJK fonts (fonts-noto-cjk) and
the ecomap inlined as SVG — nothing is fetched from outside. xlsx: openpyxl, one sheet in
the same order as the paper form (label column, value column, the role table as a grid).
Each download is audited as an export.
"""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from tsunagu.access import audit, policy
from tsunagu.lib.exports import safe_cell
from tsunagu.lib.pdf import render_pdf
from tsunagu.lib.wareki import format_wareki

from . import ecomap
from .models import ASSESSMENT_TEXT_FIELDS, PLAN_TEXT_FIELDS, Assessment, Part, SupportPlan

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _load(user, model, pk, part: str):
    obj = get_object_or_404(model.objects.select_related("case__focus_person"), pk=pk)
    return obj, policy.get_case_or_404(user, obj.case_id, part=part)


def _label(model, field: str) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def _display(obj, field: str) -> str:
    value = getattr(obj, field)
    display = getattr(obj, f"get_{field}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return "有" if value else "無"
    if isinstance(value, list):
        return "、".join(value)
    return "" if value is None else str(value)


# --- assessment -------------------------------------------------------------------------


def _assessment_rows(a: Assessment) -> list[tuple[str, str]]:
    fields = [*ASSESSMENT_TEXT_FIELDS[:7], "isolation", "care_situation", "care_flags"]
    fields += [*ASSESSMENT_TEXT_FIELDS[8:], "screening"]
    return [(_label(Assessment, f), _display(a, f)) for f in fields]


@login_required
def assessment_pdf(request, pk):
    a, case = _load(request.user, Assessment, pk, Part.ASSESSMENT)
    audit.log(request.user, "export", a, person=case.focus_person_id, purpose="アセスメントPDF")
    context = {
        "case": case,
        "a": a,
        "rows": _assessment_rows(a),
        "members": a.members.all(),
        "problems": a.problems.all(),
        "ecomap": ecomap.render_svg(case),
    }
    pdf = render_pdf("coordination/print/assessment.html", context)
    return _download(pdf, PDF, f"assessment-{case.pk}-v{a.version}.pdf")


@login_required
def assessment_xlsx(request, pk):
    a, case = _load(request.user, Assessment, pk, Part.ASSESSMENT)
    audit.log(request.user, "export", a, person=case.focus_person_id, purpose="アセスメントxlsx")
    sheet = _Sheet("インテーク・アセスメントシート", case)
    sheet.pairs(
        [
            ("版", f"第{a.version}版"),
            ("アセスメント日", format_wareki(a.assessed_on)),
            ("アセスメント者", str(a.assessed_by)),
        ]
    )
    sheet.heading("世帯の状況")
    sheet.grid(
        ["氏名", "続柄", "年齢", "同居", "健康", "就労・就学", "利用中のサービス"],
        [
            [
                m.name,
                m.relation,
                m.age or "",
                "同居" if m.lives_together else "別居",
                m.health,
                m.work,
                m.services,
            ]
            for m in a.members.all()
        ],
    )
    sheet.pairs(_assessment_rows(a))
    sheet.heading("課題の整理")
    sheet.grid(
        ["課題", "背景要因", "優先度"],
        [[p.issue, p.background, p.get_priority_display()] for p in a.problems.all()],
    )
    return _download(sheet.save(), XLSX, f"assessment-{case.pk}-v{a.version}.xlsx")


# --- plan -------------------------------------------------------------------------------

ROLE_HEADERS = ["課題", "支援内容", "担当機関", "担当者", "頻度", "期間(いつまで)", "状況"]


def _role_rows(plan: SupportPlan) -> list[list]:
    return [
        [
            r.issue,
            r.what,
            str(r.agency),
            r.staff,
            r.frequency,
            format_wareki(r.until),
            r.get_status_display(),
        ]
        for r in plan.assignments.select_related("agency")
    ]


def _plan_rows(plan: SupportPlan) -> list[tuple[str, str]]:
    return [(_label(SupportPlan, f), _display(plan, f)) for f in PLAN_TEXT_FIELDS]


def _approval_text(plan: SupportPlan) -> str:
    if not plan.approved_at:
        return "未確定(案)"
    basis = plan.decision_ref or plan.approval_note
    day = plan.deliberated_on or timezone.localdate(plan.approved_at)
    return f"{format_wareki(day)} {plan.get_approval_display()} {basis}".strip()


@login_required
def plan_pdf(request, pk):
    plan, case = _load(request.user, SupportPlan, pk, Part.PLAN)
    audit.log(request.user, "export", plan, person=case.focus_person_id, purpose="支援プランPDF")
    consent = case.current_consent()
    context = {
        "case": case,
        "plan": plan,
        "rows": _plan_rows(plan),
        "headers": ROLE_HEADERS,
        "roles": _role_rows(plan),
        "approval": _approval_text(plan),
        "consent": consent,
    }
    pdf = render_pdf("coordination/print/plan.html", context)
    return _download(pdf, PDF, f"plan-{case.pk}-{plan.number}.pdf")


@login_required
def plan_xlsx(request, pk):
    plan, case = _load(request.user, SupportPlan, pk, Part.PLAN)
    audit.log(request.user, "export", plan, person=case.focus_person_id, purpose="支援プランxlsx")
    sheet = _Sheet("プラン兼利用申込書", case)
    sheet.pairs(
        [
            ("回数", f"{plan.kind_label}(第{plan.number}版)"),
            ("作成日", format_wareki(plan.created_on)),
            ("作成機関・作成者", f"{case.coordinating_agency} {plan.author}"),
            ("主担当機関", str(case.lead_agency or "")),
            *_plan_rows(plan),
        ]
    )
    sheet.heading("役割分担表")
    sheet.grid(ROLE_HEADERS, _role_rows(plan))
    sheet.pairs([("重層的支援会議での協議・確定", _approval_text(plan))])
    return _download(sheet.save(), XLSX, f"plan-{case.pk}-{plan.number}.xlsx")


# --- 支援経過記録 ---------------------------------------------------------------------------


def _notes(user, pk):
    """The case and its notes, oldest first as on the paper form (支援経過 part required)."""
    case = policy.get_case_or_404(user, pk, part=Part.NOTES)
    return case, list(case.notes.select_related("recorded_by").order_by("date", "pk"))


@login_required
def notes_pdf(request, pk):
    case, notes = _notes(request.user, pk)
    audit.log(request.user, "export", case, person=case.focus_person_id, purpose="支援経過PDF")
    pdf = render_pdf("coordination/print/notes.html", {"case": case, "notes": notes})
    return _download(pdf, PDF, f"notes-{case.pk}.pdf")


@login_required
def notes_xlsx(request, pk):
    case, notes = _notes(request.user, pk)
    audit.log(request.user, "export", case, person=case.focus_person_id, purpose="支援経過xlsx")
    sheet = _Sheet("支援経過記録", case)
    sheet.heading("支援経過")
    sheet.grid(
        ["日付", "手段", "相手方", "内容", "記録者"],
        [
            [
                format_wareki(n.date),
                n.get_means_display(),
                n.counterpart,
                n.content,
                str(n.recorded_by),
            ]
            for n in notes
        ],
    )
    return _download(sheet.save(), XLSX, f"notes-{case.pk}.xlsx")


class _Sheet:
    """A one-sheet form: title, the person's basic data, then label/value rows and grids."""

    THIN = Side(style="thin", color="000000")
    BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
    WRAP = Alignment(wrap_text=True, vertical="top")
    COLUMNS = 7

    def __init__(self, title: str, case):
        self.book = Workbook()
        self.ws = self.book.active
        self.ws.title = title[:31]
        for col, width in zip("ABCDEFG", [22, 30, 22, 14, 14, 16, 12], strict=True):
            self.ws.column_dimensions[col].width = width
        self.row = 1
        self.ws.cell(1, 1, title).font = Font(size=16, bold=True)
        self.ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.COLUMNS)
        self.row = 3
        person = case.focus_person
        self.pairs(
            [
                ("事例", f"{case.title}(事例番号 {case.pk})"),
                ("本人氏名", f"{person.full_name}({person.full_kana})"),
                ("生年月日", format_wareki(person.birth_date)),
                ("多機関協働事業者", str(case.coordinating_agency)),
            ]
        )

    def _cell(self, row: int, col: int, value, label: bool = False):
        cell = self.ws.cell(row, col, safe_cell(value))
        cell.border = self.BOX
        cell.alignment = self.WRAP
        if label:
            cell.fill = self.LABEL_FILL
            cell.font = Font(bold=True)
        return cell

    def pairs(self, rows):
        for label, value in rows:
            self._cell(self.row, 1, label, label=True)
            self._cell(self.row, 2, value)
            for col in range(3, self.COLUMNS + 1):
                self._cell(self.row, col, None)
            self.ws.merge_cells(
                start_row=self.row, start_column=2, end_row=self.row, end_column=self.COLUMNS
            )
            self.row += 1

    def heading(self, text: str):
        self.row += 1
        self.ws.cell(self.row, 1, text).font = Font(size=12, bold=True)
        self.row += 1

    def grid(self, headers, rows):
        for col, header in enumerate(headers, start=1):
            self._cell(self.row, col, header, label=True)
        self.row += 1
        for values in rows:
            for col, value in enumerate(values, start=1):
                self._cell(self.row, col, value)
            self.row += 1

    def save(self) -> bytes:
        out = BytesIO()
        self.book.save(out)
        return out.getvalue()
