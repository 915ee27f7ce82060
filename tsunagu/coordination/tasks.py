"""Background tasks (django-tasks, database backend): enqueued daily by `manage.py enqueue_daily`
(cron) and run by `manage.py db_worker`."""

from django_tasks import task

from tsunagu.coordination import reminders


@task()
def run_reminders() -> int:
    return reminders.find_due()
