from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from tsunagu.access import policy

from .selectors import area_rows, current_municipality, meeting_bodies, structure_page


@login_required
def structure(request):
    """実施体制: the plan, the programmes of each statutory project and who delivers them,
    the departments, areas, staff and baselines."""
    municipality = current_municipality()
    context = {"municipality": municipality}
    if municipality:
        context |= structure_page(municipality)
    return render(request, "municipality/structure.html", context)


@login_required
def meeting_bodies_list(request):
    """会議体: each meeting body with its functions, consent rule, members, status and, for
    a body declared per area, its instances."""
    municipality = current_municipality()
    bodies = list(meeting_bodies(municipality)) if municipality else []
    return render(
        request,
        "municipality/meeting_bodies.html",
        {"municipality": municipality, "bodies": bodies},
    )


@login_required
def areas(request):
    """圏域: the area tree, each area with the agencies, programmes, bodies and sites serving
    it and other apps' records counted by area."""
    municipality = current_municipality()
    context = {"municipality": municipality}
    if municipality:
        policy.get_areas_municipality_or_404(request.user, municipality)
        context |= {
            "levels": list(
                municipality.area_levels.annotate(
                    named=Count("areas", filter=Q(areas__in_profile=True))
                )
            ),
            "rows": area_rows(municipality),
        }
    return render(request, "municipality/areas.html", context)
