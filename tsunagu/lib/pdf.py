"""Render a template to PDF bytes (WeasyPrint, Debian's Noto CJK fonts; nothing fetched)."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML  # heavy import (~2 s CPU): only when a PDF is asked for

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
