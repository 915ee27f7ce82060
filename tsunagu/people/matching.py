"""名寄せ: candidate existing persons for a new or edited record.

Two stages (see perf_and_matching_research.md §5):

1. Blocking. ``refresh_keys`` stores a handful of exact keys per person (kana + birth date,
   given kana + birth date for married names, kana + birth year or month-day for date
   typos, folded kanji + birth date, kana or kanji + address). ``find_candidates`` fetches
   every active person sharing any key with the query in ONE indexed query.
2. Scoring in Python, Fellegi–Sunter style: each field's agreement level adds a log-odds
   weight. The total decides the band; a few rules keep household members, twins and
   married-and-moved people out of the automatic LINK band whatever their total.

``score_pair`` is the same scoring without a database; ``manage.py namematch`` uses it.
Linking stays a human decision: LINK only suggests it.
"""

from __future__ import annotations

import datetime
import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q

from tsunagu.people import names, scripts
from tsunagu.people.models import NotSamePerson, Person, PersonMatchKey

LINK = "link"  # 同一人物の可能性が高い (link suggested)
REVIEW = "review"  # 要確認 (needs a person's review)

LINK_WEIGHT = 20.0
REVIEW_WEIGHT = 10.0
CANDIDATE_CAP = 300  # a very common name without a birth date must not fetch thousands
KEY_LENGTH = 400  # PersonMatchKey.key max_length


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float  # 0.0–1.0
    band: str  # LINK or REVIEW; no-match records are not returned
    reasons: list[str] = field(default_factory=list)  # 「フリガナ一致」「生年月日一致」…


@dataclass(frozen=True)
class Subject:
    """The matching keys of one record (a person, a form, or one side of a CSV pair)."""

    family_kana: str  # names.kana_key
    given_kana: str
    family_sound: str  # names.kana_sound_key
    given_sound: str
    family_name: str  # names.name_key
    given_name: str
    birth_date: datetime.date | None
    address: str  # names.address_key
    room: str = ""  # building/room numbers, compared apart from the address
    sex: str = ""
    # The name as parts, once per way it is written (kanji, kana, alphabet, 通称名).
    renderings: tuple[tuple[str, ...], ...] = ()
    foreign: bool = False  # written in alphabet, in parts, or with another name besides

    @classmethod
    def of(
        cls,
        *,
        family_name: str = "",
        given_name: str = "",
        family_kana: str = "",
        given_kana: str = "",
        birth_date: datetime.date | None = None,
        address: str = "",
        sex: str = "",
        alphabet_name: str = "",
        common_name: str = "",
    ) -> Subject:
        family_key, given_key = names.kana_key(family_kana), names.kana_key(given_kana)
        written = scripts.tokens(family_name, given_name)
        kana = scripts.tokens(family_kana, given_kana)
        extra = [scripts.tokens(alphabet_name), scripts.tokens(common_name)]
        # Each field joined too: グエン ティラン against NGUYEN / THI LAN.
        joined = [
            scripts.tokens(family_name.replace(" ", ""), given_name.replace(" ", "")),
            scripts.tokens(family_kana, given_kana.replace(" ", "").replace("・", "")),
        ]
        renderings = tuple(dict.fromkeys(tuple(r) for r in [written, kana, *extra, *joined] if r))
        foreign = (
            bool(alphabet_name or common_name)
            or any(scripts.has_latin(t) for r in renderings for t in r)
            or any(
                len(scripts.tokens(part)) > 1
                for part in (family_name, given_name, family_kana, given_kana)
            )
        )
        return cls(
            family_kana=family_key,
            given_kana=given_key,
            family_sound=names.collapse_long_vowels(family_key),
            given_sound=names.collapse_long_vowels(given_key),
            family_name=names.name_key(family_name),
            given_name=names.name_key(given_name),
            birth_date=birth_date,
            address=names.address_key(address),
            room=names.address_room(address),
            sex=_SEX.get(unicodedata.normalize("NFKC", sex or "").strip().casefold(), ""),
            renderings=renderings,
            foreign=foreign,
        )

    @classmethod
    def of_person(cls, person: Person) -> Subject:
        return cls.of(
            family_name=person.family_name,
            given_name=person.given_name,
            family_kana=person.family_kana,
            given_kana=person.given_kana,
            birth_date=person.birth_date,
            address=person.address,
            sex=person.sex,
            alphabet_name=person.alphabet_name,
            common_name=person.common_name,
        )

    @property
    def sound(self) -> str:
        return self.family_sound + self.given_sound

    @property
    def written(self) -> str:
        return self.family_name + self.given_name


