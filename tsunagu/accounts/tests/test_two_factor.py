"""Issue 12 item 13: TOTP two-factor authentication with recovery codes, required when
TSUNAGU_REQUIRE_2FA is on (production), and an audited reset by the システム管理者 only."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.access.models import AuditEvent
from tsunagu.accounts.tests.cast import build_cast


@pytest.fixture
def cast(town):
    return build_cast(town)


@pytest.fixture
def required(settings):
    settings.TSUNAGU_REQUIRE_2FA = True
    # django-otp delays the next try after a wrong code (1 s, doubling); tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "tsunagu-demo"}
    )
    assert response.status_code == 302
    return client.get("/")


def _enrol(client, user) -> list[str]:
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_required_two_factor_sends_every_page_to_enrolment(client, cast, required):
    user = cast.staff["counter"]
    response = _login(client, user)
    assert response.url == reverse("accounts:otp_setup")
    page = client.get(response.url).content.decode()
    assert "二段階認証の登録" in page and "<svg" in page
    assert client.get(reverse("people:search")).status_code == 302


def test_enrolment_gives_recovery_codes_and_opens_the_pages(client, cast, required):
    user = cast.staff["counter"]
    _login(client, user)
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    codes = _enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(user=user, action="2fa_enrol").exists()


def test_next_login_asks_for_a_code_and_a_recovery_code_works_once(client, cast, required):
    user = cast.staff["counter"]
    _login(client, user)
    codes = _enrol(client, user)
    client.logout()
    response = _login(client, user)
    assert response.url.startswith(reverse("accounts:otp_verify"))
    verify = reverse("accounts:otp_verify")
    assert client.post(verify, {"token": "123456"}).status_code == 200  # wrong: form again
    response = client.post(verify, {"token": codes[0], "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert AuditEvent.objects.filter(user=user, action="2fa_recovery_used").exists()
    client.logout()
    _login(client, user)
    assert client.post(verify, {"token": codes[0]}).status_code == 200  # used up
    assert client.get("/").status_code == 302


def test_verify_refuses_an_off_site_next(client, cast, required):
    user = cast.staff["counter"]
    _login(client, user)
    codes = _enrol(client, user)
    client.logout()
    _login(client, user)
    response = client.post(
        reverse("accounts:otp_verify"), {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_only_the_system_admin_resets_two_factor_and_it_is_audited(client, cast, required):
    user = cast.staff["counter"]
    _login(client, user)
    _enrol(client, user)
    url = reverse("accounts:staff_reset_2fa", args=[user.pk])
    admin = cast.admins["counter"]
    TOTPDevice.objects.create(user=admin, name="x", confirmed=True)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=admin).persistent_id
    session.save()
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()
    sysadmin = cast.system_admin
    TOTPDevice.objects.create(user=sysadmin, name="x", confirmed=True)
    client.force_login(sysadmin)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=sysadmin).persistent_id
    session.save()
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        user=sysadmin, action="2fa_reset", object_id=str(user.pk)
    ).exists()


def test_without_the_requirement_unenrolled_users_go_straight_in(client, cast):
    assert _login(client, cast.staff["counter"]).status_code == 200
