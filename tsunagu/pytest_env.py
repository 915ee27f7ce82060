"""Loaded by pytest before any plugin reads the settings (``-p tsunagu.pytest_env`` in
pyproject.toml): the settings default to production (docs/decisions/0013), so the tests
say they are tests unless the caller chose an environment."""

import os

os.environ.setdefault("TSUNAGU_ENV", "test")
