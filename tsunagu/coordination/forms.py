"""Forms of the coordination pages. Views pass the validated data to ``actions``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet

from tsunagu.lib.forms import refuse_before, refuse_future
from tsunagu.municipality.models import Agency, BodyStatus, ConsentRule, MeetingBody
from tsunagu.municipality.selectors import group_by_field

from .consent import proposed_scope
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


@dataclass(frozen=True)
class ScopeRow:
    """One row of the consent table: a recipient, its 「すべて」 box and its part boxes."""

    recipient: Agency | MeetingBody
    every: forms.BoundField  # 「すべて」
    parts: forms.BoundField


def consent_bodies(municipality_id: int, keep: Iterable[int] = ()) -> QuerySet[MeetingBody]:
    """The meeting bodies a consent can name: those that may take a case under the
    person's consent. A body for no individual cases (個別事例を扱わない) and a 支援会議
    (法第106条の6, shares without consent) never ask for it; a concluded body meets no more.
    Bodies in the consent being renewed (``keep``) stay, so a renewal drops none silently."""
    standing = MeetingBody.objects.filter(status=BodyStatus.STANDING, in_profile=True).exclude(
        consent_rule__in=[ConsentRule.NOT_APPLICABLE, ConsentRule.NOT_REQUIRED]
    )
    return MeetingBody.objects.filter(
        Q(pk__in=standing) | Q(pk__in=list(keep)), municipality_id=municipality_id
    ).order_by("order", "pk")


class ConsentForm(forms.ModelForm):
    """本人同意 with its scope as one table: a row per agency (grouped by 分野) and per
    meeting body, a column per part, and a 「すべて」 box per row.

    「すべて」 means every part on the server, so the table works without JavaScript;
    static/tsunagu/consent_scope.js only keeps the row's boxes in step with it. It starts
    unticked even where every part is proposed: a user without the script who clears one
    part must not be overruled by a ticked 「すべて」 they did not tick.
    """

    part_labels = Part.labels  # the table's columns

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
        self.proposed = proposed_scope(case)
        agencies = (
            agencies_of(case.municipality_id)
            .exclude(pk=case.coordinating_agency_id)
            .select_related("department")
        )
        self.scope_rows: list[tuple[str, Agency | MeetingBody]] = []
        self.groups: list[tuple[str, list[ScopeRow]]] = []
        for label, members in group_by_field(agencies, case.municipality_id):
            rows = [
                self._add_scope_row(f"agency_{a.pk}", a, self.proposed.agencies.get(a.pk))
                for a in members
            ]
            self.groups.append((label, rows))
        bodies = consent_bodies(case.municipality_id, keep=self.proposed.bodies)
        self.body_rows = [
            self._add_scope_row(f"body_{b.pk}", b, self.proposed.bodies.get(b.pk)) for b in bodies
        ]

    def _add_scope_row(self, name: str, recipient, proposed: list[str] | None) -> ScopeRow:
        self.fields[name] = forms.MultipleChoiceField(
            label=str(recipient),
            choices=Part.choices,
            required=False,
            initial=proposed or [],
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields[f"{name}_all"] = forms.BooleanField(
            label=f"{recipient}: すべて", required=False
        )
        self.scope_rows.append((name, recipient))
        return ScopeRow(recipient, self[f"{name}_all"], self[name])

    def clean(self):
        data = super().clean()
        for name, _ in self.scope_rows:
            if data.get(f"{name}_all"):
                data[name] = list(Part.values)
        refuse_future(self, "given_on")
        refuse_before(self, "expires_on", "given_on", "同意日")
        return data

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

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
