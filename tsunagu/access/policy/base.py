"""Shared primitives every domain's rules are built on: content roles, acting for an
agency, involvement, the coordinating agency and the person's consent to sharing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from tsunagu.access.models import Involvement
from tsunagu.accounts.models import NO_CONTENT, READ_ONLY, Membership, User
from tsunagu.coordination.models import Consent
from tsunagu.intake.models import ConsentStatus, Consultation
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.people.models import Person

# --- content roles -------------------------------------------------------------------------


def casework_agency_ids(user) -> set[int]:
    """Agencies through which ``user`` may read case content (casework memberships)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return user.content_agency_ids()


def is_read_only(user) -> bool:
    return user.has_role(*READ_ONLY)


def writable_agencies(user) -> QuerySet[Agency]:
    """Agencies ``user`` may register persons or record work for (none when read-only)."""
    if is_read_only(user):
        return Agency.objects.none()
    return Agency.objects.filter(pk__in=casework_agency_ids(user)).order_by("name")


def content_agencies(user) -> list[Agency]:
    """The agencies whose records ``user`` reads (casework memberships), read-only users
    included: the choices of a list's 機関 filter, which can only narrow what they see.
    Read from the memberships already loaded for the policy (no query)."""
    ids = casework_agency_ids(user)
    agencies = {m.agency_id: m.agency for m in user.active_memberships() if m.agency_id in ids}
    return sorted(agencies.values(), key=lambda a: (a.name, a.pk))


def colleagues(user) -> QuerySet[User]:
    """Everyone who works, or worked, in a casework role at one of ``user``'s casework
    agencies: the choices of a list's 担当者 filter (names only, no content). Memberships
    since ended still count, as their records stay on the lists."""
    casework = Membership.objects.filter(agency_id__in=casework_agency_ids(user)).exclude(
        role__in=NO_CONTENT
    )
    return User.objects.filter(pk__in=casework.values("user_id")).order_by(
        "display_name", "username"
    )


def can_act_for(user, agency_id: int | None) -> bool:
    """May ``user`` record work as ``agency_id`` (a casework member, not read-only)?"""
    return agency_id in casework_agency_ids(user) and not is_read_only(user)


def acting_agency(user) -> Agency | None:
    """The agency a user's own records (a session they convene) are filed under when
    nothing else names one: the first of their casework agencies."""
    agencies = casework_agency_ids(user)
    return Agency.objects.filter(pk=min(agencies)).first() if agencies else None


def membership_agency(user) -> Agency | None:
    """The agency a user belongs to in any role (their first), for filing who attended a
    meeting or signed a pledge: it names them and grants no content."""
    memberships = sorted(user.active_memberships(), key=lambda m: m.agency_id)
    return memberships[0].agency if memberships else None


def home_municipality_id(user) -> int | None:
    """``home_municipality``'s id, from the memberships already loaded (no query)."""
    if user is None or not user.is_authenticated:
        return None
    memberships = sorted(user.active_memberships(), key=lambda m: m.agency_id)
    return memberships[0].agency.municipality_id if memberships else None


def home_municipality(user) -> Municipality | None:
    """The municipality a user works in, through any active membership (no content)."""
    if user is None or not user.is_authenticated:
        return None
    memberships = sorted(user.active_memberships(), key=lambda m: m.agency_id)
    return memberships[0].agency.municipality if memberships else None


# --- the coordinating agency ---------------------------------------------------------------


