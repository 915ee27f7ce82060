from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from tsunagu import home as work
from tsunagu.access import audit, policy
from tsunagu.municipality.selectors import current_municipality


@login_required
def home(request):
    """Today's work, per role (tsunagu/home.py): counts, the first rows, a link to each list."""
    municipality = current_municipality()
    page = work.today_work(request.user, today=timezone.localdate(), municipality=municipality)
    if page.has_content:
        audit.log(
            request.user, "list", "home", purpose="ホーム", person_ids=sorted(page.person_ids)
        )
    return render(request, "home.html", {"municipality": municipality, "work": page})


@login_required
def pending_requests(request):
    """The 支援依頼 block alone, loaded (htmx) into the coordinators' inbox."""
    if not policy.casework_agency_ids(request.user):
        raise Http404("支援依頼を閲覧する権限がありません。")
    block = work.requests(request.user)
    rows = block.rows if block else []
    audit.log(
        request.user,
        "list",
        "intake.coordinationrequest",
        purpose="支援依頼(受信箱)",
        person_ids=sorted({r.consultation.person_id for r in rows}),
    )
    return render(request, "home/_requests.html", {"block": block})
