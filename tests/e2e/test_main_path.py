"""The main path through the browser, on the 小林市 profile: a counsellor takes a
consultation (名寄せ candidate chosen while typing), sends a つなぐシート, the receiving
agency accepts it, the counsellor asks for 多機関協働, the coordinator opens the case,
records consent, an assessment and a plan, and the plan is approved in a 重層的支援定例会議;
the assigned agency then sees the due-date reminders. Every page: screenshot + axe check."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.access.models import Involvement
from tsunagu.accounts.models import Role, User
from tsunagu.coordination.models import Case, PlanStatus, Stage
from tsunagu.demo.builder import create_users
from tsunagu.intake.models import Consultation, Referral
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.people.matching import refresh_keys
from tsunagu.people.models import Household, HouseholdMembership, Person

RECEIVER = "小林市生活自立相談支援センター"
COUNSELLOR_AGENCY = "小林市地域包括支援センター"
BODY = "重層的支援定例会議"


@pytest.fixture
def kobayashi(transactional_db):
    call_command("load_profile", "kobayashi", stdout=io.StringIO())
    m = Municipality.objects.get(slug="kobayashi")
    logins = create_users(m)
    users = {(login.agency.name, Role(login.role).label): login.username for login in logins}
    home = Agency.objects.get(municipality=m, name=COUNSELLOR_AGENCY)
    household = Household.objects.create(municipality=m, name="霧島世帯", address="小林市細野1-2")
    for given, kana, born, relation, sex in [
        ("ハル", "ハル", datetime.date(1942, 5, 3), "世帯主", "female"),
        ("健一", "ケンイチ", datetime.date(1972, 8, 19), "子", "male"),
    ]:
        person = Person.objects.create(
            municipality=m,
            family_name="霧島",
            given_name=given,
            family_kana="キリシマ",
            given_kana=kana,
            birth_date=born,
            sex=sex,
            address="小林市細野1-2",
            registered_by=home,
        )
        HouseholdMembership.objects.create(
            household=household, person=person, relation=relation, is_head=relation == "世帯主"
        )
        Involvement.objects.create(person=person, agency=home, source="registered")
        refresh_keys(person)
    return {
        "counsellor": users[(COUNSELLOR_AGENCY, "相談員")],
        "receiver": users[(RECEIVER, "相談員")],
        "coordinator": users[("小林市社会福祉協議会", "コーディネーター")],
        "unrelated": users[("のじり地域包括支援センター", "相談員")],
    }


def submit(b, name: str):
    b.page.get_by_role("button", name=name).click()
    b.page.wait_for_load_state()


def take_consultation(b):
    b.go("/intake/new/")
    b.page.get_by_label("受付機関").select_option(label=COUNSELLOR_AGENCY)
    b.page.locator("#id_family_name").fill("霧嶋")  # a variant kanji: 名寄せ still finds him
    b.page.locator("#id_given_name").fill("健一")
    b.page.get_by_label("フリガナ(氏)").fill("キリシマ")
    b.page.get_by_label("フリガナ(名)").press_sequentially("ケンイチ")
    b.page.get_by_label("生年月日").fill("1972-08-19")
    # The 名寄せ candidates appear while typing (htmx), without submitting the form.
    candidate = b.page.get_by_label("霧島\u3000健一")
    candidate.wait_for()
    b.step_check("consultation-candidates")
    candidate.check()
    b.page.get_by_label("8050").check()
    b.page.get_by_label("相談内容").fill(
        "80代の母と50代の息子の二人暮らし。息子は長く働いておらず家計が苦しい。"
    )
    b.page.get_by_label("関係機関への情報提供の同意").select_option(label="同意あり")
    b.page.get_by_label(RECEIVER).check()
    submit(b, "登録する")
    b.step_check("consultation-detail")
    return Consultation.objects.get(person__given_name="健一")


def send_referral(b):
    b.page.get_by_role("link", name="つなぐシートを作成").click()
    b.page.wait_for_load_state()
    b.page.get_by_label(RECEIVER).check()
    b.page.get_by_label("つなぐ理由").fill("家計と就労の相談が必要なため。")
    b.page.get_by_label("依頼したいこと").fill("息子さんの就労と家計の相談をお願いします。")
    b.page.get_by_label("本人が共有に同意した内容").fill("基本情報と相談内容")
    b.step_check("referral-form")
    submit(b, "送付する")
    b.step_check("referral-sent")


def accept_referral(b):
    b.go("/intake/inbox/")
    b.step_check("receiver-inbox")
    referral = Referral.objects.get()
    b.page.locator(f"a[href='/intake/referrals/{referral.pk}/']").first.click()
    b.page.wait_for_load_state()
    # Opening the sheet records 受け取り; the recipient answers with one plain button.
    assert b.page.get_by_text("さんが受け取りました。").is_visible()
    b.step_check("referral-received")
    submit(b, "受け入れる")
    assert b.page.get_by_text("さんが受け入れました。").is_visible()
    assert b.page.get_by_role("button", name="支援につながった").is_visible()
    b.step_check("referral-accepted")


def open_case_with_consent(b):
    b.go("/coordination/")
    b.step_check("coordinator-requests")
    submit(b, "受理して事例を開始")
    b.step_check("case-opened")
    b.page.get_by_role("button", name="事前調整を始める").click()
    b.page.wait_for_load_state()
    b.page.get_by_role("link", name="本人同意を記録").click()
    b.page.wait_for_load_state()
    b.page.get_by_label("同意した人").select_option(label="本人")
    b.page.get_by_label("同意日").fill(timezone.localdate().isoformat())
    b.page.get_by_label("方法").select_option(label="書面")
    for recipient in (RECEIVER, COUNSELLOR_AGENCY, BODY):
        row = b.page.locator("tr", has=b.page.get_by_role("rowheader", name=recipient, exact=True))
        for part in ("基本情報", "アセスメント", "支援プラン"):
            row.get_by_label(part).check()
    b.step_check("consent-form")
    submit(b, "記録する")
    b.step_check("case-with-consent")


def assess_and_plan(b):
    b.page.get_by_role("button", name="アセスメントへ進む").click()
    b.page.wait_for_load_state()
    b.page.get_by_role("link", name="アセスメントを記録").click()
    b.page.wait_for_load_state()
    b.page.get_by_label("アセスメント日").fill(timezone.localdate().isoformat())
    b.page.get_by_label("本人の意向・希望").fill("母の介護を続けながら、少しずつ働きたい。")
    b.page.get_by_label("孤立の程度").select_option(label="やや孤立")
    b.page.get_by_label("スクリーニング結果").select_option(label="多機関協働事業につなぐ")
    b.step_check("assessment-form")
    submit(b, "新しい版として記録")
    b.go(f"/coordination/{Case.objects.get().pk}/")
    b.page.get_by_role("button", name="プラン作成へ進む").click()
    b.page.wait_for_load_state()
    submit(b, "支援プランを作成")
    assert "/edit/" in b.page.url
    b.page.get_by_label("本人の思い・目指す暮らし(本人の言葉で)").fill("「母を支えながら働きたい」")
    b.page.get_by_label("長期目標").fill("世帯が安定して暮らし続けられる。")
    b.page.get_by_label("モニタリング予定日").fill(timezone.localdate().isoformat())
    b.page.locator("[name='a-0-issue']").fill("家計の立て直し")
    b.page.locator("[name='a-0-what']").fill("家計改善支援と就労準備支援")
    b.page.locator("[name='a-0-agency']").select_option(label=RECEIVER)
    b.page.locator("[name='a-0-until']").fill(timezone.localdate().isoformat())
    b.step_check("plan-form")
    submit(b, "保存")
    b.step_check("plan-saved")
    b.go(f"/coordination/{Case.objects.get().pk}/")
    b.page.get_by_role("button", name="協議にかける").click()
    b.page.wait_for_load_state()
    b.step_check("case-in-deliberation")


def approve_in_meeting(b, receiver_name: str, coordinator_name: str):
    b.go("/meetings/")
    b.step_check("meetings")
    b.page.get_by_role("link", name=BODY, exact=True).click()
    b.page.wait_for_load_state()
    b.page.get_by_label("開催日").fill(timezone.localdate().isoformat())
    b.page.get_by_label("場所").fill("市役所 第1会議室")
    b.step_check("session-form")
    submit(b, "登録する")
    page = b.page
    for attendee in (receiver_name, coordinator_name):
        page.get_by_text("出席者を追加", exact=True).click()
        page.get_by_label("出席者(利用者)").select_option(label=attendee)
        page.get_by_role("button", name="追加する").first.click()
        page.wait_for_load_state()
    page.get_by_text("議題を追加", exact=True).click()
    agenda = page.locator("form[action*='/agenda/']")
    agenda.get_by_label("種別").select_option(label="事例")
    agenda.locator("[name=title]").fill("霧島健一さんの世帯の支援プラン")
    agenda.locator("[name=case]").select_option(index=1)
    agenda.get_by_role("button", name="追加する").click()
    page.wait_for_load_state()
    page.get_by_text("議事録を記録", exact=True).click()
    page.locator("form[action*='/minutes/'] textarea").fill(
        "支援プラン(初回)について協議し、原案のとおり承認した。"
    )
    page.locator("form[action*='/minutes/']").get_by_role("button", name="保存する").click()
    page.wait_for_load_state()
    # A decision needs a session marked held (who and when are recorded).
    b.step_check("session-planned")
    submit(b, "開催済にする")
    assert page.get_by_text("会議を「開催済」にしました。").is_visible()
    page.get_by_text("この議題の決定を記録", exact=True).click()
    page.get_by_label("決定の種別").select_option(label="プラン承認")
    page.get_by_label("決定内容").fill("原案のとおり承認する。")
    submit(b, "決定を記録する")
    b.step_check("session-decided")


def test_consultation_to_plan_approved_in_a_meeting(user_browser, kobayashi):
    b = user_browser
    b.login(kobayashi["counsellor"])
    b.step_check("counsellor-home")
    consultation = take_consultation(b)
    assert consultation.person.family_name == "霧島" and Person.objects.count() == 2
    send_referral(b)
    b.logout()

    b.login(kobayashi["receiver"])
    accept_referral(b)
    b.logout()

    b.login(kobayashi["counsellor"])
    b.go(f"/intake/referrals/{Referral.objects.get().pk}/")
    # The sender reads the answer as a sentence and can only withdraw (a danger action).
    assert b.page.get_by_text("さんが受け入れました。").is_visible()
    assert b.page.get_by_text("取り下げる…").is_visible()
    b.step_check("referral-sender-view")
    b.page.get_by_role("link", name="元の相談受付に戻る").click()
    b.page.wait_for_load_state()
    b.page.get_by_label("依頼理由").fill("介護・家計・就労の課題が重なり、多機関での支援が必要。")
    submit(b, "支援依頼を送る")
    b.step_check("coordination-requested")
    b.logout()

    b.login(kobayashi["coordinator"])
    open_case_with_consent(b)
    assess_and_plan(b)
    receiver = User.objects.get(username=kobayashi["receiver"])
    coordinator = User.objects.get(username=kobayashi["coordinator"])
    approve_in_meeting(b, str(receiver), str(coordinator))
    case = Case.objects.get()
    assert case.stage == Stage.SUPPORT
    assert case.plans.get().status == PlanStatus.CONFIRMED
    b.go(f"/coordination/{case.pk}/")
    b.page.get_by_text("つながりを追加", exact=True).click()  # the form loads when opened
    b.page.get_by_label("関係の種類").wait_for()
    b.step_check("case-in-support")
    b.page.get_by_text("支援経過を記録する", exact=True).click()
    b.page.locator("[name='note-means']").select_option(label="訪問")
    b.page.locator("[name='note-counterpart']").fill("本人・母")
    b.page.locator("[name='note-content']").fill("自宅を訪問し、プランの内容を本人と母に説明した。")
    submit(b, "支援経過を記録")
    assert b.page.get_by_text("自宅を訪問し、プランの内容を本人と母に説明した。").is_visible()
    b.step_check("case-note-recorded")
    b.logout()

    call_command("run_reminders", stdout=io.StringIO())
    b.login(kobayashi["receiver"])
    b.go("/intake/inbox/")
    b.step_check("receiver-inbox-after-plan")
    b.go("/coordination/my-assignments/")
    assert b.page.get_by_role("heading", name="期日のお知らせ").is_visible()
    assert b.page.get_by_text("家計の立て直し").first.is_visible()
    b.step_check("receiver-reminders")


def test_unrelated_agency_gets_the_404_page_for_a_consultation(user_browser, kobayashi):
    b = user_browser
    b.login(kobayashi["counsellor"])
    consultation = take_consultation(b)
    b.logout()
    b.login(kobayashi["unrelated"])
    response = b.page.goto(f"{b.base_url}/intake/{consultation.pk}/")
    assert response.status == 404
    assert "霧島" not in b.page.content()
    b.step_check("unrelated-404")


def test_the_daily_pages_pass_axe_for_every_kind_of_user(user_browser, kobayashi):
    """Home for each role, the filtered lists, the person page and the meetings views
    (issue 15 items 2 and 6): each one styled, readable and without serious axe findings."""
    b = user_browser
    b.login(kobayashi["counsellor"])
    consultation = take_consultation(b)
    for path, name in [
        ("/", "daily-counsellor-home"),
        ("/intake/?worker=me&state=all", "daily-consultations-filtered"),
        (f"/people/{consultation.person_id}/", "daily-person-page"),
        ("/meetings/calendar/", "daily-calendar"),
        ("/meetings/upcoming/", "daily-upcoming"),
    ]:
        b.go(path)
        assert b.page.locator("h1").first.is_visible()
        b.step_check(name)
    assert b.page.get_by_role("heading", name="今後の会議").is_visible()
    b.logout()

    m = Municipality.objects.get(slug="kobayashi")
    others = User.objects.filter(memberships__agency__municipality=m)
    for role, name in [(Role.COORDINATOR, "coordinator"), (Role.STATISTICS, "statistics")]:
        user = others.filter(memberships__role=role).order_by("username").first()
        b.login(user.username)
        b.go("/")
        b.step_check(f"daily-home-{name}")
        if role == Role.COORDINATOR:
            b.go("/coordination/?stage=intake")
            b.step_check("daily-cases-filtered")
        else:
            assert "霧島" not in b.page.content()  # figures only, never a person
        b.logout()
