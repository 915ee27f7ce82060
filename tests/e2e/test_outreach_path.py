"""アウトリーチ through the browser, on the 小林市 profile (4号 contracted to the 社協): a
welfare commissioner's report is registered without a name, the worker records attempts
until the person talks through the door, builds the relationship, identifies the person,
records consent and hands the record to 多機関協働 in one step; the coordinator opens the
case, whose page shows the outreach record. Every page: screenshot + axe check."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.accounts.models import Role
from tsunagu.coordination import actions as coordination
from tsunagu.demo.builder import create_users
from tsunagu.intake.models import CoordinationRequest
from tsunagu.municipality.models import Municipality
from tsunagu.outreach.models import OutreachRecord, Stage

AGENCY = "小林市社会福祉協議会"


@pytest.fixture
def kobayashi(transactional_db):
    call_command("load_profile", "kobayashi", stdout=io.StringIO())
    m = Municipality.objects.get(slug="kobayashi")
    users = {
        (login.agency.name, Role(login.role).label): login.username for login in create_users(m)
    }
    return {
        "worker": users[(AGENCY, "アウトリーチ支援員")],
        "coordinator": users[(AGENCY, "コーディネーター")],
        "unrelated": users[("のじり地域包括支援センター", "相談員")],
    }


def day(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def submit(b, name: str):
    b.page.get_by_role("button", name=name).click()
    b.page.wait_for_load_state()


def add_attempt(b, *, on: str, means: str, result: str, content: str, next_step: str = ""):
    b.page.get_by_label("日付", exact=True).fill(on)
    b.page.get_by_label("手段").select_option(label=means)
    b.page.get_by_label("結果").select_option(label=result)
    b.page.get_by_label("内容", exact=True).fill(content)
    b.page.get_by_label("次の対応", exact=True).fill(next_step)
    submit(b, "記録を追加する")


def test_outreach_record_reaches_consent_and_becomes_a_case(user_browser, kobayashi):
    b = user_browser
    b.login(kobayashi["worker"])
    b.go("/outreach/")
    b.step_check("outreach-list-empty")
    b.page.get_by_role("link", name="アウトリーチ対象を登録する").click()
    b.page.get_by_label("経路", exact=True).select_option(label="民生委員・児童委員")
    b.page.get_by_label("情報提供者").fill("細野地区 民生委員")
    b.page.get_by_label("把握日").fill(day(40))
    b.page.get_by_label("把握した内容").fill(
        "細野地区の50代男性、ひきこもりの疑い。80代の母と二人暮らし。"
    )
    b.page.get_by_label("年代(おおよそ)").select_option(label="50代")
    b.page.get_by_label("性別").select_option(label="男性")
    b.page.get_by_label("8050").check()
    b.step_check("outreach-register")
    submit(b, "登録する")
    record = OutreachRecord.objects.get()
    assert record.person is None

    add_attempt(
        b, on=day(35), means="訪問", result="不在", content="不在。メモを投函。", next_step="再訪問"
    )
    add_attempt(
        b,
        on=day(28),
        means="訪問",
        result="ドア越しに会話",
        content="ドア越しに5分。母の体調の話には応じる。",
        next_step="再訪問",
    )
    b.step_check("outreach-attempts")
    submit(b, "本人と接触できた(→接触)")
    add_attempt(b, on=day(14), means="訪問", result="面会", content="玄関先で20分。")
    submit(b, "関係ができてきた(→関係構築)")

    b.page.get_by_role("link", name="本人を特定する(名寄せ)").click()
    b.page.get_by_label("氏", exact=True).fill("細野")
    b.page.get_by_label("名", exact=True).fill("健")
    b.page.get_by_label("フリガナ(氏)").fill("ホソノ")
    submit(b, "登録済みの本人を探す")
    b.step_check("outreach-identity")
    submit(b, "該当者なし: 新しく登録して紐づける")
    submit(b, "支援への同意を得た(→同意)")
    record.refresh_from_db()
    assert record.stage == Stage.CONSENTED and record.person.family_name == "細野"
    b.step_check("outreach-consented")

    b.page.get_by_label("多機関協働へ支援依頼する").check()
    b.page.get_by_label("依頼理由(多機関協働へ依頼する場合)").fill(
        "母の介護と本人の就労の両方に支援が必要。"
    )
    submit(b, "引き継ぐ")
    b.step_check("outreach-handed-off-consultation")
    assert "アウトリーチ記録" in b.page.content()

    request = CoordinationRequest.objects.get()
    coordinator = type(record.worker).objects.get(username=kobayashi["coordinator"])
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    b.logout()
    b.login(kobayashi["coordinator"])
    b.go(f"/coordination/{case.pk}/")
    assert b.page.get_by_role("link", name=f"アウトリーチ記録 {record.pk}").is_visible()
    b.step_check("case-shows-outreach-record")

    b.logout()
    b.login(kobayashi["unrelated"])
    response = b.page.goto(f"{b.base_url}/outreach/{record.pk}/")
    assert response is not None and response.status == 404
