"""From the first sign to consent and a case, through the HTTP client where a worker would."""

from __future__ import annotations

import datetime

import pytest

from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions as coordination
from tsunagu.intake.models import Consultation, CoordinationRequest
from tsunagu.outreach.models import ContactAttempt, OutreachEvent, OutreachRecord, Stage

from .conftest import TODAY, attempt, days_ago, walk_to_consent

pytestmark = pytest.mark.django_db


def post_attempt(client, record, **extra):
    data = {
        "date": days_ago(1).isoformat(),
        "means": "visit",
        "staff": "訪問 花子",
        "result": "absent",
        "content": "不在。メモを投函。",
        "next_step": "再訪問",
        "next_due": TODAY.isoformat(),
    }
    data.update(extra)
    return client.post(f"/outreach/{record.pk}/attempts/", data)


def test_register_partial_knowledge_without_a_name(client, outreach_town, worker, areas):
    client.force_login(worker)
    page = client.get("/outreach/new/")
    assert page.status_code == 200
    response = client.post(
        "/outreach/new/",
        {
            "agency": outreach_town.owner_agency.pk,
            "worker": worker.pk,
            "route": "arrears",
            "route_note": "上下水道課",
            "informant": "上下水道課 料金係",
            "informed_on": days_ago(3).isoformat(),
            "description": "南地区の70代女性、水道料金の滞納が半年続く。",
            "age_band": "70s",
            "sex": "female",
            "area": areas["south"].pk,
            "concerns": ["債務・滞納", "セルフネグレクト"],
            "urgency": "high",
        },
    )
    record = OutreachRecord.objects.get()
    assert response.status_code == 302
    assert record.person is None and record.stage == Stage.FOUND
    assert record.events.get().to_stage == Stage.FOUND
    detail = client.get(f"/outreach/{record.pk}/")
    assert "南地区・70代・女性" in detail.content.decode()
    assert "上下水道課 料金係" in detail.content.decode()


def test_future_informed_on_is_refused_and_nothing_saved(client, outreach_town, worker):
    client.force_login(worker)
    response = client.post(
        "/outreach/new/",
        {
            "agency": outreach_town.owner_agency.pk,
            "route": "neighbour",
            "informant": "近隣住民",
            "informed_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "description": "夜間に大声",
            "urgency": "low",
        },
    )
    assert response.status_code == 200
    assert "把握日: 未来の日付" in response.content.decode()
    assert not OutreachRecord.objects.exists()


