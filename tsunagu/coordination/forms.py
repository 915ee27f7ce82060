"""Forms of the coordination pages. Views pass the validated data to ``actions``."""

from __future__ import annotations

from django import forms

from tsunagu.lib.forms import refuse_before, refuse_future
from tsunagu.municipality.models import Agency, MeetingBody

from .models import (
    ASSESSMENT_TEXT_FIELDS,
    CARE_FLAGS,
    AssessedMember,
    Assessment,
    Assignment,
    AssignmentStatus,
    CaseNote,
    Closure,
    Consent,
    Monitoring,
    Part,
    Problem,
    SupportPlan,
    Tie,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def agencies_of(municipality):  # a Municipality or its id
    return Agency.objects.filter(municipality=municipality).order_by("kind", "order", "pk")


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """The reason a safe action (不受理, チームから外す) asks for before it is made."""

    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(forms.Form):
    agency = forms.ModelChoiceField(label="機関", queryset=Agency.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_of(case.municipality_id).exclude(
            pk=case.coordinating_agency_id
        )


class ConsentForm(forms.ModelForm):
    """本人同意 with one row of part check boxes per agency and per meeting body."""

    class Meta:
        model = Consent
        fields = [
            "given_by",
            "guardian_name",
            "guardian_relation",
            "given_on",
            "method",
            "written_by",
            "expires_on",
            "note",
        ]
        widgets = {"given_on": DATE, "expires_on": DATE, "note": TEXT}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_rows: list[tuple[str, object]] = []
        for agency in agencies_of(case.municipality_id).exclude(pk=case.coordinating_agency_id):
            self._add_scope_field(f"agency_{agency.pk}", agency)
        for body in MeetingBody.objects.filter(municipality_id=case.municipality_id):
            self._add_scope_field(f"body_{body.pk}", body)

    def _add_scope_field(self, name: str, recipient) -> None:
        self.fields[name] = forms.MultipleChoiceField(
            label=str(recipient),
            choices=Part.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.scope_rows.append((name, recipient))

    def clean(self):
        data = super().clean()
        refuse_future(self, "given_on")
        refuse_before(self, "expires_on", "given_on", "同意日")
        return data

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def scope_fields(self):
        return [self[name] for name, _ in self.scope_rows]

    def scopes(self):
        """(agency, meeting_body, parts) for each recipient with at least one part ticked."""
        for name, recipient in self.scope_rows:
            parts = self.cleaned_data.get(name) or []
            if parts:
                is_body = isinstance(recipient, MeetingBody)
                yield (None if is_body else recipient), (recipient if is_body else None), parts


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回の内容(いつ・誰から・どのように)", widget=TEXT)


class AssessmentForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # based on

    def clean(self):
        data = super().clean()
        refuse_future(self, "assessed_on")
        return data

    care_flags = forms.MultipleChoiceField(
        label="ケアの課題",
        choices=[(f, f) for f in CARE_FLAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Assessment
        fields = ["assessed_on", *ASSESSMENT_TEXT_FIELDS, "isolation", "care_flags", "screening"]
        widgets = {
            "assessed_on": DATE,
            **{
                name: TEXT
                for name in [
                    "life_history",
                    "health",
                    "housing",
                    "income_debt",
                    "work_school",
                    "daily_living",
                    "social_ties",
                    "care_situation",
                    "rights_capacity",
                    "person_wishes",
                    "family_wishes",
                    "strengths",
                    "resources_in_use",
                ]
            },
        }


class MemberRowForm(forms.ModelForm):
    class Meta:
        model = AssessedMember
        fields = ["name", "relation", "age", "lives_together", "health", "work", "services"]


class ProblemRowForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["issue", "background", "priority"]
        widgets = {"background": forms.Textarea(attrs={"rows": 2})}


# A new assessment version starts from the previous one's rows; 削除 removes one.
MemberRowFormSet = forms.formset_factory(MemberRowForm, extra=2, can_delete=True)
ProblemRowFormSet = forms.formset_factory(ProblemRowForm, extra=2, can_delete=True)


class PlanForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SupportPlan
        fields = [
            "persons_words",
            "household_issues",
            "long_term_goal",
            "short_term_goals",
            "direction",
            "uses_participation",
            "participation_wish",
            "uses_outreach",
            "monitoring_due",
        ]
        widgets = {
            "persons_words": TEXT,
            "household_issues": TEXT,
            "long_term_goal": TEXT,
            "short_term_goals": TEXT,
            "direction": TEXT,
            "monitoring_due": DATE,
        }


class AssignmentRowForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["issue", "what", "agency", "staff", "frequency", "until", "status"]
        widgets = {"what": forms.Textarea(attrs={"rows": 2}), "until": DATE}

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_of(municipality)


AssignmentFormSet = forms.formset_factory(AssignmentRowForm, extra=2, can_delete=True)


class ApproveForm(forms.Form):
    note = forms.CharField(label="承認の記録(承認者・方法)", widget=TEXT)


class AssignmentStatusForm(forms.Form):
    status = forms.ChoiceField(label="状況", choices=AssignmentStatus.choices)


class CaseNoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["date", "means", "counterpart", "content"]
        widgets = {"date": DATE, "content": TEXT}

    def clean(self):
        data = super().clean()
        refuse_future(self, "date")
        return data


class MonitoringForm(forms.ModelForm):
    class Meta:
        model = Monitoring
        fields = [
            "reviewed_on",
            "goal_progress",
            "household_changes",
            "new_problems",
            "result",
            "next_review_on",
        ]
        widgets = {
            "reviewed_on": DATE,
            "next_review_on": DATE,
            "goal_progress": TEXT,
            "household_changes": TEXT,
            "new_problems": TEXT,
        }

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment_rows = []
        for a in assignments:
            self.fields[f"status_{a.pk}"] = forms.ChoiceField(
                label=f"{a.issue}({a.agency})の状況",
                choices=AssignmentStatus.choices,
                initial=a.status,
            )
            self.fields[f"progress_{a.pk}"] = forms.CharField(
                label="進捗", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.assignment_rows.append((a, self[f"status_{a.pk}"], self[f"progress_{a.pk}"]))

    def clean(self):
        data = super().clean()
        refuse_future(self, "reviewed_on")
        refuse_before(self, "next_review_on", "reviewed_on", "モニタリング実施日")
        return data

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def reviews(self):
        return [
            {
                "assignment": a,
                "status": self.cleaned_data[f"status_{a.pk}"],
                "progress": self.cleaned_data[f"progress_{a.pk}"],
            }
            for a, _, _ in self.assignment_rows
        ]


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["closed_on", "goals_reached", "reason", "reason_note", "hand_back_to"]
        widgets = {"closed_on": DATE, "goals_reached": TEXT, "reason_note": TEXT}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hand_back_to"].queryset = agencies_of(case.municipality_id).exclude(
            pk=case.coordinating_agency_id
        )

    def clean(self):
        data = super().clean()
        refuse_future(self, "closed_on")
        return data


class TieForm(forms.ModelForm):
    class Meta:
        model = Tie
        fields = ["person", "agency", "label", "kind"]

    def __init__(self, *args, case, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label = "世帯員"
        self.fields["agency"].queryset = agencies_of(case.municipality_id)
        self.fields["agency"].label = "機関(登録済みの場合)"
        self.fields["agency"].required = False
