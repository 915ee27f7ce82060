"""Placing things in the municipality's 圏域 (areas), for apps that count or place records
by area (outreach, resources, reports) and lists that filter by it (``in_area``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Replace

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


# --- filtering a list by area ---------------------------------------------------------------
# A list filtered by 圏域 (相談受付一覧, 事例一覧) asks the rule of ``area_for_address`` as one
# SQL condition on the address column: placing each row in Python would read every address
# the user may see before the first page could be cut, and storing an area on each record
# would go stale whenever the profile's towns change. The condition is exact for the
# longest-match rule; two areas listing the very same town at the same depth (a profile
# error) both get the address, where area_for_address picks the first.

WIDE = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def area_choices(municipality_id: int | None) -> list[tuple[int, str]]:
    """The profile's areas depth-first (parents before their children), each name indented
    by its depth, for a select (one query)."""
    if municipality_id is None:
        return []
    areas = list(
        Area.objects.filter(municipality_id=municipality_id, in_profile=True).order_by(
            "level__depth", "order"
        )
    )
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    known = {a.pk for a in areas}
    rows: list[tuple[int, str]] = []

    def walk(area: Area, depth: int) -> None:
        rows.append((area.pk, "\u3000" * depth + area.name))
        for child in children.get(area.pk, []):
            walk(child, depth + 1)

    for area in areas:
        if area.parent_id not in known:
            walk(area, 0)
    return rows


def _written_forms(municipality: Municipality, town: str) -> set[str]:
    """The ways an address may begin with ``town``: after nothing, the prefecture, the
    municipality's name or both (as area_for_address strips them), in the NFKC form and
    with its ASCII letters and digits full-width."""
    prefecture, name = _plain(municipality.prefecture or ""), _plain(municipality.name or "")
    heads = {"", prefecture, name, prefecture + name}
    return {form for head in heads for form in (head + town, (head + town).translate(WIDE))}


def in_area(rows: QuerySet, area: Area, *addresses: str) -> QuerySet:
    """Of ``rows``, those whose address places them in ``area`` or an area below it, by
    area_for_address's rule: the first non-empty of the ``addresses`` columns (e.g. the
    household's, then the person's), whitespace ignored, must begin with a town of the
    subtree, and no longer town of an area outside it may match (「港町三丁目」 of 東地区
    takes the address from 北地区's 「港町」). One condition, no extra query per row."""
    municipality = area.municipality
    areas = list(municipality.areas.filter(in_profile=True).select_related("level"))
    inside, frontier = {area.pk}, [area.pk]
    while frontier:
        frontier = [a.pk for a in areas if a.parent_id in frontier and a.pk not in inside]
        inside.update(frontier)
    towns = [
        (_plain(town), a.level.depth, a.pk in inside)
        for a in areas
        for town in a.towns
        if _plain(town)
    ]

    def starts(town: str) -> Q:
        forms = sorted(_written_forms(municipality, town))
        return reduce(or_, (Q(area_address__startswith=form) for form in forms))

    conditions = []
    for town, depth, is_inside in towns:
        if not is_inside:
            continue
        here = starts(town)
        for other, other_depth, other_inside in towns:
            longer = (len(other), other_depth) > (len(town), depth)
            if not other_inside and longer and other.startswith(town):
                here &= ~starts(other)
        conditions.append(here)
    if not conditions:  # no town anywhere in the subtree: nothing can be placed in it
        return rows.none()
    address = Coalesce(*(NullIf(F(column), Value("")) for column in addresses), Value(""))
    plain = Replace(Replace(address, Value(" "), Value("")), Value("\u3000"), Value(""))
    return rows.alias(area_address=plain).filter(reduce(or_, conditions))


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
