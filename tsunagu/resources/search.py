"""Finding resources: by area (its sub-areas and the areas above it), kind, target, day,
keyword. One function used by the staff search, the public directory and the booklet."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tsunagu.municipality.models import Area

from .models import Resource, Schedule, Target


def normalise(text: str) -> str:
    """Full/half width and case folded, so ＳＡＬＯＮ, salon and Salon find each other."""
    return unicodedata.normalize("NFKC", text).lower()


def search_text(resource: Resource) -> str:
    operator = resource.operator.name if resource.operator else ""
    parts = [resource.name, resource.description, resource.place_name, resource.address, operator]
    return normalise(" ".join(p for p in parts if p))


def refresh_search_text(resources: QuerySet) -> None:
    """Rewrite the search text of ``resources`` (after an edit or an operator's rename)."""
    rows = list(resources.select_related("operator"))
    for r in rows:
        r.search_text = search_text(r)
    Resource.objects.bulk_update(rows, ["search_text"], batch_size=1000)


@dataclass(frozen=True)
class Criteria:
    area: Area | None = None
    kind: str = ""
    target: str = ""
    weekday: int | None = None
    keyword: str = ""
    status: str = ""


def area_ids_serving(area: Area) -> list[int]:
    """Areas whose resources serve ``area``: itself, the areas inside it, and the wider
    areas it lies in (a 市全域 activity serves every 地区)."""
    return sorted(set(area.descendant_ids()) | set(area.ancestor_ids()))


def search(resources: QuerySet, criteria: Criteria) -> QuerySet:
    c = criteria
    if c.area is not None:
        resources = resources.filter(area_id__in=area_ids_serving(c.area))
    if c.kind:
        resources = resources.filter(kind=c.kind)
    if c.status:
        resources = resources.filter(status=c.status)
    if c.target:
        # 誰でも activities welcome every target group.
        resources = resources.filter(
            Q(targets__contains=c.target) | Q(targets__contains=Target.EVERYONE)
        )
    if c.weekday is not None:
        on_day = Schedule.objects.filter(resource=OuterRef("pk"), weekday=c.weekday)
        resources = resources.filter(Exists(on_day))
    for word in normalise(c.keyword).split():
        resources = resources.filter(search_text__contains=word)
    return resources
