"""Finding a person's records: 本人検索's name match, and the filters the record lists share
(相談受付一覧, 事例一覧).

Every filter narrows the queryset the access policy returned (``policy.visible_<things>``)
and none can widen it: the choices are the user's own casework agencies, their colleagues
and their municipality's areas, and a number outside them is refused with a message. Each
value goes through a form field that refuses NUL bytes, other scripts' digits and ids
beyond 64 bits with a Japanese message (lib/forms), so no input reaches a query unchecked
and no input is a 500. A filter with an error is left out and the page says so.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from tsunagu.lib.forms import IdField, error_text, refuse_before
from tsunagu.lib.kana import KanaError, to_katakana
from tsunagu.lib.wareki import format_wareki
from tsunagu.municipality.areas import in_area
from tsunagu.municipality.models import Area
from tsunagu.people.forms import WarekiDateField

ME = "me"  # ?worker=me: the user themself, for links such as the home page's
ALL = ""
# Dates a period may name: wide enough for any record, narrow enough that a day's start
# and end stay valid datetimes in every time zone (0001-01-01 would overflow).
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def name_filter(q: str, path: str = "") -> Q:
    """Every whitespace-separated term must begin the family or given name, in kanji or kana
    (前方一致): 「やま」 finds 山田 and 山本. Prefix matching is what the name indexes can
    answer at city scale; a substring anywhere in the name would scan every record
    (docs/decisions/0003). ``path`` leads from a listed record to its person
    (``"person__"``, ``"focus_person__"``)."""
    condition = Q()
    for term in q.split():
        try:
            kana = to_katakana(term)
        except KanaError:
            kana = ""
        term_q = Q(**{f"{path}family_name__startswith": term}) | Q(
            **{f"{path}given_name__startswith": term}
        )
        if kana:
            term_q |= Q(**{f"{path}family_kana__startswith": kana}) | Q(
                **{f"{path}given_kana__startswith": kana}
            )
        condition &= term_q
    return condition


# --- fields --------------------------------------------------------------------------------


def _shown(data):
    """Typed text echoed back into its box, without NUL bytes."""
    return data.replace("\x00", "") if isinstance(data, str) else data


class NameQueryField(forms.CharField):
    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(f"{self.label}に使えない文字が含まれています。")
        return super().to_python(value)

    def bound_data(self, data, initial):
        return _shown(data)


class PeriodDateField(WarekiDateField):
    """One end of a period, typed in 西暦 or 和暦 and shown back in 和暦 whatever was typed
    (a link may carry ``?since=2025-04-01``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "和暦・西暦どちらでも(例: 令和7年4月1日、2025-04-01)")
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and ("\x00" in value or len(value) > 40):
            raise forms.ValidationError(f"{self.label}は日付で入力してください。")
        day = super().to_python(value)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                f"{self.label}は{format_wareki(EARLIEST)}から{format_wareki(LATEST)}までの"
                "日付で入力してください。"
            )
        return day

    def bound_data(self, data, initial):
        try:
            return self.to_python(data) or _shown(data)
        except forms.ValidationError:
            return _shown(data)


