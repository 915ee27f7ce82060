"""Shared fixtures: a small municipality and the fixed cast of users (ARCHITECTURE.md).

The cast, used by every access test:
- ``owner``: counsellor at the agency that registered / owns the record (地域包括支援センター)
- ``partner``: counsellor at a partner agency involved with the person (障がい者相談支援センター)
- ``unrelated``: counsellor at an agency with no involvement (子育て世代包括支援センター)
- ``coordinator``: コーディネーター at the coordinating agency (社会福祉協議会)
- ``admin_user``: 管理者 at the welfare department, not a member of any involved agency
- ``auditor``: 監査 at the welfare department
- a 管理者 and a 監査 at every other kind of agency too (``NO_CONTENT_CAST``): the counter
  that owns the record (``admin_owner``/``auditor_owner``), the coordinating agency
  (``admin_coordinating``/``auditor_coordinating``) and the partner (``admin_partner``/
  ``auditor_partner``). Neither role grants content, wherever it sits: parametrise list and
  page tests over ``NO_CONTENT_CAST`` (fixture names) with ``request.getfixturevalue``.
"""

from dataclasses import dataclass

import pytest

from tsunagu.accounts.models import Membership, Role, User
from tsunagu.municipality.models import Agency, Municipality


@dataclass
class Town:
    municipality: Municipality
    department: Agency
    owner_agency: Agency
    partner_agency: Agency
    unrelated_agency: Agency
    coordinating_agency: Agency


def make_user(username: str, agency: Agency, role: str, display_name: str = "") -> User:
    user = User.objects.create_user(
        username, password="tsunagu-demo", display_name=display_name or username
    )
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate cost is for production; tests only need passwords to verify."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def town(db) -> Town:
    m = Municipality.objects.create(
        slug="testtown",
        name="テスト町",
        prefecture="鳥取県",
        settings={"referral_due_working_days": 5, "confidential_sharing_until": "next_session"},
    )

    def agency(name: str, kind: str = Agency.Kind.AGENCY) -> Agency:
        return Agency.objects.create(municipality=m, kind=kind, name=name)

    town = Town(
        municipality=m,
        department=agency("福祉課", Agency.Kind.DEPARTMENT),
        owner_agency=agency("テスト町地域包括支援センター"),
        partner_agency=agency("テスト町障がい者相談支援センター"),
        unrelated_agency=agency("テスト町子育て世代包括支援センター"),
        coordinating_agency=agency("テスト町社会福祉協議会", Agency.Kind.ORGANISATION),
    )
    m.settings["coordinating_agency"] = town.coordinating_agency.name
    m.coordinating_agency = town.coordinating_agency
    m.save()
    return town


@pytest.fixture
def owner(town) -> User:
    return make_user("owner", town.owner_agency, Role.COUNSELLOR, "包括 一郎")


@pytest.fixture
def partner(town) -> User:
    return make_user("partner", town.partner_agency, Role.COUNSELLOR, "障害 二郎")


@pytest.fixture
def unrelated(town) -> User:
    return make_user("unrelated", town.unrelated_agency, Role.COUNSELLOR, "子育 三子")


@pytest.fixture
def coordinator(town) -> User:
    return make_user("coordinator", town.coordinating_agency, Role.COORDINATOR, "協働 四郎")


@pytest.fixture
def admin_user(town) -> User:
    return make_user("kanri", town.department, Role.ADMIN, "管理 五郎")


@pytest.fixture
def auditor(town) -> User:
    return make_user("kansa", town.department, Role.AUDITOR, "監査 六子")


# 管理者 and 監査 at every kind of agency: none of them may read case content.
NO_CONTENT_CAST = [
    "admin_user",
    "auditor",
    "admin_owner",
    "auditor_owner",
    "admin_coordinating",
    "auditor_coordinating",
    "admin_partner",
    "auditor_partner",
]


@pytest.fixture
def admin_owner(town) -> User:
    return make_user("kanri_houkatsu", town.owner_agency, Role.ADMIN, "包括 管理")


@pytest.fixture
def auditor_owner(town) -> User:
    return make_user("kansa_houkatsu", town.owner_agency, Role.AUDITOR, "包括 監査")


@pytest.fixture
def admin_coordinating(town) -> User:
    return make_user("kanri_shakyo", town.coordinating_agency, Role.ADMIN, "社協 管理")


@pytest.fixture
def auditor_coordinating(town) -> User:
    return make_user("kansa_shakyo", town.coordinating_agency, Role.AUDITOR, "社協 監査")


@pytest.fixture
def admin_partner(town) -> User:
    return make_user("kanri_shogai", town.partner_agency, Role.ADMIN, "障害 管理")


@pytest.fixture
def auditor_partner(town) -> User:
    return make_user("kansa_shogai", town.partner_agency, Role.AUDITOR, "障害 監査")
