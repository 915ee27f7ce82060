"""The administration cast: a 管理者 and a 監査 at every kind of agency (counter, coordinating
agency, partner outside welfare, department), plus the municipality-wide システム管理者 and
全庁監査. Built on conftest's ``town``; used by the account and audit-scope tests."""

from __future__ import annotations

from dataclasses import dataclass

from conftest import Town, make_user
from tsunagu.accounts.models import Role, User
from tsunagu.municipality.models import Agency

KINDS = ("counter", "coordinating", "partner", "department")


@dataclass
class Cast:
    agencies: dict[str, Agency]
    admins: dict[str, User]
    auditors: dict[str, User]
    staff: dict[str, User]  # a counsellor (coordinator at the coordinating agency) per kind
    system_admin: User
    municipal_auditor: User


def build_cast(town: Town) -> Cast:
    partner = Agency.objects.create(
        municipality=town.municipality, kind=Agency.Kind.PARTNER, name="テスト町警察署"
    )
    agencies = {
        "counter": town.owner_agency,
        "coordinating": town.coordinating_agency,
        "partner": partner,
        "department": town.department,
    }
    worker_role = {"coordinating": Role.COORDINATOR}
    return Cast(
        agencies=agencies,
        admins={k: make_user(f"kanri-{k}", a, Role.ADMIN) for k, a in agencies.items()},
        auditors={k: make_user(f"kansa-{k}", a, Role.AUDITOR) for k, a in agencies.items()},
        staff={
            k: make_user(f"staff-{k}", a, worker_role.get(k, Role.COUNSELLOR))
            for k, a in agencies.items()
        },
        system_admin=make_user("sysadmin", town.department, Role.SYSTEM_ADMIN),
        municipal_auditor=make_user("zenchou-kansa", town.department, Role.MUNICIPAL_AUDITOR),
    )
