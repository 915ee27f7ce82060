"""Workflows of 参加支援. Each is one transaction: check the policy, write, audit.

Refusals raise ``ParticipationError`` with a Japanese message shown to the user as is;
``Stale`` when someone saved the record after this editor loaded it (optimistic lock).
Stage changes go through ``transitions.move``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.policy import participation as access
from tsunagu.coordination.consent import consent_covers
from tsunagu.coordination.models import Part, SupportPlan
from tsunagu.intake.models import ConsentStatus, Consultation
from tsunagu.municipality.models import Agency
from tsunagu.outreach.models import OutreachRecord
from tsunagu.outreach.models import Stage as OutreachStage
from tsunagu.resources.models import Organization

from .models import (
    NEEDS_FIELDS,
    FollowUp,
    HostProfile,
    Offer,
    ParticipationRecord,
    Source,
)


class ParticipationError(Exception):
    """A refused step; ``str(error)`` is the Japanese reason shown to the user."""


class Stale(ParticipationError):
    """Someone saved after this editor loaded the form (optimistic lock)."""

    def __init__(self, current, what: str):
        self.current = current
        super().__init__(
            f"この{what}は、あなたが編集している間に他の職員が保存しました。"
            "あなたの変更は保存していません。保存済みの内容を確認してから、もう一度入力してください。"
        )


def require_change(user, record: ParticipationRecord) -> None:
    if not access.can_change_participation(user, record):
        raise PermissionDenied("この記録を変更できるのは担当機関の参加支援の職員のみです。")


def require_hosts(user, municipality_id: int) -> None:
    if not access.can_manage_hosts(user, municipality_id):
        raise PermissionDenied("受入先を登録・変更できるのは参加支援の担当機関の職員のみです。")


def _check_agency(agency: Agency, municipality_id: int) -> None:
    if agency.pk not in access.participation_agency_ids([municipality_id]):
        raise ParticipationError(f"「{agency}」は参加支援事業の担当機関ではありません。")


# --- opening a record ------------------------------------------------------------------


@transaction.atomic
def open_from_plan(*, plan: SupportPlan, agency: Agency, by) -> ParticipationRecord:
    """A record for the focus person of a case whose plan asks for 参加支援."""
    case = plan.case
    if policy.is_read_only(by) or "plan" not in policy.case_parts(by, case):
        raise PermissionDenied("この支援プランから参加支援を依頼する権限がありません。")
    if not plan.uses_participation:
        raise ParticipationError("この支援プランでは参加支援事業の利用が選ばれていません。")
    _check_agency(agency, case.municipality_id)
    covered = consent_covers(case, agency=agency, part=Part.PLAN)
    if not covered:
        raise ParticipationError(f"参加支援の担当機関に支援プランを渡せません: {covered.reason}")
    if ParticipationRecord.objects.open().filter(plan__case=case, agency=agency).exists():
        raise ParticipationError("この事例の参加支援はすでに依頼されています。")
    record = ParticipationRecord.objects.create(
        municipality_id=case.municipality_id,
        person=case.focus_person,
        agency=agency,
        coordinator=by if agency.pk in access.staff_agency_ids(by) else None,
        source=Source.PLAN,
        plan=plan,
        case=case,
        opened_on=timezone.localdate(),
        wishes=plan.participation_wish,
        updated_by=by,
    )
    audit.log(by, "create", record, person=record.person_id, source="plan", plan=plan.pk)
    return record


@transaction.atomic
def open_from_consultation(
    *, consultation: Consultation, agency: Agency, by
) -> ParticipationRecord:
    """A record for the person of a consultation: the agency that took it passes it on
    within the person's consent, or participation staff take it themselves."""
    if not policy.can_change_consultation(by, consultation):
        raise PermissionDenied("この相談受付から参加支援を依頼する権限がありません。")
    _check_agency(agency, consultation.municipality_id)
    if agency.pk != consultation.agency_id and not (
        consultation.consent_status == ConsentStatus.GIVEN
        and consultation.consent_agencies.filter(pk=agency.pk).exists()
    ):
        raise ParticipationError(
            f"「{agency}」への情報提供について本人の同意が記録されていません"
            "(相談受付の「同意の範囲」に含めてください)。"
        )
    if ParticipationRecord.objects.open().filter(consultation=consultation).exists():
        raise ParticipationError("この相談受付の参加支援はすでに依頼されています。")
    record = ParticipationRecord.objects.create(
        municipality_id=consultation.municipality_id,
        person=consultation.person,
        agency=agency,
        coordinator=by if agency.pk in access.staff_agency_ids(by) else None,
        source=Source.CONSULTATION,
        consultation=consultation,
        opened_on=timezone.localdate(),
        updated_by=by,
    )
    audit.log(by, "create", record, person=record.person_id, source="consultation")
    return record


