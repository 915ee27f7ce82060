from django import forms

from tsunagu.accounts.models import User
from tsunagu.lib.forms import IdField
from tsunagu.people.forms import WarekiDateField


class AuditSearchForm(forms.Form):
    person_id = IdField(label="本人ID")
    user = forms.ModelChoiceField(
        User.objects.none(), label="利用者", required=False, empty_label="(すべて)"
    )
    action = forms.CharField(label="操作", required=False, max_length=30)
    date_from = WarekiDateField(label="期間(開始日)", required=False)
    date_to = WarekiDateField(label="期間(終了日)", required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users.order_by("username")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "終了日が開始日より前になっています。")
        return data
