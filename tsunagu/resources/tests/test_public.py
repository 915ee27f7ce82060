"""The public directory: no login, only 公開 resources, no personal or internal field."""

import pytest
from django.urls import reverse

SECRETS = [
    "内部検討中カフェ",  # a resource marked internal
    "立ち上げ準備中",  # its memo
    "会場の鍵は区長宅で管理",  # a public resource's internal memo
    "社協 担当花子",  # the operator's 担当者
    "内緒 秘子",  # a coordinator who is not named publicly
    "終わったサロン",  # an ended resource
]


@pytest.fixture
def ended(town):
    from .conftest import make_resource

    return make_resource(town, "終わったサロン", status="ended")


@pytest.fixture
def pages(client, town, salon, internal_cafe, ended):
    slug = town.municipality.slug
    urls = [
        reverse("resources:public_home"),
        reverse("resources:public_index", args=[slug]),
        reverse("resources:public_index", args=[slug]) + "?target=elderly",
        reverse("resources:public_detail", args=[slug, salon.hsds_id]),
    ]
    return {url: client.get(url) for url in urls}


def test_public_pages_need_no_login_and_show_public_resources(pages, salon):
    for url, response in pages.items():
        assert response.status_code == 200, url
    detail = list(pages.values())[-1].content.decode()
    assert "ひまわりサロン" in detail and "世話役 公子" in detail and "北公民館" in detail


def test_public_pages_never_show_internal_or_personal_fields(pages):
    for url, response in pages.items():
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (url, secret)


def test_internal_and_ended_resources_have_no_public_page(client, town, internal_cafe, ended):
    slug = town.municipality.slug
    for resource in (internal_cafe, ended):
        url = reverse("resources:public_detail", args=[slug, resource.hsds_id])
        assert client.get(url).status_code == 404


def test_unknown_town_is_404(client, db):
    assert client.get(reverse("resources:public_index", args=["nowhere"])).status_code == 404


def test_logged_in_staff_see_no_staff_menu_on_public_pages(client, coordinator, town, salon):
    client.force_login(coordinator)
    body = client.get(
        reverse("resources:public_index", args=[town.municipality.slug])
    ).content.decode()
    assert "協働 四郎" not in body and "ログアウト" not in body
