"""Outreach workflows. Each checks the policy, writes in one transaction and audits.

Refusals raise ``OutreachRefused`` (or ``TransitionRefused`` from the stage table) with a
Japanese message the view shows as is; nothing is saved when one is raised.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.models import Involvement
from tsunagu.coordination.models import Stage as CaseStage
from tsunagu.intake import actions as intake
from tsunagu.intake.models import Channel, ConsentStatus, Consulter, Urgency
from tsunagu.lib.lifecycle import Step
from tsunagu.lib.wareki import format_wareki
from tsunagu.meetings import actions as meetings
from tsunagu.meetings.models import AgendaItem, MeetingSession
from tsunagu.municipality.models import Agency, MeetingFunction
from tsunagu.people.actions import register_person
from tsunagu.people.models import Person

from . import transitions
from .models import (
    ContactAttempt,
    HandOff,
    OutreachAgendaItem,
    OutreachEvent,
    OutreachRecord,
    Route,
    Stage,
)

SOURCE = Involvement.Source.OUTREACH
# The fields an edit of the record may change (the optimistic lock covers these).
EDITABLE = (
    "worker",
    "route",
    "route_note",
    "informant",
    "informed_on",
    "description",
    "age_band",
    "sex",
    "area",
    "whereabouts",
    "household_note",
    "concerns",
    "urgency",
)


class OutreachRefused(Exception):
    """A request the rules refuse; the Japanese message is shown to the user as is."""


class StaleRecord(OutreachRefused):
    """Someone saved the record after this editor loaded it (optimistic lock)."""

    def __init__(self, current: OutreachRecord):
        self.current = current
        who = current.updated_by or current.created_by
        super().__init__(
            f"この記録は編集中に{who}さんが保存しました"
            f"({timezone.localtime(current.updated_at):%Y年%m月%d日 %H:%M})。"
            "あなたの変更は保存していません。相手の変更を確認してから、もう一度入力してください。"
        )


def require_change(user, record: OutreachRecord) -> None:
    """403 unless ``user`` records for the responsible outreach agency."""
    if not policy.can_change_outreach_record(user, record):
        raise PermissionDenied("この記録を変更できるのは担当のアウトリーチ機関の職員のみです。")


def _not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise OutreachRefused(f"{what}: 未来の日付({format_wareki(day)})は入力できません。")


def _check_values(municipality, data: dict) -> None:
    _not_future(data["informed_on"], "把握日")
    area = data.get("area")
    if area is not None and area.municipality_id != municipality.pk:
        raise OutreachRefused("圏域: この自治体の圏域から選んでください。")
    worker = data.get("worker")
    agency = data["agency"]
    if worker is not None and agency.pk not in policy.casework_agency_ids(worker):
        raise OutreachRefused(f"担当者: {worker} さんは{agency.name}の職員ではありません。")


def _values(data: dict) -> dict:
    values = {name: data[name] for name in EDITABLE if name in data}
    values["concerns"] = list(values.get("concerns") or [])
    return values


@transaction.atomic
def register_record(*, user, data: dict) -> OutreachRecord:
    """Register what was learned about someone (把握). ``data`` holds the form's fields."""
    agency: Agency = data["agency"]
    if not policy.writable_outreach_agencies(user, agency.municipality).filter(pk=agency.pk):
        raise PermissionDenied(f"{agency.name} としてアウトリーチ記録を登録する権限がありません。")
    _check_values(agency.municipality, data)
    record = OutreachRecord.objects.create(
        municipality=agency.municipality,
        agency=agency,
        created_by=user,
        last_activity_on=data["informed_on"],
        **_values(data),
    )
    OutreachEvent.objects.create(
        record=record,
        to_stage=Stage.FOUND,
        on=record.informed_on,
        by=user,
        at=timezone.now(),
        reason=f"経路: {record.get_route_display()}(情報提供者: {record.informant})",
    )
    audit.log(user, "create", record, agency=agency, purpose="アウトリーチ対象の把握")
    return record


