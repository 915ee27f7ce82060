from django.urls import reverse
from django.utils import timezone

from tsunagu.intake import actions, stats
from tsunagu.intake.models import FailureReason, Outcome, RecipientTask, TaskStatus
from tsunagu.intake.transitions import transition
from tsunagu.lib.wareki import fiscal_year

S = TaskStatus


def send(town, owner, consultation, agency):
    referral = actions.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[agency],
        reason="r",
        request="q",
        agreed_to_share="s",
    )
    return referral.tasks.get()


def walk(task, actor, *steps, **last):
    for step in steps[:-1]:
        transition(actor=actor, task=task, to=step)
    transition(actor=actor, task=task, to=steps[-1], **last)


def test_loop_closed_figures_match_a_recount_of_the_data(
    client, town, owner, partner, consultation
):
    got_help = send(town, owner, consultation, town.partner_agency)
    walk(got_help, partner, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED,
         outcome=Outcome.GOT_HELP)  # fmt: skip
    partial = send(town, owner, consultation, town.partner_agency)
    walk(partial, partner, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED,
         outcome=Outcome.PARTIAL)  # fmt: skip
    failed = send(town, owner, consultation, town.partner_agency)
    walk(failed, partner, S.RECEIVED, S.ACCEPTED, S.FAILED,
         failure_reason=FailureReason.NOT_REACHED, reason="x")  # fmt: skip
    withdrawn = send(town, owner, consultation, town.partner_agency)
    transition(actor=owner, task=withdrawn, to=S.WITHDRAWN, reason="転出")
    send(town, owner, consultation, town.partner_agency)  # still open

    fy = fiscal_year(timezone.localdate())
    tasks = list(RecipientTask.objects.all())
    closed = sum(t.status in (S.COMPLETED, S.DECLINED, S.FAILED) for t in tasks)
    helped = sum(t.status == S.COMPLETED and t.outcome == Outcome.GOT_HELP for t in tasks)
    (row,) = stats.loop_rates(municipality_id=town.municipality.pk, fiscal_year=fy)
    assert (row.sent, row.loop_closed, row.got_help) == (len(tasks), closed, helped) == (5, 3, 1)
    assert row.loop_closed_rate == 3 / 5 and row.got_help_rate == 1 / 5
    (by_recipient,) = stats.loop_rates(
        municipality_id=town.municipality.pk, fiscal_year=fy, by="recipient"
    )
    assert by_recipient.agency_id == town.partner_agency.pk and by_recipient.sent == 5
    assert stats.loop_rates(municipality_id=town.municipality.pk, fiscal_year=fy - 1) == []

    client.force_login(owner)
    body = client.get(reverse("intake:loop_stats") + f"?fy={fy}").content.decode()
    assert "<td>5</td><td>3</td><td>60%</td><td>1</td><td>20%</td>" in body.replace("\n", "")


def test_fiscal_year_runs_april_to_march():
    import datetime

    assert fiscal_year(datetime.date(2026, 3, 31)) == 2025
    assert fiscal_year(datetime.date(2026, 4, 1)) == 2026
