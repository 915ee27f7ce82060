"""Deterministic synthetic population and labelled pairs for the 名寄せ benchmark.

Names are common Japanese surnames (weighted roughly by frequency) and given names with
their readings; addresses lie in one fictitious town. Each labelled pair is a registered
record ``a`` and another record ``b`` that is either the same person written differently
(a variant kind) or a different person who is easy to confuse (a hard-negative kind).
"""

from __future__ import annotations

import datetime
import itertools
import random
import re
from dataclasses import dataclass, replace

import jaconv

from tsunagu.demo.data.foreign_names import FOREIGN

# (kanji, kana, variants of the kanji seen in registers)
SURNAMES = [
    ("佐藤", "サトウ", []),
    ("鈴木", "スズキ", []),
    ("高橋", "タカハシ", ["髙橋"]),
    ("田中", "タナカ", []),
    ("伊藤", "イトウ", []),
    ("渡辺", "ワタナベ", ["渡邊", "渡邉"]),
    ("山本", "ヤマモト", []),
    ("中村", "ナカムラ", ["中邨"]),
    ("小林", "コバヤシ", []),
    ("加藤", "カトウ", []),
    ("吉田", "ヨシダ", ["𠮷田"]),
    ("山田", "ヤマダ", []),
    ("佐々木", "ササキ", []),
    ("山口", "ヤマグチ", []),
    ("松本", "マツモト", []),
    ("井上", "イノウエ", []),
    ("木村", "キムラ", []),
    ("林", "ハヤシ", []),
    ("斉藤", "サイトウ", ["齋藤", "齊藤", "斎藤"]),
    ("清水", "シミズ", []),
    ("山崎", "ヤマザキ", ["山﨑", "山嵜"]),
    ("森", "モリ", []),
    ("池田", "イケダ", []),
    ("橋本", "ハシモト", []),
    ("阿部", "アベ", []),
    ("石川", "イシカワ", []),
    ("山下", "ヤマシタ", []),
    ("中島", "ナカジマ", ["中嶋"]),
    ("石井", "イシイ", []),
    ("小川", "オガワ", []),
    ("前田", "マエダ", []),
    ("岡田", "オカダ", []),
    ("長谷川", "ハセガワ", []),
    ("藤田", "フジタ", []),
    ("後藤", "ゴトウ", []),
    ("近藤", "コンドウ", []),
    ("村上", "ムラカミ", []),
    ("遠藤", "エンドウ", []),
    ("青木", "アオキ", []),
    ("坂本", "サカモト", []),
    ("斎藤", "サイトウ", ["齋藤"]),
    ("福田", "フクダ", []),
    ("太田", "オオタ", []),
    ("西村", "ニシムラ", []),
    ("藤井", "フジイ", []),
    ("金子", "カネコ", []),
    ("岡本", "オカモト", []),
    ("藤原", "フジワラ", []),
    ("中野", "ナカノ", []),
    ("三浦", "ミウラ", []),
    ("原田", "ハラダ", []),
    ("中川", "ナカガワ", []),
    ("松田", "マツダ", []),
    ("竹内", "タケウチ", []),
    ("小野", "オノ", []),
    ("田村", "タムラ", []),
    ("中山", "ナカヤマ", []),
    ("和田", "ワダ", []),
    ("石田", "イシダ", []),
    ("森田", "モリタ", []),
    ("上田", "ウエダ", []),
    ("原", "ハラ", []),
    ("内田", "ウチダ", []),
    ("柴田", "シバタ", []),
    ("酒井", "サカイ", []),
    ("宮崎", "ミヤザキ", ["宮﨑", "宮碕"]),
    ("横山", "ヨコヤマ", []),
    ("高木", "タカギ", ["髙木"]),
    ("安藤", "アンドウ", []),
    ("宮本", "ミヤモト", []),
    ("大野", "オオノ", []),
    ("小島", "コジマ", ["小嶋"]),
    ("工藤", "クドウ", []),
    ("谷口", "タニグチ", []),
    ("今井", "イマイ", []),
    ("高田", "タカダ", ["髙田"]),
    ("丸山", "マルヤマ", []),
    ("増田", "マスダ", ["增田"]),
    ("杉山", "スギヤマ", []),
    ("村田", "ムラタ", []),
    ("大塚", "オオツカ", []),
    ("小山", "コヤマ", []),
    ("平野", "ヒラノ", []),
    ("藤本", "フジモト", []),
    ("河野", "コウノ", []),
    ("上野", "ウエノ", []),
    ("野口", "ノグチ", []),
    ("武田", "タケダ", []),
    ("松井", "マツイ", []),
    ("千葉", "チバ", []),
    ("岩崎", "イワサキ", ["岩﨑"]),
    ("菅原", "スガワラ", []),
    ("木下", "キノシタ", []),
    ("久保", "クボ", []),
    ("佐野", "サノ", []),
    ("野村", "ノムラ", []),
    ("松尾", "マツオ", []),
    ("市川", "イチカワ", []),
    ("菊地", "キクチ", []),
    ("杉本", "スギモト", []),
    ("古川", "フルカワ", []),
    ("大西", "オオニシ", []),
    ("島田", "シマダ", ["嶋田"]),
    ("水野", "ミズノ", []),
    ("桜井", "サクライ", ["櫻井"]),
    ("高野", "タカノ", ["髙野"]),
    ("渡部", "ワタナベ", []),
    ("吉川", "ヨシカワ", ["𠮷川"]),
    ("山内", "ヤマウチ", []),
    ("西田", "ニシダ", []),
    ("飯田", "イイダ", []),
    ("菊池", "キクチ", []),
    ("西川", "ニシカワ", []),
    ("小松", "コマツ", []),
    ("北村", "キタムラ", []),
    ("安田", "ヤスダ", []),
    ("五十嵐", "イガラシ", []),
    ("川口", "カワグチ", []),
    ("平田", "ヒラタ", []),
    ("関", "セキ", ["關"]),
    ("中沢", "ナカザワ", ["中澤"]),
    ("浜田", "ハマダ", ["濱田", "濵田"]),
    ("広瀬", "ヒロセ", ["廣瀬"]),
    ("富田", "トミタ", ["冨田"]),
    ("国分", "コクブ", ["國分"]),
    ("桑原", "クワハラ", ["桒原"]),
    ("槙原", "マキハラ", ["槇原"]),
    ("辺見", "ヘンミ", ["邊見"]),
    ("大沢", "オオサワ", ["大澤"]),
    ("長沢", "ナガサワ", ["長澤"]),
    ("浜口", "ハマグチ", ["濱口"]),
]
MALE = [
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("健", "ケン"),
    ("翔太", "ショウタ"),
    ("大輔", "ダイスケ"),
    ("誠", "マコト"),
    ("浩", "ヒロシ"),
    ("隆", "タカシ"),
    ("修", "オサム"),
    ("勇", "イサム"),
    ("茂", "シゲル"),
    ("博", "ヒロシ"),
    ("和夫", "カズオ"),
    ("正", "タダシ"),
    ("清", "キヨシ"),
    ("実", "ミノル"),
    ("進", "ススム"),
    ("豊", "ユタカ"),
    ("明", "アキラ"),
    ("拓也", "タクヤ"),
    ("健太", "ケンタ"),
    ("翔", "ショウ"),
    ("大樹", "ダイキ"),
    ("亮", "リョウ"),
    ("蓮", "レン"),
    ("悠真", "ユウマ"),
    ("湊", "ミナト"),
    ("陽翔", "ハルト"),
    ("優太", "ユウタ"),
    ("優斗", "ユウト"),
    ("雄一", "ユウイチ"),
    ("康弘", "ヤスヒロ"),
    ("真一", "シンイチ"),
    ("龍也", "タツヤ"),
    ("栄一", "エイイチ"),
    ("祐介", "ユウスケ"),
    ("恭平", "キョウヘイ"),
    ("純一", "ジュンイチ"),
    ("俊介", "シュンスケ"),
    ("達也", "タツヤ"),
    ("勝", "マサル"),
    ("孝", "タカシ"),
    ("昭", "アキラ"),
    ("功", "イサオ"),
    ("耕太", "コウタ"),
    ("航", "ワタル"),
    ("悠斗", "ユウト"),
    ("颯太", "ソウタ"),
    ("蒼", "アオイ"),
    ("樹", "イツキ"),
    ("大和", "ヤマト"),
    ("新", "アラタ"),
]
FEMALE = [
    ("花子", "ハナコ"),
    ("恵子", "ケイコ"),
    ("裕子", "ユウコ"),
    ("洋子", "ヨウコ"),
    ("京子", "キョウコ"),
    ("幸子", "サチコ"),
    ("和子", "カズコ"),
    ("節子", "セツコ"),
    ("智子", "トモコ"),
    ("美香", "ミカ"),
    ("真理", "マリ"),
    ("由美", "ユミ"),
    ("明美", "アケミ"),
    ("直美", "ナオミ"),
    ("久美子", "クミコ"),
    ("陽子", "ヨウコ"),
    ("優子", "ユウコ"),
    ("さくら", "サクラ"),
    ("陽菜", "ヒナ"),
    ("結衣", "ユイ"),
    ("葵", "アオイ"),
    ("凛", "リン"),
    ("美咲", "ミサキ"),
    ("彩", "アヤ"),
    ("愛", "アイ"),
    ("舞", "マイ"),
    ("千尋", "チヒロ"),
    ("静香", "シズカ"),
    ("栄子", "エイコ"),
    ("恭子", "キョウコ"),
    ("順子", "ジュンコ"),
    ("祥子", "ショウコ"),
    ("涼子", "リョウコ"),
    ("芳子", "ヨシコ"),
    ("照子", "テルコ"),
    ("澄子", "スミコ"),
    ("結菜", "ユイナ"),
    ("芽衣", "メイ"),
    ("紬", "ツムギ"),
    ("杏", "アン"),
    ("文子", "フミコ"),
    ("悦子", "エツコ"),
    ("春香", "ハルカ"),
    ("麻衣", "マイ"),
]
GIVEN_VARIANTS = {
    "恵子": "惠子",
    "真理": "眞理",
    "龍也": "竜也",
    "栄一": "榮一",
    "栄子": "榮子",
    "祐介": "\ufa4f介",
    "凛": "凜",
    "実": "實",
}
TOWNS = [
    "本町",
    "栄町",
    "緑町",
    "旭町",
    "寿町",
    "幸町",
    "中央",
    "東町",
    "西町",
    "南町",
    "北町",
    "新町",
    "若葉",
    "桜ケ丘",
    "富士見",
    "日の出町",
    "松原",
    "青葉台",
    "宮前",
    "川端",
]
CITY = "テスト市"
KANJI_DIGITS = "〇一二三四五六七八九"

