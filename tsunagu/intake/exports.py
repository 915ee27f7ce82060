"""相談受付台帳: the consultations a user may see, as .xlsx or CSV.

CSV follows the Excel conventions (jp_domain_research §4.4): UTF-8 with BOM by default,
CRLF, every field quoted, formulas escaped (``lib.exports.safe_cell``). CP932 on
request: characters CP932 cannot hold become 〓, and each one is reported by row and column.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from tsunagu.lib.exports import Unconvertible, safe_row, to_cp932
from tsunagu.lib.wareki import format_wareki, format_wareki_time

HEADERS = [
    "受付番号",
    "受付日時",
    "受付機関",
    "受付者",
    "相談経路",
    "相談者",
    "本人氏名",
    "フリガナ",
    "生年月日",
    "主訴",
    "緊急性",
    "情報提供の同意",
    "対応内容",
    "次の対応",
    "次の対応の期日",
    "状態",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_rows(consultations) -> list[list[str]]:
    rows = []
    for c in consultations.select_related("agency", "staff", "person").order_by(
        "received_at", "pk"
    ):
        rows.append(
            [
                str(c.pk),
                format_wareki_time(c.received_at),
                c.agency.name,
                str(c.staff),
                c.get_channel_display(),
                c.get_consulter_display()
                + (f"({c.consulter_relation})" if c.consulter_relation else ""),
                c.person.full_name,
                c.person.full_kana,
                format_wareki(c.person.birth_date),
                "・".join(c.issue_tags),
                c.get_urgency_display(),
                c.get_consent_status_display(),
                c.action_taken,
                c.next_step,
                format_wareki(c.next_step_due),
                "受付中" if c.is_open else "終了",
            ]
        )
    return rows


def to_csv(rows: list[list[str]], encoding: str = "utf-8") -> tuple[bytes, list[Unconvertible]]:
    problems: list[Unconvertible] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for line, row in enumerate([HEADERS, *rows], start=1):
        cells = safe_row(row)
        if encoding == "cp932":
            cells = [to_cp932(v, line, HEADERS[i], problems) for i, v in enumerate(cells)]
        writer.writerow(cells)
    text = buffer.getvalue()
    data = text.encode("cp932") if encoding == "cp932" else text.encode("utf-8-sig")
    return data, problems


def to_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("相談受付台帳")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
