import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tsunagu.coordination import actions, tasks
from tsunagu.coordination.models import Reminder, Stage

from .conftest import MeetingDecision, walk_to


@pytest.fixture
def supported(case, coordinator, town):
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    plan = case.latest_plan()
    plan.monitoring_due = datetime.date(2026, 7, 1)
    plan.save()
    plan.assignments.update(until=datetime.date(2026, 7, 3))
    actions.approve_plan(plan=plan, approver=coordinator, decision=MeetingDecision())
    case.refresh_from_db()
    return case


def test_due_review_and_assignment_make_reminders_once(supported, town):
    out = StringIO()
    call_command("run_reminders", "--today", "2026-06-28", stdout=out)
    assert "作成したお知らせ: 2件" in out.getvalue()
    review = Reminder.objects.get(kind="review")
    assert review.agency == town.coordinating_agency
    assert Reminder.objects.get(kind="assignment").agency == town.partner_agency
    call_command("run_reminders", "--today", "2026-06-29", stdout=StringIO())
    assert Reminder.objects.count() == 2


def test_nothing_is_due_before_the_lead_time(supported):
    call_command("run_reminders", "--today", "2026-06-01", stdout=StringIO())
    assert not Reminder.objects.exists()


def test_task_runs_through_django_tasks(supported):
    result = tasks.run_reminders.enqueue()
    assert result.id  # stored by the database backend for the worker


def test_reminders_close_when_done_and_show_in_inbox(client, supported, partner, coordinator):
    call_command("run_reminders", "--today", "2026-06-28", stdout=StringIO())
    client.force_login(partner)
    body = client.get(reverse("coordination:my_assignments")).content.decode()
    assert "「長男の社会参加」の期限 令和8年7月3日 (2026)" in body
    assignment = supported.current_plan().assignments.get()
    actions.set_assignment_status(assignment=assignment, by=partner, status="done")
    actions.record_monitoring(
        case=supported,
        by=coordinator,
        data={
            "reviewed_on": datetime.date(2026, 7, 1),
            "goal_progress": "順調",
            "result": "continue",
        },
    )
    call_command("run_reminders", "--today", "2026-06-28", stdout=StringIO())
    assert not Reminder.objects.filter(done_at__isnull=True).exists()


def test_inbox_fragment_for_htmx(client, supported, partner):
    call_command("run_reminders", "--today", "2026-06-28", stdout=StringIO())
    client.force_login(partner)
    response = client.get(reverse("coordination:my_assignments"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="coordination-inbox"' in body and "<html" not in body