# Share of each variant among same-person pairs, roughly the rates of the research
# prototype's synthetic set (perf_and_matching_research.md §5.1): married surname changes
# are about 2% of duplicates, 70% of them with a move.
POSITIVE_MIX = {
    "kana_script": 22,
    "moved": 20,
    "itaiji": 12,
    "address_notation": 12,
    "dob_typo": 10,
    "long_vowel_small_kana": 8,
    "kana_missing": 4,
    "dob_typo_moved": 3,
    "married": 1,
    "married_moved": 2,
    # Foreign residents (about 3% of the population here): registered in katakana at one
    # counter, typed in alphabet at another, with the order swapped or a middle name dropped.
    "foreign_alphabet": 2,
    "foreign_middle_dropped": 1,
}
POSITIVE_KINDS = list(POSITIVE_MIX)
NEGATIVE_KINDS = ["twins", "household", "namesakes"]


@dataclass(frozen=True)
class Record:
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: datetime.date | None
    address: str
    sex: str = ""
    alphabet_name: str = ""


@dataclass(frozen=True)
class Pair:
    pair_id: str
    kind: str
    same: bool
    a: Record
    b: Record
    a_index: int  # index of ``a`` in the population (the registered person)


def _zipf_cumulative(n: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(n)))


class Generator:
    def __init__(self, seed: int = 20261123):
        self.rng = random.Random(seed)
        self.foreign_rng = random.Random(seed + 1)  # Japanese households stay as they were
        self.alphabet: dict[Record, list[str]] = {}  # a foreign record's name in alphabet
        self.surname_weights = _zipf_cumulative(len(SURNAMES))
        self.given_weights = {
            False: _zipf_cumulative(len(MALE)),
            True: _zipf_cumulative(len(FEMALE)),
        }

    def surname(self) -> tuple[str, str, list[str]]:
        return self.rng.choices(SURNAMES, cum_weights=self.surname_weights)[0]

    def given(self, female: bool) -> tuple[str, str]:
        names = FEMALE if female else MALE
        return self.rng.choices(names, cum_weights=self.given_weights[female])[0]

    def address(self) -> str:
        town = self.rng.choice(TOWNS)
        chome, ban, go = self.rng.randint(1, 5), self.rng.randint(1, 30), self.rng.randint(1, 25)
        return f"{CITY}{town}{chome}丁目{ban}番{go}号"

    def date(self, first_year: int, last_year: int) -> datetime.date:
        start = datetime.date(first_year, 1, 1).toordinal()
        end = datetime.date(last_year, 12, 31).toordinal()
        return datetime.date.fromordinal(self.rng.randint(start, end))

    def population(self, size: int) -> list[Record]:
        """Households of 1–4 people sharing a surname and an address; 1% include twins."""
        people: list[Record] = []
        while len(people) < size:
            if self.foreign_rng.random() < 0.03:
                people.extend(self.foreign_household())
                continue
            family, kana, _ = self.surname()
            address = self.address()
            head_born = self.date(1935, 1995)
            for member in range(self.rng.choice([1, 1, 2, 2, 3, 4])):
                if member == 0:
                    born = head_born
                elif member == 1:
                    born = self.date(head_born.year - 3, min(head_born.year + 3, 2000))
                else:
                    born = self.date(min(head_born.year + 22, 2020), min(head_born.year + 40, 2024))
                female = self.rng.random() < 0.5
                name, name_kana = self.given(female=female)
                sex = "female" if female else "male"
                people.append(Record(family, name, kana, name_kana, born, address, sex))
                if member >= 2 and self.rng.random() < 0.05:  # a twin sibling
                    twin = self.given(female=self.rng.random() < 0.5)
                    if twin[1] != name_kana:
                        people.append(Record(family, twin[0], kana, twin[1], born, address))
        return people[:size]

    def foreign_household(self) -> list[Record]:
        """A household registered in katakana, its names as on the 在留カード kept aside."""
        rng = self.foreign_rng
        family_alpha, family_kana = rng.choice(FOREIGN)[:2]
        address, members = self.address(), []
        for _ in range(rng.choice([1, 1, 2, 3])):
            alpha, kana, sex = rng.choice(FOREIGN)
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(70 * 365))
            given = "・".join(kana[1:])
            record = Record(family_kana[0], given, family_kana[0], given, born, address, sex)
            self.alphabet[record] = family_alpha[:1] + alpha[1:]
            members.append(record)
        return members

    def in_alphabet(self, record: Record, *, drop_middle: bool) -> Record:
        parts = self.alphabet[record]
        parts = parts[:1] + parts[2:] if drop_middle and len(parts) > 2 else parts
        family, given = parts[0], " ".join(parts[1:])
        if self.rng.random() < 0.3:
            family, given = given, family
        if self.rng.random() < 0.3:
            family, given = family.title(), given.title()
        return replace(record, family_name=family, given_name=given, family_kana="", given_kana="")

    # --- variants -----------------------------------------------------------------

    def written_kana(self, kana: str) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            return jaconv.kata2hira(kana)
        if roll < 0.5:
            return jaconv.z2h(kana, kana=True)
        return kana

    def notation(self, address: str) -> str:
        """Same address in another notation (and sometimes a building)."""
        numbers = [int(n) for n in _numbers(address)]
        chome, ban, go = numbers[-3:]
        base = address[: address.index(str(chome) + "丁目")]
        style = self.rng.randrange(5)
        if style == 0:
            text = f"{base}{chome}-{ban}-{go}"
        elif style == 1:
            text = f"{base}{_kanji(chome)}丁目{ban}番地{go}"
        elif style == 2:
            text = jaconv.h2z(f"{base}{chome}－{ban}－{go}", digit=True)
        elif style == 3:
            text = f"{base}{chome}丁目{ban}-{go}"
        else:
            text = f"{base}{_kanji(chome)}ー{_kanji(ban)}ー{_kanji(go)}"
        if self.rng.random() < 0.3:
            text += f" {self.rng.choice(['コーポ', 'ハイツ', 'メゾン'])}{self.rng.choice(TOWNS)}{self.rng.randint(1, 3)}0{self.rng.randint(1, 5)}"
        return text

    def dob_typo(self, born: datetime.date) -> datetime.date:
        for _ in range(20):
            roll = self.rng.random()
            try:
                if roll < 0.3 and born.day <= 12 and born.day != born.month:
                    return born.replace(month=born.day, day=born.month)
                if roll < 0.6:
                    return born + datetime.timedelta(days=self.rng.choice([-1, 1]))
                digits = list(f"{born:%Y%m%d}")
                position = self.rng.choice([2, 3, 7])
                digits[position] = str((int(digits[position]) + self.rng.randint(1, 9)) % 10)
                return datetime.datetime.strptime("".join(digits), "%Y%m%d").date()
            except ValueError:
                continue
        return born + datetime.timedelta(days=1)

    def variant(self, record: Record, kind: str) -> Record:
        if kind.startswith("foreign_"):
            return self.in_alphabet(record, drop_middle=kind == "foreign_middle_dropped")
        rec = replace(
            record,
            family_kana=self.written_kana(record.family_kana),
            given_kana=self.written_kana(record.given_kana),
        )
        if kind == "itaiji":
            surname = next(s for s in SURNAMES if s[0] == record.family_name)
            options = surname[2]
            if options:
                rec = replace(rec, family_name=self.rng.choice(options))
            if record.given_name in GIVEN_VARIANTS and (not options or self.rng.random() < 0.5):
                rec = replace(rec, given_name=GIVEN_VARIANTS[record.given_name])
        elif kind == "kana_script":
            rec = replace(
                rec,
                family_kana=jaconv.z2h(record.family_kana, kana=True),
                given_kana=jaconv.kata2hira(record.given_kana) + " ",
            )
        elif kind == "long_vowel_small_kana":
            rec = replace(
                rec,
                given_kana=_long_or_large(record.given_kana),
                family_kana=_long_or_large(record.family_kana),
            )
        elif kind == "address_notation":
            rec = replace(rec, address=self.notation(record.address))
        elif kind == "moved":
            rec = replace(rec, address=self.address())
        elif kind in ("married", "married_moved"):
            family, kana, _ = self.surname()
            while kana == record.family_kana:
                family, kana, _ = self.surname()
            rec = replace(rec, family_name=family, family_kana=self.written_kana(kana))
            if kind == "married_moved":
                rec = replace(rec, address=self.address())
        elif kind in ("dob_typo", "dob_typo_moved"):
            assert record.birth_date
            rec = replace(rec, birth_date=self.dob_typo(record.birth_date))
            if kind == "dob_typo_moved":
                rec = replace(rec, address=self.address())
        elif kind == "kana_missing":
            rec = replace(rec, family_kana="", given_kana="")
        return rec

    def pairs(self, people: list[Record], count: int) -> list[Pair]:
        """``count`` labelled pairs: 75% same person (variant kinds), 25% hard negatives."""
        homes: dict[str, list[int]] = {}
        names: dict[tuple[str, str], list[int]] = {}
        for i, p in enumerate(people):
            homes.setdefault(p.address, []).append(i)
            names.setdefault((p.family_kana, p.given_kana), []).append(i)
        shared_homes = [m for m in homes.values() if len(m) > 1]
        twins = [
            (i, j)
            for m in shared_homes
            for i in m
            for j in m
            if i < j and people[i].birth_date == people[j].birth_date
        ]
        shared_names = [m for m in names.values() if len(m) > 1]
        foreign = [i for i, p in enumerate(people) if p in self.alphabet]
        japanese = [i for i, p in enumerate(people) if p not in self.alphabet]
        pairs: list[Pair] = []
        n_negative = count // 4
        kinds = self.rng.choices(POSITIVE_KINDS, list(POSITIVE_MIX.values()), k=count - n_negative)
        for n, kind in enumerate(kinds):
            if kind.startswith("foreign_") and not foreign:  # a small population may have none
                kind = "kana_script"
            pool = foreign if kind.startswith("foreign_") else japanese
            for _ in range(50):  # find a person the variant actually changes
                index = self.rng.choice(pool)
                b = self.variant(people[index], kind)
                if _differs(people[index], b, kind):
                    break
            pairs.append(Pair(f"p{n}", kind, True, people[index], b, index))
        for n in range(n_negative):
            kind = NEGATIVE_KINDS[n % len(NEGATIVE_KINDS)]
            found = self.negative(kind, people, twins, shared_homes, shared_names)
            if found:
                i, j = found
                b = replace(people[j], family_kana=self.written_kana(people[j].family_kana))
                pairs.append(Pair(f"n{n}", kind, False, people[i], b, i))
        return pairs

    def negative(self, kind, people, twins, shared_homes, shared_names) -> tuple[int, int] | None:
        if kind == "twins":
            return self.rng.choice(twins) if twins else None
        pool = shared_homes if kind == "household" else shared_names
        for _ in range(200):
            i, j = self.rng.sample(self.rng.choice(pool), 2)
            a, b = people[i].birth_date, people[j].birth_date
            assert a and b
            if kind == "household" and a != b:
                return i, j
            if kind == "namesakes" and abs(a.year - b.year) >= 2:
                return i, j
        return None


