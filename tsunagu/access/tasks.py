"""Background tasks of the access app (django-tasks, enqueued daily by `manage.py enqueue_daily`)."""

from django.conf import settings
from django_tasks import task

from tsunagu.access.audit import write_anchor


@task()
def anchor_audit() -> str:
    return write_anchor(settings.AUDIT_ANCHOR_FILE)
