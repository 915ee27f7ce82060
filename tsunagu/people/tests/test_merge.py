"""名寄せ decisions: merge with full audit, exact unmerge, keep apart."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.people import actions
from tsunagu.people.models import HouseholdMembership, NotSamePerson, Person
from tsunagu.people.tests.conftest import person_data


@pytest.fixture
def duplicate(town, owner, person):
    """The same woman registered again with a variant spelling, with her own household."""
    twin = actions.register_person(
        user=owner, agency=town.owner_agency, data=person_data(family_name="高橋")
    )
    actions.move_household(
        user=owner,
        person=twin,
        household=None,
        relation="世帯主",
        is_head=True,
        on_date=datetime.date(2021, 4, 1),
        new_household_name="高橋世帯",
    )
    return twin


def _snapshot(*persons):
    ids = [p.pk for p in persons]
    return {
        "persons": [model_to_dict(p) for p in Person.objects.filter(pk__in=ids).order_by("pk")],
        "memberships": sorted(
            (m.pk, m.person_id, m.household_id, m.relation, m.is_head, m.joined_on, m.left_on)
            for m in HouseholdMembership.objects.filter(person_id__in=ids)
        ),
        "involvements": sorted(
            (i.pk, i.person_id, i.agency_id, i.source, i.source_id, i.ended_at)
            for i in Involvement.objects.filter(person_id__in=ids)
        ),
    }


def test_merge_moves_memberships_and_involvements_and_resolves_to_survivor(
    client, owner, person, duplicate
):
    merge = actions.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一人物")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == person
    assert HouseholdMembership.objects.get(household__name="高橋世帯").person == person
    assert not Involvement.objects.filter(person=duplicate).exists()
    assert policy.get_person_or_404(owner, duplicate.pk) == person
    client.force_login(owner)
    response = client.get(reverse("people:detail", args=[duplicate.pk]))
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    events = AuditEvent.objects.filter(action="merge", object_id=str(merge.pk))
    assert {e.person_id for e in events} == {person.pk, duplicate.pk}


def test_merge_then_unmerge_restores_exactly(owner, person, duplicate):
    before = _snapshot(person, duplicate)
    merge = actions.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一人物")
    assert _snapshot(person, duplicate) != before
    actions.unmerge_persons(user=owner, merge=merge, reason="別人だった")
    assert _snapshot(person, duplicate) == before
    merge.refresh_from_db()
    assert merge.undone_by == owner
    assert AuditEvent.objects.filter(action="unmerge", person_id=duplicate.pk).exists()


def test_unmerge_leaves_rows_added_after_the_merge_with_the_survivor(
    town, owner, person, duplicate
):
    merge = actions.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一人物")
    later = policy.grant_involvement(person=person, agency=town.coordinating_agency, source="case")
    actions.unmerge_persons(user=owner, merge=merge, reason="別人だった")
    later.refresh_from_db()
    assert later.person == person


def test_merge_through_the_page_needs_a_reason_and_both_records_visible(
    client, town, owner, unrelated, person, duplicate
):
    client.force_login(owner)
    url = reverse("people:merge", args=[person.pk, duplicate.pk])
    client.post(url, {"reason": ""})
    assert Person.objects.get(pk=duplicate.pk).merged_into is None
    client.force_login(unrelated)
    assert client.post(url, {"reason": "同一"}).status_code == 404
    client.force_login(owner)
    client.post(url, {"reason": "生年月日・住所一致、本人確認済み"})
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == person.pk


def test_unmerge_page_refuses_unrelated_and_auditor(
    client, owner, unrelated, auditor, person, duplicate
):
    merge = actions.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一人物")
    url = reverse("people:unmerge", args=[merge.pk])
    for user in (unrelated, auditor):
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(owner)
    client.post(url, {"reason": "別人"})
    assert Person.objects.get(pk=duplicate.pk).merged_into is None


def test_kept_apart_pair_is_not_suggested_again_and_cannot_be_merged(
    client, owner, person, duplicate
):
    client.force_login(owner)
    page = client.get(reverse("people:candidates", args=[person.pk]))
    assert reverse("people:detail", args=[duplicate.pk]) in page.text
    client.post(reverse("people:keep_apart", args=[person.pk, duplicate.pk]), {"reason": "双子"})
    assert NotSamePerson.exists_for(duplicate.pk, person.pk)
    page = client.get(reverse("people:candidates", args=[person.pk]))
    assert reverse("people:detail", args=[duplicate.pk]) not in page.text
    with pytest.raises(actions.PeopleRefused, match="別人と判断済み"):
        actions.merge_persons(user=owner, keep=person, merged=duplicate, reason="同一")
    assert AuditEvent.objects.filter(action="keep_apart", person_id=duplicate.pk).exists()
