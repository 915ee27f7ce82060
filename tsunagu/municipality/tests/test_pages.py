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
PAGES = ["municipality:structure", "municipality:meeting_bodies", "municipality:areas"]
# Fixed per page, the same for the fixture and for it repeated eight times.
MAX_QUERIES = {
    "municipality:structure": 20,
    "municipality:meeting_bodies": 10,
    "municipality:areas": 12,
}
LAST_OF_EIGHT = {
    "municipality:structure": "多機関協働事業7",
    "municipality:meeting_bodies": "支援会議7",
    "municipality:areas": "地区ささえあい会議7（東地区）",
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
    assert html.index('id="project-1"') < html.index("障害者相談支援事業")
    assert html.index("障害者相談支援事業") < html.index('id="project-2"')
    assert '<th scope="row" rowspan="2">' in html  # 障害者相談支援事業 has two agencies
    assert "子育て支援課・福祉課" in html
    assert "事業は直営、講座を委託" in html
    assert "日常生活圏域（２圏域）" in html
    assert "プロファイルに記載なし（この号の実施事業" in html  # 4号 and 6号 are empty
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


def test_structure_page_shows_plan_timelines_staff_baselines_departments_and_areas(staff, client):
    html = client.get(reverse("municipality:structure")).content.decode()
    assert "令和7年度 (2025)〜令和9年度 (2027)" in html
    assert "（第2期）" in html and "みなと町まるごと支援事業" in html
    assert "第3期みなと町地域福祉計画 第5章" in html
    assert "断らない相談の体制" in html and "相談窓口の連携" in html
    assert "6号 支援プラン作成" in html
    assert "移行準備事業 令和6年度 (2024)、開始 令和7年度 (2025)" in html
    assert "生活支援コーディネーター 地区 3名（各地区1名）" in html
    assert "サポーター 289人（令和4年度 (2022)）" in html
    assert "障がい者相談支援センターうみかぜ: 相談支援専門員 3名" in html
    assert "妊産婦への相談支援" in html  # per-agency content
    assert '<li>福祉課 <span class="muted">福祉総務係</span><ul><li>福祉課地域福祉係' in html
    assert "北地区、南地区、東地区" in html  # the delivery's areas replace the free text


def test_meeting_bodies_page_shows_instances_status_and_chair(staff, client):
    html = client.get(reverse("municipality:meeting_bodies")).content.decode()
    assert "地区ごと（計画上 3）" in html
    assert "北地区ささえあい会" in html and "地区ささえあい会議（東地区）" in html
    assert html.count('<section aria-labelledby="body-') == 7  # instances are not bodies here
    assert "終了（令和7年3月31日 (2025)） 提言書" in html
    assert "座長</dt><dd>学識経験者" in html and "委員数</dt><dd>12名" in html


def test_areas_page_shows_the_tree_and_what_serves_each_area(staff, client):
    html = client.get(reverse("municipality:areas")).content.decode()
    assert html.index("みなと町全域") < html.index("北地区") < html.index("南地区")
    assert "町名・地区名</dt><dd>北町、港町" in html
    assert "障がい者相談支援センターうみかぜ 北窓口" in html
    assert "北地区ささえあい会" in html
    assert "生活支援体制整備事業" in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.COUNSELLOR])
def test_areas_page_is_for_members_of_the_municipality_in_any_role(minato, client, role):
    client.force_login(make_user(f"u-{role}", minato.agencies.first(), role))
    response = client.get(reverse("municipality:areas"))
    assert response.status_code == 200
    assert "みなと町全域" in response.content.decode()


def test_areas_page_is_404_for_a_user_of_no_agency_here(minato, client):
    client.force_login(User.objects.create_user("outsider", password="x"))
    assert client.get(reverse("municipality:areas")).status_code == 404


def test_pages_without_a_loaded_profile_say_how_to_load_one(db, client):
    client.force_login(User.objects.create_user("newcomer", password="x"))
    for page in PAGES:
        assert "load_profile" in client.get(reverse(page)).content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_profile(
    staff, client, tmp_path, page, django_assert_max_num_queries
):
    load_profile(path=grown(tmp_path, 8))
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert LAST_OF_EIGHT[page] in response.content.decode()


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
