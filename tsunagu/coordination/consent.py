"""What the person's consent (本人同意) covers: the one question every sharing asks.

``consent_covers`` answers for one recipient (an agency or a meeting body) and one part of
the case, and when the answer is no it says why in Japanese, so the refusal shown to the
user names the missing piece. Withdrawal takes effect at once because every check reads
the consent rows as they are now.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tsunagu.intake.models import ConsentStatus
from tsunagu.lib.wareki import format_wareki

from .models import Case, Consent, ConsentScope, Part


@dataclass(frozen=True)
class Coverage:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def missing_consent_reason(case: Case, on: datetime.date | None = None) -> str:
    """Why the case has no current consent (none recorded, withdrawn, expired, not yet)."""
    on = on or timezone.localdate()
    latest = case.consents.order_by("-given_on", "-pk").first()
    if latest is None:
        return "この事例には本人同意が記録されていません。"
    if latest.withdrawn_at is not None:
        return f"本人同意は{format_wareki(timezone.localdate(latest.withdrawn_at))}に撤回されています。"
    if latest.expires_on is not None and latest.expires_on < on:
        return f"本人同意の有効期限({format_wareki(latest.expires_on)})が過ぎています。"
    return f"本人同意の同意日({format_wareki(latest.given_on)})がまだ来ていません。"


def consent_covers(
    case: Case, *, agency=None, meeting_body=None, part: str, on: datetime.date | None = None
) -> Coverage:
    """May ``part`` of ``case`` go to ``agency`` (or ``meeting_body``) under the consent?

    The coordinating agency holds the case and needs no consent to read its own record.
    """
    if (agency is None) == (meeting_body is None):
        raise ValueError("agency か meeting_body のどちらか一方を指定してください")
    part_label = Part(part).label
    if agency is not None and agency.pk == case.coordinating_agency_id:
        return Coverage(True)
    on = on or timezone.localdate()
    consent: Consent | None = case.current_consent(on)
    if consent is None:
        return Coverage(False, missing_consent_reason(case, on))
    recipient = agency if agency is not None else meeting_body
    scope = consent.scopes.filter(agency=agency, meeting_body=meeting_body).first()
    if scope is None:
        return Coverage(False, f"「{recipient}」は本人同意の範囲(共有先)に含まれていません。")
    if part not in scope.parts:
        agreed = "、".join(scope.part_labels()) or "なし"
        return Coverage(
            False,
            f"「{recipient}」への{part_label}の共有は本人同意の範囲外です"
            f"(同意されている情報: {agreed})。",
        )
    return Coverage(True)


def cases_covering(case_ids, *, agency_ids, part: str, on: datetime.date | None = None) -> set[int]:
    """Of ``case_ids``, the cases whose current consent opens ``part`` to one of
    ``agency_ids``: ``consent_covers`` for a list page, in two queries."""
    on = on or timezone.localdate()
    current: dict[int, int] = {}
    consents = (
        Consent.objects.filter(case_id__in=case_ids, withdrawn_at__isnull=True, given_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .order_by("case_id", "-given_on", "-pk")  # the order of Case.current_consent
    )
    for case_id, consent_id in consents.values_list("case_id", "pk"):
        current.setdefault(case_id, consent_id)
    scopes = ConsentScope.objects.filter(consent_id__in=current.values(), agency_id__in=agency_ids)
    opened = {
        consent for consent, parts in scopes.values_list("consent_id", "parts") if part in parts
    }
    return {case_id for case_id, consent_id in current.items() if consent_id in opened}


@dataclass(frozen=True)
class ProposedScope:
    """The ticks the consent form starts from, and where they come from (shown above it)."""

    agencies: dict[int, list[str]]
    bodies: dict[int, list[str]]
    source: str = ""


def proposed_scope(case: Case) -> ProposedScope:
    """What the person is asked to confirm when a consent is recorded on ``case``.

    Renewing (the latest consent on the case stands, current or expired): its scope as it
    is, so the coordinator changes only what the person changes. After a withdrawal
    nothing is ticked: the person said no, and every recipient is asked afresh.

    The first consent starts from intake: the agencies the person named at the counter
    (the source consultation's 同意の範囲(機関), when it says 同意あり), each with 基本情報
    only. Intake asks about 関係機関への情報提供 — who the person is and what they came
    about — before any assessment, plan or 支援経過 exists; it cannot stand for consent to
    those parts, which the coordinator ticks with the person. The coordinating agency holds
    the case and needs no row.
    """
    latest = case.consents.order_by("-given_on", "-pk").prefetch_related("scopes").first()
    if latest is not None:
        if latest.withdrawn_at is not None:
            return ProposedScope({}, {})
        agencies = {s.agency_id: list(s.parts) for s in latest.scopes.all() if s.agency_id}
        bodies = {
            s.meeting_body_id: list(s.parts) for s in latest.scopes.all() if s.meeting_body_id
        }
        return ProposedScope(
            agencies, bodies, f"{format_wareki(latest.given_on)}の本人同意の範囲を選んであります。"
        )
    consultation = case.request.consultation if case.request is not None else None
    if consultation is None or consultation.consent_status != ConsentStatus.GIVEN:
        return ProposedScope({}, {})
    named = consultation.consent_agencies.exclude(pk=case.coordinating_agency_id)
    agencies = {pk: [Part.BASIC.value] for pk in named.values_list("pk", flat=True)}
    if not agencies:
        return ProposedScope({}, {})
    received = format_wareki(timezone.localdate(consultation.received_at))
    return ProposedScope(
        agencies,
        {},
        f"相談受付({received})で本人が情報提供に同意した機関を、基本情報で選んであります。"
        "アセスメント・支援プラン・支援経過は本人に確かめて選んでください。",
    )
