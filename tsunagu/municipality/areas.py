"""Placing things in the municipality's 圏域 (areas), for apps that count or place records
by area (outreach, resources, reports) and lists that filter by it (``in_area``).

An address is placed by one rule, written once in ``address_prefixes``: the area whose
町名/地区名 (``Area.towns``) begins the address — bare, or after the prefecture, the
municipality's name, or both — with spaces ignored; the longest town name wins (so
「本町二丁目」 beats 「本町」), then the deeper area. ``area_for_address`` applies it to one
address in Python; ``address_area_case`` is the same list as one SQL ``CASE`` for
aggregates (the 年度実績 counts by 圏域 in one query), ``in_area`` as one SQL condition
for lists.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django.db.models import Case, CharField, Count, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf, Replace
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


def _plain_address(*address_fields: str):
    """The first non-empty of ``address_fields`` (e.g. the household's address, then the
    person's) with its spaces removed, as a SQL expression."""
    address: Any
    if len(address_fields) == 1:
        address = F(address_fields[0])
    else:
        address = Coalesce(*(NullIf(F(f), Value("")) for f in address_fields), Value(""))
    for space in SPACES:
        address = Replace(address, Value(space), Value(""))
    return address


def _area_case(municipality: Municipality, address, then, default, output_field):
    whens = [
        When(StartsWith(address, prefix), then=Value(then(area)))
        for prefix, area in address_prefixes(municipality)
    ]
    return Case(*whens, default=default, output_field=output_field) if whens else None


def address_area_case(municipality: Municipality, address_field: str, default: str):
    """The area name of the address in ``address_field`` (a path such as
    ``person__address``) as a SQL ``CASE`` for annotating and grouping, by the same rule as
    ``area_for_address``; ``default`` where no town matches. None when the profile lists
    no towns."""
    address = _plain_address(address_field)
    return _area_case(municipality, address, lambda a: a.name, Value(default), CharField())


# --- filtering a list by area ---------------------------------------------------------------
# A list filtered by 圏域 (相談受付一覧, 事例一覧) asks the same rule as one SQL condition on
# the address column: placing each row in Python would read every address the user may see
# before the first page could be cut, and storing an area on each record would go stale
# whenever the profile's towns change.


def depth_first(areas: list[Area]) -> list[tuple[Area, int]]:
    """``areas`` (in their sibling order) parents before their children, each with its depth
    below the topmost area given: the order of the 圏域 page and of every area select."""
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    known = {a.pk for a in areas}
    rows: list[tuple[Area, int]] = []

    def walk(area: Area, depth: int) -> None:
        rows.append((area, depth))
        for child in children.get(area.pk, []):
            walk(child, depth + 1)

    for area in areas:
        if area.parent_id not in known:
            walk(area, 0)
    return rows


def area_choices(municipality_id: int | None) -> list[tuple[int, str]]:
    """The profile's areas depth-first, each name indented by its depth, for a select (one
    query)."""
    if municipality_id is None:
        return []
    areas = Area.objects.filter(municipality_id=municipality_id, in_profile=True)
    ordered = depth_first(list(areas.order_by("level__depth", "order")))
    return [(area.pk, "\u3000" * depth + area.name) for area, depth in ordered]


def in_area(rows: QuerySet, area: Area, *address_fields: str) -> QuerySet:
    """Of ``rows``, those whose address (the first non-empty of ``address_fields``) places
    them in ``area`` or an area below it, by the rule of ``address_prefixes``: the first
    matching prefix decides, so 「港町三丁目」 of 東地区 takes the address from 北地区's
    「港町」. One condition, no extra query per row."""
    municipality = area.municipality
    inside = area.descendant_ids()
    address = _plain_address(*address_fields)
    placed = _area_case(municipality, address, lambda a: a.pk, None, IntegerField())
    if placed is None:  # no town anywhere: nothing can be placed in an area
        return rows.none()
    return rows.alias(address_area_id=placed).filter(address_area_id__in=inside)


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
