"""Finding resources by area (with the areas above and below), kind, target, day, word."""

import datetime

import pytest
from django.urls import reverse

from .conftest import make_resource


@pytest.fixture
def many(town, areas, salon, internal_cafe):
    make_resource(
        town, "町全域の移動支援", kind="transport", area=areas["whole"], targets="elderly,disabled"
    )
    make_resource(
        town,
        "南の子ども食堂",
        kind="children_cafeteria",
        area=areas["south"],
        targets="children,needy",
        schedules=[(5, "2,4", datetime.time(17), datetime.time(19))],
    )
    make_resource(town, "終わった体操会場", kind="exercise", area=areas["north"], status="ended")


def _names(client, **params):
    response = client.get(reverse("resources:index"), params)
    assert response.status_code == 200
    return {r.name for r in response.context["page"].object_list}


def test_area_includes_sub_areas_and_wider_areas(client, partner, many, areas):
    client.force_login(partner)
    north = _names(client, area=areas["north"].pk)
    assert "ひまわりサロン" in north and "町全域の移動支援" in north
    assert "南の子ども食堂" not in north
    whole = _names(client, area=areas["whole"].pk)
    assert {"ひまわりサロン", "南の子ども食堂", "町全域の移動支援"} <= whole


def test_target_includes_activities_open_to_everyone(client, partner, many):
    client.force_login(partner)
    assert _names(client, target="children") == {"南の子ども食堂", "内部検討中カフェ"}


def test_kind_day_and_keyword(client, partner, many):
    client.force_login(partner)
    assert _names(client, kind="children_cafeteria") == {"南の子ども食堂"}
    assert _names(client, day="5") == {"南の子ども食堂"}
    assert _names(client, day="0") == {"ひまわりサロン"}
    assert _names(client, q="公民館") == {"ひまわりサロン"}
    assert _names(client, q="社会福祉協議会") == {"ひまわりサロン"}  # operator name


@pytest.mark.parametrize(
    "params",
    [
        {"area": "99999999999999999999"},
        {"day": "９"},
        {"q": "a\x00b"},
        {"kind": "nope"},
        {"page": "x"},
    ],
)
def test_odd_input_never_breaks_the_search(client, partner, many, params):
    client.force_login(partner)
    assert client.get(reverse("resources:index"), params).status_code == 200


def test_search_page_query_count_does_not_grow_with_rows(
    client, partner, many, town, django_assert_max_num_queries
):
    for i in range(30):
        make_resource(town, f"サロン{i}", schedules=[(1, "", None, None)])
    client.force_login(partner)
    with django_assert_max_num_queries(12):
        client.get(reverse("resources:index"))


def test_htmx_search_returns_only_the_results(client, partner, many):
    client.force_login(partner)
    response = client.get(reverse("resources:index"), {"q": "サロン"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body


def test_keyword_ignores_width_and_follows_an_operator_rename(client, coordinator, many, shakyo):
    client.force_login(coordinator)
    assert _names(client, q="ｻﾛﾝ 公民館") == {"ひまわりサロン"}  # half-width kana
    url = reverse("resources:organization_edit", args=[shakyo.pk])
    data = {"name": "ひまわり福祉会", "kind": "council", "version": shakyo.version}
    assert client.post(url, data).status_code == 302
    assert _names(client, q="福祉会") == {"ひまわりサロン"}
