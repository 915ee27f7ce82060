"""Deterministic demo population: households with the multi-issue patterns the system exists
for, each known in pieces to several counters, with registration variants for 名寄せ."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

import jaconv

from tsunagu.demo.data.foreign_names import FOREIGN
from tsunagu.demo.data.names import (
    AREAS,
    FEMALE_GIVEN,
    GENERIC_AREAS,
    KANJI_VARIANTS,
    MALE_GIVEN,
    SURNAMES,
)

FOREIGN_SHARE = 0.05  # of households; more than the national share, as at 生活困窮 counters

# Household patterns: (label, issue fields in the order counters meet them, member specs).
# A member spec is (relation, sex, age range, is_focus).
PATTERNS: dict[str, tuple[list[str], list[tuple[str, str, tuple[int, int], bool]]]] = {
    "8050": (
        ["介護", "その他"],
        [("世帯主", "female", (78, 90), False), ("子", "male", (48, 58), True)],
    ),
    "ダブルケア": (
        ["子ども", "介護"],
        [
            ("世帯主", "female", (34, 45), True),
            ("子", "male", (0, 3), False),
            ("母", "female", (70, 85), False),
        ],
    ),
    "ヤングケアラー": (
        ["子ども", "障がい"],
        [
            ("世帯主", "female", (38, 50), False),
            ("子", "female", (12, 17), True),
            ("子", "male", (6, 10), False),
        ],
    ),
    "ひきこもり": (
        ["その他", "生活困窮"],
        [("世帯主", "male", (55, 70), False), ("子", "male", (28, 45), True)],
    ),
    "生活困窮": (["生活困窮", "障がい"], [("世帯主", "male", (40, 64), True)]),
    "高齢独居": (["介護"], [("世帯主", "female", (75, 95), True)]),
    "障がい": (
        ["障がい", "生活困窮"],
        [("世帯主", "male", (60, 75), False), ("子", "male", (25, 40), True)],
    ),
}


@dataclass
class DemoPerson:
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: datetime.date | None
    sex: str
    relation: str
    is_head: bool
    is_focus: bool
    alphabet: list[str] = field(default_factory=list)  # a foreign resident's 在留カード name


@dataclass
class DemoHousehold:
    pattern: str
    fields: list[str]
    address: str
    members: list[DemoPerson] = field(default_factory=list)


class PopulationGenerator:
    def __init__(self, *, seed: int, municipality_name: str, slug: str, today: datetime.date):
        self.rng = random.Random(seed)
        self.municipality_name = municipality_name
        self.areas = AREAS.get(slug, GENERIC_AREAS)
        self.today = today
        self._surname_weights = [1 / (i + 5) for i in range(len(SURNAMES))]
        # Drawn apart so that adding foreign residents left every other household as it was.
        self.foreign_rng = random.Random(seed + 7)

    def household(self) -> DemoHousehold:
        pattern = self.rng.choice(list(PATTERNS))
        fields, specs = PATTERNS[pattern]
        family, family_kana = self.rng.choices(SURNAMES, weights=self._surname_weights)[0]
        home = DemoHousehold(pattern=pattern, fields=list(fields), address=self.address())
        for relation, sex, ages, focus in specs:
            given, given_kana = self.rng.choice(MALE_GIVEN if sex == "male" else FEMALE_GIVEN)
            # A mother living with her married daughter may carry another surname.
            fam, fam_kana = (family, family_kana)
            if relation == "母" and self.rng.random() < 0.5:
                fam, fam_kana = self.rng.choice(SURNAMES)
            home.members.append(
                DemoPerson(
                    family_name=fam,
                    given_name=given,
                    family_kana=fam_kana,
                    given_kana=given_kana,
                    birth_date=self.birth_date(ages),
                    sex=sex,
                    relation=relation,
                    is_head=relation == "世帯主",
                    is_focus=focus,
                )
            )
        if self.foreign_rng.random() < FOREIGN_SHARE:
            self.make_foreign(home)
        return home

    def make_foreign(self, home: DemoHousehold) -> None:
        """A foreign household: names in katakana as the first counter registers them."""
        family_alpha, family_kana, _ = self.foreign_rng.choice(FOREIGN)
        for member in home.members:
            options = [f for f in FOREIGN if f[2] == member.sex] or FOREIGN
            alpha, kana, _ = self.foreign_rng.choice(options)
            member.family_name = member.family_kana = family_kana[0]
            member.given_name = member.given_kana = "・".join(kana[1:])
            member.alphabet = family_alpha[:1] + alpha[1:]

    def address(self) -> str:
        area = self.rng.choice(self.areas)
        return f"{self.municipality_name}{area}{self.rng.randint(1, 4)}丁目{self.rng.randint(1, 30)}-{self.rng.randint(1, 20)}"

    def birth_date(self, ages: tuple[int, int]) -> datetime.date:
        age = self.rng.randint(*ages)
        return self.today - datetime.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def registration_variant(self, person: DemoPerson) -> DemoPerson:
        """How a second counter may register the same person: a variant kanji, hiragana or
        half-width kana, a missing birth date, or a slipped digit in it."""
        kind = self.rng.choice(["kanji", "hiragana", "halfwidth", "no_birth", "typo", "same"])
        variant = DemoPerson(**vars(person))
        if person.alphabet:  # typed from the 在留カード, in alphabet, perhaps in short
            parts = (
                person.alphabet
                if self.foreign_rng.random() < 0.5
                else person.alphabet[:1] + person.alphabet[2:]
            )
            variant.family_name, variant.given_name = parts[0], " ".join(parts[1:])
            variant.family_kana = variant.given_kana = ""
            return variant
        if kind == "kanji":
            variant.family_name = "".join(KANJI_VARIANTS.get(ch, ch) for ch in person.family_name)
        elif kind == "hiragana":
            variant.family_kana = jaconv.kata2hira(person.family_kana)
            variant.given_kana = jaconv.kata2hira(person.given_kana)
        elif kind == "halfwidth":
            variant.family_kana = jaconv.z2h(person.family_kana, kana=True)
            variant.given_kana = jaconv.z2h(person.given_kana, kana=True)
        elif kind == "no_birth":
            variant.birth_date = None
        elif kind == "typo" and person.birth_date and person.birth_date.day <= 28:
            variant.birth_date = person.birth_date.replace(day=person.birth_date.day % 28 + 1)
        return variant
