from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import current_municipality


@login_required
def structure(request):
    # Placeholder replaced by the profile work (issue 2).
    return render(request, "municipality/structure.html", {"municipality": current_municipality()})


@login_required
def meeting_bodies(request):
    return render(
        request, "municipality/meeting_bodies.html", {"municipality": current_municipality()}
    )
