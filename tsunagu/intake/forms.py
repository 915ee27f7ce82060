from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundWidget
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.intake.models import (
    Channel,
    ConsentStatus,
    Consulter,
    FailureReason,
    Means,
    Outcome,
    TaskStatus,
    Urgency,
    issue_tags_for,
)
from tsunagu.lib.forms import IdField, NumberField, refuse_before, refuse_future
from tsunagu.municipality.models import Agency
from tsunagu.people.forms import AlphabetNameField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


NEW_PERSON = "new"


class ConsultationForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="受付機関")
    received_at = forms.DateTimeField(
        label="受付日時",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label="相談経路", choices=Channel.choices)
    channel_note = forms.CharField(label="経路の詳細(機関名など)", required=False)
    consulter = forms.ChoiceField(label="相談者", choices=Consulter.choices)
    consulter_relation = forms.CharField(label="続柄・関係(家族の場合)", required=False)
    # The 名寄せ choice: a candidate's number, NEW_PERSON (「該当なし」, chosen explicitly) or
    # nothing yet. Nothing is preselected, so a shown candidate is never passed over silently.
    person_id = forms.CharField(label="名寄せ候補", required=False, widget=forms.HiddenInput)
    family_name = forms.CharField(label="氏", required=False)
    given_name = forms.CharField(label="名", required=False)
    family_kana = forms.CharField(label="フリガナ(氏)", required=False)
    given_kana = forms.CharField(label="フリガナ(名)", required=False)
    alphabet_name = AlphabetNameField(label="氏名(アルファベット)", max_length=200, required=False)
    common_name = forms.CharField(label="通称名", max_length=100, required=False)
    birth_date = forms.DateField(label="生年月日", required=False, widget=DATE)
    address = forms.CharField(label="住所", required=False)
    issue_tags = forms.MultipleChoiceField(
        label="主訴(複数可)", widget=forms.CheckboxSelectMultiple, required=False
    )
    narrative = forms.CharField(label="相談内容", widget=forms.Textarea, required=False)
    urgency = forms.ChoiceField(label="緊急性", choices=Urgency.choices, initial=Urgency.MEDIUM)
    urgency_reason = forms.CharField(label="緊急性の理由", required=False)
    # No answer is preselected: 同意あり opens the person to other agencies, so the
    # counsellor says what the person said (or 未確認), never passes it over.
    consent_status = forms.ChoiceField(
        label="関係機関への情報提供の同意",
        choices=[("", "選択してください"), *ConsentStatus.choices],
        error_messages={
            "required": "関係機関への情報提供について、本人の同意を「同意あり」「同意なし(拒否)」"
            "「未確認」から選んでください。"
        },
    )
    consent_agencies = forms.ModelMultipleChoiceField(
        Agency.objects.none(),
        label="同意の範囲(機関)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_taken = forms.CharField(label="対応内容", widget=forms.Textarea, required=False)
    next_step = forms.CharField(label="次の対応", required=False)
    next_step_due = forms.DateField(label="次の対応の期日", required=False, widget=DATE)

    def chosen_person_id(self) -> int | None:
        value = self.cleaned_data.get("person_id")
        return value if isinstance(value, int) else None

    def __init__(self, *args, user, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = policy.writable_agencies(user)
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]
        self.fields["consent_agencies"].queryset = Agency.objects.filter(municipality=municipality)
        self.fields["issue_tags"].choices = [(t, t) for t in issue_tags_for(municipality)]
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_person_id(self):
        value = self.cleaned_data["person_id"].strip()
        if value in ("", NEW_PERSON):
            return value
        return IdField(label="名寄せ候補").clean(value)

    def clean(self):
        data = super().clean()
        if not data.get("person_id") and not (data.get("family_name") or "").strip():
            self.add_error(
                "family_name", "本人を候補から選ぶか、新規登録する場合は氏を入力してください。"
            )
        if data.get("consulter") == Consulter.FAMILY and not data.get("consulter_relation"):
            self.add_error("consulter_relation", "相談者が家族の場合は続柄を入力してください。")
        if data.get("urgency") == Urgency.HIGH and not data.get("urgency_reason"):
            self.add_error("urgency_reason", "緊急性が「高」の場合は理由を入力してください。")
        if data.get("consent_status") == ConsentStatus.GIVEN and not data.get("consent_agencies"):
            self.add_error(
                "consent_agencies", "同意ありの場合は、同意の範囲(機関)を選んでください。"
            )
        refuse_future(self, "received_at")
        refuse_future(self, "birth_date")
        refuse_before(self, "next_step_due", "received_at", "受付日")
        return data


class ProgressNoteForm(forms.Form):
    date = forms.DateField(label="日付", widget=DATE, initial=timezone.localdate)
    means = forms.ChoiceField(label="手段", choices=Means.choices)
    counterpart = forms.CharField(label="相手方", required=False)
    content = forms.CharField(label="内容", widget=forms.Textarea)
    next_date = forms.DateField(label="次回予定", required=False, widget=DATE)

    def __init__(self, *args, received_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.received_at = received_at

    def clean(self):
        data = super().clean()
        refuse_future(self, "date")
        refuse_before(self, "date", self.received_at, "相談の受付日")
        refuse_before(self, "next_date", "date", "記録の日付")
        return data


class ReferralForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        Agency.objects.none(), label="つなぎ先(複数可)", widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label="つなぐ理由", widget=forms.Textarea)
    request = forms.CharField(label="依頼したいこと", widget=forms.Textarea)
    agreed_to_share = forms.CharField(label="本人が共有に同意した内容", widget=forms.Textarea)
    notes = forms.ModelMultipleChoiceField(
        Agency.objects.none(),
        label="添付する支援経過記録",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sender_agency, notes_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Agency.objects.filter(
            municipality_id=sender_agency.municipality_id
        ).exclude(pk=sender_agency.pk)
        self.fields["notes"].queryset = notes_queryset
        self.consent: policy.ReferralConsent | None = None

    def mark_consent(self, person, *, consultation=None) -> None:
        """Ask the policy, once, which recipients the person's consent covers, so each box
        shows 「同意の範囲内」/「同意の範囲外」 before sending (sending still asks again)."""
        field = self.fields["recipients"]
        assert isinstance(field, forms.ModelMultipleChoiceField) and field.queryset is not None
        self.consent = policy.referral_consent(person, field.queryset, consultation=consultation)

    def recipient_rows(self) -> list[tuple[BoundWidget, bool | None]]:
        """Each recipient box with whether the consent covers it (None: no consent decision
        on record, so nothing to mark; the sender's 「本人が共有に同意した内容」 stands)."""
        rows = []
        for box in self["recipients"]:
            covered = None
            if self.consent is not None and self.consent.recorded:
                covered = int(str(box.data["value"])) in self.consent.covered
            rows.append((box, covered))
        return rows


class DirectReferralForm(ReferralForm):
    """A つなぐシート without a consultation, e.g. a tax department noticing arrears."""

    sender_agency = forms.ModelChoiceField(Agency.objects.none(), label="送付元")

    field_order = ["sender_agency"]

    def __init__(self, *args, user, **kwargs):
        mine = policy.writable_agencies(user)
        super().__init__(*args, sender_agency=mine.first(), **kwargs)
        self.fields["sender_agency"].queryset = mine
        self.fields["recipients"].queryset = Agency.objects.filter(
            municipality_id__in=mine.values("municipality_id")
        )
        del self.fields["notes"]


class TransitionForm(forms.Form):
    """One button of the つなぐシート: the move (``to``) and only what that move needs."""

    to = forms.ChoiceField(label="操作", choices=TaskStatus.choices)
    outcome = forms.ChoiceField(
        label="結果(完了のとき)", choices=[("", "---"), *Outcome.choices], required=False
    )
    failure_reason = forms.ChoiceField(
        label="不成立の理由", choices=[("", "---"), *FailureReason.choices], required=False
    )
    reason = forms.CharField(
        label="理由(辞退・不成立・取下げは必須)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ReasonForm(forms.Form):
    """The reason a safe action (終了, 再開) asks for before it is made."""

    reason = forms.CharField(
        label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CandidateQueryForm(forms.Form):
    """The person fields of the intake form, read while typing to find 名寄せ candidates."""

    family_name = forms.CharField(label="氏", max_length=100, required=False)
    given_name = forms.CharField(label="名", max_length=100, required=False)
    family_kana = forms.CharField(label="フリガナ(氏)", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ(名)", max_length=100, required=False)
    alphabet_name = AlphabetNameField(label="氏名(アルファベット)", max_length=200, required=False)
    common_name = forms.CharField(label="通称名", max_length=100, required=False)
    birth_date = forms.DateField(label="生年月日", required=False)
    sex = forms.CharField(label="性別", max_length=10, required=False)
    address = forms.CharField(label="住所", max_length=300, required=False)


class FiscalYearForm(forms.Form):
    fy = NumberField(label="年度", required=False, min_value=2000, max_value=2100)


class CoordinationRequestForm(forms.Form):
    reason = forms.CharField(label="依頼理由", widget=forms.Textarea)
