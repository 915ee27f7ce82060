import datetime
import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tsunagu.intake.models import RecipientTask, TaskStatus


# The worker closes its database connection when done, as a real worker process does, so
# this test cannot run inside the usual per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_daily_jobs_are_queued_and_the_worker_expires_overdue_referrals(task, settings, tmp_path):
    RecipientTask.objects.filter(pk=task.pk).update(due_on=datetime.date(2020, 1, 6))
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"

    call_command("enqueue_daily", stdout=io.StringIO())
    assert DBTaskResult.objects.count() == 3
    call_command(
        "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
    )

    task.refresh_from_db()
    assert task.status == TaskStatus.EXPIRED
    assert '"last_event_id"' in settings.AUDIT_ANCHOR_FILE.read_text(encoding="utf-8")
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_inbox_loads_the_agency_assignments_and_reminders(client, owner):
    client.force_login(owner)
    html = client.get("/intake/inbox/").content.decode()
    assert 'hx-get="/coordination/my-assignments/"' in html
    assert "自機関の役割分担と期日のお知らせを見る" in html
    fragment = client.get("/coordination/my-assignments/", HTTP_HX_REQUEST="true").content.decode()
    assert "期日のお知らせ" in fragment and "<html" not in fragment