@transaction.atomic
def open_from_outreach(*, outreach: OutreachRecord, agency: Agency, by) -> ParticipationRecord:
    """A record for the person an outreach worker reached: once the person is known and has
    agreed to support (アウトリーチの「同意」), the outreach agency passes them on to the
    参加支援 agency — the step 第4号 leads to when what the person needs is a place to go."""
    if not policy.can_change_outreach_record(by, outreach):
        raise PermissionDenied("このアウトリーチ記録から参加支援を依頼する権限がありません。")
    if outreach.person_id is None:
        raise ParticipationError("本人を特定してから参加支援を依頼してください。")
    if outreach.consented_on is None or outreach.stage not in (
        OutreachStage.CONSENTED,
        OutreachStage.HANDED_OFF,
    ):
        raise ParticipationError(
            "本人の同意が記録されていないため参加支援へつなげません"
            f"(現在の段階: {outreach.get_stage_display()})。"
        )
    _check_agency(agency, outreach.municipality_id)
    if ParticipationRecord.objects.open().filter(outreach_record=outreach).exists():
        raise ParticipationError("このアウトリーチ記録の参加支援はすでに依頼されています。")
    record = ParticipationRecord.objects.create(
        municipality_id=outreach.municipality_id,
        person_id=outreach.person_id,
        agency=agency,
        coordinator=by if agency.pk in access.staff_agency_ids(by) else None,
        source=Source.OUTREACH,
        outreach_record=outreach,
        area=outreach.area,
        opened_on=timezone.localdate(),
        updated_by=by,
    )
    audit.log(by, "create", record, person=record.person_id, source="outreach")
    return record


