"""The lifecycle: the main path with its placement dates, refusals with Japanese reasons."""

import datetime

import pytest
from django.utils import timezone

from tsunagu.access.models import AuditEvent
from tsunagu.lib.lifecycle import TransitionRefused
from tsunagu.participation.models import ParticipationEvent, PlacementOutcome, Stage
from tsunagu.participation.transitions import LIFECYCLE, move

pytestmark = pytest.mark.django_db


def test_main_path_writes_each_date_on_the_placement(record, staff, farm_offer):
    day = timezone.localdate()
    move(record=record, to=Stage.MATCHING, by=staff, offer=farm_offer)
    move(record=record, to=Stage.VISIT, by=staff, on=day - datetime.timedelta(days=3))
    move(record=record, to=Stage.TRIAL, by=staff, on=day - datetime.timedelta(days=2))
    move(record=record, to=Stage.ACTIVE, by=staff)
    record = move(record=record, to=Stage.SETTLED, by=staff)
    p = record.current_placement()
    assert record.stage == Stage.SETTLED
    assert (p.offer, p.visited_on, p.started_on, p.settled_on) == (
        farm_offer,
        day - datetime.timedelta(days=3),
        day,
        day,
    )
    assert list(record.events.values_list("to_stage", flat=True)) == [
        "matching",
        "visit",
        "trial",
        "active",
        "settled",
    ]
    events = AuditEvent.objects.filter(
        action="transition", object_type="participation.participationrecord"
    )
    assert list(events.values_list("person_id", flat=True)) == [record.person_id] * 5


def test_a_second_proposal_ends_the_first_as_not_chosen(record, staff, farm_offer, salon_offer):
    move(record=record, to=Stage.MATCHING, by=staff, offer=farm_offer)
    move(record=record, to=Stage.VISIT, by=staff)
    with pytest.raises(TransitionRefused, match="理由の入力が必要"):
        move(record=record, to=Stage.MATCHING, by=staff, offer=salon_offer)
    move(record=record, to=Stage.MATCHING, by=staff, offer=salon_offer, reason="人が多すぎた")
    first, second = record.placements.order_by("pk")
    assert first.outcome == PlacementOutcome.NOT_CHOSEN and first.ended_on
    assert record.current_placement() == second


def test_skipping_stages_is_refused_with_the_possible_moves(record, staff):
    with pytest.raises(TransitionRefused) as refused:
        move(record=record, to=Stage.ACTIVE, by=staff)
    assert "「相談」の参加支援の記録を「参加中」にはできません" in str(refused.value)
    assert "受入先を提案する" not in str(refused.value)  # lists stages, not labels
    assert "マッチング" in str(refused.value)


def test_proposal_needs_an_offer(record, staff):
    with pytest.raises(TransitionRefused, match="受入メニューを選んでください"):
        move(record=record, to=Stage.MATCHING, by=staff)


def test_interruption_needs_a_reason_category(record, staff, farm_offer):
    move(record=record, to=Stage.MATCHING, by=staff, offer=farm_offer)
    with pytest.raises(TransitionRefused, match="理由の入力が必要"):
        move(record=record, to=Stage.INTERRUPTED, by=staff, category="health")
    with pytest.raises(TransitionRefused, match="中断の理由"):
        move(record=record, to=Stage.INTERRUPTED, by=staff, reason="体調を崩した")
    record = move(
        record=record, to=Stage.INTERRUPTED, by=staff, reason="体調を崩した", category="health"
    )
    assert record.interruption_reason == "health"
    assert record.placements.get().outcome == PlacementOutcome.INTERRUPTED
    event = ParticipationEvent.objects.get(to_stage=Stage.INTERRUPTED)
    assert event.interruption_reason == "health" and event.offer == farm_offer


def test_future_dates_are_refused(record, staff, farm_offer):
    with pytest.raises(TransitionRefused, match="未来の日付"):
        move(
            record=record,
            to=Stage.MATCHING,
            by=staff,
            offer=farm_offer,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )


@pytest.mark.parametrize("who", ["coordinator_partner", "auditor", "unrelated"])
def test_only_participation_staff_move_records(record, who, request, partner, town):
    user = partner if who == "coordinator_partner" else request.getfixturevalue(who)
    with pytest.raises(TransitionRefused, match="担当側だけ"):
        move(record=record, to=Stage.CLOSED, by=user, reason="終了")


def test_closing_from_settled_and_reopening_after_interruption(record, staff, farm_offer):
    move(record=record, to=Stage.MATCHING, by=staff, offer=farm_offer)
    move(record=record, to=Stage.INTERRUPTED, by=staff, reason="連絡なし", category="unreachable")
    record = move(record=record, to=Stage.CONSULTATION, by=staff, reason="本人から連絡")
    assert record.interruption_reason == ""
    record = move(record=record, to=Stage.CLOSED, by=staff, reason="転居")
    assert record.closed_on == timezone.localdate()
    assert LIFECYCLE.open_moves(record.stage, {"staff"}) == []
