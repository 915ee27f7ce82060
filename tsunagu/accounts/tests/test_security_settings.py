"""Issue 12 items 13 and 14: production settings, headers, session limits, lockout, and a
database connection killed under a running server."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from tsunagu.accounts.tests.cast import build_cast

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "TSUNAGU_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-test-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "tsunagu.example.lg.jp",
}


def _manage(*args, env=None):
    # Not the test run's own switches (tests/e2e sets DJANGO_ALLOW_ASYNC_UNSAFE).
    skip = {"TSUNAGU_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    environ = {k: v for k, v in os.environ.items() if k not in skip}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ["TSUNAGU_VAR_DIR"] = str(ROOT / "var" / "production-check")
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cast(town):
    return build_cast(town)


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_requires_two_factor_and_has_no_demo_app():
    code = (
        "from django.conf import settings as s; "
        "print(s.TSUNAGU_REQUIRE_2FA, 'tsunagu.demo' in s.INSTALLED_APPS, s.SESSION_COOKIE_SECURE,"
        " s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == [
        "True",
        "False",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ], result.stderr
    assert "seed_demo" not in _manage("help", env=PRODUCTION_ENV).stdout


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_an_environment_the_settings_are_production():
    """A server started without TSUNAGU_ENV (gunicorn loading tsunagu.wsgi, or manage.py)
    runs the production settings: with a key, check --deploy is clean; without one, it
    refuses to start instead of running in demo mode with a generated key."""
    unnamed = {k: v for k, v in PRODUCTION_ENV.items() if k != "TSUNAGU_ENV"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=unnamed)
    assert result.returncode == 0, result.stdout + result.stderr
    environ = {k: v for k, v in os.environ.items() if k not in {"TSUNAGU_ENV", "SECRET_KEY"}}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import tsunagu.wsgi"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_proxy_setting_trusts_forwarded_proto():
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    env = {**PRODUCTION_ENV, "TSUNAGU_BEHIND_PROXY": "1"}
    assert "HTTP_X_FORWARDED_PROTO" in _manage("shell", "--no-imports", "-c", code, env=env).stdout


def test_pages_carry_a_csp_without_inline_script_and_no_store(client, cast):
    client.force_login(cast.staff["counter"])
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src and "unsafe" not in script_src
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("people:search"))["Cache-Control"]


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\son[a-z]+\s*=", text)
            or "javascript:" in text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_idle_session_ends_after_the_idle_timeout(client, cast, settings):
    client.force_login(cast.staff["counter"])
    assert client.get("/").status_code == 200
    session = client.session
    session["seen_at"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(settings.LOGIN_URL)
    assert client.get("/").status_code == 302  # logged out, not just redirected once


def test_an_idle_htmx_request_asks_for_a_full_page_login(client, cast, settings):
    client.force_login(cast.staff["counter"])
    session = client.session
    session["seen_at"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(settings.LOGIN_URL)


def test_session_ends_at_the_absolute_limit_however_active(client, cast, settings):
    client.force_login(cast.staff["counter"])
    client.get("/")
    session = client.session
    session["started_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get("/").status_code == 302


def test_idle_timeout_defaults_to_thirty_minutes():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_lockout_holds_for_the_account_from_any_address(client, cast):
    user = cast.staff["counter"]
    url = reverse("accounts:login")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url, {"username": user.username, "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{i}"
        )
    response = client.post(
        url, {"username": user.username, "password": "tsunagu-demo"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code != 302
    assert "_auth_user_id" not in client.session


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend: PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_a_killed_database_connection_does_not_fail_the_next_request(cast):
    """What a database restart does to a persistent connection (CONN_MAX_AGE). Driven through
    the real WSGI handler: the test client skips the request signals that run health checks."""
    from django.test import Client

    browser = Client()
    browser.force_login(cast.staff["counter"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()

    def get(path):
        environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
        statuses = []
        body = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()  # request_finished: keeps the connection (CONN_MAX_AGE)
        return int(statuses[0].split()[0])

    assert get("/") == 200
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("select pg_terminate_backend(%s)", [pid])
    assert get("/") == 200


def test_production_serves_hashed_compressed_static_files_after_collectstatic(tmp_path):
    env = {**PRODUCTION_ENV, "TSUNAGU_VAR_DIR": str(tmp_path)}
    result = _manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    code = (
        "import re; from django.test import Client; c = Client(); "
        "page = c.get('/accounts/login/', secure=True, HTTP_HOST='tsunagu.example.lg.jp'); "
        "css = re.search(r'href=\"(/static/tsunagu/app\\.[0-9a-f]{12}\\.css)\"', page.text).group(1); "
        "r = c.get(css, secure=True, HTTP_HOST='tsunagu.example.lg.jp', HTTP_ACCEPT_ENCODING='gzip'); "
        "print(r.status_code, r.headers.get('Content-Encoding'), 'immutable' in r.headers['Cache-Control'])"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == ["200", "gzip", "True"], result.stdout + result.stderr