@transaction.atomic
def update_needs(
    *, record: ParticipationRecord, by, expected_version: int, data: dict
) -> ParticipationRecord:
    require_change(by, record)
    values = {k: data[k] for k in NEEDS_FIELDS if k in data}
    if "coordinator" in data:
        values["coordinator"] = data["coordinator"]
    saved = ParticipationRecord.objects.filter(pk=record.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not saved:
        raise Stale(ParticipationRecord.objects.get(pk=record.pk), "記録")
    record.refresh_from_db()
    audit.log(by, "update", record, person=record.person_id, version=record.version)
    return record


# --- follow-ups -------------------------------------------------------------------------


@transaction.atomic
def schedule_followup(
    *,
    by,
    due_on: datetime.date,
    purpose: str = "",
    record: ParticipationRecord | None = None,
    host: Organization | None = None,
) -> FollowUp:
    """Schedule a follow-up of the person (``record``) or of the host (``host``)."""
    if record is not None:
        require_change(by, record)
        current = record.current_placement()
        followup = FollowUp.objects.create(
            kind=FollowUp.Kind.PERSON,
            agency=record.agency,
            record=record,
            organization=current.offer.organization if current else None,
            due_on=due_on,
            purpose=purpose,
            created_by=by,
        )
        audit.log(by, "create", followup, person=record.person_id, due_on=due_on.isoformat())
        return followup
    assert host is not None
    require_hosts(by, host.municipality_id)
    followup = FollowUp.objects.create(
        kind=FollowUp.Kind.HOST,
        agency=host.host_profile.agency,
        organization=host,
        due_on=due_on,
        purpose=purpose,
        created_by=by,
    )
    audit.log(by, "create", followup, due_on=due_on.isoformat())
    return followup


FOLLOWUP_FIELDS = ["done_on", "went_well", "concerns", "adjustments"]


@transaction.atomic
def record_followup(*, followup: FollowUp, by, expected_version: int, data: dict) -> FollowUp:
    if policy.is_read_only(by) or followup.agency_id not in access.staff_agency_ids(by):
        raise PermissionDenied("フォローアップを記録できるのは担当機関の職員のみです。")
    if data.get("done_on") and data["done_on"] > timezone.localdate():
        raise ParticipationError("実施日に未来の日付は指定できません。")
    values = {k: data[k] for k in FOLLOWUP_FIELDS if k in data}
    saved = FollowUp.objects.filter(pk=followup.pk, version=expected_version).update(
        **values, by=by, version=F("version") + 1
    )
    if not saved:
        raise Stale(FollowUp.objects.get(pk=followup.pk), "フォローアップ")
    followup.refresh_from_db()
    audit.log(by, "update", followup, person=followup.person_id)
    return followup


# --- hosts and offers -------------------------------------------------------------------

HOST_ORG_FIELDS = ["name", "kind", "area", "address", "phone", "contact_person", "description"]
HOST_PROFILE_FIELDS = ["opened_on", "notes", "accepting"]
OFFER_FIELDS = [
    "title",
    "kind",
    "description",
    "area",
    "days",
    "bands",
    "hours_note",
    "capacity",
    "age_min",
    "age_max",
    "load",
    "transport",
    "care",
    "short_hours",
    "remote",
    "host_asks",
    "active",
]


@transaction.atomic
def register_host(*, by, agency: Agency, data: dict) -> Organization:
    """A new host: the shared Organization row and its 参加支援 profile (新規開拓)."""
    require_hosts(by, agency.municipality_id)
    if agency.pk not in access.staff_agency_ids(by):
        raise ParticipationError(f"「{agency}」の職員として登録する権限がありません。")
    org = Organization.objects.create(
        municipality_id=agency.municipality_id,
        created_by=by,
        **{k: data[k] for k in HOST_ORG_FIELDS if k in data},
    )
    HostProfile.objects.create(
        organization=org,
        agency=agency,
        found_by=by,
        **{k: data[k] for k in HOST_PROFILE_FIELDS if k in data},
    )
    audit.log(by, "create", org, role="host")
    return org


@transaction.atomic
def update_host(
    *, host: Organization, by, org_version: int, profile_version: int, data: dict
) -> Organization:
    require_hosts(by, host.municipality_id)
    org_saved = Organization.objects.filter(pk=host.pk, version=org_version).update(
        **{k: data[k] for k in HOST_ORG_FIELDS if k in data}, version=F("version") + 1
    )
    profile_saved = HostProfile.objects.filter(organization=host, version=profile_version).update(
        **{k: data[k] for k in HOST_PROFILE_FIELDS if k in data},
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not (org_saved and profile_saved):
        raise Stale(Organization.objects.select_related("host_profile").get(pk=host.pk), "受入先")
    host.refresh_from_db()
    audit.log(by, "update", host, role="host")
    return host


@transaction.atomic
def add_offer(*, host: Organization, by, data: dict) -> Offer:
    require_hosts(by, host.municipality_id)
    offer = Offer.objects.create(
        municipality_id=host.municipality_id,
        organization=host,
        **{k: data[k] for k in OFFER_FIELDS if k in data},
    )
    audit.log(by, "create", offer)
    return offer


@transaction.atomic
def update_offer(*, offer: Offer, by, expected_version: int, data: dict) -> Offer:
    require_hosts(by, offer.municipality_id)
    saved = Offer.objects.filter(pk=offer.pk, version=expected_version).update(
        **{k: data[k] for k in OFFER_FIELDS if k in data}, version=F("version") + 1
    )
    if not saved:
        raise Stale(Offer.objects.get(pk=offer.pk), "受入メニュー")
    offer.refresh_from_db()
    audit.log(by, "update", offer)
    return offer
