"""People workflows: register, edit, move between households, merge / unmerge (名寄せ),
keep apart. Each checks the policy, writes in one transaction and writes the audit event.

Audit details name the fields that changed, never their values: the log must not become a
second copy of the personal data."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.models import Involvement
from tsunagu.lib.conflicts import Stale, save_if_unchanged
from tsunagu.municipality.models import Agency
from tsunagu.people import matching
from tsunagu.people.models import (
    Household,
    HouseholdMembership,
    NotSamePerson,
    Person,
    PersonMerge,
)

PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "alphabet_name",
    "common_name",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "phone",
    "contact_note",
)


class PeopleRefused(Exception):
    """A request the rules refuse; the Japanese message is shown to the user as is."""


def _require_change(user, person: Person) -> None:
    if not policy.can_change_person(user, person):
        raise PermissionDenied(f"{person.pk}番の本人の記録を変更する権限がありません。")


@transaction.atomic
def register_person(*, user, agency: Agency, data: dict) -> Person:
    """Register a person for ``agency``, which gets an Involvement (source: registered)."""
    if not policy.writable_agencies(user).filter(pk=agency.pk).exists():
        raise PermissionDenied(f"{agency.name} として本人を登録する権限がありません。")
    person = Person.objects.create(
        municipality_id=agency.municipality_id,
        registered_by=agency,
        created_by=user,
        **{name: data.get(name) or _blank(name) for name in PERSON_FIELDS},
    )
    policy.grant_involvement(
        person=person, agency=agency, source=Involvement.Source.REGISTERED, source_id=person.pk
    )
    matching.refresh_keys(person)
    audit.log(user, "create", person, person=person, agency=agency)
    return person


def _blank(name: str):
    return None if name == "birth_date" else ""


@transaction.atomic
def update_person(*, user, person: Person, data: dict, expected_version: int | None) -> list[str]:
    """Apply the edited fields, unless someone saved the person since ``expected_version``
    (``Stale``); returns the names of the fields that changed."""
    _require_change(user, person)
    changed = [n for n in PERSON_FIELDS if (data.get(n) or _blank(n)) != getattr(person, n)]
    if not changed:
        return []
    values = {name: data.get(name) or _blank(name) for name in changed}
    if not save_if_unchanged(
        person, expected_version, **values, updated_by=user, updated_at=timezone.now()
    ):
        raise Stale(Person.objects.get(pk=person.pk))
    person.refresh_from_db()
    matching.refresh_keys(person)
    audit.log(user, "update", person, person=person, fields=changed)
    return changed


@transaction.atomic
def move_household(
    *,
    user,
    person: Person,
    household: Household | None,
    relation: str,
    on_date: datetime.date,
    is_head: bool = False,
    new_household_name: str = "",
    new_household_address: str = "",
) -> HouseholdMembership:
    """Close the person's current membership(s) and open one in ``household`` (or in a new
    household when None), as of ``on_date``."""
    _require_change(user, person)
    if household is not None and not policy.can_view_household(user, household.pk):
        raise PermissionDenied("移動先の世帯を閲覧する権限がありません。")
    current = HouseholdMembership.objects.filter(person=person, left_on__isnull=True)
    if household is not None and current.filter(household=household).exists():
        raise PeopleRefused("すでにその世帯に属しています。")
    if current.filter(joined_on__gt=on_date).exists():
        raise PeopleRefused("異動日が現在の世帯への加入日より前になっています。")
    left = list(current.values_list("household_id", flat=True))
    current.update(left_on=on_date)
    if household is None:
        household = Household.objects.create(
            municipality_id=person.municipality_id,
            name=new_household_name.strip(),
            address=new_household_address.strip(),
        )
    if is_head:
        household.memberships.filter(left_on__isnull=True, is_head=True).update(is_head=False)
    membership = HouseholdMembership.objects.create(
        household=household, person=person, relation=relation, is_head=is_head, joined_on=on_date
    )
    audit.log(
        user,
        "move_household",
        membership,
        person=person,
        left_households=left,
        household=household.pk,
    )
    return membership


def _require_mergeable(user, keep: Person, merged: Person, reason: str) -> None:
    if keep.pk == merged.pk:
        raise PeopleRefused("同じ記録どうしは統合できません。")
    if keep.merged_into_id or merged.merged_into_id:
        raise PeopleRefused("すでに統合された記録は統合できません。統合先の記録を選んでください。")
    if keep.municipality_id != merged.municipality_id:
        raise PeopleRefused("異なる自治体の記録は統合できません。")
    _require_change(user, keep)
    _require_change(user, merged)
    if not reason.strip():
        raise PeopleRefused("統合の理由を入力してください。")
    if NotSamePerson.exists_for(keep.pk, merged.pk):
        raise PeopleRefused("この2件は別人と判断済みのため統合できません。")


@transaction.atomic
def merge_persons(*, user, keep: Person, merged: Person, reason: str) -> PersonMerge:
    """名寄せ: ``merged`` points at ``keep`` from now on; its household memberships and
    involvements move to ``keep``. Which rows moved is recorded for ``unmerge_persons``."""
    _require_mergeable(user, keep, merged, reason)
    memberships = list(merged.household_memberships.values_list("pk", flat=True))
    involvements = list(merged.involvements.values_list("pk", flat=True))
    HouseholdMembership.objects.filter(pk__in=memberships).update(person=keep)
    Involvement.objects.filter(pk__in=involvements).update(person=keep)
    Person.objects.filter(pk=merged.pk).update(merged_into=keep)
    merged.merged_into = keep
    merge = PersonMerge.objects.create(
        kept=keep,
        merged=merged,
        reason=reason.strip(),
        moved_membership_ids=memberships,
        moved_involvement_ids=involvements,
        merged_by=user,
    )
    audit.log(user, "merge", merge, person=keep, merged_person=merged.pk, reason=merge.reason)
    audit.log(user, "merge", merge, person=merged, kept_person=keep.pk, reason=merge.reason)
    return merge


@transaction.atomic
def unmerge_persons(*, user, merge: PersonMerge, reason: str) -> Person:
    """Undo ``merge`` exactly: the rows it moved go back; rows added since stay with the
    kept person. Later merges of the kept person must be undone first."""
    merge = (
        PersonMerge.objects.select_for_update().select_related("kept", "merged").get(pk=merge.pk)
    )
    kept, merged = merge.kept, merge.merged
    if merge.undone_at is not None:
        raise PeopleRefused("この統合はすでに取り消されています。")
    if kept.merged_into_id is not None:
        raise PeopleRefused(
            "統合先の記録がその後さらに統合されています。先にそちらを取り消してください。"
        )
    _require_change(user, kept)
    if not reason.strip():
        raise PeopleRefused("取消の理由を入力してください。")
    HouseholdMembership.objects.filter(pk__in=merge.moved_membership_ids, person=kept).update(
        person=merged
    )
    Involvement.objects.filter(pk__in=merge.moved_involvement_ids, person=kept).update(
        person=merged
    )
    Person.objects.filter(pk=merged.pk).update(merged_into=None)
    merged.merged_into = None
    merge.undone_by, merge.undone_at, merge.undo_reason = user, timezone.now(), reason.strip()
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    matching.refresh_keys(merged)
    audit.log(user, "unmerge", merge, person=kept, merged_person=merged.pk, reason=reason)
    audit.log(user, "unmerge", merge, person=merged, kept_person=kept.pk, reason=reason)
    return merged


@transaction.atomic
def keep_apart(*, user, person: Person, other: Person, reason: str = "") -> NotSamePerson:
    """Record that two records are different people, so they are not suggested again."""
    if person.pk == other.pk:
        raise PeopleRefused("同じ記録です。")
    _require_change(user, person)
    if not policy.can_view_person(user, other):
        raise PermissionDenied("相手の記録を閲覧する権限がありません。")
    low, high = sorted((person.pk, other.pk))
    decision, _ = NotSamePerson.objects.get_or_create(
        person_a_id=low, person_b_id=high, defaults={"decided_by": user, "reason": reason}
    )
    for subject, counterpart in ((person, other), (other, person)):
        audit.log(user, "keep_apart", decision, person=subject, other_person=counterpart.pk)
    return decision
