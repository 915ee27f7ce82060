from __future__ import annotations

from django import forms

from tsunagu.access import policy
from tsunagu.accounts.models import Role, User
from tsunagu.intake.models import Urgency, issue_tags_for
from tsunagu.meetings.models import MeetingSession
from tsunagu.municipality.models import Agency, Area, MeetingFunction

from .models import AgeBand, HandOff, Means, Result, Route, Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _staff_of(agencies) -> forms.ModelChoiceField:
    casework = [r for r in Role.values if r not in (Role.ADMIN, Role.AUDITOR, Role.STATISTICS)]
    users = (
        User.objects.filter(
            memberships__agency__in=agencies,
            memberships__active=True,
            memberships__role__in=casework,
            is_active=True,
        )
        .distinct()
        .order_by("display_name", "username")
    )
    return forms.ModelChoiceField(users, label="担当者", required=False)


class RecordForm(forms.Form):
    """What was learned about someone: who told us, what is known (may be partial)."""

    agency = forms.ModelChoiceField(Agency.objects.none(), label="担当のアウトリーチ機関")
    worker = forms.ModelChoiceField(User.objects.none(), label="担当者", required=False)
    route = forms.ChoiceField(label="経路", choices=Route.choices)
    route_note = forms.CharField(
        label="経路の詳細(情報を寄せた部署・機関など)", max_length=200, required=False
    )
    informant = forms.CharField(label="情報提供者", max_length=200)
    informed_on = forms.DateField(label="把握日", widget=DATE)
    description = forms.CharField(
        label="把握した内容",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例: 〇〇地区の50代男性、ひきこもりの疑い。分からないことは書かずに空けてください。",
    )
    age_band = forms.ChoiceField(label="年代(おおよそ)", choices=AgeBand.choices, required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, required=False)
    area = forms.ModelChoiceField(Area.objects.none(), label="圏域", required=False)
    whereabouts = forms.CharField(label="所在の手がかり", max_length=200, required=False)
    household_note = forms.CharField(
        label="世帯について分かっていること", max_length=300, required=False
    )
    concerns = forms.MultipleChoiceField(
        label="主訴(複数可)", widget=forms.CheckboxSelectMultiple, required=False
    )
    urgency = forms.ChoiceField(label="緊急性", choices=Urgency.choices, initial=Urgency.MEDIUM)

    def __init__(self, *args, municipality, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        self.fields["worker"] = _staff_of(agencies)
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = Area.objects.filter(municipality=municipality).select_related("level")
        concerns = self.fields["concerns"]
        assert isinstance(concerns, forms.MultipleChoiceField)
        concerns.choices = [(t, t) for t in issue_tags_for(municipality)]


class EditForm(RecordForm):
    """The same fields for an existing record (its agency stays), under the version lock."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, record, **kwargs):
        agencies = Agency.objects.filter(pk=record.agency_id)
        super().__init__(*args, municipality=record.municipality, agencies=agencies, **kwargs)
        del self.fields["agency"]


class AttemptForm(forms.Form):
    date = forms.DateField(label="日付", widget=DATE)
    means = forms.ChoiceField(label="手段", choices=Means.choices)
    staff = forms.CharField(label="対応者(同行者も)", max_length=200)
    result = forms.ChoiceField(label="結果", choices=Result.choices)
    content = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_step = forms.CharField(label="次の対応", max_length=300, required=False)
    next_due = forms.DateField(label="次の対応の期日", widget=DATE, required=False)


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, max_length=20)
    on = forms.DateField(label="日付", widget=DATE, required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class IdentityForm(forms.Form):
    """What became known of the person's identity, to look for 名寄せ candidates."""

    family_name = forms.CharField(label="氏", max_length=100)
    given_name = forms.CharField(label="名", max_length=100, required=False)
    family_kana = forms.CharField(label="フリガナ(氏)", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ(名)", max_length=100, required=False)
    birth_date = forms.DateField(label="生年月日", widget=DATE, required=False)
    address = forms.CharField(label="住所", max_length=300, required=False)
    phone = forms.CharField(label="電話番号", max_length=30, required=False)


class LinkForm(forms.Form):
    person_id = forms.IntegerField(min_value=1, max_value=2**62)


class HandOffForm(forms.Form):
    kind = forms.ChoiceField(label="引継ぎ方法", choices=HandOff.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="依頼理由(多機関協働へ依頼する場合)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        skip = HandOff.COORDINATION if record.case_id else HandOff.CASE
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(v, label) for v, label in HandOff.choices if v != skip]


class AgendaForm(forms.Form):
    session = forms.ModelChoiceField(MeetingSession.objects.none(), label="支援会議")
    note = forms.CharField(
        label="資料・説明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user, record, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = policy.manageable_bodies(user).filter(municipality=record.municipality)
        confidential = [b.pk for b in bodies if b.has_function(MeetingFunction.CONFIDENTIAL)]
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MeetingSession.objects.filter(
            body__in=confidential, status=MeetingSession.Status.PLANNED
        ).select_related("body")


class FromCaseForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="アウトリーチを依頼する機関(4号)")
    note = forms.CharField(label="依頼の内容", required=False, max_length=2000)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = policy.outreach_agencies(case.municipality)
