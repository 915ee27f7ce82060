from typing import cast

from django import forms
from django.db.models import QuerySet

from tsunagu.accounts.models import User
from tsunagu.coordination.models import Case
from tsunagu.lib.forms import refuse_future
from tsunagu.lib.months import Month, MonthParseError
from tsunagu.municipality.models import Agency, MeetingBody

from .models import PLEDGE_TEXT, AgendaItem, Decision, MeetingSession, ResourceGap


class SessionForm(forms.ModelForm):
    class Meta:
        model = MeetingSession
        fields = ["title", "date", "start_time", "end_time", "place", "online"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "終了時刻は開始時刻より後にしてください。")
        if not data.get("place") and not data.get("online"):
            self.add_error("place", "場所を入力するか、オンライン開催を選んでください。")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="状態", choices=MeetingSession.Status.choices)
    reason = forms.CharField(
        label="理由", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttendanceForm(forms.Form):
    attendee = forms.ModelChoiceField(
        label="出席者(利用者)", queryset=User.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label="所属機関", queryset=Agency.objects.none(), required=False
    )
    name = forms.CharField(label="氏名(利用者でない出席者)", max_length=100, required=False)
    affiliation = forms.CharField(label="所属(機関外)", max_length=200, required=False)

    def __init__(self, *args, body: MeetingBody, **kwargs):
        super().__init__(*args, **kwargs)
        m = body.municipality
        cast(forms.ModelChoiceField, self.fields["attendee"]).queryset = (
            User.objects.filter(
                is_active=True, memberships__active=True, memberships__agency__municipality=m
            )
            .distinct()
            .order_by("display_name", "username")
        )
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = Agency.objects.filter(
            municipality=m
        )

    def clean(self):
        data = super().clean()
        if not data.get("attendee") and not data.get("name"):
            raise forms.ValidationError(
                "出席者: 利用者を選ぶか、外部の出席者の氏名を入力してください。"
            )
        return data


class PledgeForm(forms.Form):
    signed_on = forms.DateField(label="確認日", widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(label=PLEDGE_TEXT, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = (
            "守秘義務の確認: 内容を確認してチェックを入れてください。"
        )

    def clean(self):
        data = super().clean()
        refuse_future(self, "signed_on")
        return data


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label="種別", choices=AgendaItem.Kind.choices)
    title = forms.CharField(label="議題", max_length=200)
    function = forms.ChoiceField(
        label="取り扱う機能(両方の機能を持つ会議体のみ)",
        choices=[("", "会議体の既定")] + [(f.value, f.label) for f in AgendaItem.ITEM_FUNCTIONS],
        required=False,
    )
    case = forms.ModelChoiceField(label="事例", queryset=Case.objects.none(), required=False)
    resource_gap = forms.ModelChoiceField(
        label="不足資源", queryset=ResourceGap.objects.none(), required=False
    )
    note = forms.CharField(
        label="資料・説明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, cases: QuerySet, body: MeetingBody, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases
        cast(
            forms.ModelChoiceField, self.fields["resource_gap"]
        ).queryset = ResourceGap.objects.filter(municipality=body.municipality)

    def clean(self):
        data = super().clean()
        if data.get("kind") == AgendaItem.Kind.CASE and not data.get("case"):
            self.add_error("case", "事例: 議題にする事例を選んでください。")
        if data.get("kind") == AgendaItem.Kind.RESOURCE_GAP and not data.get("resource_gap"):
            self.add_error("resource_gap", "不足資源: 議題にする不足資源を選んでください。")
        return data


class MinutesForm(forms.Form):
    text = forms.CharField(label="議事録", widget=forms.Textarea(attrs={"rows": 10}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="決定の種別", choices=Decision.Kind.choices)
    text = forms.CharField(label="決定内容", widget=forms.Textarea(attrs={"rows": 3}))
    gap_title = forms.CharField(
        label="不足している資源(資源開発の検討のとき)", max_length=200, required=False
    )


class MonthForm(forms.Form):
    """``?month=2025-06`` on the meeting calendar; empty means the current month."""

    month = forms.CharField(label="表示する月", max_length=20, required=False)

    def clean_month(self) -> Month | None:
        text = self.cleaned_data["month"]
        if not text:
            return None
        try:
            return Month.parse(text)
        except MonthParseError as error:
            raise forms.ValidationError(str(error)) from None
