"""Demo outreach records (第4号) through the outreach workflows.

Each of the profile's 4号 agencies gets one record in every engagement stage, with an
attempt history like real work: who told us, letters and notes through the door, absences,
a first talk through the door, visits that grow longer, the day the person agrees. Areas
come from the profile's 圏域 when it has them; otherwise the records carry none.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from tsunagu.access import policy
from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination.models import Case
from tsunagu.coordination.models import Stage as CaseStage
from tsunagu.municipality.models import Area, Municipality
from tsunagu.outreach import actions, transitions
from tsunagu.outreach.models import HandOff, Stage


@dataclass(frozen=True)
class Try:
    """One attempt, ``days`` before the anchor day; ``due``: next step due in N days."""

    days: int
    means: str
    result: str
    content: str
    next_step: str = ""
    due: int | None = None


@dataclass(frozen=True)
class Story:
    route: str
    informant: str
    description: str
    age_band: str
    sex: str
    household_note: str
    concerns: list[str]
    urgency: str
    found_days: int
    tries: list[Try] = field(default_factory=list)
    # (stage, days before anchor, reason) after the attempts; "identify" links a person.
    moves: list[tuple[str, int, str]] = field(default_factory=list)
    name: tuple[str, str, str, str] | None = None  # family, given, kana family, kana given
    route_note: str = ""


STORIES = [
    Story(
        "commissioner",
        "地区担当の民生委員",
        "50代の男性、ひきこもりの疑い。80代の母が民生委員に「息子が何年も部屋から出てこない」と話した。",
        "50s",
        "male",
        "80代の母と二人暮らし",
        ["不登校・ひきこもり", "8050"],
        "medium",
        4,
    ),
    Story(
        "arrears",
        "料金担当の職員",
        "70代の女性、水道料金の滞納が半年続く。郵便受けに郵便物がたまっている。",
        "70s",
        "female",
        "一人暮らしとみられる",
        ["債務・滞納", "セルフネグレクト"],
        "high",
        40,
        [
            Try(
                38,
                "visit",
                "absent",
                "不在。郵便物が郵便受けからあふれている。連絡票を投函。",
                "手紙を送る",
                7,
            ),
            Try(
                31, "letter", "no_answer", "保健師と連名で手紙を送付。返信なし。", "夕方に再訪問", 5
            ),
            Try(
                25,
                "visit",
                "no_answer",
                "夕方に訪問。室内に明かりあり、応答なし。",
                "隣人に様子を聞く",
                10,
            ),
            Try(
                14,
                "via_others",
                "other",
                "隣人から、朝に新聞を取り込む姿を見たと聞く。",
                "再訪問(午前中)",
                12,
            ),
        ],
        route_note="上下水道課",
    ),
    Story(
        "neighbour",
        "隣家の住民",
        "40代の女性、自宅の周りにごみが積まれ、近隣から苦情。夜間に物音がする。",
        "40s",
        "female",
        "不明",
        ["住まい", "地域との関係", "セルフネグレクト"],
        "medium",
        60,
        [
            Try(57, "visit", "absent", "不在。メモを投函。", "再訪問", 7),
            Try(
                50,
                "note",
                "no_answer",
                "「困っていることがあれば」と連絡先を書いたメモを投函。",
                "再訪問",
                7,
            ),
            Try(
                42,
                "visit",
                "through_door",
                "ドア越しに数分会話。「放っておいてほしい」。体調は悪くないとのこと。",
                "再訪問(同じ時間帯)",
                14,
            ),
        ],
        [("contacted", 42, "ドア越しに会話できた")],
    ),
    Story(
        "residents",
        "自治会長",
        "60代の男性、一人暮らし。最近姿を見ない。以前は地域の清掃に出ていた。",
        "60s",
        "male",
        "一人暮らし",
        ["健康・病気", "地域との関係"],
        "high",
        90,
        [
            Try(88, "visit", "refused", "インターホン越しに「用はない」と拒否。", "手紙を送る", 5),
            Try(
                80,
                "letter",
                "reply",
                "手紙に短い返信(はがき)。「体がきつい」とだけ書かれていた。",
                "再訪問",
                5,
            ),
            Try(
                74,
                "visit",
                "through_door",
                "ドア越しに10分。膝が痛くて買い物に行けないと話す。",
                "再訪問(買い物の話)",
                7,
            ),
            Try(
                60,
                "visit",
                "met",
                "玄関先で面会。食事は近所のコンビニのみ。受診は拒む。",
                "再訪問",
                14,
            ),
            Try(
                40,
                "visit",
                "met",
                "居間で30分。昔の仕事の話。次回、地域のサロンの話をする約束。",
                "サロンの案内を持って訪問",
                20,
            ),
        ],
        [("contacted", 74, "ドア越しに会話"), ("rapport", 40, "居間に上がって話せるようになった")],
    ),
    Story(
        "family",
        "本人の姉",
        "30代の男性、就職に失敗してから10年ほどひきこもり。姉から相談があった。",
        "30s",
        "male",
        "60代の両親と同居",
        ["不登校・ひきこもり", "就労", "家族関係"],
        "medium",
        150,
        [
            Try(
                145,
                "via_others",
                "met_others",
                "姉と面会。本人の好きなゲームの話を聞く。",
                "手紙を送る",
                7,
            ),
            Try(
                138,
                "letter",
                "reply",
                "本人あてに手紙。姉を通じて「読んだ」と返事。",
                "姉と同行で訪問",
                14,
            ),
            Try(
                120, "visit", "through_door", "姉と訪問。ドア越しにゲームの話で5分。", "再訪問", 14
            ),
            Try(100, "visit", "met", "部屋の前で面会、20分。", "再訪問", 14),
            Try(
                70,
                "online",
                "spoke",
                "本人の希望でオンラインで30分。就労の不安を話す。",
                "相談窓口の話をする",
                14,
            ),
            Try(35, "visit", "met", "就労準備の相談に行ってもよいと話す。", "同意の確認", 10),
        ],
        [
            ("contacted", 120, "ドア越しに会話"),
            ("rapport", 70, "本人から話題を出すようになった"),
            ("identify", 35, ""),
            ("consented", 30, "相談窓口へつながることに同意"),
        ],
        ("谷口", "悠真", "タニグチ", "ユウマ"),
    ),
    Story(
        "agency",
        "地域包括支援センター",
        "80代の母の介護認定訪問で、50代の息子が無職で家にこもっていることが分かった。",
        "50s",
        "male",
        "80代の母(要介護1)と二人暮らし",
        ["8050", "介護", "就労", "収入・生活費"],
        "high",
        200,
        [
            Try(196, "visit", "met_others", "母と面会。息子は別室。", "息子あての手紙", 7),
            Try(185, "letter", "no_answer", "息子あてに手紙。", "再訪問", 14),
            Try(
                170,
                "visit",
                "through_door",
                "ドア越しに息子と会話。母の介護の話には応じる。",
                "再訪問",
                14,
            ),
            Try(
                140, "visit", "met", "息子と面会。母の介護と自分の生活の不安を話す。", "再訪問", 14
            ),
            Try(
                110, "accompany", "met", "息子に同行して地域包括支援センターへ。", "家計の相談", 14
            ),
            Try(80, "visit", "met", "家計の相談を受けることに同意。", "多機関協働への依頼", 7),
        ],
        [
            ("contacted", 170, "ドア越しに会話"),
            ("rapport", 140, "面会できるようになった"),
            ("identify", 80, ""),
            ("consented", 80, "世帯の支援について関係機関で話し合うことに同意"),
            ("handoff", 75, "母の介護と息子の就労・家計が絡み、複数機関での支援が必要。"),
        ],
        ("森本", "和也", "モリモト", "カズヤ"),
    ),
    Story(
        "meeting",
        "支援会議",
        "20代の男性、高校中退後ひきこもり。支援会議で見守りとアウトリーチを担当することになった。",
        "20s",
        "male",
        "両親と同居",
        ["不登校・ひきこもり"],
        "low",
        120,
        [
            Try(115, "visit", "refused", "本人が強く拒否。母と玄関で話す。", "母に手紙を託す", 14),
            Try(
                100,
                "via_others",
                "met_others",
                "母と面会。本人は家では落ち着いている。",
                "再訪問",
                30,
            ),
            Try(
                60, "visit", "refused", "本人が拒否。無理に会わない方針。", "3か月後に母へ連絡", 90
            ),
        ],
        [("watching", 58, "本人の拒否が強い。母を通じて見守り、3か月後に再度接触を試みる。")],
    ),
    Story(
        "other",
        "郵便局員",
        "70代の男性、郵便物がたまっている。",
        "70s",
        "male",
        "不明",
        ["健康・病気"],
        "medium",
        100,
        [
            Try(98, "visit", "absent", "不在。", "再訪問", 7),
            Try(90, "visit", "absent", "不在。近所の人から入院したらしいと聞く。", "病院に確認", 3),
            Try(86, "phone", "other", "親族に電話。県外の施設へ入所したことを確認。", ""),
        ],
        [("closed", 85, "県外の施設へ入所したことを確認。")],
    ),
]


def _workers(municipality: Municipality) -> dict[int, object]:
    memberships = Membership.objects.filter(
        agency__municipality=municipality, role=Role.OUTREACH, active=True
    ).select_related("user")
    return {m.agency_id: m.user for m in memberships}


def _leaf_areas(municipality: Municipality) -> list[Area]:
    return list(Area.objects.filter(municipality=municipality, children__isnull=True))


def create_outreach(municipality: Municipality, *, seed: int, today: datetime.date) -> int:
    """One record per stage for every 4号 agency with an アウトリーチ支援員. Returns the count."""
    anchor = min(today, timezone.localdate())
    rng = random.Random(seed)
    workers = _workers(municipality)
    areas = _leaf_areas(municipality)
    made = 0
    agencies = [
        a for a in policy.outreach_agencies(municipality).order_by("order", "pk") if a.pk in workers
    ]
    for agency in agencies:
        for story in STORIES:
            _tell(story, agency, workers[agency.pk], rng.choice(areas) if areas else None, anchor)
            made += 1
    return made + _ask_from_watching_cases(municipality, agencies)


def _ask_from_watching_cases(municipality: Municipality, agencies) -> int:
    """Cases in 見守り・アウトリーチ (after a 支援会議) ask a 4号 agency to reach the person."""
    if not agencies:
        return 0
    watching = Case.objects.filter(municipality=municipality, stage=CaseStage.WATCHING)
    for i, case in enumerate(watching.select_related("coordinator")):
        actions.assign_from_case(
            user=case.coordinator,
            case=case,
            agency=agencies[i % len(agencies)],
            note="支援会議の方針: 本人の拒否が強いため、月1回の訪問で見守りながら関係づくりを続ける。",
        )
    return watching.count()


def _day(anchor: datetime.date, days: int) -> datetime.date:
    return anchor - datetime.timedelta(days=days)


def _tell(story: Story, agency, worker, area, anchor: datetime.date) -> None:
    record = actions.register_record(
        user=worker,
        data={
            "agency": agency,
            "worker": worker,
            "route": story.route,
            "route_note": story.route_note,
            "informant": story.informant,
            "informed_on": _day(anchor, story.found_days),
            "description": story.description,
            "age_band": story.age_band,
            "sex": story.sex,
            "area": area,
            "household_note": story.household_note,
            "concerns": story.concerns,
            "urgency": story.urgency,
        },
    )
    moves = sorted(story.moves, key=lambda m: -m[1])
    for attempt in story.tries:
        while moves and moves[0][1] > attempt.days:
            _move(record, worker, moves.pop(0), anchor, story)
        actions.add_attempt(
            user=worker,
            record=record,
            attempt=actions.AttemptInput(
                date=_day(anchor, attempt.days),
                means=attempt.means,
                staff=str(worker),
                result=attempt.result,
                content=attempt.content,
                next_step=attempt.next_step,
                next_due=_day(anchor, attempt.days - attempt.due) if attempt.due else None,
            ),
        )
    for step in moves:
        _move(record, worker, step, anchor, story)


def _move(record, worker, step: tuple[str, int, str], anchor, story: Story) -> None:
    to, days, reason = step
    record.refresh_from_db()
    if to == "identify" and story.name:
        family, given, family_kana, given_kana = story.name
        actions.register_and_link(
            user=worker,
            record=record,
            data={
                "family_name": family,
                "given_name": given,
                "family_kana": family_kana,
                "given_kana": given_kana,
            },
        )
    elif to == "handoff":
        try:
            actions.hand_off(user=worker, record=record, kind=HandOff.COORDINATION, reason=reason)
        except actions.OutreachRefused:  # the profile names no coordinating agency
            actions.hand_off(user=worker, record=record, kind=HandOff.CONSULTATION)
    elif to in Stage.values:
        transitions.move(record=record, actor=worker, to=to, on=_day(anchor, days), reason=reason)
