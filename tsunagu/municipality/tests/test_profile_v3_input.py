"""Item 6 of profile v3: what authors write by mistake or by habit is accepted or named
precisely (full-width colon and indentation, 和暦 years, empty lists, single values, sites
written as text), and the commands take a path like load_profile."""

import copy
import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from tsunagu.demo.management.commands.seed_demo import coordination_gap
from tsunagu.municipality.actions import load_profile
from tsunagu.municipality.profile import ProfileInvalid, fiscal_year

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"
GOOD = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "minato.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path, data: dict | str) -> list[str]:
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=write(tmp_path, data))
    return raised.value.messages


def changed(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_full_width_colon_and_indentation_are_named_each_on_its_own_line(db, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("  name: みなと町\n", "  name：みなと町\n", 1)
    text = text.replace("  prefecture: 鳥取県\n", "\u3000 prefecture: 鳥取県\n", 1)
    assert messages(tmp_path, text) == [
        "minato.yaml: 4行目: キーの後ろが全角のコロン「：」です(半角の「:」にしてください)",
        "minato.yaml: 5行目: 全角スペースでインデントされています(半角スペースにしてください)",
    ]


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("R7", 2025),
        ("令和10", 2028),
        ("令和6年度", 2024),
        ("Ｒ７", 2025),
        ("令和元年度", 2019),
        (2024, 2024),
    ],
)
def test_years_in_wareki_are_accepted(written, year):
    assert fiscal_year(written) == year


def test_wareki_period_loads_and_open_period_keeps_its_wording(db, tmp_path):
    def open_ended(data):
        data["municipality"]["plan"]["period"] = {"from": "令和6", "note": "令和6年度から"}

    municipality = load_profile(path=write(tmp_path, changed(open_ended))).municipality
    assert (municipality.plan_start_fy, municipality.plan_end_fy) == (2024, None)
    assert municipality.plan_period_display == "令和6年度 (2024)から（令和6年度から）"


def test_a_concluded_date_may_be_written_in_wareki(db, tmp_path):
    def wareki_date(data):
        data["meeting_bodies"][6]["concluded_on"] = "令和7年3月31日"

    municipality = load_profile(path=write(tmp_path, changed(wareki_date))).municipality
    body = municipality.meeting_bodies.get(name="重層的支援体制のあり方懇談会")
    assert str(body.concluded_on) == "2025-03-31"
    data = changed(lambda d: d["meeting_bodies"][6].__setitem__("concluded_on", "3月末"))
    assert (
        "minato.yaml: meeting_bodies[6].concluded_on: 「3月末」は日付として読めません"
        "(2025-03-31 や 令和7年3月31日 のように書いてください)" in messages(tmp_path, data)
    )


def test_a_year_that_is_not_one_gets_the_seireki_hint(db, tmp_path):
    data = changed(lambda d: d["municipality"]["plan"]["period"].__setitem__("to", "来年度"))
    assert (
        "minato.yaml: municipality.plan.period.to: 「来年度」は年度として読めません(西暦 2024 か "
        "令和6・R6 のように書いてください。令和6年度 = 2024)" in messages(tmp_path, data)
    )


def test_an_empty_required_list_is_hinted_with_brackets(db, tmp_path):
    data = changed(lambda d: d.__setitem__("meeting_bodies", None))
    assert (
        "minato.yaml: meeting_bodies: 必須の項目 meeting_bodies が空です"
        "(該当がなければ meeting_bodies: [] と書いてください)" in messages(tmp_path, data)
    )
    ok = changed(lambda d: d.__setitem__("meeting_bodies", []))
    assert load_profile(path=write(tmp_path, ok)).meeting_bodies == 0


def test_single_values_are_accepted_where_a_list_is_expected(db, tmp_path):
    def singles(data):
        body = data["meeting_bodies"][0]
        body["members"] = "こども家庭センター"
        body["other_members"] = "民生委員・児童委員"
        body["functions"] = "coordination"
        data["programmes"][0]["agencies"] = "みなと町地域包括支援センター"
        data["programmes"][0]["sub_item"] = "イ"

    municipality = load_profile(path=write(tmp_path, changed(singles))).municipality
    body = municipality.meeting_bodies.get(name="重層的支援会議")
    assert [a.name for a in body.members.all()] == ["こども家庭センター"]
    assert (body.functions, body.other_members) == (["coordination"], ["民生委員・児童委員"])


def test_a_single_wrong_value_is_named_by_its_key_alone(db, tmp_path):
    data = changed(lambda d: d["meeting_bodies"][0].__setitem__("members", "市長"))
    assert (
        "minato.yaml: meeting_bodies[0].members: 「市長」は departments・organisations・agencies"
        "・partners に定義されていません" in messages(tmp_path, data)
    )


def test_sites_written_as_text_points_to_sites_note(db, tmp_path):
    data = changed(lambda d: d["programmes"][0].__setitem__("sites", "市内12箇所"))
    assert (
        "minato.yaml: programmes[0].sites: 「市内12箇所」は数ではありません。"
        "拠点数を計画の表記のまま書くときは sites_note に書いてください" in messages(tmp_path, data)
    )


def test_structure_command_takes_a_path(db):
    load_profile(path=FIXTURE)
    out = io.StringIO()
    call_command("structure", str(FIXTURE), "--format", "text", stdout=out)
    text = out.getvalue()
    assert "みなと町 実施体制" in text
    assert "■ 6号 支援プラン作成" in text
    assert "階層 地区(計画上 3): 名前のある圏域 3" in text
    assert "    北地区 [地区]: " in text and "    - 北地区ささえあい会" in text


def test_seed_demo_takes_a_path_and_names_missing_agencies(db, tmp_path):
    data = changed(lambda d: d.__setitem__("agencies", []))
    for programme in data["programmes"]:
        programme.pop("agencies", None)
    for body in data["meeting_bodies"]:
        body.pop("members", None)
        body.pop("convener", None)
    path = write(tmp_path, data)
    load_profile(path=path)
    with pytest.raises(CommandError) as raised:
        call_command("seed_demo", profile=str(path), stdout=io.StringIO())
    assert "プロファイル「minato」ではデモデータを作れません" in str(raised.value)
    assert "支援関係機関がありません(プロファイルの agencies に" in str(raised.value)


def test_seed_demo_says_which_coordinating_agency_is_missing(db, tmp_path):
    municipality = load_profile(path=FIXTURE).municipality
    municipality.settings["coordinating_agency"] = None
    assert "settings に coordinating_agency を書いてください" in coordination_gap(municipality)
    municipality.settings["coordinating_agency"] = "消えた課"
    assert "「消えた課」がプロファイルにありません" in coordination_gap(municipality)
