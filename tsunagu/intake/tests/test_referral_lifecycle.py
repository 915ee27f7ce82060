import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from tsunagu.access import policy
from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.accounts.models import Role
from tsunagu.intake import actions
from tsunagu.intake.models import (
    ConsentStatus,
    FailureReason,
    Outcome,
    RecipientTask,
    Side,
    TaskStatus,
)
from tsunagu.intake.tests.factories import details
from tsunagu.intake.transitions import (
    REFERRAL_TASK,
    TransitionRefused,
    change_consultation,
    transition,
)
from tsunagu.lib.workdays import add_working_days

S = TaskStatus


def referral_involvement(task):
    return Involvement.objects.filter(source="referral", source_id=task.pk)


def test_taking_a_consultation_grants_the_agency_an_involvement(consultation, town):
    rows = Involvement.objects.filter(source="consultation", source_id=consultation.pk)
    assert list(rows.values_list("agency_id", "ended_at")) == [(town.owner_agency.pk, None)]


def test_closing_a_consultation_ends_its_involvement_and_reopening_grants_it_again(
    consultation, owner
):
    rows = Involvement.objects.filter(source="consultation", source_id=consultation.pk)
    with pytest.raises(TransitionRefused, match="「この相談受付を終了する」には理由"):
        change_consultation(actor=owner, consultation=consultation, to="closed")
    change_consultation(actor=owner, consultation=consultation, to="closed", reason="解決")
    assert rows.get().ended_at is not None
    with pytest.raises(TransitionRefused, match="「終了」の相談受付を「終了」にはできません"):
        change_consultation(actor=owner, consultation=consultation, to="closed", reason="x")
    reopened = change_consultation(
        actor=owner, consultation=consultation, to="open", reason="再度の相談"
    )
    assert reopened.is_open and rows.filter(ended_at__isnull=True).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_type="intake.consultation", object_id=str(consultation.pk), action="update"
        ).count()
        == 2
    )


def test_whole_lifecycle_to_got_help_records_every_step(task, owner, partner, town):
    assert referral_involvement(task).get().ended_at is None
    for to in (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.IN_PROGRESS):
        transition(actor=partner, task=task, to=to)
    transition(actor=partner, task=task, to=S.COMPLETED, outcome=Outcome.GOT_HELP)
    task.refresh_from_db()
    assert task.status == S.COMPLETED and task.outcome == Outcome.GOT_HELP
    assert task.owner == partner and task.closed_at is not None
    steps = list(task.events.values_list("from_status", "to_status", "actor_id", "side"))
    assert steps[0] == ("", S.SENT, owner.pk, Side.SENDER)
    assert steps[-1] == (S.IN_PROGRESS, S.COMPLETED, partner.pk, Side.RECIPIENT)
    assert len(steps) == 7
    assert referral_involvement(task).get().ended_at is not None
    assert AuditEvent.objects.filter(action="transition", object_id=str(task.pk)).count() == 6


def test_recipient_access_ends_at_a_terminal_state(task, partner, referral):
    assert policy.can_view_referral(partner, referral)
    assert policy.can_view_person(partner, referral.person)
    transition(actor=partner, task=task, to=S.DECLINED, reason="対象外の地区です")
    assert not policy.can_view_referral(partner, referral)
    assert not policy.can_view_person(partner, referral.person)


def test_illegal_transition_is_refused_with_the_allowed_moves(task, partner):
    with pytest.raises(TransitionRefused) as refused:
        transition(actor=partner, task=task, to=S.COMPLETED, outcome=Outcome.GOT_HELP)
    assert "「送付」の依頼を「完了」にはできません" in str(refused.value)
    assert "受領" in str(refused.value)
    task.refresh_from_db()
    assert task.status == S.SENT and task.events.count() == 1


def test_sender_cannot_make_recipient_moves(task, owner):
    with pytest.raises(TransitionRefused, match="受け手の機関だけ"):
        transition(actor=owner, task=task, to=S.RECEIVED)


def test_recipient_cannot_withdraw(task, partner):
    with pytest.raises(TransitionRefused, match="送付元の機関だけ"):
        transition(actor=partner, task=task, to=S.WITHDRAWN, reason="x")


