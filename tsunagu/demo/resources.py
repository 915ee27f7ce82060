"""Demo 社会資源台帳: resources in the profile's own areas, with a year of activity.

Areas come from the profile (``municipality.Area``); a profile without areas gets
resources with no area. Names are built from the area (or the municipality) and the kind,
so each profile's demo reads like its own town. Operators are the coordinating agency's
社協 and a few local groups; every fourth resource stays internal (立ち上げ準備中 etc.).
"""

from __future__ import annotations

import datetime
import random

from tsunagu.meetings.models import ResourceGap
from tsunagu.municipality.models import Area
from tsunagu.resources.models import (
    ActivityRecord,
    Coordinator,
    Organization,
    Resource,
    ResourceKind,
    Schedule,
)
from tsunagu.resources.search import search_text

RESOURCES_PER_SCALE = {"small": 40, "city": 2_000, "large": 20_000}
BATCH = 2_000

KINDS = [
    # kind, name pattern, targets, fee, typical participants per session
    (ResourceKind.SALON, "{place}ふれあいサロン", "elderly", "100円(お茶代)", 14),
    (ResourceKind.GATHERING, "{place}通いの場", "elderly", "無料", 12),
    (ResourceKind.EXERCISE, "{place}いきいき百歳体操", "elderly", "無料", 16),
    (
        ResourceKind.CHILDREN_CAFETERIA,
        "{place}こども食堂",
        "children,needy",
        "子ども無料・大人300円",
        25,
    ),
    (ResourceKind.IBASHO, "{place}みんなの居場所", "everyone", "無料", 8),
    (ResourceKind.DEMENTIA_CAFE, "{place}オレンジカフェ", "elderly", "200円", 10),
    (ResourceKind.PARENTING_CIRCLE, "{place}子育てひろば", "children", "無料", 9),
    (ResourceKind.LEARNING, "{place}学習支援教室", "children,needy", "無料", 7),
    (ResourceKind.FOOD_BANK, "{place}フードパントリー", "needy", "無料", 20),
    (ResourceKind.TRANSPORT, "{place}おでかけ支援", "elderly,disabled", "1回200円", 6),
    (ResourceKind.WATCHING, "{place}見守り隊", "elderly", "", 0),
]
GROUPS = [("自治会", "residents"), ("ボランティアの会", "volunteers"), ("NPO", "npo")]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤"]
GIVEN = ["和子", "節子", "幸子", "清", "茂", "勝", "明美", "洋子", "正", "修"]
GAPS = [
    (
        "夜間に集まれるひきこもりの方の居場所",
        "ひきこもりの相談で、日中は外出できない方の行き場がない",
        "noticed",
        ResourceKind.IBASHO,
    ),
    (
        "買い物に行けない高齢者の移動手段",
        "バス路線の廃止で買い物に行けない世帯が増えている",
        "open",
        ResourceKind.TRANSPORT,
    ),
    (
        "ヤングケアラーが相談できる場",
        "学校以外で話せる大人がいない",
        "developing",
        ResourceKind.IBASHO,
    ),
    ("認知症の方と家族が集える場", "家族介護者から要望", "developed", ResourceKind.DEMENTIA_CAFE),
]


def _places(municipality) -> list[tuple[Area | None, str]]:
    """(area, place name) pairs: each leaf area's towns, else the areas, else the town."""
    areas = list(Area.objects.filter(municipality=municipality).prefetch_related("children"))
    leaves = [a for a in areas if not a.children.all()] or areas
    places = [(a, town) for a in leaves for town in (a.towns or [a.name])]
    return places or [(None, municipality.name)]


def _organizations(municipality, rng, places) -> list[Organization]:
    orgs = []
    council = municipality.setting("coordinating_agency") or f"{municipality.name}社会福祉協議会"
    orgs.append(
        Organization.objects.get_or_create(
            municipality=municipality,
            name=council,
            defaults={"kind": "council", "description": "地域福祉活動の推進", "is_public": True},
        )[0]
    )
    for area, place in places[:12]:
        suffix, kind = rng.choice(GROUPS)
        orgs.append(
            Organization.objects.get_or_create(
                municipality=municipality,
                name=f"{place}{suffix}",
                defaults={"kind": kind, "area": area, "is_public": rng.random() < 0.8},
            )[0]
        )
    return orgs


