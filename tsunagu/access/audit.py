"""The audit log: one entry point, ``log``; append-only and hash-chained.

Each event's hash covers its own content and the previous event's hash, so
``manage.py verify_audit`` finds the first event that was altered or removed.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from tsunagu.access.models import AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def event_fields(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(),
        "user": event.user_id,
        "agency": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "purpose": event.purpose,
        "detail": event.detail,
    }


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, str):
        return obj, ""
    return obj._meta.label_lower, str(obj.pk)


def log(
    user, action: str, obj=None, *, person=None, purpose: str = "", agency=None, **detail
) -> AuditEvent:
    """Write one audit event in the caller's transaction.

    ``action``: view, list, search, export, create, update, merge, unmerge, …
    ``person``: the person whose data was touched (a Person or its id), for search by person.
    """
    object_type, object_id = _object_ref(obj)
    person_id = getattr(person, "pk", person)
    if agency is None and user is not None and getattr(user, "is_authenticated", False):
        ids = sorted(user.agency_ids())
        agency_id = ids[0] if ids else None
    else:
        agency_id = getattr(agency, "pk", agency)
    with transaction.atomic():
        last = AuditEvent.objects.select_for_update().order_by("-pk").values("hash").first()
        prev_hash = last["hash"] if last else GENESIS
        event = AuditEvent(
            at=timezone.now(),
            user_id=getattr(user, "pk", None)
            if user is not None and user.is_authenticated
            else None,
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            person_id=person_id,
            purpose=purpose,
            detail=detail,
            prev_hash=prev_hash,
        )
        event.hash = _digest(prev_hash, event_fields(event))
        event.save(force_insert=True)
    return event