@pytest.mark.parametrize("who", ["unrelated", "coordinator", "auditor", "admin_user"])
def test_outsiders_cannot_move_a_task(task, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(TransitionRefused):
        transition(actor=user, task=task, to=S.RECEIVED)


def test_people_cannot_expire_a_task(task, owner, partner):
    for user in (owner, partner):
        with pytest.raises(TransitionRefused, match="システム"):
            transition(actor=user, task=task, to=S.EXPIRED)


@pytest.mark.parametrize(
    ("path", "to", "kwargs", "message"),
    [
        ([S.RECEIVED], S.DECLINED, {}, "「辞退する」には理由"),
        ([S.RECEIVED, S.ACCEPTED], S.FAILED, {"reason": "x"}, "理由の区分"),
        (
            [S.RECEIVED, S.ACCEPTED],
            S.FAILED,
            {"failure_reason": FailureReason.NOT_REACHED, "reason": " "},
            "「つながらなかった」には理由",
        ),
        ([S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS], S.COMPLETED, {}, "結果"),
        ([S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS], S.COMPLETED, {"outcome": "bogus"}, "結果"),
    ],
)
def test_missing_outcome_or_reason_is_refused(task, partner, path, to, kwargs, message):
    for step in path:
        transition(actor=partner, task=task, to=step)
    with pytest.raises(TransitionRefused, match=message):
        transition(actor=partner, task=task, to=to, **kwargs)
    task.refresh_from_db()
    assert task.status == path[-1]


def test_withdrawal_needs_a_reason_and_ends_recipient_access(task, owner, partner):
    with pytest.raises(TransitionRefused, match="「取り下げる」には理由"):
        transition(actor=owner, task=task, to=S.WITHDRAWN)
    transition(actor=owner, task=task, to=S.WITHDRAWN, reason="本人が転出")
    assert referral_involvement(task).get().ended_at is not None


def test_failed_records_its_reason_code(task, partner):
    for step in (S.RECEIVED, S.ACCEPTED):
        transition(actor=partner, task=task, to=step)
    transition(
        actor=partner,
        task=task,
        to=S.FAILED,
        failure_reason=FailureReason.NOT_REACHED,
        reason="3回電話",
    )
    event = task.events.last()
    assert (event.to_status, event.failure_reason, event.reason) == (
        S.FAILED,
        FailureReason.NOT_REACHED,
        "3回電話",
    )


@pytest.mark.parametrize("terminal", [S.COMPLETED, S.DECLINED, S.FAILED, S.WITHDRAWN, S.EXPIRED])
def test_no_move_leaves_a_terminal_state(terminal):
    assert not REFERRAL_TASK.moves_from(terminal)


def test_terminal_task_refuses_every_further_move(task, partner, owner):
    transition(actor=partner, task=task, to=S.DECLINED, reason="定員超過")
    for actor, to in ((partner, S.RECEIVED), (owner, S.WITHDRAWN)):
        with pytest.raises(TransitionRefused):
            transition(actor=actor, task=task, to=to, reason="x")


# --- sending refusals ---------------------------------------------------------------------


def send(town, owner, consultation, **overrides):
    kwargs = dict(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency],
        reason="r",
        request="q",
        agreed_to_share="s",
    )
    kwargs.update(overrides)
    return actions.send_referral(**kwargs)


@pytest.mark.parametrize(
    ("status", "message"),
    [(ConsentStatus.REFUSED, "同意していない"), (ConsentStatus.NOT_ASKED, "同意を確認")],
)
def test_referral_needs_consent(town, owner, consultation, status, message):
    consultation.consent_status = status
    consultation.save()
    with pytest.raises(actions.IntakeRefused, match=message):
        send(town, owner, consultation)


def test_referral_outside_the_consent_scope_is_refused(town, owner, consultation):
    consultation.consent_agencies.set([town.coordinating_agency])
    with pytest.raises(
        actions.IntakeRefused, match="同意の範囲に含まれない機関があります: テスト町障がい"
    ):
        send(town, owner, consultation)