def _person(rng) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"


def create_resources(municipality, *, scale: str, seed: int, today: datetime.date) -> dict:
    if Resource.objects.filter(municipality=municipality).exists():
        return {"resources": 0, "records": 0, "gaps": 0}
    rng = random.Random(seed * 7919 + 3)
    places = _places(municipality)
    orgs = _organizations(municipality, rng, places)
    made = records = 0
    total = RESOURCES_PER_SCALE[scale]
    for start in range(0, total, BATCH):
        batch = [
            _resource(municipality, rng, places, orgs, i)
            for i in range(start, min(total, start + BATCH))
        ]
        for r in batch:
            r.search_text = search_text(r)
        Resource.objects.bulk_create(batch)
        records += _details(batch, rng, today)
        made += len(batch)
    gaps = _gaps(municipality, rng, places)
    return {"resources": made, "records": records, "gaps": gaps}


def _resource(municipality, rng, places, orgs, i) -> Resource:
    area, place = places[i % len(places)]
    kind, pattern, targets, fee, _ = KINDS[i % len(KINDS)]
    name = pattern.format(place=place)
    if i >= len(places) * len(KINDS):
        name += f" 第{i // (len(places) * len(KINDS)) + 1}会場"
    return Resource(
        municipality=municipality,
        name=name,
        kind=kind,
        description=f"{place}の住民が運営する{kind.label}です。",
        operator=rng.choice(orgs),
        place_name=f"{place}公民館" if kind != ResourceKind.WATCHING else "",
        address=f"{municipality.name}{place}{rng.randint(1, 30)}-{rng.randint(1, 20)}",
        area=area,
        targets=targets,
        fee=fee,
        accessibility=rng.choice(["", "車いす可・段差なし", "駐車場あり", "送迎あり(要予約)"]),
        contact_label=f"{municipality.name}社会福祉協議会 地域福祉係",
        phone=f"0{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        helpers_count=rng.randint(2, 15),
        status="active" if i % 13 else "paused",
        is_public=i % 4 != 3,
        internal_note="立ち上げ準備中のため非公開" if i % 4 == 3 else "",
    )


def _details(batch: list[Resource], rng, today: datetime.date) -> int:
    schedules, coordinators, records = [], [], []
    for r in batch:
        weekday = rng.randint(0, 5)
        weeks = rng.choice(["", "", "1,3", "2,4"])
        opens = datetime.time(rng.choice([9, 10, 13, 14]), rng.choice([0, 30]))
        closes = datetime.time(opens.hour + 2, opens.minute)
        schedules.append(
            Schedule(resource=r, weekday=weekday, weeks=weeks, opens_at=opens, closes_at=closes)
        )
        coordinators.append(
            Coordinator(resource=r, name=_person(rng), role="代表", is_public=rng.random() < 0.5)
        )
        per_session = next(k[4] for k in KINDS if k[0] == r.kind) or 5
        sessions = 2 if weeks else 4
        for back in range(12):  # the last twelve months, one monthly record each
            month = (today.replace(day=1) - datetime.timedelta(days=31 * back)).replace(day=1)
            records.append(
                ActivityRecord(
                    resource=r,
                    period=ActivityRecord.Period.MONTH,
                    held_on=month,
                    sessions=sessions,
                    participants=sessions * max(1, per_session + rng.randint(-3, 3)),
                    helpers=sessions * max(1, r.helpers_count // 2),
                )
            )
    Schedule.objects.bulk_create(schedules, batch_size=BATCH)
    Coordinator.objects.bulk_create(coordinators, batch_size=BATCH)
    ActivityRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)


def _gaps(municipality, rng, places) -> int:
    filled = Resource.objects.filter(
        municipality=municipality, kind=ResourceKind.DEMENTIA_CAFE
    ).first()
    for title, description, status, kind in GAPS:
        area, _ = rng.choice(places)
        ResourceGap.objects.create(
            municipality=municipality,
            title=title,
            description=description,
            status=status,
            kind=kind,
            area=area,
            source_kind=ResourceGap.Source.STAFF,
            developed_resource=filled if status == "developed" else None,
        )
    return len(GAPS)
