"""Django side of the 参加支援 benchmark, run through ``manage.py shell`` by run.py.

``run`` seeds: the profile's users, a small population, 13 地区 under one 市全域 (越谷市's
13 地区, while the profile brings no areas yet) and the participation demo at ``large``
(5,005 offers over the areas, persons at every stage); it does nothing when the offers are
already there. ``time_matching`` times the matching function in-process."""

from __future__ import annotations

import datetime

from django.db import connection

from tsunagu.demo import builder, participation
from tsunagu.municipality.models import Area, AreaLevel, Municipality
from tsunagu.participation.models import Offer
from tsunagu.people.models import Person

TODAY = datetime.date(2026, 11, 1)
DISTRICTS = [
    "桜井地区",
    "新方地区",
    "増林地区",
    "大袋地区",
    "荻島地区",
    "出羽地区",
    "蒲生地区",
    "川柳地区",
    "大相模地区",
    "大沢地区",
    "北越谷地区",
    "越ヶ谷地区",
    "南越谷地区",
]


def run(slug: str) -> None:
    m = Municipality.objects.get(slug=slug)
    if Offer.objects.filter(municipality=m).exists():
        return
    builder.create_users(m)
    if not Area.objects.filter(municipality=m).exists():
        top = AreaLevel.objects.create(municipality=m, depth=0, name="市全域")
        district = AreaLevel.objects.create(municipality=m, depth=1, name="地区")
        whole = Area.objects.create(municipality=m, level=top, name=f"{m.name}全域")
        for i, name in enumerate(DISTRICTS):
            Area.objects.create(municipality=m, level=district, name=name, parent=whole, order=i)
    if not Person.objects.filter(municipality=m).exists():
        builder.create_population(m, scale="small", seed=1, today=TODAY)
    print(participation.seed(m, scale="large", seed=1, today=TODAY))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_matching(record_ids: list[int], samples: int = 60) -> None:
    """Print p50/p95 (ms, JSON) of ``match_offers`` over every offer (no area filter, blocked
    offers kept): the read and the scoring, without HTTP."""
    import json
    import statistics
    import time

    from django.utils import timezone

    from tsunagu.participation import search
    from tsunagu.participation.models import ParticipationRecord

    records = list(
        ParticipationRecord.objects.filter(pk__in=record_ids).select_related("person", "area")
    )

    def once(record) -> float:
        started = time.perf_counter()
        search.match_offers(
            record, today=timezone.localdate(), nearby_only=False, show_blocked=True
        )
        return (time.perf_counter() - started) * 1000

    for record in records[:3]:
        once(record)
    times = sorted(once(records[i % len(records)]) for i in range(samples))
    p95 = times[round(0.95 * (len(times) - 1))]
    print(json.dumps({"p50": statistics.median(times), "p95": p95}))
