"""The one way to follow a ``next=`` parameter: only to a path on this site.

A form that says where to go afterwards (``<input name="next">``) can be posted from
anywhere, so the value is an attacker's choice: ``https://evil.example/`` or
``//evil.example`` would send a logged-in user off-site (open redirect). Django's
``url_has_allowed_host_and_scheme`` is the check its own login view uses.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default: str) -> str:
    """``next`` from POST or GET when it is a path on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


def redirect_next(request, default: str) -> HttpResponseRedirect:
    # Never django.shortcuts.redirect: it would read a bare word as a view name to reverse.
    return HttpResponseRedirect(next_url(request, default))
