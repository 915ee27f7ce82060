"""Who may read and change the 社会資源台帳 (resources, organisations, 不足資源).

The register holds no personal data (docs: resources/models.py), so it is not tied to a
person's involvement: every casework member of one of the municipality's agencies reads
all of it — a counsellor looking for a サロン for the person in front of them must find it.
管理者 and 監査 memberships grant no content here either (``casework_agency_ids``).

Changing it is the work of 地域づくり: staff of the agencies that deliver or run a 3号
programme, of the 所管課 of one, and of the profile's coordinating agency (the 社協 in
every seed plan). 監査 users are read-only (403). Any reader may raise a 不足資源 they
noticed (把握); only editors move it through the 資源開発 stages.

A gap's source (a case, a meeting decision) is shown only to users who may read that
record; the gap itself is register data.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tsunagu.access.policy.base import casework_agency_ids, is_read_only
from tsunagu.access.policy.coordination import can_view_case
from tsunagu.access.policy.meetings import visible_sessions
from tsunagu.coordination.models import Case
from tsunagu.meetings.models import Decision, ResourceGap
from tsunagu.municipality.models import (
    Delivery,
    Municipality,
    ProgrammeDepartment,
    StatutoryProject,
)
from tsunagu.resources.models import Organization, Resource


def register_municipality_ids(user) -> set[int]:
    """Municipalities whose register ``user`` reads (through casework memberships)."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return set()
    # The memberships are read once per request with their agencies (User.active_memberships).
    return {m.agency.municipality_id for m in user.active_memberships() if m.agency_id in agencies}


def register_editor_agency_ids(municipality_id: int) -> set[int]:
    """Agencies whose staff edit the register: 3号 deliverers, operators, 所管課, 社協."""
    community = Q(programme__project=StatutoryProject.COMMUNITY)
    deliveries = Delivery.objects.filter(community, programme__municipality_id=municipality_id)
    ids = {a for a in deliveries.values_list("agency_id", flat=True) if a}
    ids |= {a for a in deliveries.values_list("operator_id", flat=True) if a}
    ids |= set(
        ProgrammeDepartment.objects.filter(
            programme__project=StatutoryProject.COMMUNITY,
            programme__municipality_id=municipality_id,
        ).values_list("department_id", flat=True)
    )
    coordinating = Municipality.objects.filter(pk=municipality_id).values_list(
        "coordinating_agency_id", flat=True
    )
    ids |= {pk for pk in coordinating if pk}
    return ids


def register_edit_municipality_ids(user) -> set[int]:
    """Municipalities whose register ``user`` may change (none for 監査)."""
    if is_read_only(user):
        return set()
    agencies = casework_agency_ids(user)
    return {m for m in register_municipality_ids(user) if agencies & register_editor_agency_ids(m)}


def can_edit_register(user, municipality_id: int) -> bool:
    return municipality_id in register_edit_municipality_ids(user)


def visible_resources(user) -> QuerySet:

    return Resource.objects.filter(municipality_id__in=register_municipality_ids(user))


def get_resource_or_404(user, pk):
    resource = visible_resources(user).filter(pk=pk).first()
    if resource is None:
        raise Http404("指定された社会資源は見つからないか、閲覧する権限がありません。")
    return resource


def visible_organizations(user) -> QuerySet:

    return Organization.objects.filter(municipality_id__in=register_municipality_ids(user))


def get_organization_or_404(user, pk):
    organization = visible_organizations(user).filter(pk=pk).first()
    if organization is None:
        raise Http404("指定された団体は見つからないか、閲覧する権限がありません。")
    return organization


def visible_gaps(user) -> QuerySet:

    return ResourceGap.objects.filter(municipality_id__in=register_municipality_ids(user))


def get_gap_or_404(user, pk):
    gap = visible_gaps(user).filter(pk=pk).first()
    if gap is None:
        raise Http404("指定された不足資源は見つからないか、閲覧する権限がありません。")
    return gap


def can_raise_gap(user, municipality_id: int) -> bool:
    return not is_read_only(user) and municipality_id in register_municipality_ids(user)


def can_view_gap_source(user, gap, source) -> bool:
    """Whether ``user`` may follow the link to the record ``gap`` was raised from."""

    if isinstance(source, Case):
        return can_view_case(user, source)
    if isinstance(source, Decision):
        return visible_sessions(user).filter(pk=source.session_id).exists()
    return False
