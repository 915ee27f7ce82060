"""Load run: logged-in users browsing the key pages (used by bench/pages/harness.py)."""

import itertools
import os
import random

from locust import HttpUser, between, task

USERNAMES = itertools.cycle(os.environ.get("BENCH_USERNAMES", "").split(","))
PATHS = os.environ.get("BENCH_PATHS", "/municipality/structure/").split(",")


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.get("/accounts/login/")
        self.client.post(
            "/accounts/login/",
            {
                "username": next(USERNAMES),
                "password": "tsunagu-demo",
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            headers={"Referer": self.host + "/accounts/login/"},
        )

    @task
    def browse(self):
        self.client.get(random.choice(PATHS), name="page")
