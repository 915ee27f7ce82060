"""Validation that says what is wrong (issue 15 item 9) and numbers that never reach a query."""

import datetime

import pytest
from django import forms

from tsunagu.lib.forms import IdField, NumberField, error_text, refuse_before, refuse_future


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="訪問日")
    means = forms.ChoiceField(label="手段", choices=[("phone", "電話")])
    next_on = forms.DateField(label="次回予定", required=False)

    def clean(self):
        data = super().clean()
        refuse_future(self, "visited_on", today=datetime.date(2026, 4, 1))
        refuse_before(self, "next_on", "visited_on", "訪問日")
        return data


def test_required_fields_name_themselves_and_say_what_to_do():
    form = VisitForm({})
    assert not form.is_valid()
    assert form["visited_on"].errors == ["訪問日を入力してください。"]
    assert form["means"].errors == ["手段を選んでください。"]
    assert "このフィールドは必須です" not in str(form["means"].errors)
    assert error_text(form) == "訪問日を入力してください。 手段を選んでください。"


def test_a_future_date_and_a_date_before_its_start_are_refused_with_both_dates():
    form = VisitForm({"visited_on": "2026-04-02", "means": "phone"})
    assert form["visited_on"].errors == [
        "訪問日に未来の日付は入力できません(令和8年4月2日 (2026))。"
    ]
    form = VisitForm({"visited_on": "2026-03-10", "means": "phone", "next_on": "2026-03-01"})
    assert form["next_on"].errors == [
        "次回予定(令和8年3月1日 (2026))が訪問日(令和8年3月10日 (2026))より前です。"
    ]


@pytest.mark.parametrize("value", ["²", "١٢", "-1", "1.5", "9" * 25, "\x00", "0x10"])
def test_numbers_accept_only_half_width_digits_in_range(value):
    with pytest.raises(forms.ValidationError):
        IdField().clean(value)


def test_full_width_digits_are_read_as_numbers():
    assert NumberField().clean("２０２５") == 2025
    assert IdField().clean("12") == 12