def test_referral_input_refusals(town, owner, consultation, unrelated):
    with pytest.raises(actions.IntakeRefused, match="1つ以上"):
        send(town, owner, consultation, recipients=[])
    with pytest.raises(actions.IntakeRefused, match="送付元の機関自身"):
        send(town, owner, consultation, recipients=[town.owner_agency])
    with pytest.raises(PermissionDenied):
        send(town, unrelated, consultation)
    with pytest.raises(actions.IntakeRefused, match="閲覧する権限"):
        send(town, unrelated, consultation, sender_agency=town.unrelated_agency)


def test_notes_of_another_consultation_cannot_be_attached(town, owner, consultation):
    other = actions.take_consultation(
        staff=owner, agency=town.owner_agency, details=details(), person=consultation.person
    )
    foreign = actions.add_progress_note(
        staff=owner, consultation=other, date=datetime.date.today(), means="phone", content="x"
    )
    with pytest.raises(actions.IntakeRefused, match="添付できるのは"):
        send(town, owner, consultation, notes=[foreign])


def test_a_partner_department_can_refer_without_a_consultation(town, owner, consultation):
    tax = town.department
    clerk = make_user("zei", tax, Role.COUNSELLOR)
    policy.grant_involvement(person=consultation.person, agency=tax, source="registered")
    referral = actions.send_referral(
        sender=clerk,
        sender_agency=tax,
        person=consultation.person,
        recipients=[town.owner_agency],
        reason="滞納が続いている",
        request="生活状況の確認",
        agreed_to_share="氏名・住所",
    )
    assert referral.tasks.get().agency == town.owner_agency


# --- deadlines ----------------------------------------------------------------------------


def test_working_days_skip_weekends_holidays_and_year_end():
    assert add_working_days(datetime.date(2026, 11, 20), 1) == datetime.date(2026, 11, 24)
    assert add_working_days(datetime.date(2026, 12, 28), 1) == datetime.date(2027, 1, 4)
    assert add_working_days(datetime.date(2026, 11, 24), 5) == datetime.date(2026, 12, 1)


def test_due_date_uses_the_profile_working_days(task, town, referral):
    expected = add_working_days(timezone.localdate(referral.sent_at), 5)
    assert task.due_on == expected


def test_expire_moves_only_unanswered_overdue_tasks(town, owner, partner, consultation, task):
    answered = send(town, owner, consultation, recipients=[town.coordinating_agency])
    answered_task = answered.tasks.get()
    coord = make_user("coord2", town.coordinating_agency, Role.COUNSELLOR)
    transition(actor=coord, task=answered_task, to=S.RECEIVED)
    transition(actor=coord, task=answered_task, to=S.ACCEPTED)
    after_due = task.due_on + datetime.timedelta(days=1)
    assert actions.expire_referrals(today=task.due_on) == 0
    call_command("expire_referrals", today=after_due.isoformat())
    task.refresh_from_db()
    answered_task.refresh_from_db()
    assert task.status == S.EXPIRED and task.events.last().actor is None
    assert task.events.last().side == Side.SYSTEM
    assert answered_task.status == S.ACCEPTED
    assert referral_involvement(task).get().ended_at is not None
    assert actions.expire_referrals(today=after_due) == 0
    assert RecipientTask.objects.overdue(after_due).count() == 0


# --- 支援依頼 --------------------------------------------------------------------------------


def test_request_coordination_goes_to_the_profile_coordinating_body(consultation, owner, town):
    req = actions.request_coordination(
        requested_by=owner, consultation=consultation, reason="世帯全体の課題が複合"
    )
    assert (req.to_agency, req.from_agency, req.status) == (
        town.coordinating_agency,
        town.owner_agency,
        "requested",
    )
    with pytest.raises(actions.IntakeRefused, match="回答待ちの支援依頼"):
        actions.request_coordination(requested_by=owner, consultation=consultation, reason="再")


def test_request_coordination_refusals(consultation, owner, unrelated, town):
    with pytest.raises(actions.IntakeRefused, match="依頼理由"):
        actions.request_coordination(requested_by=owner, consultation=consultation, reason=" ")
    with pytest.raises(PermissionDenied):
        actions.request_coordination(requested_by=unrelated, consultation=consultation, reason="x")
    town.municipality.coordinating_agency = None
    town.municipality.save()
    consultation.refresh_from_db()
    with pytest.raises(actions.IntakeRefused, match=r"依頼先.*設定されていません"):
        actions.request_coordination(requested_by=owner, consultation=consultation, reason="x")
