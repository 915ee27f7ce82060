"""Placing things in the municipality's 圏域 (areas), for apps that count or place records
by area (outreach, resources, reports).

An address is placed by one rule, written once in ``address_prefixes``: the area whose
町名/地区名 (``Area.towns``) begins the address — bare, or after the prefecture, the
municipality's name, or both — with spaces ignored; the longest town name wins (so
「本町二丁目」 beats 「本町」), then the deeper area. ``area_for_address`` applies it to one
address in Python; ``address_area_case`` is the same list as one SQL ``CASE`` for
aggregates (the 年度実績 counts by 圏域 in one query).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.functions import Replace
from django.db.models.lookups import StartsWith

from .models import Area, Municipality

# The spaces people type into an address; both forms drop them before matching.
SPACES = (" ", "\u3000", "\t", "\u00a0")


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _full_width(text: str) -> str:
    """ASCII letters and digits as typed with a Japanese keyboard (「２丁目」 for 「2丁目」)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def address_prefixes(municipality: Municipality) -> list[tuple[str, Area]]:
    """Every (prefix, area) an address may begin with, in the order they are tried: the
    longest town name first, on a tie the deeper area, then the profile's order. Each
    town comes bare and after the prefecture, the municipality's name and both; a town
    written with ASCII digits or letters also comes in full width, which SQL cannot fold
    (Python folds the address with NFKC instead, so for it those entries never match)."""
    leads = [""]
    for lead in (_plain(municipality.prefecture or ""), _plain(municipality.name or "")):
        if lead:
            leads += [done + lead for done in leads]
    towns = [
        (plain, area)
        for area in municipality.areas.filter(in_profile=True).select_related("level")
        for town in area.towns
        if (plain := _plain(town))
    ]
    towns.sort(key=lambda pair: (-len(pair[0]), -pair[1].level.depth))  # stable: profile order
    prefixes: list[tuple[str, Area]] = []
    for town, area in towns:
        for form in dict.fromkeys((town, _full_width(town))):
            prefixes += [(lead + form, area) for lead in leads]
    return prefixes


def area_for_address(municipality: Municipality, address: str) -> Area | None:
    """The area of ``address`` by the rule of ``address_prefixes``; None when no area's
    towns begin it."""
    text = _plain(address or "")
    return next(
        (area for prefix, area in address_prefixes(municipality) if text.startswith(prefix)), None
    )


def address_area_case(municipality: Municipality, address_field: str, default: str):
    """The area name of the address in ``address_field`` (a path such as
    ``person__address``) as a SQL ``CASE`` for annotating and grouping, by the same rule as
    ``area_for_address``; ``default`` where no town matches. None when the profile lists
    no towns."""
    address: F | Replace = F(address_field)
    for space in SPACES:
        address = Replace(address, Value(space), Value(""))
    whens = [
        When(StartsWith(address, prefix), then=Value(area.name))
        for prefix, area in address_prefixes(municipality)
    ]
    return Case(*whens, default=Value(default), output_field=CharField()) if whens else None


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
