from django.conf import settings

from .models import Municipality


def current_municipality() -> Municipality | None:
    """The municipality this instance runs: TSUNAGU_PROFILE if set, else the only/first one."""
    qs = Municipality.objects.all()
    if settings.TSUNAGU_PROFILE:
        found = qs.filter(slug=settings.TSUNAGU_PROFILE).first()
        if found:
            return found
    return qs.order_by("pk").first()
