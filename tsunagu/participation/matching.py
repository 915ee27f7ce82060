"""Ranking offers against a person's needs, each score explained in words.

Pure functions over plain values (no database): ``rank(needs, offers)`` returns every offer
with a score of 0–100 and the words that explain it — what fits
(「平日午前・送迎不要・短時間可が一致」) and what does not (「送迎なし」). An offer the person
cannot take at all (age outside the host's range, no free place, no common day and time)
is ``blocked`` with the reason and ranked after every open offer.

Points per criterion (a criterion the person has no view on gives no points either way, so
the score is the share of what matters to this person that the offer meets):
kind 30, days and times 25, area 15, and 10 each for transport, care, short hours, at home,
physical load and what the person wrote. The last compares the written wishes with the
offer's text by shared two-character pieces that hold a kanji or katakana (畑・清掃・カフェ),
so particles and endings (して, たい) do not count; two shared pieces make it a match.
Equal scores are ordered by that closeness, then by how many day × time slots are shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

WEEKDAYS = [(1, "月"), (2, "火"), (4, "水"), (8, "木"), (16, "金"), (32, "土"), (64, "日")]
WEEKDAY_MASK = 31
WEEKEND_MASK = 96
BANDS = [(1, "午前"), (2, "午後"), (4, "夕方・夜")]

POINTS = {
    "kind": 30,
    "schedule": 25,
    "area": 15,
    "transport": 10,
    "care": 10,
    "short_hours": 10,
    "remote": 10,
    "load": 10,
    "words": 10,
}
WORDS_NEEDED = 2
_CONTENT = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々]")


def pieces(text: str) -> frozenset[str]:
    """Two-character pieces of ``text`` holding a kanji or katakana."""
    return frozenset(
        text[i : i + 2]
        for i in range(len(text) - 1)
        if _CONTENT.search(text[i : i + 2]) and not re.search(r"[\s、。・()（）]", text[i : i + 2])
    )


@dataclass(frozen=True)
class Needs:
    kinds: frozenset[str] = frozenset()
    kind_labels: dict[str, str] = field(default_factory=dict)
    days: int = 0  # 0: no view
    bands: int = 0
    area_id: int | None = None
    near_area_ids: frozenset[int] = frozenset()  # the person's area, above and below it
    area_name: str = ""
    age: int | None = None
    load: int = 3  # the heaviest load the person can manage
    needs_transport: bool = False
    needs_care: bool = False
    short_hours: bool = False
    remote: bool = False
    words: frozenset[str] = frozenset()  # pieces(written wishes)


@dataclass(frozen=True)
class OfferFacts:
    pk: int
    kind: str
    days: int
    bands: int
    area_id: int | None
    capacity: int
    taken: int  # current placements
    age_min: int | None = None
    age_max: int | None = None
    load: int = 1
    transport: bool = False
    care: bool = False
    short_hours: bool = False
    remote: bool = False
    area_name: str = ""
    text: str = ""  # title, description, what the host asks, the host's description


@dataclass
class Fit:
    offer_id: int
    score: int
    matched: list[str]
    missed: list[str]
    blocked: str = ""
    closeness: int = 0  # shared pieces with the written wishes
    slots: int = 0  # shared day × time slots

    @property
    def explanation(self) -> str:
        parts = []
        if self.blocked:
            parts.append(self.blocked)
        if self.matched:
            parts.append(f"{'・'.join(self.matched)}が一致")
        if self.missed:
            parts.append(f"合わない点: {'・'.join(self.missed)}")
        return "。".join(parts) or "比べる希望が入力されていません"


def days_words(mask: int) -> str:
    if mask & WEEKDAY_MASK == WEEKDAY_MASK and not mask & WEEKEND_MASK:
        return "平日"
    if mask == WEEKEND_MASK:
        return "土日"
    if mask == WEEKDAY_MASK | WEEKEND_MASK:
        return "毎日"
    return "・".join(label for bit, label in WEEKDAYS if mask & bit)


def bands_words(mask: int) -> str:
    return "・".join(label for bit, label in BANDS if mask & bit)


def _schedule_words(days: int, bands: int) -> str:
    d, b = days_words(days), bands_words(bands)
    if d and b:
        return f"{d}{b}" if d in ("平日", "土日", "毎日") else f"{d}の{b}"
    return d or b


def blocked_reason(needs: Needs, offer: OfferFacts) -> str:
    if needs.age is not None:
        if offer.age_min is not None and needs.age < offer.age_min:
            return f"対象年齢({offer.age_min}歳以上)に届かない"
        if offer.age_max is not None and needs.age > offer.age_max:
            return f"対象年齢({offer.age_max}歳まで)を超える"
    if offer.taken >= offer.capacity:
        return f"定員({offer.capacity}人)に空きがない"
    if not offer.remote or not needs.remote:
        if needs.days and offer.days and not needs.days & offer.days:
            return "参加できる曜日に受入がない"
        if needs.bands and offer.bands and not needs.bands & offer.bands:
            return "参加できる時間帯に受入がない"
    return ""


def fit(needs: Needs, offer: OfferFacts) -> Fit:
    """Score one offer against the needs (see the module docstring for the points)."""
    earned, possible = 0, 0
    matched: list[str] = []
    missed: list[str] = []

    def criterion(name: str, ok: bool, yes: str, no: str) -> None:
        nonlocal earned, possible
        possible += POINTS[name]
        if ok:
            earned += POINTS[name]
        words = yes if ok else no
        if words:
            (matched if ok else missed).append(words)

    if needs.kinds:
        label = needs.kind_labels.get(offer.kind, offer.kind)
        criterion("kind", offer.kind in needs.kinds, label, f"活動の種類({label})が希望と違う")
    if needs.days or needs.bands:
        days = needs.days & offer.days if needs.days and offer.days else needs.days
        bands = needs.bands & offer.bands if needs.bands and offer.bands else needs.bands
        ok = bool(days or not needs.days) and bool(bands or not needs.bands)
        criterion("schedule", ok, _schedule_words(days, bands), "曜日・時間帯が合わない")
    if needs.area_id is not None:
        if offer.area_id == needs.area_id:
            criterion("area", True, f"同じ圏域({offer.area_name})", "")
        elif offer.area_id in needs.near_area_ids or offer.remote:
            criterion("area", True, f"通える圏域({offer.area_name or '在宅'})", "")
        else:
            criterion("area", False, "", f"圏域が違う({offer.area_name or '未設定'})")
    if needs.needs_transport:
        criterion("transport", offer.transport or offer.remote, "送迎あり", "送迎なし")
    else:
        matched.append("送迎不要")
    if needs.needs_care:
        criterion("care", offer.care, "服薬・障がいへの配慮あり", "配慮の記載なし")
    if needs.short_hours:
        criterion("short_hours", offer.short_hours, "短時間可", "短時間の受入なし")
    if needs.remote:
        criterion("remote", offer.remote, "在宅可", "通いが必要")
    criterion("load", offer.load <= needs.load, "体力に合う", "体力の負担が大きい")
    closeness = len(needs.words & pieces(offer.text)) if needs.words else 0
    if needs.words:
        criterion("words", closeness >= WORDS_NEEDED, "希望の記述に近い内容", "")
    score = round(100 * earned / possible) if possible else 0
    slots = bin(needs.days & offer.days).count("1") * bin(needs.bands & offer.bands).count("1")
    return Fit(offer.pk, score, matched, missed, blocked_reason(needs, offer), closeness, slots)


def rank(needs: Needs, offers: Iterable[OfferFacts]) -> list[Fit]:
    """Every offer scored: open offers first, then by score, closeness to what the person
    wrote and shared slots; remaining ties keep the given order."""
    fits = [fit(needs, offer) for offer in offers]
    return sorted(fits, key=lambda f: (bool(f.blocked), -f.score, -f.closeness, -f.slots))
