"""The report as files: Excel, CSV and PDF.

Excel and CSV follow the Digital Agency machine-readability rules (jp_domain_research §2.3):
one table per sheet with the header in row 1, no merged cells, long format (one value per
row), 西暦 with 和暦 beside, codes for every category, blank (not 0) where there is no figure
and a note where a small count is hidden. A second sheet lists the indicators; a third is
for people, with native Excel charts of each section's figures. CSV is UTF-8 with BOM, or
CP932 on request with the characters it cannot hold replaced by 〓 and listed on the page.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from tsunagu.lib.exports import Unconvertible, safe_cell, to_cp932
from tsunagu.lib.pdf import render_pdf
from tsunagu.lib.wareki import fiscal_year_label
from tsunagu.reports.indicators import MONTHS, Report
from tsunagu.reports.present import COUNT_UNITS, Line, hidden, min_cell, plan_years

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "年度(西暦)",
    "年度(和暦)",
    "区分コード",
    "区分",
    "指標コード",
    "指標",
    "単位",
    "内訳の種類",
    "内訳コード",
    "内訳",
    "月(西暦)",
    "値",
    "注記",
]


def _value(value, unit: str, *, publish: bool, threshold: int) -> tuple[object, str]:
    """(value cell, note cell): a hidden small count leaves the value blank with a note."""
    if value is None:
        return "", "実績なし(記録の対象外)"
    if hidden(value, unit, publish=publish, threshold=threshold):
        return "", f"{threshold}未満のため秘匿"
    return (float(value) if not isinstance(value, int) else value), ""


def long_rows(
    report: Report, *, publish: bool, lines: dict[str, list[Line]] | None = None
) -> list[list]:
    """Every value of the report, one per row (total, months, breakdowns)."""
    fy, threshold = report.fiscal_year, min_cell(report.municipality)
    wareki = fiscal_year_label(fy)
    values = {line.figure.code: line for ls in (lines or {}).values() for line in ls}
    rows: list[list] = []
    for section in report.sections:
        for figure in section.figures:
            head = [fy, wareki, section.code, section.title, figure.code, figure.label, figure.unit]
            total = values[figure.code].value if figure.code in values else figure.value
            rows.append(
                [
                    *head,
                    "total",
                    "",
                    "合計",
                    "",
                    *_value(total, figure.unit, publish=publish, threshold=threshold),
                ]
            )
            for month, count in zip(MONTHS, figure.monthly or [], strict=False):
                year = fy if month >= 4 else fy + 1
                rows.append(
                    [
                        *head,
                        "month",
                        f"{month:02d}",
                        f"{month}月",
                        f"{year}-{month:02d}",
                        *_value(count, figure.unit, publish=publish, threshold=threshold),
                    ]
                )
            for dim, breakdown in figure.breakdowns.items():
                for r in breakdown:
                    rows.append(
                        [
                            *head,
                            dim,
                            r.code,
                            r.label,
                            "",
                            *_value(r.value, figure.unit, publish=publish, threshold=threshold),
                        ]
                    )
    return rows


def to_xlsx(report: Report, lines: dict[str, list[Line]], *, publish: bool) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = "データ"
    data.append(HEADERS)
    for row in long_rows(report, publish=publish, lines=lines):
        data.append([safe_cell(v) for v in row])
    codes = workbook.create_sheet("指標一覧")
    codes.append(["区分コード", "区分", "指標コード", "指標", "単位", "備考"])
    for section in report.sections:
        for figure in section.figures:
            codes.append(
                [
                    safe_cell(v)
                    for v in (
                        section.code,
                        section.title,
                        figure.code,
                        figure.label,
                        figure.unit,
                        figure.note,
                    )
                ]
            )
    _presentation_sheet(workbook, report, lines, publish=publish)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _presentation_sheet(workbook: Workbook, report: Report, lines, *, publish: bool) -> None:
    """For people: each section's figures as a table with a native bar chart beside it."""
    sheet = workbook.create_sheet("グラフ")
    title = f"{report.municipality.name} {fiscal_year_label(report.fiscal_year, with_seireki=True)}"
    sheet.append([safe_cell(f"{title} 年度実績"), ""])
    row = 3
    for section in report.sections:
        counted = [line for line in lines[section.code] if line.figure.unit in COUNT_UNITS]
        if not counted:
            continue
        sheet.cell(row=row, column=1, value=safe_cell(section.title))
        sheet.cell(row=row, column=2, value="実績")
        for offset, line in enumerate(counted, start=1):
            sheet.cell(row=row + offset, column=1, value=safe_cell(line.figure.label))
            number, _ = _value(
                line.value,
                line.figure.unit,
                publish=publish,
                threshold=min_cell(report.municipality),
            )
            sheet.cell(row=row + offset, column=2, value=number if number != "" else None)
        chart = BarChart()
        chart.type = "bar"
        chart.title = section.title
        chart.legend = None
        chart.add_data(
            Reference(sheet, min_col=2, min_row=row, max_row=row + len(counted)),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=row + 1, max_row=row + len(counted))
        )
        chart.height, chart.width = 2 + 0.8 * len(counted), 16
        sheet.add_chart(chart, f"D{row}")
        row += max(len(counted) + 2, int(chart.height * 2) + 2)
    sheet.column_dimensions["A"].width = 40


def csv_text(
    report: Report, *, publish: bool, encoding: str, lines=None
) -> tuple[str, list[Unconvertible]]:
    """CSV text and, for CP932, each replaced character with its line and column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    problems: list[Unconvertible] = []
    for line_no, row in enumerate(
        [HEADERS, *long_rows(report, publish=publish, lines=lines)], start=1
    ):
        cells = ["" if v is None else str(safe_cell(v) if isinstance(v, str) else v) for v in row]
        if encoding == "cp932":
            cells = [
                to_cp932(text, line_no, column, problems)
                for column, text in zip(HEADERS, cells, strict=True)
            ]
        writer.writerow(cells)
    return buffer.getvalue(), problems


def to_csv(report: Report, lines, *, publish: bool, encoding: str) -> bytes:
    text, _ = csv_text(report, publish=publish, encoding=encoding, lines=lines)
    return text.encode("cp932") if encoding == "cp932" else text.encode("utf-8-sig")


def unconvertible(report: Report) -> list[str]:
    """What the CP932 download replaces, in Japanese, for the page beside the link."""
    _, problems = csv_text(report, publish=False, encoding="cp932")
    return [problem.message() for problem in problems]


def to_pdf(report: Report, lines: dict[str, list[Line]], *, request=None) -> bytes:
    municipality = report.municipality
    return render_pdf(
        "reports/report_pdf.html",
        {
            "report": report,
            "sections": [(s, lines[s.code]) for s in report.sections],
            "year_label": fiscal_year_label(report.fiscal_year, with_seireki=True),
            "years": plan_years(municipality, report.fiscal_year),
            "threshold": min_cell(municipality),
            "plan_period": _plan_period(municipality),
        },
        request=request,
    )


def _plan_period(municipality) -> str:
    if not municipality.plan_start_fy:
        return ""
    start = fiscal_year_label(municipality.plan_start_fy)
    if not municipality.plan_end_fy:
        return f"{start}から"
    return f"{start}〜{fiscal_year_label(municipality.plan_end_fy)}"
