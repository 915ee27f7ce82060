"""名寄せ: candidate existing persons for a new or edited record.

Contract used by the people and intake screens (implementation: issue 3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tsunagu.people.models import Person

LINK = "link"  # 同一人物の可能性が高い (link suggested)
REVIEW = "review"  # 要確認 (needs a person's review)


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float  # 0.0–1.0
    band: str  # LINK or REVIEW; no-match records are not returned
    reasons: list[str] = field(default_factory=list)  # 「フリガナ一致」「生年月日一致」…


def find_candidates(
    *,
    municipality_id: int,
    family_name: str = "",
    given_name: str = "",
    family_kana: str = "",
    given_kana: str = "",
    birth_date: datetime.date | None = None,
    address: str = "",
    exclude_person_id: int | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Existing persons that may be the same person, best first."""
    raise NotImplementedError("issue 3: matching")


def refresh_keys(person: Person) -> None:
    """Recompute the person's blocking keys; called by people actions after create/update."""
    raise NotImplementedError("issue 3: matching")
