from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import StatutoryProject
from .selectors import current_municipality, meeting_bodies, programmes_with_structure


@login_required
def structure(request):
    """実施体制: the programmes of each statutory project and who delivers them."""
    municipality = current_municipality()
    programmes = list(programmes_with_structure(municipality)) if municipality else []
    sections = [
        (project, [p for p in programmes if p.project == project.value])
        for project in StatutoryProject
    ]
    return render(
        request,
        "municipality/structure.html",
        {"municipality": municipality, "sections": sections},
    )


@login_required
def meeting_bodies_list(request):
    """会議体: each meeting body with its functions, consent rule and members."""
    municipality = current_municipality()
    bodies = list(meeting_bodies(municipality)) if municipality else []
    return render(
        request,
        "municipality/meeting_bodies.html",
        {"municipality": municipality, "bodies": bodies},
    )
