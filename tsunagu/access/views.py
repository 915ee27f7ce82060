"""The audit log page: an agency's 監査 reads its own agency's events, a 全庁監査 all of them
(access/policy/audit.py). Reading it is itself audited."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.forms import AuditSearchForm

PAGE_SIZE = 50


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(user, data: dict):
    rows = policy.visible_audit_events(user).select_related("user", "agency").order_by("-pk")
    if data.get("person_id"):
        rows = rows.filter(person_id=data["person_id"])
    if data.get("user"):
        rows = rows.filter(user=data["user"])
    if data.get("action"):
        rows = rows.filter(action=data["action"].strip())
    if data.get("date_from"):
        rows = rows.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        rows = rows.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    return rows


@login_required
def audit_log(request):
    if not policy.can_read_audit_log(request.user):
        raise PermissionDenied("監査ログは監査・全庁監査の役割の利用者のみ閲覧できます。")
    form = AuditSearchForm(request.GET or None, users=policy.audit_log_users(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(_filtered(request.user, data), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log(
        request.user,
        "view",
        "access.auditevent",
        person=data.get("person_id"),
        purpose="監査ログの閲覧",
        filters={k: str(v.pk if hasattr(v, "pk") else v) for k, v in data.items() if v},
        page=page.number,
    )
    return render(
        request,
        "access/audit_log.html",
        {"form": form, "page": page, "municipal": policy.is_municipal_auditor(request.user)},
    )
