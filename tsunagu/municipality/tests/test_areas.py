"""圏域 in profiles v3: levels and areas loaded as a tree, placed by address, reloaded in
place, refused with precise messages; things serving areas; per-area meeting bodies."""

import copy
import datetime
from pathlib import Path

import pytest
import yaml

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.meetings.actions import create_session
from tsunagu.meetings.models import MeetingSession
from tsunagu.meetings.overview import frequency_rows
from tsunagu.municipality import areas
from tsunagu.municipality.actions import load_profile
from tsunagu.municipality.areas import (
    address_area_case,
    address_prefixes,
    area_choices,
    area_for_address,
    counts_by_area,
    in_area,
    register_area_count,
    registered_counts,
    rollup,
)
from tsunagu.municipality.models import Agency, Area, Delivery, MeetingBody
from tsunagu.municipality.profile import ProfileInvalid
from tsunagu.people.models import Household, Person
from tsunagu.resources.models import Organization

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"
GOOD = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "minato.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def without_east(data: dict) -> None:
    data["areas"].pop(3)
    programme = next(p for p in data["programmes"] if p["name"] == "生活支援体制整備事業")
    programme["areas"].remove("東地区")


def changed(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


@pytest.fixture
def minato(db):
    return load_profile(path=FIXTURE).municipality


def test_levels_and_areas_form_a_tree(minato):
    assert [(lv.depth, lv.name, lv.stated_count) for lv in minato.area_levels.all()] == [
        (0, "町全域", None),
        (1, "地区", 3),
    ]
    whole = minato.areas.get(name="みなと町全域")
    assert whole.parent is None
    assert [a.name for a in whole.children.order_by("order")] == ["北地区", "南地区", "東地区"]
    south = minato.areas.get(name="南地区")
    assert south.towns == ["南町"]  # one town written without brackets
    assert set(Area.objects.under(whole).values_list("name", flat=True)) == {
        "みなと町全域",
        "北地区",
        "南地区",
        "東地区",
    }


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("港町1-2-3", "北地区"),
        ("鳥取県みなと町港町三丁目5", "東地区"),  # the longer town name wins
        ("みなと町 南町 10", "南地区"),
        ("ｍｉｎａｔｏ", None),
        ("西町1", None),
        ("", None),
    ],
)
def test_area_for_address_matches_the_longest_town_prefix(minato, address, expected):
    area = area_for_address(minato, address)
    assert (area.name if area else None) == expected


PLACED = [
    "港町1-2-3",
    "鳥取県みなと町港町三丁目5",
    "みなと町 南町 10",
    "鳥取県　みなと町　北町2",
    "港町三丁目",
    "ｍｉｎａｔｏ",
    "西町1",
    "",
]


def test_in_area_places_addresses_as_area_for_address_does(minato):
    """The list filter's one SQL condition agrees with area_for_address for every area,
    the areas below it included."""
    for address in PLACED:
        Household.objects.create(municipality=minato, address=address)
    households = Household.objects.filter(municipality=minato)
    for area in minato.areas.filter(in_profile=True):
        under = set(Area.objects.under(area).values_list("pk", flat=True))
        expected = {
            address
            for address in PLACED
            if (placed := area_for_address(minato, address)) is not None and placed.pk in under
        }
        found = set(in_area(households, area, "address").values_list("address", flat=True))
        assert found == expected, area.name


def test_area_choices_list_parents_before_their_children(minato):
    names = [label for _, label in area_choices(minato.pk)]
    assert names == ["みなと町全域", "\u3000北地区", "\u3000南地区", "\u3000東地区"]
    assert area_choices(None) == []


def test_agencies_sites_programmes_and_deliveries_name_their_areas(minato):
    agency = minato.agencies.get(name="障がい者相談支援センターうみかぜ")
    assert [a.name for a in agency.areas.all()] == ["みなと町全域"]
    assert agency.sites == 2
    assert [(s.name, s.area.name) for s in agency.site_list.all()] == [
        ("北窓口", "北地区"),
        ("南窓口", "南地区"),
    ]
    programme = minato.programmes.get(name="生活支援体制整備事業")
    assert sorted(a.name for a in programme.areas.all()) == ["北地区", "南地区", "東地区"]
    delivery = programme.deliveries.get()
    assert sorted(a.name for a in delivery.areas.all()) == ["北地区", "南地区", "東地区"]
    assert delivery.service_area == "日常生活圏域（２圏域）"  # v2 free text still shown


