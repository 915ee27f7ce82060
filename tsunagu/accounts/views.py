"""Login, the two-factor steps, and the staff (account) administration pages.

Who may administer whom is the access policy's (access/policy/accounts.py); every change
goes through accounts/actions.py, which writes the audit event.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tsunagu.access import policy
from tsunagu.accounts import actions, two_factor
from tsunagu.accounts.forms import (
    AccountCreateForm,
    GrantRoleForm,
    LoginForm,
    PasswordResetForm,
    TokenForm,
)
from tsunagu.accounts.models import ROLE_DESCRIPTIONS, Membership, Role

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


# --- two-factor authentication ---------------------------------------------------------


@login_required
def otp_setup(request):
    if two_factor.has_device(request.user):
        return redirect("accounts:otp_verify" if not request.user.is_verified() else "home")
    device = two_factor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.enrol_two_factor(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            django_otp.login(request, device)
            request.session.pop("otp_no_device", None)
            return render(request, "accounts/otp_codes.html", {"codes": codes})
        form.add_error(
            "token", "確認コードが正しくありません。認証アプリの最新の6桁を入力してください。"
        )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.required_for(request.user),
        },
    )


@login_required
def otp_verify(request):
    if not two_factor.has_device(request.user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verified_device(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            actions.record_second_factor(user=request.user, device=device)
            return redirect(_next_url(request))
        form.add_error("token", "確認コードが正しくありません。")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def otp_recovery_codes(request):
    if not request.user.is_verified():
        raise PermissionDenied("二段階認証を済ませてから操作してください。")
    codes = actions.renew_recovery_codes(user=request.user)
    return render(request, "accounts/otp_codes.html", {"codes": codes})


# --- staff administration ---------------------------------------------------------------


def _require_administrator(user) -> None:
    if not policy.can_administer_accounts(user):
        raise PermissionDenied("職員アカウントの管理は管理者・システム管理者のみ行えます。")


@login_required
def staff_list(request):
    _require_administrator(request.user)
    users = (
        policy.administered_users(request.user)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(active=True).select_related("agency"),
                to_attr="current",
            )
        )
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_list.html",
        {"page": page, "system_admin": policy.is_system_admin(request.user)},
    )


@login_required
def staff_new(request):
    _require_administrator(request.user)
    form = AccountCreateForm(request.POST or None)
    form.set_choices(
        policy.administered_agencies(request.user), policy.grantable_roles(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_account(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password1"],
                agency=data["agency"],
                role=data["role"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(request, f"利用者「{user}」を登録しました。")
            return redirect("accounts:staff_detail", user.pk)
    return render(request, "accounts/staff_new.html", {"form": form, "roles": _role_help(request)})


def _role_help(request) -> list[tuple[str, str]]:
    return [(Role(r).label, ROLE_DESCRIPTIONS[r]) for r in policy.grantable_roles(request.user)]


def _detail(request, target, *, grant_form=None, password_form=None, status=200):
    if grant_form is None:
        grant_form = GrantRoleForm()
        grant_form.set_choices(
            policy.administered_agencies(request.user), policy.grantable_roles(request.user)
        )
    memberships = target.memberships.select_related("agency").order_by("-active", "agency__name")
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "target": target,
            "memberships": memberships,
            "grant_form": grant_form,
            "password_form": password_form or PasswordResetForm(),
            "can_reset_2fa": policy.can_reset_two_factor(request.user, target),
            "has_2fa": two_factor.has_device(target),
            "roles": _role_help(request),
        },
        status=status,
    )


@login_required
def staff_detail(request, pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    return _detail(request, target)


@login_required
@require_POST
def staff_grant(request, pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    form = GrantRoleForm(request.POST)
    form.set_choices(
        policy.administered_agencies(request.user), policy.grantable_roles(request.user)
    )
    if not form.is_valid():
        return _detail(request, target, grant_form=form, status=400)
    membership = actions.grant_role(
        actor=request.user,
        user=target,
        agency=form.cleaned_data["agency"],
        role=form.cleaned_data["role"],
    )
    messages.success(
        request, f"{membership.agency}の「{membership.get_role_display()}」を付与しました。"
    )
    return redirect("accounts:staff_detail", target.pk)


@login_required
@require_POST
def staff_end_role(request, pk: int, membership_pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    membership = get_object_or_404(target.memberships, pk=membership_pk, active=True)
    actions.end_role(actor=request.user, membership=membership)
    messages.success(
        request, f"{membership.agency}の「{membership.get_role_display()}」を終了しました。"
    )
    return redirect("accounts:staff_detail", target.pk)


@login_required
@require_POST
def staff_password(request, pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            actions.reset_password(
                actor=request.user, user=target, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request, "パスワードを再設定しました。本人に安全な方法で伝えてください。"
            )
            return redirect("accounts:staff_detail", target.pk)
    return _detail(request, target, password_form=form, status=400)


@login_required
@require_POST
def staff_active(request, pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    active = request.POST.get("active") == "1"
    actions.set_active(actor=request.user, user=target, active=active)
    messages.success(
        request, "アカウントを有効にしました。" if active else "アカウントを無効にしました。"
    )
    return redirect("accounts:staff_detail", target.pk)


@login_required
@require_POST
def staff_reset_2fa(request, pk: int):
    target = policy.get_administered_user_or_404(request.user, pk)
    actions.reset_two_factor(actor=request.user, user=target)
    messages.success(
        request, "二段階認証をリセットしました。次回ログイン時に本人が登録し直します。"
    )
    return redirect("accounts:staff_detail", target.pk)
