"""Finding resources: by area (its sub-areas and the areas above it), kind, target, day,
keyword. One function used by the staff search, the public directory and the booklet."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tsunagu.municipality.models import Area

from .models import Schedule, Target


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
    for word in c.keyword.split():
        resources = resources.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(place_name__icontains=word)
            | Q(address__icontains=word)
            | Q(operator__name__icontains=word)
        )
    return resources