def test_a_body_declared_per_level_has_one_instance_per_area(minato):
    declared = minato.meeting_bodies.get(name="地区ささえあい会議")
    instances = declared.instances.order_by("pk")
    assert [(b.name, [a.name for a in b.areas.all()]) for b in instances] == [
        ("北地区ささえあい会", ["北地区"]),
        ("地区ささえあい会議（南地区）", ["南地区"]),
        ("地区ささえあい会議（東地区）", ["東地区"]),
    ]
    for body in instances:
        assert (body.functions, body.consent_rule, body.frequency) == (["liaison"], "n/a", "年4回")
        assert body.convener.name == "みなと町社会福祉協議会"


def test_body_status_chair_and_member_count(minato):
    body = minato.meeting_bodies.get(name="重層的支援体制のあり方懇談会")
    assert (body.status, str(body.concluded_on), body.conclusion) == (
        "concluded",
        "2025-03-31",
        "提言書",
    )
    assert (body.chair_display, body.member_count) == ("学識経験者", 12)
    assert minato.meeting_bodies.get(name="支援会議").status == "standing"


def test_reloading_keeps_area_rows_and_renamed_level_rebuilds(minato, tmp_path):
    ids = dict(minato.areas.values_list("name", "pk"))
    load_profile(path=FIXTURE)
    assert dict(minato.areas.values_list("name", "pk")) == ids

    def swap_towns(data):
        data["areas"][1]["towns"] = ["北町"]
        without_east(data)
        data["area_levels"][1]["count"] = 2

    load_profile(path=write(tmp_path, changed(swap_towns)))
    assert not minato.areas.filter(name="東地区").exists()
    assert minato.areas.get(name="北地区").pk == ids["北地区"]
    assert not minato.meeting_bodies.filter(name="地区ささえあい会議（東地区）").exists()


def test_area_dropped_from_profile_is_kept_while_records_point_to_it(minato, tmp_path):
    east = minato.areas.get(name="東地区")
    Organization.objects.create(municipality=minato, name="東町内会", kind="residents", area=east)
    load_profile(path=write(tmp_path, changed(without_east)))
    east.refresh_from_db()
    assert east.in_profile is False
    assert Organization.objects.get(name="東町内会").area == east
    assert area_for_address(minato, "港町三丁目1").name == "北地区"  # no longer placed there


def test_counts_by_area_roll_up_the_tree_and_apps_can_register(minato, monkeypatch):
    monkeypatch.setattr(areas, "_counters", [])  # registration is process-wide
    north = minato.areas.get(name="北地区")
    for name in ("サロンA", "サロンB"):
        Organization.objects.create(municipality=minato, name=name, kind="other", area=north)
    direct = counts_by_area(Organization.objects.filter(municipality=minato))
    assert direct == {north.pk: 2}
    totals = rollup(minato, direct)
    assert totals[minato.areas.get(name="みなと町全域").pk] == 2
    assert totals[minato.areas.get(name="南地区").pk] == 0
    register_area_count(
        "社会資源",
        lambda m: counts_by_area(Organization.objects.filter(municipality=m)),
    )
    assert ("社会資源", totals) in registered_counts(minato)


def test_v2_database_reloads_with_v3_without_losing_records(db, tmp_path):
    """A municipality loaded from a v2 profile (no areas), with records pointing at its
    agencies and bodies, keeps every row and id when its v3 profile is loaded."""
    v2 = copy.deepcopy(GOOD)
    for key in ("area_levels", "areas"):
        v2.pop(key)
    v2["municipality"]["plan"].pop("pillars")
    v2["agencies"][1].pop("areas")
    v2["agencies"][1].pop("sites")
    v2["agencies"][1].pop("staff")
    programme = next(p for p in v2["programmes"] if p["name"] == "生活支援体制整備事業")
    for key in ("areas", "start", "transition_years", "staff", "baselines"):
        programme.pop(key)
    v2["meeting_bodies"] = v2["meeting_bodies"][:5]
    municipality = load_profile(path=write(tmp_path, v2)).municipality
    agencies = dict(Agency.objects.values_list("name", "pk"))
    bodies = dict(MeetingBody.objects.values_list("name", "pk"))
    deliveries = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    Organization.objects.create(municipality=municipality, name="町内会", kind="residents")

    load_profile(path=FIXTURE)
    assert {n: pk for n, pk in Agency.objects.values_list("name", "pk")} == agencies
    assert all(MeetingBody.objects.get(pk=pk).name == n for n, pk in bodies.items())
    assert list(Delivery.objects.order_by("pk").values_list("pk", flat=True)) == deliveries
    assert Organization.objects.filter(name="町内会").exists()
    assert municipality.areas.count() == 4


