"""The register as a spreadsheet (一覧表) and the cell escaping every export goes through."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADERS = [
    "名称",
    "種別",
    "圏域",
    "会場名",
    "所在地",
    "日程",
    "対象",
    "参加費",
    "バリアフリー・配慮",
    "運営団体",
    "問い合わせ先",
    "電話番号",
    "担い手の人数",
    "状態",
    "公開",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (= + - @ and tab/CR lead)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def resource_row(r) -> list[str]:
    schedule = "・".join(s.label for s in r.schedules.all())
    if r.schedule_note:
        schedule = f"{schedule}({r.schedule_note})" if schedule else r.schedule_note
    return [
        r.name,
        r.get_kind_display(),
        r.area.name if r.area_id else "",
        r.place_name,
        r.address,
        schedule,
        "・".join(r.target_labels),
        r.fee,
        r.accessibility,
        r.operator.name if r.operator_id else "",
        r.contact_label,
        r.phone,
        str(r.helpers_count),
        r.get_status_display(),
        "公開" if r.is_public else "内部",
    ]


def to_xlsx(resources) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会資源一覧")
    sheet.append(HEADERS)
    for r in resources:
        sheet.append([safe_cell(v) for v in resource_row(r)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
