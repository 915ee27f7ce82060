from __future__ import annotations

import datetime
import unicodedata
from typing import cast

from django import forms

from tsunagu.meetings.models import Decision, ResourceGap
from tsunagu.municipality.models import Area

from .models import (
    WEEKDAYS,
    ActivityRecord,
    Organization,
    OrganizationKind,
    Resource,
    ResourceKind,
    Target,
)
from .search import Criteria

WEEKDAY_CHOICES = [("", "指定なし")] + [(str(i), f"{d}曜日") for i, d in enumerate(WEEKDAYS)]


def _areas(field: forms.Field, municipality) -> None:
    cast(forms.ModelChoiceField, field).queryset = Area.objects.filter(
        municipality=municipality
    ).select_related("level")


class SearchForm(forms.Form):
    q = forms.CharField(label="キーワード", max_length=100, required=False)
    area = forms.ModelChoiceField(
        label="圏域", queryset=Area.objects.none(), required=False, empty_label="すべて"
    )
    kind = forms.ChoiceField(
        label="種別", choices=[("", "すべて"), *ResourceKind.choices], required=False
    )
    target = forms.ChoiceField(
        label="対象", choices=[("", "すべて"), *Target.choices], required=False
    )
    day = forms.ChoiceField(label="曜日", choices=WEEKDAY_CHOICES, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["area"], municipality)

    def criteria(self, **extra) -> Criteria:
        data = self.cleaned_data if self.is_valid() else {}
        day = data.get("day")
        return Criteria(
            area=data.get("area"),
            kind=data.get("kind", ""),
            target=data.get("target", ""),
            weekday=int(day) if day else None,
            keyword=data.get("q", ""),
            **extra,
        )


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ResourceForm(VersionedForm):
    targets = forms.MultipleChoiceField(
        label="対象", choices=Target.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "description",
            "operator",
            "place_name",
            "address",
            "area",
            "schedule_note",
            "targets",
            "fee",
            "accessibility",
            "contact_label",
            "phone",
            "email",
            "url",
            "helpers_count",
            "status",
            "is_public",
            "internal_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "is_public": "公開にすると、ログイン不要の公開一覧とHSDS出力に載ります(内部メモと非公開の世話役は載りません)。",
            "internal_note": "職員だけが見るメモです。個人が特定される内容は書かないでください。",
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["area"], municipality)
        cast(
            forms.ModelChoiceField, self.fields["operator"]
        ).queryset = Organization.objects.filter(municipality=municipality)
        if self.instance.pk:
            self.initial["targets"] = self.instance.target_list

    def clean_targets(self) -> str:
        return ",".join(self.cleaned_data["targets"])

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="曜日", choices=WEEKDAY_CHOICES, coerce=int, empty_value=None, required=False
    )
    weeks = forms.CharField(
        label="第何週",
        max_length=20,
        required=False,
        help_text="毎週なら空欄。第1・第3週なら「1,3」",
    )
    opens_at = forms.TimeField(
        label="開始", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label="終了", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean_weeks(self) -> str:
        text = unicodedata.normalize("NFKC", self.cleaned_data["weeks"])
        text = text.replace("、", ",").replace("・", ",").replace(" ", "")
        weeks = [w for w in text.split(",") if w]
        if any(not w.isascii() or not w.isdigit() or not 1 <= int(w) <= 5 for w in weeks):
            raise forms.ValidationError(
                "第何週: 1〜5の数字をカンマで区切って入力してください(例: 1,3)。"
            )
        return ",".join(str(int(w)) for w in sorted(set(weeks), key=int))

    def clean(self):
        data = super().clean()
        if data.get("weekday") is None and (data.get("weeks") or data.get("opens_at")):
            self.add_error("weekday", "曜日: 日程を入れるときは曜日を選んでください。")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "終了: 開始より後の時刻にしてください。")
        return data

    def row(self) -> dict | None:
        data = self.cleaned_data
        if data.get("weekday") is None:
            return None
        return {k: data.get(k) for k in ("weekday", "weeks", "opens_at", "closes_at")}


class CoordinatorForm(forms.Form):
    name = forms.CharField(label="氏名", max_length=100, required=False)
    role = forms.CharField(label="役割", max_length=100, required=False)
    is_public = forms.BooleanField(label="氏名を公開", required=False)

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {k: data.get(k) for k in ("name", "role", "is_public")}


ScheduleFormSet = forms.formset_factory(ScheduleForm, extra=2, max_num=14)
CoordinatorFormSet = forms.formset_factory(CoordinatorForm, extra=1, max_num=20)


def rows(formset) -> list[dict]:
    return [r for r in (f.row() for f in formset.forms if f.cleaned_data) if r]


class OrganizationForm(VersionedForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "description",
            "area",
            "address",
            "phone",
            "email",
            "url",
            "contact_person",
            "is_public",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "contact_person": "職員だけに表示されます(公開一覧・HSDS出力には載りません)。"
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["area"], municipality)
        self.fields["kind"].choices = OrganizationKind.choices

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = ActivityRecord
        fields = ["period", "held_on", "sessions", "participants", "helpers", "note"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"held_on": "開催日(月ごとは、その月のいずれかの日)"}

    def clean(self):
        data = super().clean()
        day = data.get("held_on")
        if day and day > datetime.date.today() + datetime.timedelta(days=1):
            self.add_error("held_on", "開催日: 未来の日付は記録できません。")
        if data.get("period") == ActivityRecord.Period.MONTH and day:
            data["held_on"] = day.replace(day=1)
        if data.get("period") == ActivityRecord.Period.SESSION:
            data["sessions"] = 1
        return data


class GapForm(forms.ModelForm):
    class Meta:
        model = ResourceGap
        fields = ["title", "description", "kind", "area"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": "地域に足りないもの・背景を書きます。個人が特定される内容は書かないでください。"
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["area"], municipality)
        self.fields["kind"] = forms.ChoiceField(
            label="求める資源の種別", choices=[("", "未定"), *ResourceKind.choices], required=False
        )


class GapEditForm(GapForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class GapMoveForm(forms.Form):
    to = forms.ChoiceField(label="次の段階", choices=ResourceGap.Status.choices)
    reason = forms.CharField(
        label="理由・経過",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    decision = forms.ModelChoiceField(
        label="根拠となる会議の決定",
        queryset=Decision.objects.none(),
        required=False,
        empty_label="なし",
    )
    resource = forms.ModelChoiceField(
        label="開発した資源(開発済のとき)",
        queryset=Resource.objects.none(),
        required=False,
        empty_label="選択してください",
    )

    def __init__(self, *args, decisions, resources, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["decision"]).queryset = decisions
        cast(forms.ModelChoiceField, self.fields["resource"]).queryset = resources


class ImportForm(forms.Form):
    file = forms.FileField(label="HSDS JSON ファイル")
    apply = forms.BooleanField(label="確認した内容で取り込む", required=False)
