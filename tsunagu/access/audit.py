"""The audit log: one entry point, ``log``; append-only and hash-chained.

Each event's hash covers its own content and the previous event's hash, so
``manage.py verify_audit`` (``verify_chain``) finds the first event that was altered or
removed. Someone able to rewrite the whole table could recompute every hash after their
change, so ``manage.py anchor_audit`` writes the chain's current end (event id and hash)
to a file kept outside the database, and ``verify_audit --anchors FILE`` checks that every
anchored event is still there with the same hash (``check_anchors``).

Writers serialise on the one ``AuditChainHead`` row (locked FOR UPDATE on PostgreSQL;
SQLite's IMMEDIATE transactions already serialise), so the chain never forks.

What to log: every view of a person's record or of a record about a person (``view``),
every result list (``search``/``list``) and every export (``export``) with the persons it
showed as ``person_ids=[…]`` in the detail, and every change (``create``, ``update``,
``merge``…), in the same transaction as the read or write, with ``person=`` set so the log
can be searched by person.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tsunagu.access.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
logger = logging.getLogger(__name__)


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
    user,
    action: str,
    obj=None,
    *,
    person=None,
    purpose: str = "",
    agency=None,
    person_ids=None,
    **detail,
) -> AuditEvent:
    """Write one audit event in the caller's transaction.

    ``action``: view, list, search, export, create, update, merge, unmerge, …
    ``person``: the person whose data was touched (a Person or its id), for search by person.
    ``person_ids``: every person a list, search or file showed (kept sorted, once each).
    """
    if person_ids is not None:
        detail["person_ids"] = sorted({pk for pk in person_ids if pk is not None})
    object_type, object_id = _object_ref(obj)
    person_id = getattr(person, "pk", person)
    if agency is None and user is not None and getattr(user, "is_authenticated", False):
        ids = sorted(user.agency_ids())
        agency_id = ids[0] if ids else None
    else:
        agency_id = getattr(agency, "pk", agency)
    # No savepoint: a failed audit write must abort the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        prev_hash = head.hash
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
        AuditChainHead.objects.filter(pk=head.pk).update(last_event_id=event.pk, hash=event.hash)
    return event


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # only on a database emptied without migrations (test flushes)
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=1, hash=GENESIS)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _when(event: AuditEvent) -> str:
    return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")


def anchor() -> dict:
    """The chain's current end, to be kept where the database's administrators cannot write."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "at": timezone.now().isoformat(timespec="seconds"),
        "last_event_id": head.last_event_id if head else None,
        "hash": head.hash if head else GENESIS,
    }


def write_anchor(path) -> str:
    """Append the current anchor to ``path`` (one JSON object per line) and log it too, so
    that it also reaches wherever the server's logs are kept. Returns the line."""
    line = json.dumps(anchor(), ensure_ascii=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    logger.info("audit anchor %s", line)
    return line


def check_anchors(anchors: list[dict]) -> str | None:
    """Japanese description of the first anchor the log no longer matches, or None."""
    for kept in anchors:
        if kept["last_event_id"] is None:
            continue
        event = AuditEvent.objects.filter(pk=kept["last_event_id"]).first()
        if event is None or event.hash != kept["hash"]:
            return (
                f"監査ログ #{kept['last_event_id']} が控え({kept['at']} 時点)と一致しません。"
                "控えの作成後に、それ以前の記録が書き換えられています。"
            )
    return None


def verify_chain() -> tuple[int, str | None]:
    """(events checked, Japanese description of the first problem or None)."""
    expected_prev, last, count = GENESIS, None, 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            before = f"#{last.pk}" if last else "なし（先頭）"
            return count, (
                f"監査ログ #{event.pk}（{_when(event)}）の直前の記録が削除または変更されています"
                f"（最後に正しく確認できた記録: {before}）。"
            )
        if _digest(event.prev_hash, event_fields(event)) != event.hash:
            return (
                count,
                f"監査ログ #{event.pk}（{_when(event)}）の内容が記録後に変更されています。",
            )
        expected_prev, last, count = event.hash, event, count + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.hash != expected_prev:
        after = f"#{last.pk}（{_when(last)}）" if last else "先頭"
        return count, (
            f"監査ログ {after} より後の記録（#{head.last_event_id} まで）が削除されています。"
        )
    return count, None
