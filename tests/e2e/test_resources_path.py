"""The 社会資源台帳 through the browser, on the 小林市 profile: the 社協 coordinator registers
a サロン with its schedule and a coordinator's name, records a session, finds it by the
search (htmx), raises a 不足資源 and takes it to 検討中, looks at the year's figures; then a
resident opens the public directory without logging in and finds the サロン but not the
internal memo. Every page: screenshot + axe check."""

import io

import pytest
from django.core.management import call_command

from tsunagu.accounts.models import Role
from tsunagu.demo.builder import create_users
from tsunagu.municipality.models import Municipality
from tsunagu.resources.models import Resource


@pytest.fixture
def coordinator_login(transactional_db):
    call_command("load_profile", "kobayashi", stdout=io.StringIO())
    m = Municipality.objects.get(slug="kobayashi")
    users = {
        (login.agency.name, Role(login.role).label): login.username for login in create_users(m)
    }
    return users[("小林市社会福祉協議会", "コーディネーター")]


def submit(b, name: str):
    b.page.get_by_role("button", name=name).click()
    b.page.wait_for_load_state()


def test_register_find_develop_and_publish_a_resource(user_browser, coordinator_login):
    b = user_browser
    b.login(coordinator_login)
    b.go("/resources/")
    b.step_check("register-empty")

    b.page.get_by_role("link", name="社会資源を登録").click()
    b.page.wait_for_load_state()
    b.page.get_by_label("名称", exact=True).fill("細野ふれあいサロン")
    b.page.get_by_label("種別", exact=True).select_option(label="サロン")
    b.page.get_by_label("高齢").check()
    b.page.get_by_label("会場名").fill("細野地区公民館")
    b.page.get_by_label("参加費").fill("100円")
    b.page.get_by_label("内部メモ(非公開)").fill("鍵は区長宅")
    b.page.get_by_label("公開", exact=True).check()
    b.page.locator("#id_s-0-weekday").select_option(label="火曜日")
    b.page.locator("#id_s-0-weeks").fill("1,3")
    b.page.locator("#id_s-0-opens_at").fill("10:00")
    b.page.locator("#id_c-0-name").fill("細野 花子")
    b.page.locator("#id_c-0-is_public").check()
    b.step_check("resource-form")
    submit(b, "保存する")
    assert b.page.get_by_text("第1・第3火曜日 10:00〜").is_visible()
    b.step_check("resource-detail")

    b.page.get_by_label("開催日(月ごとは、その月のいずれかの日)").fill("2026-11-03")
    b.page.get_by_label("参加者数(延べ)").fill("14")
    submit(b, "記録する")
    b.step_check("activity-recorded")

    b.go("/resources/")
    b.page.get_by_label("キーワード").fill("細野")
    submit(b, "検索")
    assert b.page.get_by_role("link", name="細野ふれあいサロン").is_visible()
    b.step_check("search")

    b.go("/resources/gaps/new/")
    b.page.get_by_label("不足している資源").fill("夜間の居場所")
    b.page.get_by_label("内容・背景").fill("夜に集まれる場がない")
    b.step_check("gap-form")
    submit(b, "登録する")
    b.page.get_by_label("検討を始める").check()
    b.page.get_by_label("理由・経過").fill("地域ケア会議で話題になった")
    submit(b, "変更する")
    assert b.page.get_by_text("不足資源を「検討中」にしました").is_visible()
    b.step_check("gap-open")

    b.go("/resources/figures/")
    b.step_check("figures")
    b.logout()

    b.go("/resources/public/kobayashi/")
    b.step_check("public-list")
    b.page.get_by_role("link", name="細野ふれあいサロン").click()
    b.page.wait_for_load_state()
    assert b.page.get_by_text("細野 花子").is_visible()
    assert "鍵は区長宅" not in b.page.content()
    b.step_check("public-detail")
    assert Resource.objects.get().is_public
