"""Demo 参加支援: hosts with offers across the profile's 圏域, and persons at every stage
whose written needs say what should fit, so matching can be judged on them.

Each persona names the offer (``fits``) its written needs describe; the demo places the
person there (through ``transitions.move``) and the tests check that matching ranks that
offer first. Hosts are spread over the profile's areas (deepest layer) when the profile has
them; without areas the offers carry none. ``large`` holds about 5,000 offers (the
benchmark's size); hosts and offers are bulk-inserted.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from tsunagu.access.policy import participation as access
from tsunagu.accounts.models import Membership, Role
from tsunagu.intake.models import Consultation
from tsunagu.municipality.models import Area, Municipality
from tsunagu.participation.models import (
    FollowUp,
    HostProfile,
    Load,
    Offer,
    ParticipationRecord,
    Source,
    Stage,
)
from tsunagu.participation.transitions import move
from tsunagu.people.models import Person
from tsunagu.resources.models import Organization

WEEKDAYS, SAT, MON_WED, TUE_THU, WED_FRI = 31, 32, 1 | 4, 2 | 8, 4 | 16
AM, PM, EVENING = 1, 2, 4

# Copies of the host list per scale: large ≈ 5,000 offers.
COPIES = {"small": 1, "city": 40, "large": 385}
PERSONA_COPIES = {"small": 1, "city": 5, "large": 10}


@dataclass(frozen=True)
class OfferSeed:
    key: str
    title: str
    kind: str
    days: int
    bands: int
    load: int = Load.LIGHT
    capacity: int = 3
    hours_note: str = ""
    transport: bool = False
    care: bool = False
    short_hours: bool = False
    remote: bool = False
    age_min: int | None = None
    age_max: int | None = None
    host_asks: str = ""


@dataclass(frozen=True)
class HostSeed:
    name: str
    kind: str
    description: str
    offers: tuple[OfferSeed, ...]


HOSTS = [
    HostSeed(
        "ふれあい農園",
        "farm",
        "季節の野菜を育てる農園。畑の手入れや土いじりから収穫まで、体を動かす作業が中心。",
        (
            OfferSeed(
                "farm_harvest",
                "野菜の収穫・袋詰め",
                "work_experience",
                WEEKDAYS,
                AM,
                Load.HEAVY,
                hours_note="9:00〜11:30",
                transport=True,
                host_asks="汚れてもよい服装で。雨天は袋詰めのみ。",
            ),
        ),
    ),
    HostSeed(
        "NPO法人ひだまり",
        "npo",
        "誰でも立ち寄れるカフェ型の居場所。お茶を飲みながら話せる場所。",
        (
            OfferSeed(
                "hidamari_cafe",
                "ひだまりカフェ(居場所)",
                "place",
                TUE_THU,
                PM,
                hours_note="13:30〜16:00 出入り自由",
                care=True,
                short_hours=True,
                capacity=10,
            ),
        ),
    ),
    HostSeed(
        "社会福祉法人みどり会",
        "welfare_corp",
        "特別養護老人ホームと就労継続支援事業所を運営。",
        (
            OfferSeed(
                "cleaning",
                "施設内の清掃(中間的就労)",
                "intermediate",
                WEEKDAYS,
                AM,
                Load.MODERATE,
                hours_note="9:00〜12:00",
                care=True,
                age_min=18,
                age_max=64,
                host_asks="決まった時間に通う練習の場として。将来働きたい人を歓迎。週3日以上の参加を希望。",
            ),
            OfferSeed(
                "care_talk",
                "利用者さんの話し相手(ボランティア)",
                "volunteer",
                WEEKDAYS,
                PM,
                short_hours=True,
                age_min=18,
            ),
        ),
    ),
    HostSeed(
        "まちなか青果店",
        "shop",
        "商店街の青果店。",
        (
            OfferSeed(
                "shop_stock",
                "品出し・店頭の手伝い",
                "work_experience",
                WEEKDAYS,
                PM,
                Load.MODERATE,
                hours_note="14:00〜17:00",
                age_min=15,
            ),
        ),
    ),
    HostSeed(
        "図書館ボランティアの会",
        "volunteers",
        "図書館の本の修理や読み聞かせをする住民の会。静かな作業が中心。",
        (
            OfferSeed(
                "library_repair",
                "本の修理・書架の整理",
                "volunteer",
                WED_FRI,
                AM,
                hours_note="10:00〜11:30",
                short_hours=True,
                capacity=4,
            ),
        ),
    ),
    HostSeed(
        "子ども食堂えがお",
        "npo",
        "月2回、土曜日に開く子ども食堂。料理の得意な人を歓迎。",
        (
            OfferSeed(
                "kodomo_shokudo",
                "調理・配膳の手伝い",
                "volunteer",
                SAT,
                AM | PM,
                Load.MODERATE,
                hours_note="10:00〜14:00",
                capacity=6,
                host_asks="調理経験があると助かります。",
            ),
        ),
    ),
    HostSeed(
        "学習支援教室まなび",
        "npo",
        "中高生の学び直しの教室。夕方に子どもの勉強を見る大人を募集。",
        (
            OfferSeed(
                "study_support",
                "中高生の学習の見守り",
                "learning",
                TUE_THU,
                EVENING,
                hours_note="17:30〜19:00",
                short_hours=True,
                age_min=18,
            ),
        ),
    ),
    HostSeed(
        "在宅ワーク工房",
        "business",
        "データ入力や軽作業を在宅で請け負う事業所。パソコンで家でできる仕事。",
        (
            OfferSeed(
                "remote_data",
                "データ入力(在宅)",
                "intermediate",
                WEEKDAYS,
                AM | PM,
                hours_note="1日2時間から",
                short_hours=True,
                remote=True,
                care=True,
                capacity=8,
            ),
        ),
    ),
    HostSeed(
        "囲碁・将棋クラブ",
        "residents",
        "公民館で活動する自治会のクラブ。昼間に対局や交流をしている。",
        (
            OfferSeed(
                "igo",
                "囲碁・将棋の対局と交流",
                "hobby",
                MON_WED,
                PM,
                hours_note="13:00〜16:00",
                short_hours=True,
                capacity=12,
            ),
        ),
    ),
    HostSeed(
        "公園クリーンの会",
        "volunteers",
        "公園の草刈り・清掃をする住民の会。",
        (
            OfferSeed(
                "park_cleanup",
                "公園の草刈り・清掃",
                "volunteer",
                SAT,
                AM,
                Load.HEAVY,
                hours_note="8:00〜10:00",
                capacity=10,
            ),
        ),
    ),
    HostSeed(
        "食品加工センター",
        "business",
        "地元の食品加工の工場。",
        (
            OfferSeed(
                "factory",
                "食品加工ラインの補助",
                "work_experience",
                WEEKDAYS,
                AM | PM,
                Load.HEAVY,
                hours_note="8:30〜17:00",
                age_min=18,
                age_max=64,
            ),
        ),
    ),
    HostSeed(
        "陶芸サークル土の会",
        "volunteers",
        "公民館の陶芸サークル。",
        (OfferSeed("pottery", "陶芸の体験と作品づくり", "hobby", WED_FRI, PM, short_hours=True),),
    ),
]


@dataclass(frozen=True)
class Persona:
    stage: str
    fits: str  # the offer key the written needs describe
    wishes: str
    cannot: str
    support: str
    travel: str
    kinds: tuple[str, ...]
    days: int
    bands: int
    load: int
    ages: tuple[int, int]
    flags: dict = field(default_factory=dict)


PERSONAS = [
    Persona(
        Stage.CONSULTATION,
        "farm_harvest",
        "朝のうちに畑で体を動かしたい。土いじりは好き。",
        "人と話すのは苦手。車の運転はできない。",
        "最初の数回は付き添いがほしい。",
        "車なし(送迎が必要)",
        ("work_experience",),
        WEEKDAYS,
        AM,
        Load.HEAVY,
        (20, 45),
        {"needs_transport": True},
    ),
    Persona(
        Stage.MATCHING,
        "remote_data",
        "家から出るのはまだ不安。パソコンは得意なので家でできる仕事をしてみたい。",
        "外出・人混み。長時間の作業。",
        "体調の波があるので、作業量を調整してほしい。",
        "外出は難しい",
        ("intermediate",),
        WEEKDAYS,
        AM | PM,
        Load.LIGHT,
        (20, 50),
        {"remote": True, "short_hours": True, "needs_care": True},
    ),
    Persona(
        Stage.VISIT,
        "study_support",
        "子どもが好き。夕方に勉強を見る手伝いをしてみたい。",
        "大勢の前で話すこと。",
        "",
        "自転車",
        ("learning", "volunteer"),
        TUE_THU,
        EVENING,
        Load.LIGHT,
        (20, 40),
        {"short_hours": True},
    ),
    Persona(
        Stage.TRIAL,
        "hidamari_cafe",
        "誰かとお茶を飲んで話せる場所がほしい。",
        "体力に自信がない。朝は起きられない。",
        "服薬中で疲れやすい。途中で帰れるとよい。",
        "バス",
        ("place",),
        TUE_THU,
        PM,
        Load.LIGHT,
        (30, 64),
        {"needs_care": True, "short_hours": True},
    ),
    Persona(
        Stage.ACTIVE,
        "library_repair",
        "本が好き。静かな場所で、短い時間なら作業できる。",
        "騒がしい場所。",
        "",
        "徒歩",
        ("volunteer",),
        WED_FRI,
        AM,
        Load.LIGHT,
        (25, 60),
        {"short_hours": True},
    ),
    Persona(
        Stage.SETTLED,
        "kodomo_shokudo",
        "料理が得意。週末なら手伝える。",
        "平日は家族の介護がある。",
        "",
        "自転車",
        ("volunteer",),
        SAT,
        AM | PM,
        Load.MODERATE,
        (30, 64),
    ),
    Persona(
        Stage.INTERRUPTED,
        "cleaning",
        "将来は働きたい。まずは決まった時間に通う練習をしたい。",
        "細かい手作業。",
        "服薬の管理。体調を崩したときの連絡方法を決めておきたい。",
        "バス",
        ("intermediate",),
        WEEKDAYS,
        AM,
        Load.MODERATE,
        (20, 55),
        {"needs_care": True},
    ),
    Persona(
        Stage.CLOSED,
        "igo",
        "囲碁が好き。昼間に対局できる相手がほしい。",
        "",
        "",
        "徒歩",
        ("hobby",),
        MON_WED,
        PM,
        Load.LIGHT,
        (60, 85),
        {"short_hours": True},
    ),
]

# The moves that take a record to each stage (after the first proposal).
PATHS = {
    Stage.CONSULTATION: [],
    Stage.MATCHING: ["propose"],
    Stage.VISIT: ["propose", Stage.VISIT],
    Stage.TRIAL: ["propose", Stage.VISIT, Stage.TRIAL],
    Stage.ACTIVE: ["propose", Stage.VISIT, Stage.TRIAL, Stage.ACTIVE],
    Stage.SETTLED: ["propose", Stage.TRIAL, Stage.ACTIVE, Stage.SETTLED],
    Stage.INTERRUPTED: ["propose", Stage.VISIT, Stage.TRIAL, Stage.INTERRUPTED],
    Stage.CLOSED: ["propose", Stage.VISIT, Stage.TRIAL, Stage.ACTIVE, Stage.SETTLED, Stage.CLOSED],
}


def seed(municipality: Municipality, *, scale: str, seed: int, today: datetime.date) -> str:
    """Create the demo; returns the line seed_demo prints."""
    agencies = sorted(access.participation_agency_ids([municipality.pk]))
    member = (
        Membership.objects.filter(agency_id__in=agencies, role=Role.PARTICIPATION, active=True)
        .select_related("user", "agency")
        .order_by("agency_id", "pk")
        .first()
    )
    if member is None:
        return "参加支援のデモは作成しません(参加支援事業の担当機関に参加支援コーディネーターがいません)。"
    if HostProfile.objects.filter(organization__municipality=municipality).exists():
        return "参加支援のデモデータは既にあります。"
    rng = random.Random(seed)
    offers = _hosts(municipality, member, scale, today)
    records = _records(municipality, member, scale, offers, rng, today)
    count = sum(len(rows) for rows in offers.values())
    return f"参加支援: 受入メニュー {count} 件、本人 {records} 人を登録しました。"


def _leaf_areas(municipality) -> list[Area]:
    areas = list(Area.objects.filter(municipality=municipality).select_related("level"))
    if not areas:
        return []
    deepest = max(a.level.depth for a in areas)
    return [a for a in areas if a.level.depth == deepest]


def _hosts(municipality, member, scale, today) -> dict[str, list[Offer]]:
    """Bulk-insert the host list COPIES[scale] times over the areas; offers by key."""
    areas: list[Area | None] = [*_leaf_areas(municipality)] or [None]
    orgs, profiles, pending = [], [], []
    for copy in range(COPIES[scale]):
        for i, host in enumerate(HOSTS):
            area = areas[(copy * len(HOSTS) + i) % len(areas)]
            suffix = (f" {area.name}" if area else "") + (f" 第{copy + 1}" if copy else "")
            org = Organization(
                municipality=municipality,
                name=f"{host.name}{suffix}",
                kind=host.kind,
                description=host.description,
                area=area,
                address=f"{municipality.name}{area.name if area else ''}",
                contact_person="受入担当",
                created_by=member.user,
            )
            orgs.append(org)
            pending.append((org, host))
    Organization.objects.bulk_create(orgs, batch_size=2000)
    offers: list[Offer] = []
    keys: list[str] = []
    for n, (org, host) in enumerate(pending):
        opened = today - datetime.timedelta(days=30 + (n * 37) % 700)
        profiles.append(
            HostProfile(
                organization=org, agency=member.agency, opened_on=opened, found_by=member.user
            )
        )
        for o in host.offers:
            values = {k: v for k, v in o.__dict__.items() if k != "key"}
            offers.append(
                Offer(municipality=municipality, organization=org, area=org.area, **values)
            )
            keys.append(o.key)
    HostProfile.objects.bulk_create(profiles, batch_size=2000)
    Offer.objects.bulk_create(offers, batch_size=2000)
    by_key: dict[str, list[Offer]] = {}
    for key, offer in zip(keys, offers, strict=True):
        by_key.setdefault(key, []).append(offer)
    return by_key


def _records(municipality, member, scale, offers, rng, today) -> int:
    used: set[int] = set()
    made = 0
    for copy in range(PERSONA_COPIES[scale]):
        for persona in PERSONAS:
            person = _person(municipality, persona, used, today, rng)
            if person is None:
                continue
            target = offers[persona.fits][copy % len(offers[persona.fits])]
            _record(municipality, member, persona, person, target, today)
            made += 1
    return made


def _person(municipality, persona, used, today, rng) -> Person | None:
    young, old = persona.ages
    born = (_years_before(today, old + 1) + datetime.timedelta(days=1), _years_before(today, young))
    ids = list(
        Person.objects.active()
        .filter(municipality=municipality, birth_date__range=born)
        .exclude(pk__in=used)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    if not ids:
        return None
    pk = rng.choice(ids)
    used.add(pk)
    return Person.objects.get(pk=pk)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    if (day.month, day.day) == (2, 29):
        day = day - datetime.timedelta(days=1)
    return day.replace(year=day.year - years)


def _record(municipality, member, persona, person, target: Offer, today) -> None:
    consultation = Consultation.objects.filter(person=person).order_by("pk").first()
    record = ParticipationRecord.objects.create(
        municipality=municipality,
        person=person,
        agency=member.agency,
        coordinator=member.user,
        source=Source.CONSULTATION if consultation else Source.OUTREACH,
        consultation=consultation,
        opened_on=today - datetime.timedelta(days=150),
        wishes=persona.wishes,
        cannot=persona.cannot,
        support_needed=persona.support,
        travel_note=persona.travel,
        kinds=list(persona.kinds),
        area=target.area,
        days=persona.days,
        bands=persona.bands,
        load=persona.load,
        updated_by=member.user,
        **persona.flags,
    )
    steps = PATHS[persona.stage]
    wall = timezone.localdate()
    for n, step in enumerate(steps):
        on = min(today - datetime.timedelta(days=120 - 20 * n), wall)
        if step == "propose":
            move(record=record, to=Stage.MATCHING, by=member.user, offer=target, on=on)
        elif step == Stage.INTERRUPTED:
            move(
                record=record,
                to=step,
                by=member.user,
                on=on,
                reason="体調を崩し通えなくなった",
                category="health",
            )
        elif step == Stage.CLOSED:
            move(
                record=record,
                to=step,
                by=member.user,
                on=on,
                reason="定着し、本人の希望で支援を終了",
            )
        else:
            move(record=record, to=step, by=member.user, on=on)
    if persona.stage in (Stage.TRIAL, Stage.ACTIVE, Stage.SETTLED):
        _followups(record, member, target, today)


def _followups(record, member, target, today) -> None:
    FollowUp.objects.create(
        kind=FollowUp.Kind.PERSON,
        agency=member.agency,
        record=record,
        organization=target.organization,
        due_on=today - datetime.timedelta(days=14),
        done_on=today - datetime.timedelta(days=14),
        by=member.user,
        purpose="参加の様子を聞く",
        went_well="決まった曜日に通えている。",
        concerns="帰りに疲れが出る。",
        adjustments="参加時間を30分短くした。",
        created_by=member.user,
    )
    FollowUp.objects.create(
        kind=FollowUp.Kind.HOST,
        agency=member.agency,
        organization=target.organization,
        due_on=today + datetime.timedelta(days=3),
        purpose="受入先の悩みを聞く(声かけの仕方など)",
        created_by=member.user,
    )
