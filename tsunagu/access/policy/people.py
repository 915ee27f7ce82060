"""Persons and households: read by agencies involved with the person now (or sharing it
under a 支援会議); everyone else learns only which agencies know the person."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tsunagu.access.models import Involvement
from tsunagu.access.policy.base import casework_agency_ids, is_read_only, survivor
from tsunagu.access.policy.meetings import meeting_shared_persons
from tsunagu.people.models import Household, HouseholdMembership, Person, PersonMerge


def visible_persons(user) -> QuerySet[Person]:
    """Persons (not merged away) whose records ``user`` may read."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return Person.objects.none()
    involved = Involvement.objects.current().filter(agency_id__in=agencies).values("person_id")
    # One id set, never an OR of two IN-subqueries: PostgreSQL cannot plan that OR as a
    # semi-join and scans every person (10 s at 350k persons). 支援会議 sharing reaches few
    # persons, so its ids are read first and joined with UNION only when there are any.
    shared = list(meeting_shared_persons(user).values_list("pk", flat=True))
    if shared:
        involved = involved.union(Person.objects.filter(pk__in=shared).values("pk"))
    return Person.objects.active().filter(pk__in=involved)


def can_view_person(user, person: Person) -> bool:
    agencies = casework_agency_ids(user)
    if not agencies:
        return False
    person = survivor(person)
    if Involvement.objects.current().filter(person=person, agency_id__in=agencies).exists():
        return True
    return meeting_shared_persons(user).filter(pk=person.pk).exists()


def can_change_person(user, person: Person) -> bool:
    return not is_read_only(user) and can_view_person(user, person)


def get_person_or_404(user, pk) -> Person:
    """The person (or, if merged, its survivor) when ``user`` may read it; else 404."""
    person = Person.objects.filter(pk=pk).first()
    if person is None or not can_view_person(user, person):
        raise Http404("指定された本人の記録は見つからないか、閲覧する権限がありません。")
    return survivor(person)


def visible_households(user) -> QuerySet[Household]:
    """Households with a current member whose record ``user`` may read."""
    members = HouseholdMembership.objects.filter(
        left_on__isnull=True, person_id__in=visible_persons(user).values("pk")
    )
    return Household.objects.filter(pk__in=members.values("household_id"))


def can_view_household(user, household_id: int) -> bool:
    members = list(
        HouseholdMembership.objects.filter(
            household_id=household_id, left_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    return visible_persons(user).filter(pk__in=members).exists()


def get_household_or_404(user, pk) -> Household:
    household = Household.objects.filter(pk=pk).first()
    if household is None or not can_view_household(user, household.pk):
        raise Http404("指定された世帯は見つからないか、閲覧する権限がありません。")
    return household


def get_merge_or_404(user, pk) -> PersonMerge:
    """A merge record, if ``user`` may read the person it was kept on."""
    record = PersonMerge.objects.filter(pk=pk).first()
    if record is None or not can_view_person(user, record.kept):
        raise Http404("指定された統合の記録は見つからないか、閲覧する権限がありません。")
    return record


def current_households(user, person: Person) -> QuerySet[HouseholdMembership]:
    """The households ``person`` lives in now (with the membership rows), if readable."""
    if not can_view_person(user, person):
        return HouseholdMembership.objects.none()
    rows = HouseholdMembership.objects.filter(person=person, left_on__isnull=True)
    return rows.select_related("household")


def known_elsewhere_by_person(user, person_ids) -> dict[int, list[str]]:
    """「他機関で関わりあり」, the one rule: per person, the names of agencies other than the
    user's own (casework memberships) currently involved with them. Names only — the
    signal says where to ask, never what is recorded. Persons known to nobody else are
    left out, so ``len()`` counts the persons known elsewhere."""
    rows = (
        Involvement.objects.current()
        .filter(person_id__in=person_ids)
        .exclude(agency_id__in=casework_agency_ids(user))
        .order_by("person_id", "agency__name")
        .values_list("person_id", "agency__name")
        .distinct()
    )
    names: dict[int, list[str]] = {}
    for person_id, name in rows:
        names.setdefault(person_id, []).append(name)
    return names


def known_elsewhere(user, person: Person) -> list[str]:
    return known_elsewhere_by_person(user, [person.pk]).get(person.pk, [])


def known_elsewhere_by_household(user, household_ids) -> dict[int, list[str]]:
    """The same signal for households: agencies involved with any current member."""
    members = list(
        HouseholdMembership.objects.filter(
            household_id__in=household_ids, left_on__isnull=True
        ).values_list("household_id", "person_id")
    )
    by_person = known_elsewhere_by_person(user, {person_id for _, person_id in members})
    names: dict[int, set[str]] = {}
    for household_id, person_id in members:
        names.setdefault(household_id, set()).update(by_person.get(person_id, []))
    return {household_id: sorted(found) for household_id, found in names.items() if found}


# At most this many exact matches are looked at for the 「他機関で関わりあり」 line.
MATCH_LIMIT = 50


def known_elsewhere_matching(user, identity: Q) -> dict:
    """Persons matching ``identity`` exactly that ``user`` may not read: their count, the
    agencies involved and (for the audit event only) their ids."""
    ids = list(Person.objects.active().filter(identity).values_list("pk", flat=True)[:MATCH_LIMIT])
    visible = set(visible_persons(user).filter(pk__in=ids).values_list("pk", flat=True))
    known = known_elsewhere_by_person(user, [pk for pk in ids if pk not in visible])
    return {
        "count": len(known),
        "agencies": sorted({name for names in known.values() for name in names}),
        "person_ids": sorted(known),
    }
