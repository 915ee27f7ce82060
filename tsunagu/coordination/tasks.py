"""Background tasks (django-tasks, database backend): run daily by the worker's scheduler."""

from django_tasks import task

from tsunagu.coordination import reminders


@task()
def run_reminders() -> int:
    return reminders.find_due()
