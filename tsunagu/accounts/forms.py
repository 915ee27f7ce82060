from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tsunagu.accounts.models import Role, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="ユーザー名", max_length=150)
    password = forms.CharField(label="パスワード", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "ユーザー名またはパスワードが正しくありません。",
        "inactive": "このアカウントは無効です。管理者に連絡してください。",
    }


class _NoNulForm(forms.Form):
    """Refuses NUL bytes (a 500 on PostgreSQL) in every text field, with a field message."""

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "使用できない文字が含まれています。")
        return data


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label="新しいパスワード", strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label="新しいパスワード(確認)", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("確認用のパスワードが一致しません。")
        return second


class RoleFieldsMixin(forms.Form):
    agency: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="所属")
    role = forms.ChoiceField(label="役割")

    def set_choices(self, agencies, roles) -> None:
        agency_field = self.fields["agency"]
        role_field = self.fields["role"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        assert isinstance(role_field, forms.ChoiceField)
        agency_field.queryset = agencies.order_by("kind", "order", "name")
        role_field.choices = [(r, Role(r).label) for r in roles]


class AccountCreateForm(_NoNulForm, RoleFieldsMixin, NewPasswordMixin):
    username = forms.CharField(
        label="ユーザー名",
        max_length=150,
        validators=[User.username_validator],
        help_text="半角英数字と @ . + - _ のみ。ログインに使います。",
    )
    display_name = forms.CharField(label="氏名", max_length=100)

    field_order = ["username", "display_name", "agency", "role", "password1", "password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("このユーザー名は既に使われています。")
        return username


class GrantRoleForm(RoleFieldsMixin):
    pass


class PasswordResetForm(_NoNulForm, NewPasswordMixin):
    pass


class TokenForm(_NoNulForm):
    token = forms.CharField(
        label="確認コード",
        max_length=20,
        help_text="認証アプリに表示される6桁の数字、またはリカバリーコード",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
