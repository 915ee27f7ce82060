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

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

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


def pieces(text: str) -> frozenset[str]:  # of the written wishes, once per search
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


@dataclass(slots=True)
class OfferFacts:
    """One offer as matching sees it (fields in the order search.py reads them)."""

    pk: int
    kind: str
    days: int
    bands: int
    area_id: int | None
    capacity: int
    age_min: int | None = None
    age_max: int | None = None
    load: int = 1
    transport: bool = False
    care: bool = False
    short_hours: bool = False
    remote: bool = False
    taken: int = 0  # persons taking part now
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


@cache
def days_words(mask: int) -> str:
    if mask & WEEKDAY_MASK == WEEKDAY_MASK and not mask & WEEKEND_MASK:
        return "平日"
    if mask == WEEKEND_MASK:
        return "土日"
    if mask == WEEKDAY_MASK | WEEKEND_MASK:
        return "毎日"
    return "・".join(label for bit, label in WEEKDAYS if mask & bit)


@cache
def bands_words(mask: int) -> str:
    return "・".join(label for bit, label in BANDS if mask & bit)


@cache
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


def possible_points(needs: Needs) -> int:
    """The points at stake for this person: the criteria they have a view on."""
    wanted = [
        ("kind", bool(needs.kinds)),
        ("schedule", bool(needs.days or needs.bands)),
        ("area", needs.area_id is not None),
        ("transport", needs.needs_transport),
        ("care", needs.needs_care),
        ("short_hours", needs.short_hours),
        ("remote", needs.remote),
        ("load", True),
        ("words", bool(needs.words)),
    ]
    return sum(POINTS[name] for name, on in wanted if on)


def _earned(needs: Needs, offer: OfferFacts, near: int, words: list | None = None) -> int:
    """Points the offer earns; with ``words``, also collects (fits?, words) per criterion.

    ``near`` is ``closeness(needs, offer)``. Ranking calls this for every offer without
    ``words`` (the cost of a search is here);
    ``fit`` calls it with ``words`` for the offers shown, so both follow the same rules.
    """
    earned = 0
    if needs.kinds:
        if offer.kind in needs.kinds:
            earned += POINTS["kind"]
        if words is not None:
            label = needs.kind_labels.get(offer.kind, offer.kind)
            ok = offer.kind in needs.kinds
            words.append((ok, label if ok else f"活動の種類({label})が希望と違う"))
    if needs.days or needs.bands:
        days = needs.days & offer.days if needs.days and offer.days else needs.days
        bands = needs.bands & offer.bands if needs.bands and offer.bands else needs.bands
        ok = bool(days or not needs.days) and bool(bands or not needs.bands)
        if ok:
            earned += POINTS["schedule"]
        if words is not None:
            words.append((ok, _schedule_words(days, bands) if ok else "曜日・時間帯が合わない"))
    if needs.area_id is not None:
        same = offer.area_id == needs.area_id
        ok = same or offer.area_id in needs.near_area_ids or offer.remote
        if ok:
            earned += POINTS["area"]
        if words is not None:
            name = offer.area_name
            if same:
                words.append((True, f"同じ圏域({name})"))
            else:
                text = f"通える圏域({name or '在宅'})" if ok else f"圏域が違う({name or '未設定'})"
                words.append((ok, text))
    if needs.needs_transport:
        ok = offer.transport or offer.remote
        earned += POINTS["transport"] if ok else 0
        if words is not None:
            words.append((ok, "送迎あり" if ok else "送迎なし"))
    elif words is not None:
        words.append((True, "送迎不要"))
    for wanted, has, name, yes, no in (
        (needs.needs_care, offer.care, "care", "服薬・障がいへの配慮あり", "配慮の記載なし"),
        (needs.short_hours, offer.short_hours, "short_hours", "短時間可", "短時間の受入なし"),
        (needs.remote, offer.remote, "remote", "在宅可", "通いが必要"),
    ):
        if wanted:
            earned += POINTS[name] if has else 0
            if words is not None:
                words.append((has, yes if has else no))
    ok = offer.load <= needs.load
    earned += POINTS["load"] if ok else 0
    if words is not None:
        words.append((ok, "体力に合う" if ok else "体力の負担が大きい"))
    if needs.words and near >= WORDS_NEEDED:
        earned += POINTS["words"]
        if words is not None:
            words.append((True, "希望の記述に近い内容"))
    return earned


def closeness(needs: Needs, offer: OfferFacts) -> int:
    # Substring tests of the person's few pieces, not pieces() of every offer's text: this
    # decides the cost of scoring 5,000 offers.
    return sum(word in offer.text for word in needs.words)


def _score(earned: int, possible: int) -> int:
    return round(100 * earned / possible) if possible else 0


def _slots(needs: Needs, offer: OfferFacts) -> int:
    return (needs.days & offer.days).bit_count() * (needs.bands & offer.bands).bit_count()


def fit(needs: Needs, offer: OfferFacts) -> Fit:
    """Score one offer against the needs and say why (see the module docstring)."""
    words: list[tuple[bool, str]] = []
    near = closeness(needs, offer)
    earned = _earned(needs, offer, near, words)
    return Fit(
        offer.pk,
        _score(earned, possible_points(needs)),
        [text for ok, text in words if ok],
        [text for ok, text in words if not ok],
        blocked_reason(needs, offer),
        near,
        _slots(needs, offer),
    )


def rank(
    needs: Needs,
    offers: Iterable[OfferFacts],
    limit: int | None = None,
    *,
    include_blocked: bool = True,
) -> list[Fit]:
    """The best ``limit`` offers (all when None), explained: open offers first, then by
    score, closeness to what the person wrote and shared slots; remaining ties keep the
    given order. Every offer is scored; only those returned are explained."""
    possible = possible_points(needs)
    # One scan of each text for any of the person's pieces; most texts have none.
    any_word = re.compile("|".join(map(re.escape, sorted(needs.words)))) if needs.words else None
    keyed = []
    for n, offer in enumerate(offers):
        blocked = bool(blocked_reason(needs, offer))
        if blocked and not include_blocked:
            continue
        near = closeness(needs, offer) if any_word and any_word.search(offer.text) else 0
        score = _score(_earned(needs, offer, near), possible)
        keyed.append((blocked, -score, -near, -_slots(needs, offer), n, offer))
    best = heapq.nsmallest(limit, keyed) if limit is not None else sorted(keyed)
    return [fit(needs, row[-1]) for row in best]
