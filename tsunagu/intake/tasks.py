"""Background tasks (django-tasks, database backend): enqueued daily by `manage.py enqueue_daily`
(cron) and run by `manage.py db_worker`."""

from django_tasks import task

from tsunagu.intake import actions


@task()
def expire_referrals() -> int:
    return actions.expire_referrals()