def _differs(a: Record, b: Record, kind: str) -> bool:
    if kind == "itaiji":
        return (a.family_name, a.given_name) != (b.family_name, b.given_name)
    if kind == "long_vowel_small_kana":
        return (a.family_kana, a.given_kana) != (b.family_kana, b.given_kana)
    return True


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _kanji(number: int) -> str:
    if number < 10:
        return KANJI_DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else KANJI_DIGITS[tens]) + "十" + (KANJI_DIGITS[ones] if ones else "")


def _long_or_large(kana: str) -> str:
    """Another spelling of the same reading: ユウ→ユー, オオ→オー, ョ→ヨ (old systems)."""
    for long, short in (("ウ", "ー"),):
        for i in range(1, len(kana)):
            if (
                kana[i] == long
                and kana[i - 1] in "ユュョコソトノホモヨロゴゾドボポウクスツヌフムル"
            ):
                return kana[:i] + short + kana[i + 1 :]
    if "オオ" in kana:
        return kana.replace("オオ", "オー", 1)
    small = {"ョ": "ヨ", "ュ": "ユ", "ャ": "ヤ", "ッ": "ツ"}
    for s, large in small.items():
        if s in kana:
            return kana.replace(s, large, 1)
    return kana + "ー" if kana.endswith(("オ", "ウ")) else kana
