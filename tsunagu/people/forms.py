"""Person and household forms: Japanese labels; kana via lib/kana.py, dates via lib/wareki.py."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import cast

from django import forms
from django.utils import timezone

from tsunagu.lib.forms import IdField
from tsunagu.lib.kana import KanaError, to_katakana
from tsunagu.lib.wareki import DateParseError, format_wareki, parse_date
from tsunagu.municipality.models import Agency
from tsunagu.people.models import Household, Sex

DATE_HELP = (
    "西暦(2025-04-01、2025/4/1、20250401)または和暦(昭和45年3月2日、S45.3.2、令和元年5月1日)"
)


class WarekiDateField(forms.CharField):
    """A date typed in 西暦 or 和暦; shown back in 和暦 with 西暦."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_wareki(value) if isinstance(value, datetime.date) else value

    def to_python(self, value) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except DateParseError as error:
            raise forms.ValidationError(str(error)) from None


class KanaField(forms.CharField):
    """フリガナ: hiragana, katakana or half-width in; full-width katakana out."""

    def to_python(self, value) -> str:
        text = super().to_python(value)
        try:
            return to_katakana(text or "", field=str(self.label or "フリガナ"))
        except KanaError as error:
            raise forms.ValidationError(str(error)) from None


class AlphabetNameField(forms.CharField):
    """The name as registered in alphabet (在留カード): A–Z, spaces, hyphens, apostrophes;
    full-width letters and lower case are accepted and stored upper case."""

    ALLOWED = re.compile(r"^[A-Z][A-Z .,'\-]*$")

    def to_python(self, value) -> str:
        text = unicodedata.normalize("NFKC", super().to_python(value) or "")
        text = " ".join(text.upper().split())
        if not text:
            return ""
        if not self.ALLOWED.match(text):
            raise forms.ValidationError(
                f"{self.label}はローマ字(A〜Z)で入力してください。空白・ハイフン(-)・"
                "アポストロフィ(')・ピリオドは使えます。カタカナはフリガナ欄へ入力してください。"
            )
        return text


class PersonForm(forms.Form):
    family_name = forms.CharField(
        label="氏", max_length=100, help_text="外国籍の方はカタカナ・アルファベットのどちらでも可"
    )
    given_name = forms.CharField(label="名", max_length=100, required=False)
    family_kana = KanaField(label="フリガナ(氏)", max_length=100, required=False)
    given_kana = KanaField(label="フリガナ(名)", max_length=100, required=False)
    alphabet_name = AlphabetNameField(
        label="氏名(アルファベット)",
        max_length=200,
        required=False,
        help_text="在留カード等の表記(例: NGUYEN THI LAN)",
    )
    common_name = forms.CharField(label="通称名", max_length=100, required=False)
    birth_date = WarekiDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別", choices=[("", "未記入"), *Sex.choices], required=False)
    postal_code = forms.RegexField(
        label="郵便番号",
        regex=r"^\d{3}-?\d{4}$",
        required=False,
        error_messages={"invalid": "郵便番号は 123-4567 の形で入力してください。"},
    )
    address = forms.CharField(label="住所", max_length=300, required=False)
    phone = forms.RegexField(
        label="電話番号",
        regex=r"^[0-9０-９\-ー（）() ]{6,20}$",
        required=False,
        error_messages={"invalid": "電話番号は数字とハイフンで入力してください。"},
    )
    contact_note = forms.CharField(label="連絡方法", max_length=300, required=False)

    def clean_birth_date(self):
        day = self.cleaned_data["birth_date"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("生年月日が未来の日付になっています。")
        return day

    def clean_family_name(self):
        # The registered spelling is kept exactly (variant selectors included); only trimmed.
        return self.cleaned_data["family_name"].strip()


class EditPersonForm(PersonForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RegisterPersonForm(PersonForm):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="登録機関", required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["agency"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.only_agency = agencies.first() if agencies.count() == 1 else None
        if self.only_agency is not None:
            self.fields["agency"].initial = self.only_agency
            self.fields["agency"].widget = forms.HiddenInput()

    def clean_agency(self):
        agency = self.cleaned_data["agency"] or self.only_agency
        if agency is None:
            raise forms.ValidationError("登録機関を選んでください。")
        return agency


class SearchForm(forms.Form):
    q = forms.CharField(
        label="氏名・フリガナ",
        required=False,
        help_text="漢字・ひらがな・カタカナ(姓と名は空白で区切る。姓・名の先頭から一致)",
    )
    birth_date = WarekiDateField(label="生年月日", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("q", "").strip() and not data.get("birth_date"):
            raise forms.ValidationError("氏名・フリガナまたは生年月日を入力してください。")
        return data


class HouseholdLookupForm(forms.Form):
    """The household search box of the move page and the household already chosen."""

    household_q = forms.CharField(label="世帯の検索", max_length=100, required=False)
    household = IdField(label="移動先の世帯")


class MoveHouseholdForm(forms.Form):
    household = forms.ModelChoiceField(
        Household.objects.none(),
        label="移動先の世帯",
        required=False,
        empty_label="新しい世帯をつくる",
    )
    new_household_name = forms.CharField(label="新しい世帯の名称", max_length=100, required=False)
    new_household_address = forms.CharField(
        label="新しい世帯の住所", max_length=300, required=False
    )
    relation = forms.CharField(
        label="続柄", max_length=30, help_text="世帯主からみた続柄(本人、妻、長男など)"
    )
    is_head = forms.BooleanField(label="世帯主", required=False)
    on_date = WarekiDateField(label="異動日")

    def __init__(self, *args, households, shown, **kwargs):
        """``households``: every household the user may choose (checked on submit);
        ``shown``: the few offered in the list (a search result, never all of a city)."""
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["household"])
        field.queryset = households
        field.widget.choices = [("", field.empty_label)] + [
            (h.pk, f"{h}({h.address})" if h.address else str(h)) for h in shown
        ]

    def clean(self):
        data = super().clean()
        if not data.get("household") and not data.get("new_household_name", "").strip():
            self.add_error(
                "new_household_name", "新しい世帯の名称を入力するか、移動先の世帯を選んでください。"
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)
