"""Browser tests: pytest-playwright driving Debian's Chromium (never a downloaded browser).

Run with `make test-e2e`. Each step's screenshot is saved under var/screenshots/, and
`axe_check` injects the vendored axe-core and fails on serious or critical violations.
"""

import json
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test body still uses the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TSUNAGU_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe_check injects axe-core as an inline script, which the app's CSP refuses;
    # test_demo_server.py opens its own context with the CSP enforced.
    return {
        **browser_context_args,
        "locale": "ja-JP",
        "viewport": {"width": 1280, "height": 900},
        "bypass_csp": True,
    }


class Browser:
    """A user at a browser: logs in, takes screenshots, checks accessibility."""

    def __init__(self, page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.folder = SCREENSHOTS / re.sub(r"[^\w-]", "_", test_name)
        self.step = 0

    def go(self, path: str):
        self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = "tsunagu-demo"):
        self.go("/accounts/login/")
        self.page.get_by_label("ユーザー名").fill(username)
        self.page.get_by_label("パスワード").fill(password)
        self.page.get_by_role("button", name="ログイン").click()
        self.page.wait_for_load_state()

    def logout(self):
        self.page.get_by_role("button", name="ログアウト").click()
        self.page.wait_for_load_state()

    def shot(self, name: str):
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)

    def axe_check(self):
        self.page.add_script_tag(content=AXE.read_text())
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, json.dumps(
            [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "nodes": [n["target"] for n in v["nodes"][:3]],
                }
                for v in bad
            ],
            ensure_ascii=False,
            indent=1,
        )

    def step_check(self, name: str):
        """Screenshot and accessibility check of the page the user is on."""
        self.shot(name)
        self.axe_check()


@pytest.fixture
def user_browser(page, live_server, request):
    return Browser(page, live_server.url, request.node.name)
