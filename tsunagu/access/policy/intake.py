"""Consultations and referrals (intake).

A consultation is read only by users of the agency that took it. A referral (つなぐシート)
is read in full by the sending agency; a recipient agency sees the sheet and its attached
notes, and only its own task, from 送付 until its task reaches a terminal state.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tsunagu.access.policy.base import casework_agency_ids, is_read_only
from tsunagu.intake.models import (
    ACTIVE,
    UNANSWERED,
    Consultation,
    ConsultationQuerySet,
    CoordinationRequest,
    CoordinationStatus,
    ProgressNote,
    RecipientTask,
    RecipientTaskQuerySet,
    Referral,
)


def visible_consultations(user) -> ConsultationQuerySet:
    agencies = casework_agency_ids(user)
    if not agencies:
        return Consultation.objects.none()
    return Consultation.objects.filter(agency_id__in=agencies)


def visible_progress_notes(user) -> QuerySet[ProgressNote]:
    """支援経過記録 of the consultations ``user`` may read."""
    return ProgressNote.objects.filter(consultation__in=visible_consultations(user))


def can_view_consultation(user, consultation) -> bool:
    return consultation.agency_id in casework_agency_ids(user)


def can_change_consultation(user, consultation) -> bool:
    return can_view_consultation(user, consultation) and not is_read_only(user)


def get_consultation_or_404(user, pk) -> Consultation:
    consultation = (
        visible_consultations(user)
        .filter(pk=pk)
        .select_related("person", "household", "agency", "staff")
        .first()
    )
    if consultation is None:
        raise Http404("指定された相談受付は見つからないか、閲覧する権限がありません。")
    return consultation


def sent_referral_tasks(user) -> RecipientTaskQuerySet:
    """Every recipient task of the referrals the user's agencies sent (the sender sees all)."""
    return RecipientTask.objects.filter(referral__sender_agency_id__in=casework_agency_ids(user))


def received_referral_tasks(user) -> RecipientTaskQuerySet:
    """The user's agencies' own tasks, from 送付 until the task reaches a terminal state."""
    return RecipientTask.objects.active().filter(agency_id__in=casework_agency_ids(user))


def unanswered_received_tasks(user) -> QuerySet[RecipientTask]:
    """受信箱: tasks sent to the user's agencies and not answered yet."""
    return received_referral_tasks(user).filter(status__in=UNANSWERED)


def is_referral_sender(user, referral) -> bool:
    return referral.sender_agency_id in casework_agency_ids(user)


def visible_tasks(user, referral) -> QuerySet[RecipientTask]:
    """The recipient tasks of ``referral`` the user may see: all for the sender, else own."""
    if is_referral_sender(user, referral):
        tasks = referral.tasks.all()
    else:
        tasks = received_referral_tasks(user).filter(referral=referral)
    return tasks.select_related("agency", "owner")


def get_task_or_404(user, pk) -> RecipientTask:
    task = RecipientTask.objects.select_related("referral", "agency").filter(pk=pk).first()
    if task is None or not visible_tasks(user, task.referral).filter(pk=task.pk).exists():
        raise Http404("指定された依頼は見つからないか、閲覧する権限がありません。")
    return task


def visible_referrals(user) -> QuerySet[Referral]:
    """つなぐシート ``user`` may open (``can_view_referral`` for a list): sent by one of their
    agencies, or with one of their agencies' tasks still open. Narrow it (to a person) before
    reading: over an agency's whole history the OR of sender and recipient cannot be answered
    from one index — the つなぐシート一覧 reads ``sent_referral_tasks`` and
    ``received_referral_tasks`` as two lists instead."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return Referral.objects.none()
    received = received_referral_tasks(user).values("referral_id")
    return Referral.objects.filter(Q(sender_agency_id__in=agencies) | Q(pk__in=received))


def visible_referral_tasks(user) -> QuerySet[RecipientTask]:
    """The recipient tasks ``user`` may see on any sheet (``visible_tasks`` for many sheets):
    every task of a sheet their agency sent, and their agencies' own open tasks."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return RecipientTask.objects.none()
    return RecipientTask.objects.filter(
        Q(referral__sender_agency_id__in=agencies) | Q(agency_id__in=agencies, status__in=ACTIVE)
    )


def can_view_referral(user, referral) -> bool:
    return is_referral_sender(user, referral) or visible_tasks(user, referral).exists()


def get_referral_or_404(user, pk) -> Referral:
    referral = (
        Referral.objects.filter(pk=pk)
        .select_related("person", "consultation", "sender_agency", "sent_by")
        .first()
    )
    if referral is None or not can_view_referral(user, referral):
        raise Http404("指定されたつなぐシートは見つからないか、閲覧する権限がありません。")
    return referral


def task_sides(user, task) -> set[str]:
    """The sides ("sender", "recipient") from which ``user`` may act on ``task``."""
    if is_read_only(user):
        return set()
    agencies = casework_agency_ids(user)
    sides = set()
    if task.agency_id in agencies and not task.is_terminal:
        sides.add("recipient")
    if task.referral.sender_agency_id in agencies:
        sides.add("sender")
    return sides


# --- 支援依頼 (to the coordinating agency) --------------------------------------------------


def pending_coordination_requests(user) -> QuerySet[CoordinationRequest]:
    """支援依頼 addressed to the user's agencies with no case opened yet."""
    return CoordinationRequest.objects.filter(
        to_agency_id__in=casework_agency_ids(user),
        status__in=[CoordinationStatus.REQUESTED, CoordinationStatus.ACCEPTED],
        case__isnull=True,
    )


def get_incoming_request_or_404(user, pk) -> CoordinationRequest:
    """A 支援依頼 addressed to one of the user's agencies (casework members only)."""
    request = CoordinationRequest.objects.filter(
        pk=pk, to_agency_id__in=casework_agency_ids(user)
    ).first()
    if request is None:
        raise Http404("指定された支援依頼は見つからないか、閲覧する権限がありません。")
    return request