@transaction.atomic
def update_record(
    *, user, record: OutreachRecord, expected_version: int, data: dict
) -> OutreachRecord:
    """Save an edit unless someone saved since ``expected_version`` (``StaleRecord``)."""
    require_change(user, record)
    _check_values(record.municipality, {**data, "agency": record.agency})
    values = _values(data)
    changed = [n for n in values if getattr(record, n) != values[n]]
    saved = OutreachRecord.objects.filter(pk=record.pk, version=expected_version).update(
        **values, version=expected_version + 1, updated_by=user, updated_at=timezone.now()
    )
    if not saved:
        raise StaleRecord(OutreachRecord.objects.select_related("updated_by").get(pk=record.pk))
    record.refresh_from_db()
    audit.log(user, "update", record, person=record.person_id, fields=changed)
    return record


@dataclass
class AttemptInput:
    date: datetime.date
    means: str
    staff: str
    result: str
    content: str = ""
    next_step: str = ""
    next_due: datetime.date | None = None


@transaction.atomic
def add_attempt(*, user, record: OutreachRecord, attempt: AttemptInput) -> ContactAttempt:
    """Append a contact attempt. The first one on a 把握 record starts 接触試行.

    Attempts are separate rows, so two workers recording at once both keep theirs; the
    record row is locked only to keep its 'next step' the latest attempt's.
    """
    require_change(user, record)
    record = OutreachRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_open:
        raise OutreachRefused(
            f"「{record.get_stage_display()}」の記録には接触の記録を追加できません。"
        )
    _not_future(attempt.date, "日付")
    if attempt.date < record.informed_on:
        raise OutreachRefused(
            f"日付: 把握日({format_wareki(record.informed_on)})より前の日付は入力できません。"
        )
    if attempt.next_due is not None and attempt.next_due < attempt.date:
        raise OutreachRefused("次の対応の期日: 接触の日付より後の日付を入力してください。")
    if attempt.next_due is not None and not attempt.next_step.strip():
        raise OutreachRefused("次の対応: 期日を入れる場合は、次の対応の内容も入力してください。")
    row = ContactAttempt.objects.create(record=record, recorded_by=user, **vars(attempt))
    latest = record.attempts.order_by("-date", "-pk").first()
    OutreachRecord.objects.filter(pk=record.pk).update(
        next_step=latest.next_step if latest else "",
        next_due=latest.next_due if latest else None,
        last_activity_on=max(record.last_activity_on, attempt.date),
    )
    audit.log(user, "create", row, person=record.person_id, agency=record.agency)
    if record.stage == Stage.FOUND:
        transitions.move(
            record=record,
            actor=user,
            to=Stage.TRYING,
            on=attempt.date,
            reason="初回の接触の記録により接触試行を開始",
        )
    return row


def move(*, user, record: OutreachRecord, to: str, reason: str = "", on=None) -> OutreachRecord:
    """A stage change from the record page (つなぎ済み only through ``hand_off``)."""
    require_change(user, record)
    return transitions.move(record=record, actor=user, to=to, reason=reason, on=on)


# --- identity found later (名寄せ) -------------------------------------------------------


@transaction.atomic
def link_person(*, user, record: OutreachRecord, person: Person) -> OutreachRecord:
    """Link the record to a person the user may read; the agency becomes involved."""
    require_change(user, record)
    if record.person_id is not None:
        raise OutreachRefused("この記録はすでに本人と紐づいています。")
    person = policy.survivor(person)
    if person.municipality_id != record.municipality_id or not policy.can_view_person(user, person):
        raise OutreachRefused("選択された本人の記録を閲覧する権限がありません。")
    OutreachRecord.objects.filter(pk=record.pk).update(person=person)
    record.person = person
    policy.grant_involvement(
        person=person, agency=record.agency, source=SOURCE, source_id=record.pk
    )
    audit.log(user, "update", record, person=person, purpose="本人の特定(紐づけ)")
    return record


