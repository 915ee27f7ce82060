"""名寄せ candidate rows, built once for every page that offers them (相談受付, 本人の新規登録,
the person's 名寄せ page).

The user sees the candidates they may read; of the others only how many there are and which
agencies know them (「他機関で登録あり」, the policy's known-elsewhere rule). The search is
audited with the ids of every candidate found, shown or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from tsunagu.access import audit, policy
from tsunagu.people import matching
from tsunagu.people.models import NotSamePerson, Person

TEXT_FIELDS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "address",
    "sex",
    "alphabet_name",
    "common_name",
)


@dataclass(frozen=True)
class CandidateRows:
    visible: list[matching.Candidate]
    hidden_count: int
    hidden_agencies: list[str]
    ids: list[int]

    def __bool__(self) -> bool:
        return bool(self.visible or self.hidden_count)


def candidate_rows(
    user, data: dict, *, municipality_id: int, purpose: str, exclude: Person | None = None
) -> CandidateRows:
    """Candidates for the person described by ``data`` (names, kana, birth_date, address)."""
    text = {name: str(data.get(name) or "") for name in TEXT_FIELDS}
    found = matching.find_candidates(
        municipality_id=municipality_id,
        family_name=text["family_name"],
        given_name=text["given_name"],
        family_kana=text["family_kana"],
        given_kana=text["given_kana"],
        birth_date=data.get("birth_date"),
        address=text["address"],
        sex=text["sex"],
        alphabet_name=text["alphabet_name"],
        common_name=text["common_name"],
        exclude_person_id=exclude.pk if exclude else None,
    )
    if exclude is not None:
        apart = _kept_apart_ids(exclude)
        found = [c for c in found if c.person.pk not in apart]
    ids = [c.person.pk for c in found]
    visible = set(policy.visible_persons(user).filter(pk__in=ids).values_list("pk", flat=True))
    hidden = [pk for pk in ids if pk not in visible]
    elsewhere = policy.known_elsewhere_by_person(user, hidden)
    audit.log(user, "search", "people.person", person=exclude, purpose=purpose, person_ids=ids)
    return CandidateRows(
        visible=[c for c in found if c.person.pk in visible],
        hidden_count=len(hidden),
        hidden_agencies=sorted({name for names in elsewhere.values() for name in names}),
        ids=ids,
    )


def _kept_apart_ids(person: Person) -> set[int]:
    pairs = NotSamePerson.objects.filter(Q(person_a=person) | Q(person_b=person))
    return {a if a != person.pk else b for a, b in pairs.values_list("person_a", "person_b")}
