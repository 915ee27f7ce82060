from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tsunagu.municipality.selectors import current_municipality


@login_required
def home(request):
    return render(request, "home.html", {"municipality": current_municipality()})