class WorkerField(IdField):
    """担当者: a user's number, or 「me」 for the user themself."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() == ME:
            return ME
        return super().to_python(value)

    def run_validators(self, value):
        if value != ME:
            super().run_validators(value)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- the form ------------------------------------------------------------------------------


class RecordFilterForm(forms.Form):
    """Filters over a list of records about persons: text (name or kana prefix), worker,
    agency, area (by the household's address, else the person's) and period, and the tab
    (``state``) the list shows. Subclasses name the list's columns and its tabs."""

    period_label = "日付"
    person_path = "person__"
    worker_column = "staff_id"
    date_column = "received_at"
    address_columns = ("household__address", "person__address")
    states: list[tuple[str, str]] = []  # the tabs (open, closed, all); the first is the default
    closed = Q()  # what a closed record of this list is; "open" is the queryset's open()

    q = NameQueryField(
        label="氏名・フリガナ",
        max_length=100,
        required=False,
        help_text="姓・名の先頭から一致(漢字・ひらがな・カタカナ。姓と名は空白で区切る)",
    )
    worker = WorkerField(label="担当者", widget=forms.Select)
    agency = IdField(label="機関", widget=forms.Select)
    area = IdField(label="圏域", widget=forms.Select)
    since = PeriodDateField(label="から")
    until = PeriodDateField(label="まで")
    state = forms.ChoiceField(
        label="表示",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "表示する一覧は見出しのタブから選んでください。"},
    )

    def __init__(self, data: QueryDict, *, user, workers, agencies, areas):
        super().__init__(data)
        self.user = user
        self.query = data
        self.fields["since"].label = f"{self.period_label}(から)"
        self.fields["until"].label = f"{self.period_label}(まで)"
        cast(forms.ChoiceField, self.fields["state"]).choices = self.states
        self.worker_choices = [(ME, "自分"), *((u.pk, str(u)) for u in workers)]
        self.agency_choices = [(a.pk, a.name) for a in agencies]
        self.area_choices = list(areas)
        for name, choices in (
            ("worker", self.worker_choices),
            ("agency", self.agency_choices),
            ("area", self.area_choices),
        ):
            self.fields[name].widget.choices = [(ALL, "すべて"), *choices]

    def _chosen(self, name: str, choices, what: str):
        value = self.cleaned_data.get(name)
        if value is not None and value not in {key for key, _ in choices}:
            raise forms.ValidationError(f"{what}は一覧から選んでください。")
        return value

    def clean_worker(self):
        return self._chosen("worker", self.worker_choices, "担当者")

    def clean_agency(self):
        return self._chosen("agency", self.agency_choices, "機関")

    def clean_area(self):
        chosen = self._chosen("area", self.area_choices, "圏域")
        if chosen is None:
            return None
        return Area.objects.select_related("municipality").filter(pk=chosen).first()

    def clean(self):
        data = super().clean()
        refuse_before(self, "until", "since", self.fields["since"].label)
        return data

    # --- applying it --------------------------------------------------------------------

    @property
    def current_state(self) -> str:
        self.is_valid()  # a field with an error is not in cleaned_data
        return self.cleaned_data.get("state") or self.states[0][0]

    def narrow(self, rows: QuerySet) -> QuerySet:
        """``rows`` (the policy's queryset) narrowed by the tab and every valid filter."""
        self.is_valid()
        data = self.cleaned_data
        rows = self.narrow_state(rows, self.current_state)
        if data.get("q"):
            rows = self.naming_person(rows).filter(name_filter(data["q"], self.person_path))
        if data.get("worker"):
            worker = self.user.pk if data["worker"] == ME else data["worker"]
            rows = rows.filter(**{self.worker_column: worker})
        if data.get("agency"):
            rows = self.narrow_agency(rows, data["agency"])
        if data.get("area"):
            rows = in_area(self.naming_person(rows), data["area"], *self.address_columns)
        if data.get("since"):
            rows = rows.filter(**{f"{self.date_column}__gte": _day_start(data["since"])})
        if data.get("until"):
            end = _day_start(data["until"] + datetime.timedelta(days=1))
            rows = rows.filter(**{f"{self.date_column}__lt": end})
        return rows

    def narrow_state(self, rows: QuerySet, state: str) -> QuerySet:
        if state == "open":
            return cast(Any, rows).open()  # the record queryset's own rule (indexed)
        if state == "closed":
            return rows.filter(self.closed)
        return rows

    def narrow_agency(self, rows: QuerySet, agency_id: int) -> QuerySet:
        return rows.filter(agency_id=agency_id)

    def naming_person(self, rows: QuerySet) -> QuerySet:
        """The rows that show the person's name: a filter on the name or the address only
        ever finds these (every row, unless a list hides some names)."""
        return rows

    # --- what the page shows ------------------------------------------------------------

    def tabs(self) -> list[dict]:
        """The list's tabs, each keeping the other filters and starting at page 1."""
        current = self.current_state
        rows = []
        for value, label in self.states:
            params = self.query.copy()
            params.pop("page", None)
            params["state"] = value
            rows.append(
                {"label": label, "url": "?" + params.urlencode(), "current": value == current}
            )
        return rows

    def error_summary(self) -> str:
        return error_text(self)

    def filtering(self) -> bool:
        """Is any filter besides the tab given?"""
        return any(self.query.get(name) for name in self.fields if name != "state")

    def audit_query(self) -> dict[str, str]:
        """The valid filters as text, for the audit event of the list."""
        self.is_valid()
        return {
            name: format_wareki(value) if isinstance(value, datetime.date) else str(value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }
