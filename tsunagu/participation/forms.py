"""Forms of the 参加支援 pages. Views pass the validated data to ``actions``/``transitions``."""

from __future__ import annotations

from django import forms

from tsunagu.accounts.models import User
from tsunagu.municipality.models import Area
from tsunagu.resources.models import OrganizationKind

from .matching import BANDS, WEEKDAYS
from .models import InterruptionReason, Load, OfferKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
CONDITIONS = [
    ("transport", "送迎あり"),
    ("care", "服薬・障がいへの配慮"),
    ("short_hours", "短時間可"),
    ("remote", "在宅可"),
]


class MaskField(forms.MultipleChoiceField):
    """Check boxes stored as one bit mask (days of the week, time bands)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, bits, **kwargs):
        super().__init__(choices=[(str(b), label) for b, label in bits], required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(b) for b, _ in self.choices if value & int(b)]
        return value

    def clean(self, value) -> int:  # type: ignore[override]
        return sum(int(v) for v in super().clean(value))


def areas_of(municipality_id):
    return Area.objects.filter(municipality_id=municipality_id).select_related("level")


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{'　' * obj.level.depth}{obj.name}({obj.level.name})"


class OpenForm(forms.Form):
    """Which responsible agency takes the person's 参加支援 on."""

    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label="参加支援の担当機関", queryset=None, empty_label=None
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class NeedsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    wishes = forms.CharField(label="やってみたいこと・希望", required=False, widget=TEXT)
    cannot = forms.CharField(label="できないこと・苦手なこと", required=False, widget=TEXT)
    support_needed = forms.CharField(label="必要な支援・配慮", required=False, widget=TEXT)
    travel_note = forms.CharField(label="移動手段", required=False, max_length=200)
    kinds = forms.MultipleChoiceField(
        label="希望する活動の種類",
        choices=OfferKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area = AreaChoiceField(label="希望の圏域(住まいの圏域)", queryset=None, required=False)
    days = MaskField(label="参加できる曜日", bits=WEEKDAYS)
    bands = MaskField(label="参加できる時間帯", bits=BANDS)
    load = forms.TypedChoiceField(label="体力(できる作業)", choices=Load.choices, coerce=int)
    needs_transport = forms.BooleanField(label="送迎が必要", required=False)
    needs_care = forms.BooleanField(label="服薬・障がいへの配慮が必要", required=False)
    short_hours = forms.BooleanField(label="短時間を希望", required=False)
    remote = forms.BooleanField(label="在宅を希望", required=False)
    coordinator: forms.ModelChoiceField = forms.ModelChoiceField(
        label="担当コーディネーター", queryset=None, required=False
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_of(record.municipality_id)
        self.fields["coordinator"].queryset = User.objects.filter(
            memberships__agency_id=record.agency_id, memberships__active=True, is_active=True
        ).distinct()


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, max_length=20)
    on = forms.DateField(label="実施日", required=False, widget=DATE)
    reason = forms.CharField(label="理由・内容", required=False, widget=forms.Textarea({"rows": 2}))
    offer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    category = forms.ChoiceField(
        label="中断の理由(区分)",
        choices=[("", "選択してください"), *InterruptionReason.choices],
        required=False,
    )


class MatchFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="種類", choices=[("", "すべて"), *OfferKind.choices], required=False
    )
    everywhere = forms.BooleanField(label="圏域外も含める", required=False)
    show_blocked = forms.BooleanField(label="条件が合わないものも表示", required=False)


class ScheduleForm(forms.Form):
    due_on = forms.DateField(label="予定日", widget=DATE)
    purpose = forms.CharField(label="目的", required=False, max_length=200)


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label="実施日", widget=DATE)
    went_well = forms.CharField(label="うまくいっていること", required=False, widget=TEXT)
    concerns = forms.CharField(label="悩み・課題", required=False, widget=TEXT)
    adjustments = forms.CharField(label="調整したこと・今後の対応", required=False, widget=TEXT)


class HostForm(forms.Form):
    org_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    profile_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="種別", choices=OrganizationKind.choices)
    area = AreaChoiceField(label="圏域", queryset=None, required=False)
    address = forms.CharField(label="所在地", required=False, max_length=200)
    phone = forms.CharField(label="電話番号", required=False, max_length=30)
    contact_person = forms.CharField(label="担当者", required=False, max_length=100)
    description = forms.CharField(label="概要", required=False, widget=TEXT)
    opened_on = forms.DateField(label="新規開拓日", required=False, widget=DATE)
    accepting = forms.BooleanField(label="受入中", required=False, initial=True)
    notes = forms.CharField(label="受入先についてのメモ", required=False, widget=TEXT)

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_of(municipality_id)


class OfferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="内容", max_length=200)
    kind = forms.ChoiceField(label="種類", choices=OfferKind.choices)
    description = forms.CharField(label="説明", required=False, widget=TEXT)
    area = AreaChoiceField(label="圏域", queryset=None, required=False)
    days = MaskField(label="曜日", bits=WEEKDAYS)
    bands = MaskField(label="時間帯", bits=BANDS)
    hours_note = forms.CharField(label="時間(表記)", required=False, max_length=100)
    capacity = forms.IntegerField(label="定員", min_value=1, max_value=999, initial=1)
    age_min = forms.IntegerField(label="対象年齢(下限)", required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label="対象年齢(上限)", required=False, min_value=0, max_value=120)
    load = forms.TypedChoiceField(label="体力の負担", choices=Load.choices, coerce=int)
    transport = forms.BooleanField(label="送迎あり", required=False)
    care = forms.BooleanField(label="服薬・障がいへの配慮", required=False)
    short_hours = forms.BooleanField(label="短時間可", required=False)
    remote = forms.BooleanField(label="在宅可", required=False)
    host_asks = forms.CharField(label="受入先からの希望", required=False, widget=TEXT)
    active = forms.BooleanField(label="募集中", required=False, initial=True)

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_of(municipality_id)

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", "対象年齢の上限は下限以上にしてください。")
        return data


class DirectoryForm(forms.Form):
    q = forms.CharField(label="名称・内容", required=False, max_length=100)
    area = AreaChoiceField(label="圏域", queryset=None, required=False)
    kind = forms.ChoiceField(
        label="種類", choices=[("", "すべて"), *OfferKind.choices], required=False
    )
    days = MaskField(label="曜日", bits=WEEKDAYS)
    bands = MaskField(label="時間帯", bits=BANDS)
    conditions = forms.MultipleChoiceField(
        label="条件", choices=CONDITIONS, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, municipality_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            municipality_id__in=municipality_ids
        ).select_related("level")


class FiguresForm(forms.Form):
    fy = forms.IntegerField(label="年度(西暦)", min_value=2000, max_value=2100)
