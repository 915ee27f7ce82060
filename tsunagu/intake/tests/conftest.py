import datetime

import pytest
from django.utils import timezone

from tsunagu.intake import actions
from tsunagu.intake.models import Means
from tsunagu.intake.tests.factories import details


@pytest.fixture
def consultation(town, owner):
    return actions.take_consultation(
        staff=owner,
        agency=town.owner_agency,
        details=details(),
        new_person=actions.NewPerson(
            family_name="髙橋",
            given_name="花子",
            family_kana="タカハシ",
            given_kana="ハナコ",
            birth_date=datetime.date(1944, 5, 1),
        ),
    )


@pytest.fixture
def note(consultation, owner):
    return actions.add_progress_note(
        staff=owner,
        consultation=consultation,
        date=timezone.localdate(),
        means=Means.VISIT,
        counterpart="本人・長男",
        content="長男は在宅。障害福祉サービスの利用を希望。",
    )


@pytest.fixture
def referral(town, owner, consultation, note):
    return actions.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency],
        reason="長男のひきこもりと障害の可能性",
        request="障害福祉サービスの相談",
        agreed_to_share="氏名・連絡先・相談内容の概要",
        notes=[note],
    )


@pytest.fixture
def task(referral):
    return referral.tasks.get()
