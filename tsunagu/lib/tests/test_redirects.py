import pytest
from django.test import RequestFactory

from tsunagu.lib.redirects import next_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/coordination/", "/coordination/"),
        ("https://evil.example/", "/home/"),
        ("//evil.example/", "/home/"),
        ("/\\evil.example/", "/home/"),
        ("", "/home/"),
        ("１２", "/home/"),
        ("coordination:list", "/home/"),
    ],
)
def test_only_paths_on_this_site_are_followed(given, expected):
    request = RequestFactory().post("/x/", {"next": given})
    assert next_url(request, "/home/") == expected