# Sex as counters write it; anything else (その他, 不明) is neutral in scoring.
_SEX = {"male": "male", "m": "male", "男": "male", "男性": "male",
        "female": "female", "f": "female", "女": "female", "女性": "female"}  # fmt: skip


@dataclass(frozen=True)
class Match:
    weight: float
    score: float
    band: str | None  # LINK, REVIEW or None (no match)
    reasons: list[str]


# --- blocking ------------------------------------------------------------------------


def _key(*parts: object) -> str:
    return "|".join(str(p) for p in parts)[:KEY_LENGTH]


def _date_keys(kind: str, value: str, dob: datetime.date | None) -> list[tuple[str, str]]:
    """value + birth date; an unknown date is stored as '?' so it can still be found."""
    return [(kind, _key(value, dob.isoformat() if dob else "?"))] if value else []


def stored_keys(s: Subject) -> list[tuple[str, str]]:
    """The (kind, key) rows stored for a person."""
    keys = _date_keys("kd", s.sound, s.birth_date) + _date_keys("nd", s.written, s.birth_date)
    keys += [("k", _key(s.sound))] if s.sound else []
    keys += [("n", _key(s.written))] if s.written else []
    if s.birth_date:
        dob = s.birth_date
        keys += [("gd", _key(s.given_sound, dob.isoformat()))] if s.given_sound else []
        keys += [("ky", _key(s.sound, dob.year)), ("km", _key(s.sound, f"{dob:%m%d}"))]
    if s.address:
        keys += [("ka", _key(s.sound, s.address))] if s.sound else []
        keys += [("na", _key(s.written, s.address))] if s.written else []
    keys += _sound_keys(s)
    return list(dict.fromkeys((kind, key) for kind, key in keys if key.split("|")[0]))


