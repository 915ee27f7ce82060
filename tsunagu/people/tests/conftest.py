import datetime

import pytest

from tsunagu.access import policy
from tsunagu.people import actions


def person_data(**overrides):
    data = {
        "family_name": "髙橋",
        "given_name": "花子",
        "family_kana": "タカハシ",
        "given_kana": "ハナコ",
        "birth_date": datetime.date(1944, 5, 1),
        "address": "テスト町本町1-2-3",
    }
    return data | overrides


@pytest.fixture
def person(town, owner, partner):
    """Registered by the owner agency; the partner agency works with her too."""
    hanako = actions.register_person(user=owner, agency=town.owner_agency, data=person_data())
    policy.grant_involvement(person=hanako, agency=town.partner_agency, source="referral")
    return hanako
