"""Labelled record pairs of the kinds counters produce, made from a seed (issue 20).

Each pair is (a, b, same, kind) where a and b are ``Subject.of`` keyword arguments. Same-
person kinds: a foreign resident's name in alphabet at one counter and katakana at another
(with or without separators, ヴァン/バン, long vowels, a middle name dropped, order swapped,
title case), an address written another way with a birth-date slip, 異体字 with hiragana or
half-width kana and a slip. Different-person kinds: household members, twins and namesakes,
Japanese and foreign. Tests draw pairs from several seeds so no one sample is tuned to.
"""

from __future__ import annotations

import datetime
import random
import unicodedata

from tsunagu.demo.data.foreign_names import FOREIGN, OTHER_GIVEN

JAPANESE = [
    # (family kanji, variant kanji, family kana, given kanji, given kana, sex)
    ("高橋", "髙橋", "タカハシ", "一郎", "イチロウ", "male"),
    ("斎藤", "齋藤", "サイトウ", "花子", "ハナコ", "female"),
    ("渡辺", "渡邊", "ワタナベ", "健太", "ケンタ", "male"),
    ("山崎", "山﨑", "ヤマザキ", "美咲", "ミサキ", "female"),
    ("吉田", "𠮷田", "ヨシダ", "翔", "ショウ", "male"),
    ("浜田", "濵田", "ハマダ", "優子", "ユウコ", "female"),
    ("島田", "嶋田", "シマダ", "大輔", "ダイスケ", "male"),
    ("富田", "冨田", "トミタ", "陽菜", "ヒナ", "female"),
]
OTHER_JP_GIVEN = [("次郎", "ジロウ"), ("桜", "サクラ"), ("直樹", "ナオキ"), ("結衣", "ユイ")]

