import copy
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import make_user
from tsunagu.accounts.models import Role, User
from tsunagu.municipality.actions import load_profile

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"
PAGES = ["municipality:structure", "municipality:meeting_bodies"]
LAST_OF_EIGHT = {
    "municipality:structure": "多機関協働事業7",
    "municipality:meeting_bodies": "支援会議7",
}


@pytest.fixture
def minato(db, settings):
    settings.TSUNAGU_PROFILE = "minato"
    return load_profile(path=FIXTURE).municipality


@pytest.fixture
def staff(minato, client):
    user = make_user(
        "hokatsu", minato.agencies.get(name="みなと町地域包括支援センター"), Role.COUNSELLOR
    )
    client.force_login(user)
    return user


def grown(tmp_path: Path, copies: int) -> Path:
    """The fixture with its programmes and meeting bodies repeated ``copies`` times."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["programmes"] = [
        {**copy.deepcopy(p), "name": f"{p['name']}{n}"}
        for n in range(copies)
        for p in data["programmes"]
    ]
    data["meeting_bodies"] = [
        {**copy.deepcopy(b), "name": f"{b['name']}{n}", "parent": None, "instance_names": None}
        for n in range(copies)
        for b in data["meeting_bodies"]
    ]
    path = tmp_path / "minato.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("page", PAGES)
def test_pages_require_login(minato, client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_structure_page_groups_programmes_by_statutory_project(staff, client):
    response = client.get(reverse("municipality:structure"))
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("1号 包括的相談支援事業", "2号 参加支援事業", "5号 多機関協働事業"):
        assert heading in html
    assert html.index("1号 包括的相談支援事業") < html.index("障害者相談支援事業")
    assert html.index("障害者相談支援事業") < html.index("2号 参加支援事業")
    assert '<th scope="row" rowspan="2">' in html  # 障害者相談支援事業 has two agencies
    assert "子育て支援課・福祉課" in html
    assert "事業は直営、講座を委託" in html
    assert "日常生活圏域（２圏域）" in html
    assert "計画に記載された実施事業はありません。" in html  # 4号 is empty in the fixture
    assert "利用者支援事業（基本型）" in html
    assert "（社会福祉法人みなと町社会福祉協議会）" in html


def test_meeting_bodies_page_lists_functions_consent_and_members(staff, client):
    response = client.get(reverse("municipality:meeting_bodies"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "支援会議(法第106条の6)" in html
    assert "本人同意は不要(守秘義務)" in html
    assert "みなと警察署" in html
    assert "民生委員・児童委員" in html
    assert "上位の会議</dt><dd>庁内連携会議" in html
    assert "主催</dt><dd>福祉課、みなと町社会福祉協議会" in html
    assert "担当課</dt><dd>福祉課" in html
    assert "運営形態</dt><dd>直営（一部委託）" in html
    assert "各課の課長級" in html
    assert "計画に記載なし" in html
    assert "計画の推進・評価" in html


def test_pages_without_a_loaded_profile_say_how_to_load_one(db, client):
    client.force_login(User.objects.create_user("newcomer", password="x"))
    for page in PAGES:
        assert "load_profile" in client.get(reverse(page)).content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_profile(
    staff, client, tmp_path, page, django_assert_max_num_queries
):
    load_profile(path=grown(tmp_path, 8))
    with django_assert_max_num_queries(8):
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert (
        "多機関協働事業7" in response.content.decode() or "支援会議7" in response.content.decode()
    )


def test_admin_lists_and_edits_the_profile_details(minato, client):
    """A 管理者 finds agencies by formal name and sees the plan's wording (正式名称, 類型) in
    the configuration screens, with every profile field on the edit form."""
    admin = make_user("kanri", minato.agencies.first(), Role.ADMIN)
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="municipality"))
    client.force_login(admin)
    agency = minato.agencies.get(formal_name="社会福祉法人みなと町社会福祉協議会")
    listing = client.get("/admin/municipality/agency/", {"q": "社会福祉法人"})
    assert agency.name in listing.content.decode() and "正式名称" in listing.content.decode()
    change = client.get(f"/admin/municipality/agency/{agency.pk}/change/").content.decode()
    for label in ("正式名称", "略称", "上位の部署", "範囲"):
        assert label in change
    programme = minato.programmes.get(variant="（基本型）")
    assert "（基本型）" in client.get("/admin/municipality/programme/").content.decode()
    assert (
        "類型"
        in client.get(f"/admin/municipality/programme/{programme.pk}/change/").content.decode()
    )
    body = minato.meeting_bodies.first()
    change = client.get(f"/admin/municipality/meetingbody/{body.pk}/change/").content.decode()
    for label in ("共同主催", "構成員(表記)", "上位の会議"):
        assert label in change
