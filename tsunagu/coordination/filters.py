"""The filters of 事例一覧 (people/search.py holds the shared fields and rules)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import Q, QuerySet

from tsunagu.access import policy
from tsunagu.accounts.models import User
from tsunagu.municipality.areas import area_choices
from tsunagu.people.search import RecordFilterForm

from .models import CaseQuerySet, Stage

# The stages of a case in progress; 終結 has its own tab.
OPEN_STAGES = [(value, label) for value, label in Stage.choices if value != Stage.CLOSED]


class CaseFilterForm(RecordFilterForm):
    period_label = "開始日"
    person_path = "focus_person__"
    worker_column = "coordinator_id"
    date_column = "opened_at"
    address_columns = ("household__address", "focus_person__address")
    # Closed cases are apart: the list opens on the cases in progress (中断 included, as it
    # can resume); 終結した事例 is one tab away.
    states = [("open", "進行中"), ("closed", "終結した事例"), ("all", "すべて")]
    closed = Q(stage=Stage.CLOSED)
    field_order = ["stage", "q", "worker", "agency", "area", "since", "until"]

    stage = forms.ChoiceField(
        label="段階",
        required=False,
        choices=[("", "すべて"), *OPEN_STAGES],
        error_messages={"invalid_choice": "段階は一覧から選んでください。"},
    )

    def __init__(self, data, *, user, cases: QuerySet):
        """``cases``: the policy's visible cases, whose coordinators are the 担当者 offered."""
        super().__init__(
            data,
            user=user,
            workers=User.objects.filter(pk__in=cases.values("coordinator_id")).order_by(
                "display_name", "username"
            ),
            agencies=policy.content_agencies(user),
            areas=area_choices(policy.home_municipality_id(user)),
        )

    def narrow(self, rows: QuerySet) -> QuerySet:
        rows = super().narrow(rows)
        stage = self.cleaned_data.get("stage")
        return rows.filter(stage=stage) if stage else rows

    def narrow_agency(self, rows: QuerySet, agency_id: int) -> QuerySet:
        return cast(CaseQuerySet, rows).with_agency(agency_id)

    def naming_person(self, rows: QuerySet) -> QuerySet:
        return policy.cases_naming_person(self.user, rows)