PLACES = [
    ("新潟県", "柏崎市", "中央町"),
    ("埼玉県", "越谷市", "越ヶ谷"),
    ("鳥取県", "東伯郡北栄町", "由良宿"),
    ("宮崎県", "小林市", "細野"),
    ("兵庫県", "高砂市", "荒井町"),
]
KANJI_DIGITS = "〇一二三四五六七八九"


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def _half_width(katakana: str) -> str:
    table = str.maketrans(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン",
        "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ",
    )
    return unicodedata.normalize("NFD", katakana).translate(table).replace("\u3099", "ﾞ")


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def date(self) -> datetime.date:
        return datetime.date(1950, 1, 1) + datetime.timedelta(days=self.rng.randrange(60 * 365))

    def slip(self, day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=self.rng.choice([-1, 1]))

    def address(self) -> tuple[str, str, str, tuple[int, int, int]]:
        pref, city, town = self.rng.choice(PLACES)
        return (
            pref,
            city,
            town,
            (self.rng.randint(1, 5), self.rng.randint(1, 30), self.rng.randint(1, 20)),
        )

    def written(self, place, style: str) -> str:
        pref, city, town, (c, b, n) = place
        if style == "full":
            return f"{pref}{city}{town}{c}丁目{b}番{n}号"
        if style == "no_pref":
            return f"{city}{town}{c}-{b}-{n}"
        if style == "oaza":
            return f"{pref}{city}大字{town}{c}の{b}の{n}"
        if style == "kanji":
            return f"{city}{town}{KANJI_DIGITS[c]}丁目{b}番地{n}"
        if style == "room":
            return f"{city}{town}{c}-{b}-{n} コーポ{town}{self.rng.randint(1, 3)}0{self.rng.randint(1, 9)}"
        return f"{city}{town}{c}丁目{b}-{n}".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        )

    # --- foreign residents ---------------------------------------------------------

    def alphabet(self, parts: list[str], *, title: bool, swap: bool, drop_middle: bool) -> dict:
        parts = parts[:1] + parts[2:] if drop_middle and len(parts) == 3 else parts
        if title:
            parts = [p.title() for p in parts]
        family, given = parts[0], " ".join(parts[1:])
        if swap:
            family, given = given, family
        return {"family_name": family, "given_name": given}

    def katakana(self, parts: list[str], *, in_name: bool, drop_middle: bool) -> dict:
        parts = [p.replace("ヴァ", self.rng.choice(["ヴァ", "バ"])) for p in parts]
        parts = [p.replace("ー", "") if self.rng.random() < 0.3 else p for p in parts]
        parts = parts[:1] + parts[2:] if drop_middle and len(parts) == 3 else parts
        sep = self.rng.choice(["・", " ", "　"])
        family, given = parts[0], sep.join(parts[1:])
        if in_name:
            return {"family_name": family, "given_name": given}
        return {
            "family_name": family,
            "given_name": given,
            "family_kana": family,
            "given_kana": given,
        }

    def foreign_same(self, kind: str) -> tuple[dict, dict, bool, str]:
        alpha, kana, sex = self.rng.choice(FOREIGN)
        dob, place = self.date(), self.address()
        a = self.alphabet(
            alpha, title=self.rng.random() < 0.4, swap=kind == "swap", drop_middle=False
        )
        b = self.katakana(kana, in_name=self.rng.random() < 0.5, drop_middle=kind == "middle_kana")
        if kind == "middle_alpha":
            a = self.alphabet(alpha, title=False, swap=False, drop_middle=True)
            b = self.katakana(kana, in_name=False, drop_middle=False)
        if kind == "both_alpha_middle":
            b = self.alphabet(alpha, title=True, swap=False, drop_middle=True)
        a |= {"birth_date": dob, "address": self.written(place, "full"), "sex": sex}
        b |= {
            "birth_date": dob,
            "address": self.written(place, self.rng.choice(["no_pref", "room"])),
        }
        b |= {"sex": sex} if self.rng.random() < 0.5 else {}
        return a, b, True, f"foreign_{kind}"

    def foreign_other(self, kind: str) -> tuple[dict, dict, bool, str]:
        alpha, kana, _ = self.rng.choice(FOREIGN)
        other_alpha, other_kana = self.rng.choice(OTHER_GIVEN)
        dob, place = self.date(), self.address()
        a = self.alphabet(alpha, title=False, swap=False, drop_middle=False)
        a |= {"birth_date": dob, "address": self.written(place, "full")}
        b_parts = alpha[:1] + other_alpha, kana[:1] + other_kana
        if kind == "namesake":
            b = self.katakana(kana, in_name=False, drop_middle=False)
            b |= {"birth_date": self.date(), "address": self.written(self.address(), "full")}
        else:
            b = (
                self.katakana(b_parts[1], in_name=False, drop_middle=False)
                if self.rng.random() < 0.5
                else self.alphabet(b_parts[0], title=False, swap=False, drop_middle=False)
            )
            b |= {
                "birth_date": dob if kind == "twin" else self.date(),
                "address": self.written(place, "no_pref"),
            }
        return a, b, False, f"foreign_{kind}"

    # --- Japanese names ------------------------------------------------------------

    def japanese_same(self, kind: str) -> tuple[dict, dict, bool, str]:
        b: dict
        family, variant, fkana, given, gkana, sex = self.rng.choice(JAPANESE)
        dob, place = self.date(), self.address()
        a: dict = {
            "family_name": family,
            "given_name": given,
            "family_kana": fkana,
            "given_kana": gkana,
        }
        a |= {"birth_date": dob, "address": self.written(place, "full"), "sex": sex}
        kana = _hiragana if self.rng.random() < 0.5 else _half_width
        if kind == "itaiji_kana_slip":
            b = {
                "family_name": variant,
                "given_name": given,
                "family_kana": kana(fkana),
                "given_kana": kana(gkana),
            }
            b |= {
                "birth_date": self.slip(dob),
                "address": self.written(place, self.rng.choice(["no_pref", "full"])),
            }
        else:  # address written another way and a birth-date slip
            b = dict(a, birth_date=self.slip(dob), sex="")
            b["address"] = self.written(
                place, self.rng.choice(["no_pref", "oaza", "kanji", "room", "wide"])
            )
        return a, b, True, f"japanese_{kind}"

    def japanese_other(self, kind: str) -> tuple[dict, dict, bool, str]:
        family, _, fkana, given, gkana, _sex = self.rng.choice(JAPANESE)
        dob, place = self.date(), self.address()
        a: dict = {
            "family_name": family,
            "given_name": given,
            "family_kana": fkana,
            "given_kana": gkana,
        }
        a |= {"birth_date": dob, "address": self.written(place, "full")}
        if kind == "namesake":
            b = dict(a, birth_date=self.date(), address=self.written(self.address(), "full"))
        else:
            other, other_kana = self.rng.choice(OTHER_JP_GIVEN)
            b = dict(a, given_name=other, given_kana=_hiragana(other_kana))
            b |= {
                "birth_date": dob if kind == "twin" else self.date(),
                "address": self.written(place, "no_pref"),
            }
        return a, b, False, f"japanese_{kind}"


SAME_FOREIGN = ["script", "swap", "middle_alpha", "middle_kana", "both_alpha_middle"]
OTHER = ["household", "twin", "namesake"]


def generate(seed: int, per_kind: int = 20) -> list[tuple[dict, dict, bool, str]]:
    maker = _Maker(seed)
    pairs = []
    for _ in range(per_kind):
        pairs += [maker.foreign_same(k) for k in SAME_FOREIGN]
        pairs += [maker.foreign_other(k) for k in OTHER]
        pairs += [maker.japanese_same(k) for k in ("itaiji_kana_slip", "address_slip")]
        pairs += [maker.japanese_other(k) for k in OTHER]
    return pairs
