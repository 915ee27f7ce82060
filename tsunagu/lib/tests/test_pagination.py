from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

BAR = Template('{% load pagination %}{% pagination page %}|{% pagination other "sent_page" %}')


def test_links_keep_the_other_parameters_and_name_their_page():
    request = RequestFactory().get("/intake/referrals/", {"sent": "all", "page": "2"})
    pages = Paginator(list(range(30)), 10)
    html = BAR.render(Context({"request": request, "page": pages.page(2), "other": pages.page(1)}))
    first, second = html.split("|")
    assert 'href="?sent=all&amp;page=1"' in first and 'href="?sent=all&amp;page=3"' in first
    assert "2 / 3" in first
    assert 'href="?sent=all&amp;page=2&amp;sent_page=2"' in second and "前へ" not in second


def test_a_single_page_has_no_bar():
    request = RequestFactory().get("/")
    page = Paginator([1], 10).page(1)
    html = BAR.render(Context({"request": request, "page": page, "other": page}))
    assert "nav" not in html
