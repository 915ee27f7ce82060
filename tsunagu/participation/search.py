"""Reading offers for matching and for the directory (the database side of matching.py).

Matching reads the offers of the municipality as facts (only the columns scoring needs,
kept per process until they change: ``municipality_offers``) and scores them in Python
(BENCHMARKS.md, 参加支援).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tsunagu.municipality.models import Area
from tsunagu.resources.models import Organization

from . import matching
from .models import Offer, OfferKind, ParticipationRecord, Placement

FACT_COLUMNS = (
    "pk",
    "kind",
    "days",
    "bands",
    "area_id",
    "capacity",
    "age_min",
    "age_max",
    "load",
    "transport",
    "care",
    "short_hours",
    "remote",
)
TEXT_COLUMNS = ("title", "description", "host_asks", "organization__description")


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def near_area_ids(area: Area | None) -> frozenset[int]:
    """The area, the wider areas containing it and the areas inside it."""
    if area is None:
        return frozenset()
    return frozenset(area.ancestor_ids()) | frozenset(area.descendant_ids())


def needs_of(record: ParticipationRecord, today: datetime.date) -> matching.Needs:
    return matching.Needs(
        kinds=frozenset(record.kinds or []),
        kind_labels=dict(OfferKind.choices),
        days=record.days,
        bands=record.bands,
        area_id=record.area_id,
        near_area_ids=near_area_ids(record.area),
        area_name=record.area.name if record.area else "",
        age=age_on(record.person.birth_date, today),
        load=record.load,
        needs_transport=record.needs_transport,
        needs_care=record.needs_care,
        short_hours=record.short_hours,
        remote=record.remote,
        words=matching.pieces(record.wishes),
    )


def taken_counts(offer_ids=None, *, municipality_id=None) -> dict[int, int]:
    """Persons taking part now (started, not ended) per offer, one grouped query."""
    rows = Placement.objects.filter(ended_on__isnull=True, started_on__isnull=False)
    if offer_ids is not None:
        rows = rows.filter(offer_id__in=offer_ids)
    if municipality_id is not None:
        rows = rows.filter(offer__municipality_id=municipality_id)
    return dict(rows.values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n"))


def record_counts(offer_ids) -> dict[int, int]:
    """受入実績: persons who started at each offer, whenever (placements with a start)."""
    rows = Placement.objects.filter(offer_id__in=offer_ids, started_on__isnull=False)
    return dict(rows.values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n"))


@dataclass
class Match:
    offer: Offer
    fit: matching.Fit


def offer_facts(rows, area_names: dict[int, str], taken: dict[int, int]):
    """OfferFacts per offer row (FACT_COLUMNS then TEXT_COLUMNS), built positionally
    (FACT_COLUMNS is OfferFacts' field order): this runs 5,000 times per search."""
    width = len(FACT_COLUMNS)
    for row in rows:
        text = " ".join(t or "" for t in row[width:])
        facts: list = [*row[:width], taken.get(row[0], 0), area_names.get(row[4], ""), text]
        yield matching.OfferFacts(*facts)


# --- the offers of a municipality, read once per change ----------------------------------
# A search scores every active offer of the municipality, so reading them (5,000 rows with
# their texts) and building their facts was most of its cost. Each process keeps the facts
# per municipality with a key read in three small queries before every search: the offers'
# and hosts' count, highest id and sum of versions, the persons taking part per offer, and
# the area names. Every change of an offer or a host goes through its optimistic lock
# (version + 1; the HSDS import bumps it too), a new one raises the count and a deleted one
# lowers it, a placement that starts or ends changes the taken counts: a changed key means
# building again, so a search never scores an offer as it was.
_FACTS: dict[int, tuple[tuple, list[matching.OfferFacts]]] = {}


def _freshness(municipality_id: int) -> tuple:
    offers = Offer.objects.filter(municipality_id=municipality_id)
    hosts = Organization.objects.filter(municipality_id=municipality_id)
    token = offers.aggregate(n=Count("pk"), last=Max("pk"), v=Sum("version"))
    token |= hosts.aggregate(hosts=Count("pk"), host_v=Sum("version"))
    return tuple(sorted(token.items()))


def municipality_offers(municipality_id: int) -> list[matching.OfferFacts]:
    """The active offers of the municipality as matching reads them."""
    taken = taken_counts(municipality_id=municipality_id)
    area_names = dict(
        Area.objects.filter(municipality_id=municipality_id).values_list("pk", "name")
    )
    key = (_freshness(municipality_id), sorted(taken.items()), sorted(area_names.items()))
    kept = _FACTS.get(municipality_id)
    if kept is not None and kept[0] == key:
        return kept[1]
    offers = Offer.objects.active().filter(municipality_id=municipality_id)
    rows = offers.values_list(*FACT_COLUMNS, *TEXT_COLUMNS)
    facts = list(offer_facts(rows, area_names, taken))
    _FACTS[municipality_id] = (key, facts)
    return facts


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=Organization)
def _forget_offers(**kwargs) -> None:
    """Saves in this process (tests reuse ids after a rollback on SQLite) drop the facts."""
    _FACTS.clear()


def match_offers(
    record: ParticipationRecord,
    *,
    today: datetime.date,
    limit: int = 20,
    nearby_only: bool = True,
    kind: str = "",
    show_blocked: bool = False,
) -> list[Match]:
    """The best offers for the record's needs, with their explanations. Offers the person
    cannot take (age, schedule, no free place) are left out unless ``show_blocked``."""
    needs = needs_of(record, today)
    facts = municipality_offers(record.municipality_id)
    if nearby_only and needs.near_area_ids:
        near = needs.near_area_ids
        facts = [f for f in facts if f.area_id is None or f.area_id in near or f.remote]
    if kind:
        facts = [f for f in facts if f.kind == kind]
    fits = matching.rank(needs, facts, limit, include_blocked=show_blocked)
    shown = Offer.objects.select_related("organization", "area").in_bulk([f.offer_id for f in fits])
    return [Match(shown[f.offer_id], f) for f in fits]


@dataclass
class DirectoryFilter:
    area: Area | None = None
    kind: str = ""
    days: int = 0
    bands: int = 0
    conditions: tuple[str, ...] = ()
    text: str = ""


CONDITION_FIELDS = {"transport", "care", "short_hours", "remote"}


def directory(municipality_ids, filters: DirectoryFilter):
    """Active offers matching the directory's filters (a queryset; the page paginates)."""
    offers = Offer.objects.active().filter(municipality_id__in=municipality_ids)
    if filters.area is not None:
        offers = offers.filter(Q(area_id__in=near_area_ids(filters.area)) | Q(area__isnull=True))
    if filters.kind:
        offers = offers.filter(kind=filters.kind)
    for name in filters.conditions:
        if name in CONDITION_FIELDS:
            offers = offers.filter(**{name: True})
    if filters.text:
        offers = offers.filter(
            Q(title__icontains=filters.text) | Q(organization__name__icontains=filters.text)
        )
    # Newest first: the primary key index serves the page without sorting every offer
    # (ordering by the host's name sorted all 5,000 rows on each page).
    offers = offers.select_related("organization", "area").order_by("-pk")
    if filters.days:
        offers = offers.alias(common_days=F("days").bitand(filters.days)).filter(common_days__gt=0)
    if filters.bands:
        offers = offers.alias(common_bands=F("bands").bitand(filters.bands)).filter(
            common_bands__gt=0
        )
    return offers