BROKEN = [
    (
        lambda d: d["areas"][1].__setitem__("level", "小学校区"),
        "minato.yaml: areas[1].level: 「小学校区」は area_levels に定義されていません",
    ),
    (
        lambda d: d["areas"][1].__setitem__("parent", "南地区"),
        "minato.yaml: areas[1].parent: 上位の圏域「南地区」は1つ上の階層「町全域」の圏域にしてください",
    ),
    (
        lambda d: d["areas"][0].__setitem__("parent", "北地区"),
        "minato.yaml: areas[0].parent: 最上位の階層「町全域」の圏域に parent は書けません",
    ),
    (
        lambda d: d["areas"].append({"name": "北地区", "level": "地区"}),
        "minato.yaml: areas[4].name: 圏域「北地区」が2回定義されています"
        "(圏域名は階層を通して一意にしてください)",
    ),
    (
        lambda d: d["agencies"][0].__setitem__("areas", ["西地区"]),
        "minato.yaml: agencies[0].areas[0]: 「西地区」は areas に定義されていません",
    ),
    (
        lambda d: d["meeting_bodies"][5].__setitem__("instance_names", {"みなと町全域": "全体会"}),
        "minato.yaml: meeting_bodies[5].instance_names.みなと町全域: "
        "圏域「みなと町全域」は階層「地区」の圏域ではありません",
    ),
    (
        lambda d: d["meeting_bodies"][5]["instance_names"].__setitem__("南地区", "支援会議"),
        "minato.yaml: meeting_bodies[5]: 圏域「南地区」の会議体名「支援会議」が他の会議体と"
        "重なっています(instance_names で別の名前を付けてください)",
    ),
    (
        lambda d: d["meeting_bodies"][0].__setitem__("concluded_on", "2025-03-31"),
        "minato.yaml: meeting_bodies[0].concluded_on: concluded_on は status: concluded のときに書きます",
    ),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_area_mistakes_are_named(db, tmp_path, change, message):
    with pytest.raises(ProfileInvalid) as raised:
        load_profile(path=write(tmp_path, changed(change)))
    assert message in raised.value.messages


def test_a_per_area_body_holds_sessions_and_counts_in_the_frequency_overview(minato):
    council = minato.agencies.get(name="みなと町社会福祉協議会")
    user = make_user("shakyo", council, Role.COUNSELLOR)
    north = minato.meeting_bodies.get(name="北地区ささえあい会")
    day = datetime.date(2025, 6, 1)
    session = create_session(user=user, body=north, date=day, place="北公民館")
    MeetingSession.objects.filter(pk=session.pk).update(status=MeetingSession.Status.HELD)
    _, rows = frequency_rows(minato, today=datetime.date(2025, 7, 1))
    row = next(r for r in rows if r.body == north)
    cell = next(c for c in row.cells if c.fiscal_year == 2025)
    assert (row.expected, cell.held) == (4, 1)


@pytest.mark.parametrize(
    "address",
    [
        "港町1-2-3",  # 港町 → 北地区
        "港町三丁目5",  # 港町 begins 港町三丁目: the longer town wins → 東地区
        "鳥取県みなと町港町三丁目5",
        "みなと町 港町三丁目 5",  # spaces typed between the parts
        "鳥取県　みなと町　南町10",  # full-width spaces
        "みなと町北町",
        "本町２丁目4",  # full-width digits for the town 本町2丁目 (東地区), not 本町 (北地区)
        "本町5",
        "北港町1",  # contains 港町 but does not begin with it
        "西町1",
        "",
    ],
)
def test_python_and_sql_place_an_address_in_the_same_area(minato, address):
    """area_for_address (one address) and address_area_case (the aggregate's SQL) agree."""
    minato.areas.filter(name="北地区").update(towns=["北町", "港町", "本町"])
    minato.areas.filter(name="東地区").update(towns=["港町三丁目", "本町2丁目"])
    person = Person.objects.create(
        municipality=minato,
        family_name="住所",
        address=address,
        registered_by=minato.agencies.first(),
    )
    in_sql = (
        Person.objects.filter(pk=person.pk)
        .annotate(placed=address_area_case(minato, "address", default="圏域不明"))
        .values_list("placed", flat=True)
        .get()
    )
    in_python = area_for_address(minato, address)
    assert in_sql == (in_python.name if in_python else "圏域不明")


def test_both_forms_follow_the_longest_town_whatever_the_profile_order(minato):
    expected = {
        "港町1-2-3": "北地区",
        "港町三丁目5": "東地区",
        "鳥取県みなと町港町三丁目5": "東地区",
        "みなと町 南町 10": "南地区",
        "北港町1": None,
    }
    for address, name in expected.items():
        area = area_for_address(minato, address)
        assert (area.name if area else None) == name, address
    prefixes = [prefix for prefix, _ in address_prefixes(minato)]
    assert prefixes.index("港町三丁目") < prefixes.index("港町")
