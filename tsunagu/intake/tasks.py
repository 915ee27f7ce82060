"""Background tasks (django-tasks, database backend): run daily by the worker's scheduler."""

from django_tasks import task

from tsunagu.intake import actions


@task()
def expire_referrals() -> int:
    return actions.expire_referrals()
