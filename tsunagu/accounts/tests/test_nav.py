"""The menu offers what the user's roles open: casework pages to casework roles, the
年度実績 to 統計/管理者/監査, staff accounts to 管理者, the audit log to 監査."""

import pytest

from conftest import make_user
from tsunagu.accounts.models import Role

CASEWORK = ("受信箱", "多機関協働", "本人検索", "社会資源")


def _menu(client, user) -> str:
    client.force_login(user)
    page = client.get("/").content.decode()
    return page[page.index("<nav") : page.index("</nav>")]


def test_a_counsellor_gets_the_casework_pages_and_no_report(client, owner):
    menu = _menu(client, owner)
    assert all(label in menu for label in CASEWORK)
    assert "年度実績" not in menu and "監査ログ" not in menu


@pytest.mark.parametrize("role", [Role.STATISTICS, Role.ADMIN, Role.AUDITOR])
def test_roles_without_content_get_no_casework_pages(client, town, role):
    user = make_user(f"nav-{role}", town.owner_agency, role, "役割のみ")
    menu = _menu(client, user)
    assert not any(label in menu for label in CASEWORK)
    assert "年度実績" in menu