def test_first_attempt_starts_trying_and_sets_the_next_step(client, record, worker):
    client.force_login(worker)
    assert post_attempt(client, record).status_code == 302
    record.refresh_from_db()
    assert record.stage == Stage.TRYING
    assert record.next_step == "再訪問" and record.next_due == TODAY
    assert record.last_activity_on == days_ago(1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", (TODAY + datetime.timedelta(days=2)).isoformat(), "日付: 未来の日付"),
        ("date", days_ago(400).isoformat(), "把握日"),
        ("next_due", days_ago(5).isoformat(), "次の対応の期日"),
        ("date", "２０２５ー１３ー４０", "日付を正しく入力してください"),
        ("staff", "a\x00b", "Null"),
    ],
)
def test_bad_attempt_is_refused_in_japanese(client, record, worker, field, value, message):
    client.force_login(worker)
    response = post_attempt(client, record, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode() or field == "staff"
    assert not ContactAttempt.objects.exists()


def test_attempt_on_a_closed_record_is_refused(client, record, worker):
    attempt(worker, record, day=days_ago(30))
    client.force_login(worker)
    closed = client.post(
        f"/outreach/{record.pk}/move/",
        {"to": "closed", "on": days_ago(1).isoformat(), "reason": "転居が確認された"},
    )
    assert closed.status_code == 302
    response = post_attempt(client, record)
    assert "「終結」の記録には接触の記録を追加できません" in response.content.decode()
    assert ContactAttempt.objects.count() == 1


def test_a_skipped_stage_is_refused(client, record, worker):
    client.force_login(worker)
    response = client.post(f"/outreach/{record.pk}/move/", {"to": "consented", "reason": ""})
    assert "「把握」のアウトリーチ記録を「同意」にはできません" in response.content.decode()
    record.refresh_from_db()
    assert record.stage == Stage.FOUND
    assert record.events.count() == 1


def test_contact_needs_an_attempt_that_reached_the_person(client, record, worker):
    attempt(worker, record, day=days_ago(30))  # 不在
    client.force_login(worker)
    response = client.post(f"/outreach/{record.pk}/move/", {"to": "contacted"})
    assert "本人と会話・面会できた接触の記録" in response.content.decode()
    attempt(worker, record, day=days_ago(20), result="through_door")
    client.post(f"/outreach/{record.pk}/move/", {"to": "contacted", "on": days_ago(1)})
    record.refresh_from_db()
    assert record.stage == Stage.CONTACTED
    assert record.first_contact_on == days_ago(20)  # from the attempt, not the click


def test_watching_needs_a_reason(client, record, worker):
    attempt(worker, record, day=days_ago(30))
    client.force_login(worker)
    response = client.post(f"/outreach/{record.pk}/move/", {"to": "watching", "reason": " "})
    assert "理由の入力が必要です" in response.content.decode()
    client.post(f"/outreach/{record.pk}/move/", {"to": "watching", "reason": "拒否が強い"})
    record.refresh_from_db()
    assert record.stage == Stage.WATCHING


def test_consent_needs_an_identified_person(record, worker):
    from tsunagu.lib.lifecycle import TransitionRefused
    from tsunagu.outreach.transitions import move

    attempt(worker, record, day=days_ago(30), result="met")
    move(record=record, actor=worker, to="contacted")
    move(record=record, actor=worker, to="rapport")
    with pytest.raises(TransitionRefused, match="本人を特定してください"):
        move(record=record, actor=worker, to="consented")


def test_hand_off_without_consent_is_refused_and_nothing_saved(client, record, worker):
    attempt(worker, record, day=days_ago(30), result="met")
    client.force_login(worker)
    response = client.post(f"/outreach/{record.pk}/hand-off/", {"kind": "consultation"})
    assert "本人の同意が記録されていないため引き継げません" in response.content.decode()
    assert not Consultation.objects.exists()
    record.refresh_from_db()
    assert record.stage == Stage.TRYING


def test_hand_off_to_coordination_carries_history_and_the_case_shows_it(
    client, outreach_town, record, worker, coordinator
):
    walk_to_consent(record, worker, outreach_town)
    client.force_login(worker)
    response = client.post(
        f"/outreach/{record.pk}/hand-off/",
        {"kind": "coordination", "reason": "8050世帯。母の介護と本人の就労の両方に支援が必要。"},
    )
    record.refresh_from_db()
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{consultation.pk}/"
    assert record.stage == Stage.HANDED_OFF and record.handed_off_on == TODAY
    assert record.consultation == consultation and consultation.person == record.person
    assert f"アウトリーチ記録 {record.pk}" in consultation.narrative
    assert "ドア越しに会話" in consultation.narrative and "面会" in consultation.narrative
    assert consultation.issue_tags == ["不登校・ひきこもり", "8050"]
    request = CoordinationRequest.objects.get()
    assert record.coordination_request == request
    assert request.to_agency == outreach_town.coordinating_agency
    # The coordinator opens the case; its page links back to the outreach record.
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    client.force_login(coordinator)
    page = client.get(f"/coordination/{case.pk}/").content.decode()
    assert f"アウトリーチ記録 {record.pk}" in page
    assert "民生委員・児童委員" in page
    # The history stays on the outreach record, now closed to new attempts.
    assert record.attempts.count() == 3
    assert list(record.events.values_list("to_stage", flat=True)) == [
        "found",
        "trying",
        "contacted",
        "rapport",
        "consented",
        "handed_off",
    ]


def test_hand_off_as_consultation(client, outreach_town, record, worker):
    walk_to_consent(record, worker, outreach_town)
    client.force_login(worker)
    client.post(f"/outreach/{record.pk}/hand-off/", {"kind": "consultation"})
    record.refresh_from_db()
    assert record.stage == Stage.HANDED_OFF
    assert record.consultation.agency == outreach_town.owner_agency
    assert not CoordinationRequest.objects.exists()


def test_hand_off_button_is_not_a_plain_stage_move(client, outreach_town, record, worker):
    walk_to_consent(record, worker, outreach_town)
    client.force_login(worker)
    response = client.post(f"/outreach/{record.pk}/move/", {"to": "handed_off"})
    assert "担当側だけが行えます" in response.content.decode()
    record.refresh_from_db()
    assert record.stage == Stage.CONSENTED


# --- identity found later -------------------------------------------------------------------


def test_identity_offers_candidates_and_links_a_visible_person(client, record, worker, owner):
    from tsunagu.people.actions import register_person

    known = register_person(
        user=owner,
        agency=record.agency,
        data={
            "family_name": "北山",
            "given_name": "健",
            "family_kana": "キタヤマ",
            "given_kana": "ケン",
            "birth_date": datetime.date(1972, 3, 4),
        },
    )
    client.force_login(worker)
    found = client.post(
        f"/outreach/{record.pk}/identity/",
        {
            "family_name": "北山",
            "given_name": "健",
            "family_kana": "キタヤマ",
            "given_kana": "ケン",
            "birth_date": "1972-03-04",
            "find": "1",
        },
    )
    assert "この本人と紐づける" in found.content.decode()
    linked = client.post(f"/outreach/{record.pk}/link/", {"person_id": known.pk})
    assert linked.status_code == 302
    record.refresh_from_db()
    assert record.person == known


def test_identity_registers_a_new_person_when_none_matches(client, record, worker):
    client.force_login(worker)
    client.post(
        f"/outreach/{record.pk}/identity/",
        {"family_name": "南川", "family_kana": "ミナミカワ", "register": "1"},
    )
    record.refresh_from_db()
    assert record.person.family_name == "南川"
    assert record.person.registered_by == record.agency


def test_identity_with_an_odd_id_is_refused_without_error(client, record, worker):
    client.force_login(worker)
    for value in ("abc", "99999999999999999999", "-1", "0"):
        response = client.post(f"/outreach/{record.pk}/link/", {"person_id": value})
        assert response.status_code == 302
    assert client.post(f"/outreach/{record.pk}/link/", {"person_id": 424242}).status_code == 404
    record.refresh_from_db()
    assert record.person is None


# --- the version lock and concurrent workers ----------------------------------------------


def edit_data(record, **extra):
    data = {
        "worker": record.worker_id or "",
        "route": record.route,
        "route_note": record.route_note,
        "informant": record.informant,
        "informed_on": record.informed_on.isoformat(),
        "description": record.description,
        "age_band": record.age_band,
        "sex": record.sex,
        "area": record.area_id or "",
        "whereabouts": record.whereabouts,
        "household_note": record.household_note,
        "concerns": record.concerns,
        "urgency": record.urgency,
        "version": record.version,
    }
    data.update(extra)
    return data


def test_two_edits_from_the_same_version_keep_the_first_and_show_a_conflict(client, record, worker):
    client.force_login(worker)
    first = client.post(f"/outreach/{record.pk}/edit/", edit_data(record, whereabouts="○○団地"))
    assert first.status_code == 302
    second = client.post(
        f"/outreach/{record.pk}/edit/", edit_data(record, household_note="母は入院中")
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "この記録は編集中に" in page and "あなたの変更は保存していません" in page
    assert "○○団地" in page  # what the other saved, shown beside what this editor typed
    record.refresh_from_db()
    assert record.whereabouts == "○○団地" and record.household_note == "80代の母と二人暮らし"
    assert record.version == 2


def test_two_workers_recording_attempts_at_once_lose_nothing(client, record, worker, owner):
    from django.test import Client

    other = Client()
    other.force_login(owner)
    client.force_login(worker)
    # Both loaded the page at the same state; both post.
    post_attempt(client, record, content="訪問 1", next_due="")
    post_attempt(other, record, content="電話 1", means="phone", next_due="", next_step="")
    assert sorted(ContactAttempt.objects.values_list("content", flat=True)) == ["訪問 1", "電話 1"]


# --- reminders ------------------------------------------------------------------------------


def test_due_attempts_and_quiet_records_show_in_the_workers_inbox(
    client, outreach_town, record, worker
):
    attempt(worker, record, day=days_ago(45), next_step="再訪問(夕方)", next_due=days_ago(2))
    client.force_login(worker)
    page = client.get("/intake/inbox/").content.decode()
    assert "再訪問(夕方)" in page and "期日超過" in page
    assert "30日以上記録のないアウトリーチ" in page
    outreach_town.municipality.settings["outreach_quiet_days"] = 60
    outreach_town.municipality.save()
    assert "記録のないアウトリーチ" not in client.get("/intake/inbox/").content.decode()


def test_inbox_shows_no_outreach_to_other_workers(client, record, worker, unrelated):
    attempt(worker, record, day=days_ago(5), next_step="再訪問(夕方)", next_due=TODAY)
    client.force_login(unrelated)
    assert "再訪問(夕方)" not in client.get("/intake/inbox/").content.decode()


def test_every_read_and_write_is_audited(client, record, worker):
    client.force_login(worker)
    before = AuditEvent.objects.count()
    client.get(f"/outreach/{record.pk}/")
    post_attempt(client, record)
    actions_logged = list(
        AuditEvent.objects.order_by("pk")[before:].values_list("action", "object_type")
    )
    assert ("view", "outreach.outreachrecord") in actions_logged
    assert ("create", "outreach.contactattempt") in actions_logged
    assert ("transition", "outreach.outreachrecord") in actions_logged


def test_events_record_who_and_why(record, worker):
    attempt(worker, record, day=days_ago(30))
    event = OutreachEvent.objects.get(to_stage="trying")
    assert event.by == worker and event.on == days_ago(30)
    assert "初回の接触" in event.reason


# --- a case in 見守り・アウトリーチ asks for outreach ------------------------------------


@pytest.fixture
def watching_case(outreach_town, owner, coordinator):
    from tsunagu.intake import actions as intake

    consultation = intake.take_consultation(
        staff=owner,
        agency=outreach_town.owner_agency,
        details=intake.ConsultationDetails(
            received_at=datetime.datetime.now(datetime.UTC),
            channel="agency",
            consulter="agency",
            urgency="medium",
            consent_status="refused",
        ),
        new_person=intake.NewPerson(family_name="東野", given_name="進"),
    )
    request = intake.request_coordination(
        requested_by=owner, consultation=consultation, reason="本人が支援を拒否"
    )
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    coordination.transition(case=case, to="conference", by=coordinator, reason="同意なし")
    return coordination.transition(case=case, to="watching", by=coordinator)


def test_a_watching_case_asks_for_outreach_and_shows_it(
    client, outreach_town, watching_case, coordinator, worker, unrelated
):
    client.force_login(coordinator)
    page = client.get(f"/coordination/{watching_case.pk}/").content.decode()
    assert "アウトリーチを依頼する" in page
    response = client.post(
        f"/outreach/from-case/{watching_case.pk}/",
        {"agency": outreach_town.owner_agency.pk, "note": "支援会議の方針: 月1回の訪問で見守る"},
    )
    record = OutreachRecord.objects.get()
    assert response.status_code == 302
    assert record.case == watching_case and record.person == watching_case.focus_person
    assert record.route == "meeting"
    page = client.get(f"/coordination/{watching_case.pk}/").content.decode()
    assert f"アウトリーチ記録 {record.pk}" in page and "この事例から依頼" in page
    # The outreach worker takes it from there; consent goes back to the case.
    attempt(worker, record, day=TODAY, result="met")
    from tsunagu.outreach.transitions import move

    move(record=record, actor=worker, to="contacted")
    move(record=record, actor=worker, to="rapport")
    move(record=record, actor=worker, to="consented")
    client.force_login(worker)
    refused = client.post(
        f"/outreach/{record.pk}/hand-off/", {"kind": "coordination", "reason": "x"}
    )
    assert refused.status_code == 200  # not a choice for a record asked by a case
    client.post(f"/outreach/{record.pk}/hand-off/", {"kind": "case"})
    record.refresh_from_db()
    assert record.stage == Stage.HANDED_OFF and record.consultation is None
    assert not Consultation.objects.exclude(pk=watching_case.request.consultation_id).exists()
    client.force_login(unrelated)
    assert client.post(f"/outreach/from-case/{watching_case.pk}/", {}).status_code == 404


def test_only_a_watching_case_may_ask_for_outreach(outreach_town, watching_case, coordinator):
    from tsunagu.outreach import actions

    coordination.transition(case=watching_case, to="conference", by=coordinator, reason="再検討")
    watching_case.refresh_from_db()
    with pytest.raises(actions.OutreachRefused, match="見守り・アウトリーチ"):
        actions.assign_from_case(
            user=coordinator, case=watching_case, agency=outreach_town.owner_agency
        )
