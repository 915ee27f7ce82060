"""Issue 15 item 1: the server `make demo` starts (manage.py demo: DEBUG off, WhiteNoise,
the app's CSP) serves a fully styled app. Not the test live server, which serves static
files itself and hid that `make demo` served none."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
PRIMARY_BLUE = "rgb(0, 23, 193)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(TSUNAGU_VAR_DIR=str(tmp_path_factory.mktemp("demo")), TSUNAGU_PROFILE="kobayashi")
    log = tmp_path_factory.mktemp("demo-log") / "demo.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "demo", "--profile", "kobayashi", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("デモサーバーが起動しませんでした:\n" + log.read_text())
        yield f"http://127.0.0.1:{port}", log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _styled(page) -> None:
    failed = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')]
                 .filter(l => { try { return !l.sheet || l.sheet.cssRules.length === 0 }
                                catch (e) { return true } })
                 .map(l => l.href)"""
    )
    assert failed == [], f"読み込まれなかったスタイルシート: {failed}"
    header = page.locator("header.site").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == PRIMARY_BLUE


def test_demo_server_serves_a_styled_app_under_its_csp(demo_server, playwright):
    base_url, printed = demo_server
    first_user = printed.split("まずこの利用者で試してください:")[1].split()[0]
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    bad_static = []
    page.on(
        "response",
        lambda r: bad_static.append(r.url) if "/static/" in r.url and r.status != 200 else None,
    )
    page.goto(base_url + "/accounts/login/")
    _styled(page)
    page.get_by_label("ユーザー名").fill(first_user)
    page.get_by_label("パスワード").fill("tsunagu-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == base_url
    _styled(page)
    assert page.evaluate("() => typeof window.htmx") == "object"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "demo-server-home.png"), full_page=True)
    page.goto(base_url + "/no-such-page/")
    _styled(page)
    assert "ページが見つかりません" in page.content()
    assert bad_static == [] and refused == []
    assert page.request.get(base_url + "/static/tsunagu/favicon.svg").status == 200
    browser.close()
