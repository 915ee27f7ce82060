from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.municipality.selectors import current_municipality
from tsunagu.reports.headline import headline


@login_required
def home(request):
    municipality = current_municipality()
    figures = None
    if municipality is not None and policy.can_read_reports(request.user):
        figures = headline(municipality, timezone.localdate())
    return render(request, "home.html", {"municipality": municipality, "headline": figures})
