"""Intake workflows: take a consultation, record progress, send a つなぐシート, expire
unanswered referrals, ask the coordinating body for 多機関協働. Each action checks the
policy, writes in one transaction and writes the audit event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.models import Involvement
from tsunagu.intake.models import (
    ConsentStatus,
    Consultation,
    CoordinationRequest,
    ProgressNote,
    RecipientTask,
    RecipientTaskEvent,
    Referral,
    Side,
    TaskStatus,
)
from tsunagu.intake.transitions import TransitionRefused, transition
from tsunagu.lib.wareki import format_wareki
from tsunagu.lib.workdays import add_working_days
from tsunagu.municipality.models import Agency
from tsunagu.people.actions import register_person
from tsunagu.people.models import HouseholdMembership, Person

DEFAULT_DUE_WORKING_DAYS = 5


class IntakeRefused(Exception):
    """A request the rules refuse; the Japanese message is shown to the user as is."""


def _require_member(user, agency: Agency) -> None:
    if not policy.can_act_for(user, agency.pk):
        raise PermissionDenied(f"{agency.name} として記録する権限がありません。")


@dataclass
class NewPerson:
    family_name: str
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    alphabet_name: str = ""
    common_name: str = ""
    birth_date: datetime.date | None = None
    address: str = ""
    phone: str = ""


@dataclass
class ConsultationDetails:
    received_at: datetime.datetime
    channel: str
    consulter: str
    urgency: str
    consent_status: str
    channel_note: str = ""
    consulter_relation: str = ""
    issue_tags: list[str] = field(default_factory=list)
    narrative: str = ""
    urgency_reason: str = ""
    consent_agencies: list[Agency] = field(default_factory=list)
    consent_note: str = ""
    action_taken: str = ""
    next_step: str = ""
    next_step_due: datetime.date | None = None


def _current_household_id(person: Person) -> int | None:
    return (
        HouseholdMembership.objects.filter(person=person, left_on__isnull=True)
        .order_by("-joined_on", "-pk")
        .values_list("household_id", flat=True)
        .first()
    )


@transaction.atomic
def take_consultation(
    *,
    staff,
    agency: Agency,
    details: ConsultationDetails,
    person: Person | None = None,
    new_person: NewPerson | None = None,
) -> Consultation:
    """Record a consultation for an existing visible person or a newly registered one.

    The taking agency gets an Involvement (source: consultation) with the person.
    """
    _require_member(staff, agency)
    if person is not None and not policy.can_view_person(staff, person):
        raise IntakeRefused("選択された本人の記録を閲覧する権限がありません。")
    if person is None:
        if new_person is None or not new_person.family_name.strip():
            raise IntakeRefused("本人を候補から選ぶか、新規登録の氏名を入力してください。")
        person = register_person(user=staff, agency=agency, data=vars(new_person))
    values = vars(details).copy()
    consent_agencies = values.pop("consent_agencies")
    consultation = Consultation.objects.create(
        municipality=agency.municipality,
        agency=agency,
        staff=staff,
        person=person,
        household_id=_current_household_id(person),
        **values,
    )
    if details.consent_status == ConsentStatus.GIVEN:
        consultation.consent_agencies.set(consent_agencies)
    policy.grant_involvement(
        person=person,
        agency=agency,
        source=Involvement.Source.CONSULTATION,
        source_id=consultation.pk,
    )
    audit.log(staff, "create", consultation, person=person, agency=agency)
    return consultation


@transaction.atomic
def add_progress_note(
    *,
    staff,
    consultation: Consultation,
    date: datetime.date,
    means: str,
    content: str,
    counterpart: str = "",
    next_date: datetime.date | None = None,
) -> ProgressNote:
    _require_member(staff, consultation.agency)
    note = ProgressNote.objects.create(
        consultation=consultation,
        date=date,
        means=means,
        counterpart=counterpart,
        content=content,
        next_date=next_date,
        recorded_by=staff,
    )
    audit.log(staff, "create", note, person=consultation.person_id, agency=consultation.agency)
    return note


def _check_referral_input(
    *,
    sender,
    sender_agency: Agency,
    person: Person,
    consultation: Consultation | None,
    recipients: list[Agency],
    notes: list[ProgressNote],
) -> None:
    _require_member(sender, sender_agency)
    if not policy.can_view_person(sender, person):
        raise IntakeRefused("本人の記録を閲覧する権限がありません。")
    if not recipients:
        raise IntakeRefused("つなぎ先を1つ以上選んでください。")
    if any(a.pk == sender_agency.pk for a in recipients):
        raise IntakeRefused("送付元の機関自身をつなぎ先にすることはできません。")
    if any(a.municipality_id != sender_agency.municipality_id for a in recipients):
        raise IntakeRefused("つなぎ先は同じ自治体の機関から選んでください。")
    if consultation is not None and (
        consultation.agency_id != sender_agency.pk or consultation.person_id != person.pk
    ):
        raise IntakeRefused("元の相談受付が送付元の機関・本人と一致しません。")
    if any(consultation is None or n.consultation_id != consultation.pk for n in notes):
        raise IntakeRefused("添付できるのは元の相談受付の支援経過記録だけです。")


@transaction.atomic
def send_referral(
    *,
    sender,
    sender_agency: Agency,
    person: Person,
    recipients: list[Agency],
    reason: str,
    request: str,
    agreed_to_share: str,
    consultation: Consultation | None = None,
    notes: list[ProgressNote] | None = None,
) -> Referral:
    """Send a つなぐシート: one task per recipient, each with its response deadline.

    Each recipient agency is granted an Involvement (source: referral, id: its task) that
    ends when its task reaches a terminal state.
    """
    notes = notes or []
    _check_referral_input(
        sender=sender,
        sender_agency=sender_agency,
        person=person,
        consultation=consultation,
        recipients=recipients,
        notes=notes,
    )
    refusal = policy.referral_consent_refusal(person, recipients, consultation=consultation)
    if refusal:
        raise IntakeRefused(refusal)
    now = timezone.now()
    referral = Referral.objects.create(
        municipality=sender_agency.municipality,
        person=person,
        consultation=consultation,
        sender_agency=sender_agency,
        sent_by=sender,
        sent_at=now,
        reason=reason,
        request=request,
        agreed_to_share=agreed_to_share,
    )
    referral.notes.set(notes)
    days = sender_agency.municipality.setting("referral_due_working_days", DEFAULT_DUE_WORKING_DAYS)
    due_on = add_working_days(timezone.localdate(now), int(days))
    for agency in recipients:
        task = RecipientTask.objects.create(
            referral=referral, agency=agency, due_on=due_on, status_changed_at=now
        )
        RecipientTaskEvent.objects.create(
            task=task, to_status=TaskStatus.SENT, actor=sender, side=Side.SENDER, at=now
        )
        policy.grant_involvement(
            person=person, agency=agency, source=Involvement.Source.REFERRAL, source_id=task.pk
        )
    audit.log(
        sender,
        "create",
        referral,
        person=person,
        agency=sender_agency,
        recipients=[a.pk for a in recipients],
        notes=[n.pk for n in notes],
    )
    return referral


def expire_referrals(*, today: datetime.date | None = None) -> int:
    """Move every task still unanswered after its deadline to 期限切れ. Returns the count."""
    today = today or timezone.localdate()
    count = 0
    for task in RecipientTask.objects.overdue(today).select_related("referral"):
        try:
            transition(
                actor=None,
                task=task,
                to=TaskStatus.EXPIRED,
                reason=f"回答期限({format_wareki(task.due_on)})までに回答がありませんでした。",
            )
        except TransitionRefused:
            continue  # answered concurrently, between the query and the lock
        count += 1
    return count


def coordinating_agency(municipality) -> Agency:
    agency = municipality.coordinating_agency
    if agency is None:
        raise IntakeRefused(
            "多機関協働の依頼先(運用設定 coordinating_agency)が設定されていません。"
            "管理者に連絡してください。"
        )
    return agency


@transaction.atomic
def request_coordination(
    *, requested_by, consultation: Consultation, reason: str
) -> CoordinationRequest:
    """支援依頼: ask the profile's coordinating body to take up 多機関協働 for a consultation."""
    _require_member(requested_by, consultation.agency)
    if not reason.strip():
        raise IntakeRefused("依頼理由を入力してください。")
    to_agency = coordinating_agency(consultation.municipality)
    pending = consultation.coordination_requests.filter(status="requested").exists()
    if pending:
        raise IntakeRefused("この相談受付には回答待ちの支援依頼がすでにあります。")
    request = CoordinationRequest.objects.create(
        consultation=consultation,
        requested_by=requested_by,
        from_agency=consultation.agency,
        to_agency=to_agency,
        reason=reason.strip(),
        requested_at=timezone.now(),
    )
    audit.log(
        requested_by,
        "create",
        request,
        person=consultation.person_id,
        agency=consultation.agency,
    )
    return request
