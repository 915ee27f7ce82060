"""``{% load pagination %}{% pagination page %}``: the one 前へ/次へ bar under every paged list.

The links keep the list's other query parameters (filters, search terms, a second list's
page), so a view passes only its ``Page``; ``param`` names the page parameter when a page
shows two paged lists."""

from django import template

register = template.Library()


def _url(request, param: str, number: int) -> str:
    params = request.GET.copy()
    params[param] = str(number)
    return "?" + params.urlencode()


@register.inclusion_tag("partials/pagination.html", takes_context=True)
def pagination(context, page, param: str = "page"):
    request = context["request"]
    return {
        "page": page,
        "previous": _url(request, param, page.previous_page_number())
        if page.has_previous()
        else "",
        "next": _url(request, param, page.next_page_number()) if page.has_next() else "",
    }
