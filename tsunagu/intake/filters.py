"""The filters of 相談受付一覧 (people/search.py holds the shared fields and rules)."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.access import policy
from tsunagu.municipality.areas import area_choices
from tsunagu.people.search import RecordFilterForm


class ConsultationFilterForm(RecordFilterForm):
    period_label = "受付日"
    person_path = "person__"
    worker_column = "staff_id"
    date_column = "received_at"
    address_columns = ("household__address", "person__address")
    # Opens on 受付中: an agency's whole history (hundreds of thousands of rows in a city)
    # is one tab away, not counted on every visit.
    states = [("open", "受付中"), ("closed", "終了"), ("all", "すべて")]
    closed = Q(closed_at__isnull=False)

    def __init__(self, data, *, user):
        super().__init__(
            data,
            user=user,
            workers=policy.colleagues(user),
            agencies=policy.content_agencies(user),
            areas=area_choices(policy.home_municipality_id(user)),
        )
        self.fields["worker"].label = "担当者(受付者)"
        self.fields["agency"].label = "受付機関"