def _has_kanji(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f" for ch in text)


def _sound_keys(s: Subject) -> list[tuple[str, str]]:
    """Keys that meet across scripts and orders: each name part's consonants with the birth
    date (NGUYEN and グエン both give gn), and all parts' consonants sorted with the birth
    year (for a date slip)."""
    if s.birth_date is None or (_has_kanji(s.written) and not s.foreign):
        return []  # Japanese names in kanji meet through the kana and kanji keys above
    dob, keys = s.birth_date.isoformat(), []
    for rendering in s.renderings:
        skeletons = sorted(
            {scripts.skeleton(f) for part in rendering for f in scripts.sound_forms(part)} - {""}
        )
        keys += [("sd", _key(sk, dob)) for sk in skeletons]
        if len(rendering) > 1 and len(skeletons) > 1:
            keys.append(("sy", _key("+".join(skeletons), s.birth_date.year)))
    return keys


def lookup_keys(s: Subject) -> list[tuple[str, str]]:
    """The (kind, key) pairs a query record looks up."""
    dated = [(kind, key) for kind, key in stored_keys(s) if kind not in ("k", "n")]
    if s.birth_date is None:
        # Name alone (capped by CANDIDATE_CAP); the '?' keys are already in ``dated``.
        return stored_keys(s)
    # Records with the same name whose birth date is unknown.
    return dated + _date_keys("kd", s.sound, None) + _date_keys("nd", s.written, None)


def key_rows(person: Person) -> list[PersonMatchKey]:
    """The unsaved blocking-key rows of a saved person (bulk loaders insert these directly)."""
    return [
        PersonMatchKey(municipality_id=person.municipality_id, person=person, kind=k, key=v)
        for k, v in stored_keys(Subject.of_person(person))
    ]


def refresh_keys(person: Person) -> None:
    """Recompute the person's blocking keys; called by people actions after create/update."""
    rows = key_rows(person)
    with transaction.atomic():
        PersonMatchKey.objects.filter(person=person).delete()
        PersonMatchKey.objects.bulk_create(rows)


def candidate_persons(
    *, municipality_id: int, subject: Subject, exclude_person_id: int | None = None
):
    """Active persons sharing at least one blocking key with ``subject`` (one SQL query)."""
    wanted = lookup_keys(subject)
    if not wanted:
        return Person.objects.none()
    keys = PersonMatchKey.objects.filter(
        reduce(or_, (Q(kind=kind, key=key) for kind, key in wanted)),
        municipality_id=municipality_id,
    )
    persons = Person.objects.active().filter(
        municipality_id=municipality_id, pk__in=keys.values("person_id")
    )
    if exclude_person_id is not None:
        persons = persons.exclude(pk=exclude_person_id)
    # No ORDER BY: with one, PostgreSQL may walk the primary key and filter 1M rows.
    return persons[:CANDIDATE_CAP]


def find_candidates(
    *,
    municipality_id: int,
    family_name: str = "",
    given_name: str = "",
    family_kana: str = "",
    given_kana: str = "",
    birth_date: datetime.date | None = None,
    address: str = "",
    sex: str = "",
    alphabet_name: str = "",
    common_name: str = "",
    exclude_person_id: int | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Existing persons that may be the same person, best first."""
    subject = Subject.of(
        family_name=family_name,
        given_name=given_name,
        family_kana=family_kana,
        given_kana=given_kana,
        birth_date=birth_date,
        address=address,
        sex=sex,
        alphabet_name=alphabet_name,
        common_name=common_name,
    )
    found = []
    for person in candidate_persons(
        municipality_id=municipality_id, subject=subject, exclude_person_id=exclude_person_id
    ):
        match = score_pair(subject, Subject.of_person(person))
        if match.band:
            found.append(Candidate(person, match.score, match.band, match.reasons))
    found.sort(key=lambda c: (-c.score, c.person.pk))
    return found[:limit]


# --- scoring -------------------------------------------------------------------------

SAME, KANA, WRITTEN, SOUND, SIMILAR, CONFLICT, DIFFERENT, UNKNOWN = range(8)

# log2(m/u)-style weights per agreement level. The values follow the research prototype's
# learned weights (§5.4), rounded, and were checked against bench/namematch.
FAMILY_WEIGHTS = {
    SAME: 8.0,
    KANA: 7.0,
    WRITTEN: 7.0,
    SOUND: 6.0,
    SIMILAR: 3.0,
    CONFLICT: -3.0,
    DIFFERENT: -5.0,  # mild: surnames change at marriage
    UNKNOWN: 0.0,
}
GIVEN_WEIGHTS = {
    SAME: 8.0,
    KANA: 6.0,
    WRITTEN: 7.0,
    SOUND: 6.0,
    SIMILAR: 3.0,
    CONFLICT: -8.0,
    DIFFERENT: -14.0,
    UNKNOWN: 0.0,
}
DATE_EXACT, DATE_SWAP, DATE_ONE_DIGIT, DATE_NEAR, DATE_DIFFERENT = range(5)
DATE_WEIGHTS = {
    DATE_EXACT: 15.0,
    DATE_SWAP: 9.0,
    DATE_ONE_DIGIT: 5.0,
    DATE_NEAR: 4.0,
    DATE_DIFFERENT: -12.0,
    UNKNOWN: 0.0,
}
ADDRESS_EXACT, ADDRESS_BLOCK, ADDRESS_DIFFERENT = range(3)
ADDRESS_WEIGHTS = {ADDRESS_EXACT: 10.0, ADDRESS_BLOCK: 5.0, ADDRESS_DIFFERENT: -2.0, UNKNOWN: 0.0}

SIMILAR_THRESHOLD = 0.88


def jaro_winkler(a: str, b: str) -> float:
    """Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    b_used = [False] * len(b)
    a_matched = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_used[j] and b[j] == ch:
                b_used[j] = True
                a_matched.append(ch)
                break
    if not a_matched:
        return 0.0
    b_matched = [ch for j, ch in enumerate(b) if b_used[j]]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    m = len(a_matched)
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def name_level(
    kana_a: str, kana_b: str, sound_a: str, sound_b: str, kanji_a: str, kanji_b: str
) -> int:
    """Agreement level of one name part (family or given)."""
    kana_known = bool(kana_a and kana_b)
    kanji_known = bool(kanji_a and kanji_b)
    kana_same = kana_known and kana_a == kana_b
    kanji_same = kanji_known and kanji_a == kanji_b
    if kana_same and (kanji_same or not kanji_known):
        return SAME if kanji_same else KANA
    if kanji_same:
        return SAME if not kana_known else WRITTEN
    if kana_same:
        return KANA  # same reading written with other kanji
    if not kana_known:
        return UNKNOWN if not kanji_known else DIFFERENT
    if sound_a == sound_b:
        return SOUND if not kanji_known else CONFLICT
    if jaro_winkler(kana_a, kana_b) >= SIMILAR_THRESHOLD:
        return SIMILAR if not kanji_known else CONFLICT
    return DIFFERENT


def date_level(a: datetime.date | None, b: datetime.date | None) -> int:
    if a is None or b is None:
        return UNKNOWN
    if a == b:
        return DATE_EXACT
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return DATE_SWAP
    if sum(x != y for x, y in zip(f"{a:%Y%m%d}", f"{b:%Y%m%d}", strict=True)) == 1:
        return DATE_ONE_DIGIT
    if abs((a - b).days) <= 2:
        return DATE_NEAR
    return DATE_DIFFERENT


def address_level(a: Subject, b: Subject) -> int:
    """Same block numbers (a municipality left out on one side counts as the same); a
    room number on both sides that differs makes it a neighbour's address."""
    x, y = a.address, b.address
    if not x or not y:
        return UNKNOWN
    if names.same_place(x, y):
        return ADDRESS_BLOCK if a.room and b.room and a.room != b.room else ADDRESS_EXACT
    if "-" in x and x.rsplit("-", 1)[0] == y.rsplit("-", 1)[0]:
        return ADDRESS_BLOCK
    return ADDRESS_DIFFERENT


NAME_REASONS = {
    SAME: "一致",
    KANA: "フリガナ一致",
    WRITTEN: "漢字一致",
    SOUND: "フリガナ類似（長音等）",
    SIMILAR: "フリガナ類似",
    CONFLICT: "漢字・フリガナが異なる",
    DIFFERENT: "が異なる",
}
DATE_REASONS = {
    DATE_EXACT: "生年月日一致",
    DATE_SWAP: "生年月日の月日入れ替わり（入力誤りの可能性）",
    DATE_ONE_DIGIT: "生年月日が1桁違い（入力誤りの可能性）",
    DATE_NEAR: "生年月日が近い",
    DATE_DIFFERENT: "生年月日が異なる",
}
ADDRESS_REASONS = {
    ADDRESS_EXACT: "住所一致",
    ADDRESS_BLOCK: "住所が近い（同じ番地）",
    ADDRESS_DIFFERENT: "住所が異なる（転居の可能性）",
}


# --- names in parts and in other scripts (foreign residents) -------------------------

PART_EXACT, PART_SOUND = 1, 2  # one name part: the same, or alphabet ↔ katakana alike
FULL, FULL_SOUND, SUBSET, PARTIAL, PARTS_CONFLICT, PARTS_DIFFERENT = range(10, 16)
PARTS_WEIGHTS = {
    FULL: 16.0,  # every part agrees, in any order
    FULL_SOUND: 15.0,  # …some only through the alphabet ↔ katakana reading
    SUBSET: 11.0,  # one record has a part more (a middle name dropped): short of identity
    PARTIAL: 5.0,  # a one-part name that is one of the other's parts
    PARTS_CONFLICT: -8.0,  # shares a part (a family name) but each has one the other lacks
    PARTS_DIFFERENT: -14.0,
}
PARTS_REASONS = {
    FULL: "氏名の各部分が一致（順序の違いを含む）",
    FULL_SOUND: "アルファベットとカタカナの表記が一致",
    SUBSET: "氏名の一部が一致（ミドルネーム等の省略の可能性）",
    PARTIAL: "氏名の一部のみ一致",
    PARTS_CONFLICT: "氏名の一部が異なる（家族等の可能性）",
    PARTS_DIFFERENT: "氏名が異なる",
}
SOUND_THRESHOLD = 0.88


def _script(token: str) -> str:
    if scripts.has_latin(token):
        return "latin"
    return "kana" if names.is_katakana(token) else "written"


def part_level(a: str, b: str) -> int | None:
    """How two name parts agree: PART_EXACT, PART_SOUND or None."""
    sa, sb = _script(a), _script(b)
    if sa == sb == "written":
        return PART_EXACT if names.name_key(a) == names.name_key(b) else None
    if sa == sb == "kana" and names.kana_sound_key(a) == names.kana_sound_key(b):
        return PART_EXACT
    if sa == sb == "latin":
        return PART_EXACT if a == b else None
    if "written" in (sa, sb):
        return None
    for x in scripts.sound_forms(a):
        for y in scripts.sound_forms(b):
            same_consonants = scripts.skeleton(x) == scripts.skeleton(y)
            if same_consonants and (x == y or jaro_winkler(x, y) >= SOUND_THRESHOLD):
                return PART_SOUND
    return None


def _pairing(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[int, int, bool]:
    """Best one-to-one pairing of parts: (matched, unmatched on the longer side, by sound)."""
    if len(a) > len(b):
        a, b = b, a
    best = (0, len(b), False)
    for chosen in itertools.permutations(range(len(b)), len(a)):
        levels = [part_level(x, b[j]) for x, j in zip(a, chosen, strict=True)]
        found = [lv for lv in levels if lv]
        score = (len(found), PART_SOUND not in found)
        if score > (best[0], not best[2]):
            best = (len(found), len(b) - len(found), PART_SOUND in found)
    return best


def _rendering_level(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    if len(a) > 6 or len(b) > 6:
        return None
    matched, _, by_sound = _pairing(a, b)
    if matched == 0:
        return PARTS_DIFFERENT
    shorter = min(len(a), len(b))
    if matched < shorter:
        return PARTS_CONFLICT
    if len(a) == len(b):
        return (FULL_SOUND if by_sound else FULL) if matched >= 2 else PARTIAL
    return SUBSET if matched >= 2 else PARTIAL


_PARTS_ORDER = [FULL, FULL_SOUND, SUBSET, PARTIAL, PARTS_CONFLICT, PARTS_DIFFERENT]


def parts_level(a: Subject, b: Subject) -> int:
    """The best agreement over every way each record writes the name."""
    levels = [
        level
        for x in a.renderings
        for y in b.renderings
        if _comparable(x, y) and (level := _rendering_level(x, y)) is not None
    ]
    # The whole name run together (グエンティラン = NGUYEN THI LAN), in the same order.
    if any(
        len(x) + len(y) > 2 and part_level("".join(x), "".join(y))
        for x in a.renderings
        for y in b.renderings
        if _comparable(x, y)
    ):
        levels.append(FULL_SOUND)
    return min(levels, key=_PARTS_ORDER.index) if levels else PARTS_DIFFERENT


def _comparable(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """Kanji can be compared only with kanji; kana and alphabet with each other."""
    return ({_script(t) == "written" for t in x}) == ({_script(t) == "written" for t in y})


def _swapped(a: Subject, b: Subject) -> bool:
    return bool(a.family_kana and a.given_kana) and (
        (a.family_kana, a.given_kana) == (b.given_kana, b.family_kana)
    )


def _name_reasons(family: int, given: int) -> list[str]:
    if family == given == SAME:
        return ["氏名・フリガナ一致"]
    if family in (SAME, KANA) and given in (SAME, KANA):
        return ["フリガナ一致"]
    reasons = []
    for part, level in (("氏", family), ("名", given)):
        if level in NAME_REASONS:
            text = NAME_REASONS[level]
            reasons.append(part + text if level in (SAME, DIFFERENT) else f"{part}の{text}")
    if family == DIFFERENT and given in (SAME, KANA, WRITTEN):
        reasons[0] = "氏が異なる（婚姻等による変更の可能性）"
    return reasons


def _blocks_link(family: int, given: int, dob: int, address: int) -> bool:
    """Evidence that must go to a person however high the total is."""
    given_disagrees = given in (CONFLICT, DIFFERENT)  # twins, siblings, household members
    family_changed_and_moved = family in (CONFLICT, DIFFERENT) and address != ADDRESS_EXACT
    return given_disagrees or family_changed_and_moved or dob == DATE_DIFFERENT


def score_pair(a: Subject, b: Subject) -> Match:
    """Weight, 0–1 score, band and Japanese reasons for two records."""
    if a.foreign or b.foreign or _swapped(a, b):
        return _score_in_parts(a, b)
    family = name_level(
        a.family_kana, b.family_kana, a.family_sound, b.family_sound, a.family_name, b.family_name
    )
    given = name_level(
        a.given_kana, b.given_kana, a.given_sound, b.given_sound, a.given_name, b.given_name
    )
    return _decide(
        FAMILY_WEIGHTS[family] + GIVEN_WEIGHTS[given],
        _blocks_link(family, given, *_dob_and_address(a, b)),
        _name_reasons(family, given),
        a,
        b,
    )


def _score_in_parts(a: Subject, b: Subject) -> Match:
    """Names compared as a set of parts across scripts (foreign residents, swapped order)."""
    level = parts_level(a, b)
    dob, address = _dob_and_address(a, b)
    blocks = level in (PARTS_CONFLICT, PARTS_DIFFERENT) or dob == DATE_DIFFERENT
    # Only part of the name agrees: the rest of the record must carry identity.
    blocks |= level == PARTIAL or (
        level == SUBSET and dob != DATE_EXACT and address != ADDRESS_EXACT
    )
    return _decide(PARTS_WEIGHTS[level], blocks, [PARTS_REASONS[level]], a, b)


def _dob_and_address(a: Subject, b: Subject) -> tuple[int, int]:
    return date_level(a.birth_date, b.birth_date), address_level(a, b)


SEX_DIFFERENT_WEIGHT = -10.0


def _decide(name_weight: float, blocks: bool, reasons: list[str], a: Subject, b: Subject) -> Match:
    """Add birth date, address and sex to the name's weight; band and reasons."""
    dob, address = _dob_and_address(a, b)
    weight = name_weight + DATE_WEIGHTS[dob] + ADDRESS_WEIGHTS[address]
    sex_differs = bool(a.sex and b.sex) and a.sex != b.sex
    if sex_differs:
        weight += SEX_DIFFERENT_WEIGHT
    if blocks or sex_differs:
        weight = min(weight, LINK_WEIGHT - 1)
    band = LINK if weight >= LINK_WEIGHT else REVIEW if weight >= REVIEW_WEIGHT else None
    reasons = reasons + ([DATE_REASONS[dob]] if dob in DATE_REASONS else ["生年月日不明"])
    reasons += [ADDRESS_REASONS[address]] if address in ADDRESS_REASONS else []
    reasons += ["性別が異なる"] if sex_differs else []
    return Match(weight, _probability(weight), band, reasons)


def _probability(weight: float) -> float:
    """Weight → 0–1 score; 0.5 halfway between the REVIEW and LINK thresholds."""
    midpoint = (LINK_WEIGHT + REVIEW_WEIGHT) / 2
    return round(1 / (1 + math.exp(-(weight - midpoint) / 3)), 4)


def kept_apart_ids(person: Person) -> set[int]:
    """Persons recorded as 別人 (not the same person) as ``person``: never offered again."""
    pairs = NotSamePerson.objects.filter(Q(person_a=person) | Q(person_b=person))
    return {a if a != person.pk else b for a, b in pairs.values_list("person_a", "person_b")}