def coordinating_municipality_ids(user) -> set[int]:
    """Municipalities whose coordinating agency (Municipality.coordinating_agency, set from
    the profile) ``user`` works for in a casework role."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return set()
    rows = Municipality.objects.filter(coordinating_agency_id__in=agencies)
    return set(rows.values_list("pk", flat=True))


# --- involvement ----------------------------------------------------------------------------


def survivor(person: Person) -> Person:
    """The person a merged record now lives on (itself when not merged)."""
    seen = {person.pk}
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
        if person.pk in seen:  # a cycle would be a data error; stop rather than loop
            break
        seen.add(person.pk)
    return person


def grant_involvement(
    *, person: Person, agency: Agency, source: str, source_id=None
) -> Involvement:
    """Record that ``agency`` now works with ``person`` (idempotent per source record)."""
    involvement, _ = Involvement.objects.get_or_create(
        person=person, agency=agency, source=source, source_id=source_id, ended_at=None
    )
    return involvement


def end_involvement(*, source: str, source_id, agency: Agency | None = None, at=None) -> int:
    """Close the involvement a source record gave (e.g. a referral reaching a terminal state)."""
    rows = Involvement.objects.current().filter(source=source, source_id=source_id)
    if agency is not None:
        rows = rows.filter(agency=agency)
    return rows.update(ended_at=at or timezone.now())


# --- the person's consent to sharing --------------------------------------------------------
# A つなぐシート opens the person to the recipient, so it needs the person's consent. The
# latest decision the person made counts, wherever it was recorded: on a consultation at
# any counter (同意あり with its agencies / 同意なし(拒否)) or on a case (本人同意 with its
# scope, or its withdrawal). Without consent the law leaves 支援依頼 to the coordinating
# agency and the 支援会議 (法第106条の6), which have their own rules.

REFUSED_ROUTES = (
    "本人が関係機関への情報提供に同意していない(または同意を撤回した)ため、"
    "つなぐシートは送れません。支援依頼から多機関協働・支援会議(法第106条の6)での検討を"
    "依頼してください。"
)


@dataclass(frozen=True)
class ConsentDecision:
    at: datetime.datetime
    refused: bool
    agency_ids: frozenset[int] | None  # None: every agency (a consultation naming none)
    expired: bool = False


def _consultation_decision(person: Person) -> ConsentDecision | None:
    row = (
        Consultation.objects.filter(
            person=person, consent_status__in=[ConsentStatus.GIVEN, ConsentStatus.REFUSED]
        )
        .order_by("-received_at", "-pk")
        .first()
    )
    if row is None:
        return None
    if row.consent_status == ConsentStatus.REFUSED:
        return ConsentDecision(row.received_at, True, frozenset())
    named = frozenset(row.consent_agencies.values_list("pk", flat=True))
    return ConsentDecision(row.received_at, False, named or None)


def _case_consent_decision(person: Person) -> ConsentDecision | None:
    decisions = []
    consents = Consent.objects.filter(case__focus_person=person).select_related("case")
    for consent in consents.prefetch_related("scopes"):
        if consent.withdrawn_at is not None:
            decisions.append(ConsentDecision(consent.withdrawn_at, True, frozenset()))
            continue
        agencies = {s.agency_id for s in consent.scopes.all() if s.agency_id}
        agencies.add(consent.case.coordinating_agency_id)
        expired = consent.expires_on is not None and consent.expires_on < timezone.localdate()
        decisions.append(ConsentDecision(consent.recorded_at, False, frozenset(agencies), expired))
    return max(decisions, key=lambda d: d.at, default=None)


def latest_consent_decision(person: Person) -> ConsentDecision | None:
    found = [d for d in (_consultation_decision(person), _case_consent_decision(person)) if d]
    return max(found, key=lambda d: d.at, default=None)


def referral_consent_refusal(
    person: Person, recipients: list[Agency], *, consultation: Consultation | None = None
) -> str:
    """Why a つなぐシート about ``person`` may not go to ``recipients`` ('' when it may).

    Sent from a consultation, that consultation's own answer must be 同意あり; from any page,
    the person's latest decision must not be a refusal or withdrawal and must name every
    recipient. No decision recorded anywhere leaves the sender's 「共有に同意した情報」 as
    the record of consent (a person page referral without a consultation).
    """
    return _refusal(latest_consent_decision(person), recipients, consultation)


@dataclass(frozen=True)
class ReferralConsent:
    """What the つなぐシート form shows before it is sent: the refusal that holds for every
    recipient ('' when none), which recipients the consent covers, and whether any consent
    decision is on record at all."""

    refusal: str
    covered: frozenset[int]
    recorded: bool


def referral_consent(
    person: Person, recipients: Iterable[Agency], *, consultation: Consultation | None = None
) -> ReferralConsent:
    """``referral_consent_refusal`` asked for each recipient of a form at once (the person's
    decision is read once), so the marks on the form and the refusal on sending agree."""
    latest = latest_consent_decision(person)
    return ReferralConsent(
        refusal=_refusal(latest, [], consultation),
        covered=frozenset(a.pk for a in recipients if not _refusal(latest, [a], consultation)),
        recorded=latest is not None or consultation is not None,
    )


def _refusal(
    latest: ConsentDecision | None, recipients: list[Agency], consultation: Consultation | None
) -> str:
    if consultation is not None:
        if consultation.consent_status == ConsentStatus.REFUSED:
            return REFUSED_ROUTES
        if consultation.consent_status == ConsentStatus.NOT_ASKED:
            return "関係機関への情報提供について、本人の同意を確認してから送付してください。"
    if latest is None:
        return ""
    if latest.refused:
        return REFUSED_ROUTES
    if latest.expired:
        return "本人同意の有効期限が過ぎているため、つなぐシートは送れません。"
    outside = [a.name for a in recipients if latest.agency_ids and a.pk not in latest.agency_ids]
    if outside:
        return f"本人の同意の範囲に含まれない機関があります: {'、'.join(outside)}"
    return ""