@transaction.atomic
def register_and_link(*, user, record: OutreachRecord, data: dict) -> OutreachRecord:
    """Register a new person (people.register_person) for the record and link it."""
    require_change(user, record)
    if record.person_id is not None:
        raise OutreachRefused("この記録はすでに本人と紐づいています。")
    if not (data.get("family_name") or "").strip():
        raise OutreachRefused("氏: 本人を新しく登録するには氏を入力してください。")
    person = register_person(user=user, agency=record.agency, data=data)
    return link_person(user=user, record=record, person=person)


# --- hand-off ---------------------------------------------------------------------------


def history_text(record: OutreachRecord) -> str:
    """The outreach history the consultation carries (a reference back, and the steps)."""
    lines = [
        f"【アウトリーチ記録 {record.pk} からの引継ぎ】",
        f"把握: {format_wareki(record.informed_on)} 経路 {record.get_route_display()}"
        f"(情報提供者: {record.informant})",
        f"把握した内容: {record.description}",
    ]
    if record.first_contact_on:
        lines.append(f"初回接触: {format_wareki(record.first_contact_on)}")
    if record.consented_on:
        lines.append(f"同意: {format_wareki(record.consented_on)}")
    lines.append("接触の経過:")
    for a in record.attempts.order_by("date", "pk"):
        lines.append(
            f"・{format_wareki(a.date, with_seireki=False)} {a.get_means_display()}"
            f"({a.staff}) {a.get_result_display()} {a.content}".rstrip()
        )
    return "\n".join(lines)


@transaction.atomic
def hand_off(*, user, record: OutreachRecord, kind: str, reason: str = "") -> OutreachRecord:
    """With consent: the record becomes a consultation of the outreach agency, and with
    ``HandOff.COORDINATION`` also a 支援依頼 to 多機関協働, in one transaction. The
    consultation's narrative carries the history and points back to this record."""
    require_change(user, record)
    if kind not in HandOff.values:
        raise OutreachRefused("引継ぎ方法を選んでください。")
    if record.stage != Stage.CONSENTED:
        raise OutreachRefused(
            "本人の同意が記録されていないため引き継げません"
            f"(現在の段階: {record.get_stage_display()})。同意のないまま検討するには"
            "支援会議の議題にしてください。"
        )
    if record.person_id is None:
        raise OutreachRefused("本人を特定してから引き継いでください。")
    if kind == HandOff.COORDINATION and not reason.strip():
        raise OutreachRefused("依頼理由: 多機関協働へ依頼する理由を入力してください。")
    if kind == HandOff.CASE and record.case_id is None:
        raise OutreachRefused(
            "この記録には依頼元の事例がありません。相談受付か支援依頼を選んでください。"
        )
    if kind == HandOff.COORDINATION and record.case_id is not None:
        raise OutreachRefused(
            f"この記録は事例「{record.case}」から依頼されています。"
            "「依頼元の事例へ戻す」を選び、事例で本人同意を記録してください。"
        )

    def create(step: Step) -> None:
        obj = step.obj
        obj.hand_off = kind
        if kind == HandOff.CASE:
            return
        consultation = intake.take_consultation(
            staff=user,
            agency=obj.agency,
            person=obj.person,
            details=intake.ConsultationDetails(
                received_at=step.at,
                channel=Channel.HOME_VISIT,
                channel_note=f"アウトリーチ記録 {obj.pk}",
                consulter=Consulter.SELF,
                urgency=obj.urgency,
                consent_status=ConsentStatus.GIVEN,
                issue_tags=list(obj.concerns),
                narrative=history_text(obj),
                consent_note=f"アウトリーチで同意({format_wareki(obj.consented_on)})",
            ),
        )
        obj.consultation = consultation
        if kind == HandOff.COORDINATION:
            obj.coordination_request = intake.request_coordination(
                requested_by=user, consultation=consultation, reason=reason
            )

    try:
        return transitions.move(
            record=record,
            actor=user,
            to=Stage.HANDED_OFF,
            reason=HandOff(kind).label,
            sides=lambda obj: policy.outreach_sides(user, obj) | {"handoff"},
            apply=create,
        )
    except intake.IntakeRefused as refused:
        raise OutreachRefused(str(refused)) from refused


