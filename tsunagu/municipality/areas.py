"""Placing things in the municipality's 圏域 (areas), for apps that count or place records
by area (outreach, resources, reports)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.db.models import Count, QuerySet

from .models import Area, Municipality


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def area_for_address(municipality: Municipality, address: str) -> Area | None:
    """The narrowest area whose 町名/地区名 (``Area.towns``) begins the address, the
    municipality's own name and its prefecture ignored; the longest town name wins, so
    「本町二丁目」 beats 「本町」. None when no area's towns match."""
    text = _plain(address or "")
    for prefix in (municipality.prefecture, municipality.name):
        if prefix and text.startswith(_plain(prefix)):
            text = text[len(_plain(prefix)) :]
    best: tuple[int, int, Area] | None = None
    for area in municipality.areas.filter(in_profile=True).select_related("level"):
        for town in area.towns:
            plain = _plain(town)
            if plain and text.startswith(plain):
                key = (len(plain), area.level.depth)
                if best is None or key > best[:2]:
                    best = (*key, area)
    return best[2] if best else None


def counts_by_area(records: QuerySet, area_field: str = "area") -> dict[int, int]:
    """How many of ``records`` each area holds directly: {area id: count}. Other apps pass
    their queryset and the name of its Area foreign key; see ``rollup`` for totals that
    include the areas below."""
    rows = records.values(area_field).annotate(n=Count("pk")).order_by()
    return {row[area_field]: row["n"] for row in rows if row[area_field] is not None}


def rollup(municipality: Municipality, direct: dict[int, int]) -> dict[int, int]:
    """Counts per area with every area below it included (one query for the tree)."""
    parents = dict(municipality.areas.values_list("pk", "parent_id"))
    totals = dict.fromkeys(parents, 0)
    for area_id, n in direct.items():
        node = area_id
        while node is not None and node in totals:
            totals[node] += n
            node = parents[node]
    return totals


AreaCount = Callable[[Municipality], dict[int, int]]
_counters: list[tuple[str, AreaCount]] = []


def register_area_count(label: str, count: AreaCount) -> None:
    """Let another app show its records per area on the 圏域 page: ``count`` returns
    {area id: records placed directly in it} (``counts_by_area`` does this for a queryset).
    Call it from the app's ``AppConfig.ready``."""
    if all(existing != label for existing, _ in _counters):
        _counters.append((label, count))


def registered_counts(municipality: Municipality) -> list[tuple[str, dict[int, int]]]:
    """Each registered app's counts, children included (``rollup``)."""
    return [(label, rollup(municipality, count(municipality))) for label, count in _counters]
