import copy
import io
import tempfile
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.accounts.models import Membership, Role, User
from tsunagu.municipality.actions import load_profile
from tsunagu.municipality.models import Agency, Delivery, MeetingBody, Municipality, Programme
from tsunagu.municipality.profile import ProfileInvalid, profile_path, read_profile

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"
GOOD = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def snapshot() -> dict[str, list[dict]]:
    """Every row of every municipality table, to prove a failed load changed nothing."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("municipality").get_models()
    }


def write(tmp_path: Path, data: dict, name: str = "minato") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def broken(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


@pytest.fixture
def loaded(db):
    return load_profile(path=FIXTURE).municipality


def test_fixture_profile_loads_parties_programmes_and_meeting_bodies(loaded):
    kinds = dict((kind, loaded.agencies.filter(kind=kind).count()) for kind in Agency.Kind.values)
    assert kinds == {"department": 4, "organisation": 2, "agency": 3, "partner": 2}
    assert loaded.programmes.count() == 8
    assert Delivery.objects.filter(programme__municipality=loaded).count() == 9
    assert loaded.meeting_bodies.filter(declaration=None).count() == 7
    assert loaded.plan_start_fy == 2025 and loaded.plan_end_fy == 2027
    assert [s.name for s in loaded.stages.all()] == ["立ち上げ期", "充実期"]


def test_agency_references_and_partner_scope_are_stored(loaded):
    centre = loaded.agencies.get(name="みなと町地域包括支援センター")
    assert centre.department.name == "健康長寿課"
    assert centre.operator.name == "みなと町社会福祉協議会"
    assert (centre.operating_form, centre.sites, centre.service_area) == ("委託", 1, "町全域")
    police = loaded.agencies.get(name="みなと警察署")
    assert (police.kind, police.scope, police.outside_welfare) == ("partner", "庁外", True)
    assert loaded.agencies.get(name="税務課").outside_welfare is True
    assert centre.outside_welfare is False


def test_meeting_bodies_keep_functions_consent_members_and_parent(loaded):
    support = loaded.meeting_bodies.get(name="支援会議")
    assert support.functions == ["confidential"]
    assert support.consent_rule == "not_required"
    assert support.parent.name == "庁内連携会議"
    assert support.convener.name == "福祉課"
    assert set(support.members.values_list("name", flat=True)) == {
        "みなと町地域包括支援センター",
        "税務課",
        "みなと警察署",
    }
    main = loaded.meeting_bodies.get(name="重層的支援会議")
    assert main.other_members == ["民生委員・児童委員"]
    assert main.has_function("study")


def test_settings_take_the_documented_defaults_where_absent(loaded):
    assert loaded.settings == {
        "coordinating_agency": "福祉課",
        "referral_due_working_days": 7,
        "confidential_sharing_until": "next_session",
        "plan_approval_without_meeting": False,
        "issue_tags_extra": [],
    }


def test_department_parent_and_formal_name_are_stored(loaded):
    group = loaded.agencies.get(name="福祉課地域福祉係")
    assert group.parent.name == "福祉課"
    assert [a.name for a in group.parent.children.all()] == ["福祉課地域福祉係"]
    council = loaded.agencies.get(name="みなと町社会福祉協議会")
    assert council.formal_name == "社会福祉法人みなと町社会福祉協議会"


def test_sub_item_list_is_stored_joined(loaded):
    programme = loaded.programmes.get(name="生活困窮者支援等のための地域づくり事業")
    assert programme.project_label == "3号イ・ロ・ハ"


def test_agency_override_notes_take_precedence_over_the_programme(loaded):
    delivery = Delivery.objects.get(programme__variant="（基本型）")
    assert (delivery.sites_display, delivery.form_display, delivery.operator_display) == (
        "町内２箇所",
        "直営（一部委託）",
        "社会福祉法人等",
    )
    assert delivery.service_area == "町北部"
    assert delivery.programme.display_name == "利用者支援事業（基本型）"


def test_meeting_body_keeps_conveners_form_department_and_members_note(loaded):
    body = loaded.meeting_bodies.get(name="ケース検討会")
    assert body.convener_names == ["福祉課", "みなと町社会福祉協議会"]
    assert (body.operating_form, body.form_display) == ("直営", "直営（一部委託）")
    assert body.department.name == "福祉課"
    assert body.members_note == "各課の課長級"
    assert body.consent_rule == "unstated"
    review = loaded.meeting_bodies.get(name="地域福祉計画推進委員会")
    assert review.functions == ["plan_review"]


def test_programme_lists_several_departments_in_file_order(loaded):
    programme = loaded.programmes.get(name="利用者支援事業", variant="")
    names = [link.department.name for link in programme.department_links.all()]
    assert names == ["子育て支援課", "福祉課"]


def test_loading_twice_gives_the_same_rows(loaded):
    before = snapshot()
    load_profile(path=FIXTURE)
    assert snapshot() == before


def test_reloading_updates_in_place_and_removes_what_the_file_dropped(loaded, tmp_path):
    centre_pk = loaded.agencies.get(name="みなと町地域包括支援センター").pk

    def change(data):
        data["agencies"][0]["sites"] = 3
        data["organisations"].pop(1)  # 社会福祉法人うみかぜ会, no user belongs to it
        data["agencies"][1].pop("operator")
        data["programmes"][1]["agencies"][0].pop("operator")
        data["programmes"].pop(3)
        data["meeting_bodies"][0]["frequency"] = "隔月"

    load_profile(path=write(tmp_path, broken(change)))
    centre = Agency.objects.get(pk=centre_pk)
    assert centre.sites == 3
    assert not Agency.objects.filter(name="社会福祉法人うみかぜ会").exists()
    assert not Programme.objects.filter(name="参加支援事業").exists()
    assert MeetingBody.objects.get(name="重層的支援会議").frequency == "隔月"
    assert Programme.objects.count() == 7


def test_agency_dropped_from_profile_is_kept_while_users_belong_to_it(loaded, tmp_path):
    agency = loaded.agencies.get(name="みなと警察署")
    user = User.objects.create_user("keisatsu", password="x")
    Membership.objects.create(user=user, agency=agency, role=Role.COUNSELLOR)

    def drop_police(data):
        data["partners"].pop(1)
        data["meeting_bodies"][1]["members"].remove("みなと警察署")

    summary = load_profile(path=write(tmp_path, broken(drop_police)))
    agency.refresh_from_db()
    assert agency.in_profile is False
    assert Membership.objects.filter(user=user, agency=agency).exists()
    assert "みなと警察署" in summary.message()


BROKEN = [
    (
        "bad_reference",
        lambda d: d["programmes"][0]["departments"].__setitem__(0, "長寿課"),
        "minato.yaml: programmes[0].departments[0]: 「長寿課」は departments に定義されていません",
    ),
    (
        "unknown_operating_form",
        lambda d: d["agencies"][0].__setitem__("operating_form", "直轄"),
        "minato.yaml: agencies[0].operating_form: 「直轄」は運営形態として使えません"
        "(直営・委託・補助・登録のいずれか)",
    ),
    (
        "missing_key",
        lambda d: d["programmes"][3].pop("name"),
        "minato.yaml: programmes[3]: 必須の項目 name がありません",
    ),
    (
        "unknown_key",
        lambda d: d["meeting_bodies"][0].__setitem__("chairman", "福祉課"),
        "minato.yaml: meeting_bodies[0].chairman: 「chairman」は使えない項目です(使える項目: name, "
        "functions, consent, frequency, convener, operating_form, form_note, department, "
        "members, members_note, other_members, purpose, parent, areas, per_area, "
        "instance_names, status, concluded_on, conclusion, chair, chair_note, member_count)",
    ),
    (
        "member_not_declared",
        lambda d: d["meeting_bodies"][1]["members"].append("消防本部"),
        "minato.yaml: meeting_bodies[1].members[3]: 「消防本部」は departments・organisations・"
        "agencies・partners に定義されていません",
    ),
    (
        "department_names_an_agency",
        lambda d: d["agencies"][1].__setitem__("department", "こども家庭センター"),
        "minato.yaml: agencies[1].department: 「こども家庭センター」は agencies に定義されています"
        "(departments の名称を指定してください)",
    ),
    (
        "operator_not_declared",
        lambda d: d["programmes"][1]["agencies"][0].__setitem__("operator", "うみかぜ会"),
        "minato.yaml: programmes[1].agencies[0].operator: 「うみかぜ会」は departments・"
        "organisations・agencies・partners に定義されていません",
    ),
    (
        "parent_not_declared",
        lambda d: d["meeting_bodies"][1].__setitem__("parent", "連絡会議"),
        "minato.yaml: meeting_bodies[1].parent: 「連絡会議」は meeting_bodies に定義されていません",
    ),
    (
        "duplicate_party_name",
        lambda d: d["partners"].append({"name": "福祉課", "scope": "庁内"}),
        "minato.yaml: partners[2].name: 「福祉課」は departments[0] と重複しています"
        "(名称は departments・organisations・agencies・partners を通して一意にしてください)",
    ),
    (
        "project_out_of_range",
        lambda d: d["programmes"][0].__setitem__("project", 7),
        "minato.yaml: programmes[0].project: 「7」は法定事業として使えません(1・2・3・4・5・6のいずれか)",
    ),
    (
        "sub_item_on_project_2",
        lambda d: d["programmes"][3].__setitem__("sub_item", "イ"),
        "minato.yaml: programmes[3].sub_item: 号内の区分「イ」は1号・3号にだけ書けます(この事業は2号)",
    ),
    (
        "unknown_field",
        lambda d: d["programmes"][0].__setitem__("field", "高齢"),
        "minato.yaml: programmes[0].field: 「高齢」は分野として使えません"
        "(介護・障がい・子ども・生活困窮・その他のいずれか)",
    ),
    (
        "unknown_function",
        lambda d: d["meeting_bodies"][0]["functions"].append("support"),
        "minato.yaml: meeting_bodies[0].functions[2]: 「support」は会議体の機能として使えません"
        "(coordination・confidential・liaison・representatives・study・plan_reviewのいずれか)",
    ),
    (
        "unknown_consent",
        lambda d: d["meeting_bodies"][2].__setitem__("consent", "yes"),
        "minato.yaml: meeting_bodies[2].consent: 「yes」は本人同意の扱いとして使えません"
        "(required・not_required・per_item・n/a・unstatedのいずれか)",
    ),
    (
        "department_parent_is_an_agency",
        lambda d: d["departments"][3].__setitem__("parent", "こども家庭センター"),
        "minato.yaml: departments[3].parent: 「こども家庭センター」は agencies に定義されています"
        "(departments の名称を指定してください)",
    ),
    (
        "department_parents_loop",
        lambda d: d["departments"][0].__setitem__("parent", "福祉課地域福祉係"),
        "minato.yaml: departments[0].parent: 上位の部署「福祉課」をたどると循環しています",
    ),
    (
        "sub_item_list_with_unknown_item",
        lambda d: d["programmes"][6].__setitem__("sub_item", ["イ", "ホ"]),
        "minato.yaml: programmes[6].sub_item[1]: 「ホ」は号内の区分として使えません(イ・ロ・ハ・ニのいずれか)",
    ),
    (
        "sub_item_list_repeated",
        lambda d: d["programmes"][6].__setitem__("sub_item", ["イ", "イ"]),
        "minato.yaml: programmes[6].sub_item: 号内の区分が重複しています",
    ),
    (
        "sub_item_list_on_project_2",
        lambda d: d["programmes"][3].__setitem__("sub_item", ["イ", "ロ"]),
        "minato.yaml: programmes[3].sub_item: 号内の区分「イ・ロ」は1号・3号にだけ書けます(この事業は2号)",
    ),
    (
        "convener_list_names_a_partner",
        lambda d: d["meeting_bodies"][3]["convener"].append("みなと警察署"),
        "minato.yaml: meeting_bodies[3].convener[2]: 「みなと警察署」は partners に定義されています"
        "(departments・organisations・agencies の名称を指定してください)",
    ),
    (
        "meeting_department_not_a_department",
        lambda d: d["meeting_bodies"][3].__setitem__("department", "みなと町社会福祉協議会"),
        "minato.yaml: meeting_bodies[3].department: 「みなと町社会福祉協議会」は organisations に"
        "定義されています(departments の名称を指定してください)",
    ),
    (
        "override_note_not_text",
        lambda d: d["programmes"][7]["agencies"][0].__setitem__("sites_note", 2),
        "minato.yaml: programmes[7].agencies[0].sites_note: 「2」は文字列で書いてください(数字なら引用符で囲む)",
    ),
    (
        "sites_not_a_number",
        lambda d: d["agencies"][0].__setitem__("sites", "1箇所"),
        "minato.yaml: agencies[0].sites: 「1箇所」は数ではありません。"
        "拠点数を計画の表記のまま書くときは sites_note に書いてください",
    ),
    (
        "missing_top_level_key",
        lambda d: d.pop("meeting_bodies"),
        "minato.yaml: 必須の項目 meeting_bodies がありません",
    ),
]


@pytest.mark.parametrize(("change", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_profile_fails_with_precise_message_and_changes_nothing(
    loaded, tmp_path, change, message
):
    before = snapshot()
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=write(tmp_path, broken(change)))
    assert message in raised.value.messages
    assert snapshot() == before


@pytest.mark.django_db
def test_broken_profile_on_empty_database_writes_nothing(tmp_path):
    path = write(tmp_path, broken(lambda d: d["agencies"][0].__setitem__("operator", "無い法人")))
    with pytest.raises(ProfileInvalid):
        load_profile(path=path)
    assert all(rows == [] for rows in snapshot().values())


@pytest.mark.django_db
def test_all_errors_are_reported_together(tmp_path):
    def several(data):
        data["programmes"][0]["departments"][0] = "長寿課"
        data["agencies"][2]["operating_form"] = "直轄"
        del data["meeting_bodies"][0]["consent"]

    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=write(tmp_path, broken(several)))
    assert len(raised.value.messages) == 3


@pytest.mark.django_db
def test_slug_must_match_the_file_name(tmp_path):
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=write(tmp_path, GOOD, name="other"))
    assert raised.value.messages == [
        "other.yaml: slug: 「minato」はファイル名(other)と一致させてください"
    ]


def test_yaml_syntax_error_names_line_and_column(loaded, tmp_path):
    path = tmp_path / "minato.yaml"
    path.write_text("slug: minato\nmunicipality:\n  name: みなと町\n prefecture: 鳥取県\n")
    before = snapshot()
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=path)
    [message] = raised.value.messages
    assert message.startswith("minato.yaml: YAML の構文エラー(4行目 ")
    assert snapshot() == before


@pytest.mark.django_db
def test_key_written_twice_is_a_yaml_error(tmp_path):
    path = tmp_path / "minato.yaml"
    path.write_text("slug: minato\nslug: minato\n")
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=path)
    assert raised.value.messages == [
        "minato.yaml: YAML の構文エラー(2行目 1列目): キー「slug」が同じマッピングに2回書かれています"
    ]


def test_load_profile_command_prints_every_error_and_exits_non_zero(loaded, tmp_path):
    path = write(tmp_path, broken(lambda d: d["programmes"][3].pop("name")))
    stderr = io.StringIO()
    before = snapshot()
    with pytest.raises(CommandError, match="1 件の誤り"):
        call_command("load_profile", str(path), stderr=stderr)
    assert "minato.yaml: programmes[3]: 必須の項目 name がありません" in stderr.getvalue()
    assert snapshot() == before


@pytest.mark.django_db
def test_load_profile_command_prints_a_summary():
    stdout = io.StringIO()
    call_command("load_profile", str(FIXTURE), stdout=stdout)
    assert "実施事業 8(実施体制 9 行)・会議体 7・圏域 4" in stdout.getvalue()
    assert Municipality.objects.filter(slug="minato").exists()


def test_profile_name_resolves_under_profiles_folder(tmp_path):
    assert profile_path("kobayashi", tmp_path) == tmp_path / "profiles" / "kobayashi.yaml"
    assert profile_path("x/minato.yaml", tmp_path) == Path("x/minato.yaml")


def nodes(value, path=()):
    """Every (path, value) inside the profile data, for mutation by Hypothesis."""
    yield path, value
    if isinstance(value, dict | list):
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            yield from nodes(child, (*path, key))


NODE_PATHS = [path for path, _ in nodes(GOOD) if path]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(where=st.sampled_from(NODE_PATHS), value=ODD_VALUES)
def test_any_odd_value_anywhere_is_either_accepted_or_reported_never_a_crash(where, value):
    data = copy.deepcopy(GOOD)
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), data)
        try:
            read_profile(path)
        except ProfileInvalid as exc:
            assert exc.messages
            assert all(m.startswith("minato.yaml: ") for m in exc.messages)
