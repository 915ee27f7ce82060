"""Who reads the 年度実績 report: aggregates only, never a name or a record.

The 統計 role (the 主管課's staff), and 管理者/監査 members, read the municipality's figures;
no casework role does by itself. Reading grants nothing else: these roles hold no content
(``User.content_agency_ids``), so every record URL stays a 404 for them. Targets (目標値)
and manually entered figures are changed by 統計 and 管理者 members, never by 監査.
"""

from __future__ import annotations

READ_ROLES = ("statistics", "admin", "auditor")
WRITE_ROLES = ("statistics", "admin")


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_read_reports(user) -> bool:
    return _active(user) and user.has_role(*READ_ROLES)


def can_edit_targets(user) -> bool:
    return _active(user) and user.has_role(*WRITE_ROLES) and not user.has_role("auditor")
