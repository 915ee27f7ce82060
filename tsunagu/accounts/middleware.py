"""Request-level safeguards for signed-in users: session time limits, the two-factor step and
no caching of pages that carry personal data."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from tsunagu.accounts import two_factor

# Writing the session on every request would cost a database write per page; a minute's
# slack on the idle limit is harmless.
SEEN_RESOLUTION = 60


def stamp_new_session(sender, request, user, **kwargs) -> None:
    """At login (user_logged_in): start the session clocks and note whether the user has a
    two-factor device, so that pages after login need no extra session write or query."""
    now = int(time.time())
    request.session["started_at"] = request.session["seen_at"] = now
    if not two_factor.has_device(user):
        request.session["otp_no_device"] = True


class SessionTimeoutMiddleware:
    """Log out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and after
    ``SESSION_COOKIE_AGE`` since login whatever the activity (the cookie age alone would
    slide, since the session is saved again as it is used)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("started_at", now)
            seen = session.get("seen_at", now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > (
                settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(
                    request,
                    "一定時間操作がなかったため、ログアウトしました。再度ログインしてください。",
                )
                return _to_login(request, redirect_to_login(request.get_full_path()))
            if now - seen >= SEEN_RESOLUTION or "seen_at" not in session:
                session["seen_at"] = now
        return self.get_response(request)


def _to_login(request, response):
    """An htmx request would swap the login page into a fragment: ask htmx for a full page."""
    if request.headers.get("HX-Request"):
        full_page = HttpResponse(status=204)
        full_page["HX-Redirect"] = response["Location"]
        return full_page
    return response


class TwoFactorMiddleware:
    """Send a signed-in user who has not passed the second factor to it: to the code entry
    when they have a device, to enrolment when two-factor is required and they have none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _exempt(request.path):
            if _has_device(request):
                return redirect_to_login(request.get_full_path(), reverse("accounts:otp_verify"))
            if two_factor.required_for(user):
                return redirect(reverse("accounts:otp_setup"))
        return self.get_response(request)


def _has_device(request) -> bool:
    """Whether the user has enrolled, remembered in the session when not: where two-factor
    is optional (development, demo) most users never enrol, and asking the two device
    tables on every page would cost two queries a page. Enrolling happens in this same
    session (the setup page does not read this), and a reset only removes devices."""
    if request.session.get("otp_no_device"):
        return False
    found = two_factor.has_device(request.user)
    if not found:
        request.session["otp_no_device"] = True
    return found


def _exempt(path: str) -> bool:
    return path.startswith(("/accounts/2fa/", "/accounts/logout/", settings.STATIC_URL))


class NoStoreMiddleware:
    """Pages and files shown to a signed-in user may carry personal data: no cache (browser,
    proxy) may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response
