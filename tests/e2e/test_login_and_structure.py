from tsunagu.municipality.models import Delivery, Programme


def test_counsellor_logs_in_sees_structure_and_logs_out(user_browser, town, owner):
    programme = Programme.objects.create(
        municipality=town.municipality, project=1, field="介護", name="地域包括支援センターの運営"
    )
    Delivery.objects.create(
        programme=programme, agency=town.owner_agency, sites=1, operating_form="直営"
    )
    b = user_browser
    b.login("owner")
    assert b.page.get_by_role("button", name="ログアウト").is_visible()
    b.step_check("home")
    b.page.get_by_role("link", name="実施体制").first.click()
    b.page.wait_for_load_state()
    b.step_check("structure")
    b.logout()
    assert "/accounts/login/" in b.page.url
    b.step_check("login")


def test_wrong_password_is_refused_in_japanese(user_browser, owner):
    b = user_browser
    b.login("owner", password="wrong-password")
    assert b.page.get_by_text("ユーザー名またはパスワードが正しくありません").is_visible()
