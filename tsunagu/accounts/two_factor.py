"""TOTP two-factor authentication on django-otp (docs/decisions/0012-account-administration.md).

A user enrols one authenticator app (a TOTP device) and receives ten recovery codes (static
tokens, each usable once). The changes themselves (enrolment, reset) are in actions.py.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def required_for(user) -> bool:
    """Every role either reads personal data (相談員…, 監査 reads search terms and person ids)
    or decides who may (管理者, システム管理者), so production requires it of every user."""
    return bool(settings.TSUNAGU_REQUIRE_2FA and user.is_active)


def has_device(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def pending_totp(user) -> TOTPDevice:
    """The not yet confirmed authenticator being enrolled (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="二段階認証の登録用QRコード"
    )


def verified_device(user, token: str):
    """The device (authenticator or recovery code) that accepts ``token``, or None."""
    token = "".join(token.split())
    if not token or len(token) > 20:
        return None
    return match_token(user, token)
