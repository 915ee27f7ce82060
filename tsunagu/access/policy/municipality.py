"""Who may see the municipality's profile pages beyond 実施体制 and 会議体.

The 圏域 page shows configuration (areas, the agencies and bodies serving them) and other
apps' counts per area — no person's data — so any member of the municipality's agencies may
see it, in any role (管理者 and 監査 included: it is not case content). A user working for
no agency of the municipality gets a 404.
"""

from __future__ import annotations

from django.http import Http404

from tsunagu.municipality.models import Municipality


def can_view_areas(user, municipality: Municipality | None) -> bool:
    if municipality is None or not (user.is_authenticated and user.is_active):
        return False
    return municipality.agencies.filter(pk__in=user.agency_ids()).exists()


def get_areas_municipality_or_404(user, municipality: Municipality | None) -> Municipality:
    if municipality is None or not can_view_areas(user, municipality):
        raise Http404("圏域のページは見つからないか、閲覧する権限がありません。")
    return municipality
