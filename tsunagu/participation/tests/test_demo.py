"""The demo, seeded on a real profile: persons at every stage, and matching judged on what
each demo person wrote — the offer they were placed at (what their needs describe) ranks
first."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.participation import search
from tsunagu.participation.models import Offer, ParticipationRecord, Stage


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_profile", "kobayashi", stdout=out)
    call_command("seed_demo", profile="kobayashi", scale="small", stdout=out)
    return out.getvalue()


def test_demo_persons_in_every_stage_and_the_top_offer_fits_what_they_wrote(demo):
    assert "参加支援: 受入メニュー" in demo
    records = ParticipationRecord.objects.all()
    assert set(records.values_list("stage", flat=True)) == set(Stage.values)
    assert all(r.wishes and r.kinds and r.days for r in records)
    assert (
        Offer.objects.filter(
            organization__host_profile__agency__name="小林市社会福祉協議会"
        ).count()
        > 10
    )


def test_top_offer_fits_what_each_person_wrote(demo):
    today = timezone.localdate()
    for record in ParticipationRecord.objects.select_related("person", "area"):
        top = search.match_offers(record, today=today, limit=1)[0]
        placed = record.placements.order_by("pk").first()
        expected = placed.offer if placed else Offer.objects.get(title="野菜の収穫・袋詰め")
        assert top.offer == expected, (record.wishes, top.fit.explanation)
        assert "希望の記述に近い内容" in top.fit.explanation