@transaction.atomic
def assign_from_case(*, user, case, agency: Agency, note: str = "") -> OutreachRecord:
    """A case in 見守り・アウトリーチ (shared at a 支援会議 without consent) asks a 4号 agency
    to reach the person; the record starts with the person known and points to the case."""
    if not policy.can_change_case(user, case):
        raise PermissionDenied("アウトリーチを依頼できるのは事例の担当者のみです。")
    if case.stage != CaseStage.WATCHING:
        raise OutreachRefused(
            "アウトリーチを依頼できるのは「見守り・アウトリーチ」の段階の事例です。"
        )
    if not policy.outreach_agencies(case.municipality).filter(pk=agency.pk).exists():
        raise OutreachRefused(f"依頼先: {agency.name}は4号事業(アウトリーチ)の機関ではありません。")
    if case.outreach_records.exclude(stage__in=[Stage.HANDED_OFF, Stage.CLOSED]).exists():
        raise OutreachRefused("この事例には継続中のアウトリーチ記録がすでにあります。")
    today = timezone.localdate()
    record = OutreachRecord.objects.create(
        municipality=case.municipality,
        agency=agency,
        route=Route.MEETING,
        informant=f"{case.coordinating_agency.name} {user}",
        informed_on=today,
        description=note.strip() or case.policy or case.summary or case.title,
        urgency=Urgency.MEDIUM,
        person=case.focus_person,
        case=case,
        last_activity_on=today,
        created_by=user,
    )
    OutreachEvent.objects.create(
        record=record,
        to_stage=Stage.FOUND,
        on=today,
        by=user,
        at=timezone.now(),
        reason=f"事例「{case.title}」(見守り・アウトリーチ)からの依頼",
    )
    policy.grant_involvement(
        person=case.focus_person, agency=agency, source=SOURCE, source_id=record.pk
    )
    audit.log(
        user, "create", record, person=case.focus_person_id, purpose="事例からのアウトリーチ依頼"
    )
    return record


# --- 支援会議 without consent ------------------------------------------------------------


@transaction.atomic
def put_on_agenda(
    *, user, record: OutreachRecord, session: MeetingSession, note: str = ""
) -> OutreachAgendaItem:
    """Put a record without consent on a 支援会議 agenda (法第106条の6); the meetings
    rules apply: the user runs the session, the body carries the 支援会議 function."""
    if not policy.visible_outreach_records(user).filter(pk=record.pk).exists():
        raise PermissionDenied("この記録を議題にする権限がありません。")
    if not record.is_open:
        raise OutreachRefused(f"「{record.get_stage_display()}」の記録は議題にできません。")
    if not session.body.has_function(MeetingFunction.CONFIDENTIAL):
        raise OutreachRefused(
            f"「{session.body.name}」は支援会議の機能を持たないため、同意のない方は議題にできません。"
        )
    if session.status == MeetingSession.Status.CANCELLED:
        raise OutreachRefused("中止になった会議には議題を追加できません。")
    try:
        item = meetings.add_agenda_item(
            user=user,
            session=session,
            kind=AgendaItem.Kind.FREE,
            function=MeetingFunction.CONFIDENTIAL,
            title=f"アウトリーチ対象 {record.pk}({record.known_as})",
            note=note or record.description,
        )
    except meetings.MeetingRefused as refused:
        raise OutreachRefused(str(refused)) from refused
    link = OutreachAgendaItem.objects.create(record=record, agenda_item=item)
    audit.log(user, "create", link, person=record.person_id, purpose="支援会議の議題(アウトリーチ)")
    return link
