from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import Agency, Delivery, MeetingBody, Municipality, Programme, ProgrammeDepartment


def current_municipality() -> Municipality | None:
    """The municipality this instance runs: TSUNAGU_PROFILE if set, else the only/first one."""
    qs = Municipality.objects.all()
    if settings.TSUNAGU_PROFILE:
        found = qs.filter(slug=settings.TSUNAGU_PROFILE).first()
        if found:
            return found
    return qs.order_by("pk").first()


STRUCTURE_HEADER = (
    "法定事業",
    "分野",
    "実施事業",
    "機関",
    "拠点数",
    "運営形態",
    "運営主体",
    "所管課",
)


def programmes_with_structure(municipality: Municipality) -> QuerySet[Programme]:
    """The profile's programmes in file order, with deliveries and 所管課 prefetched."""
    return (
        municipality.programmes.filter(in_profile=True)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("agency", "operator").order_by("order"),
            ),
            Prefetch(
                "department_links",
                queryset=ProgrammeDepartment.objects.select_related("department"),
            ),
        )
    )


def structure_rows(municipality: Municipality, *, variants: bool = False) -> list[tuple[str, ...]]:
    """One row per programme × agency, as docs/profiles.md defines the structure CSV; with
    ``variants`` the programme's variant follows its name (text format, not the CSV)."""
    rows: list[tuple[str, ...]] = []
    for programme in programmes_with_structure(municipality):
        for delivery in programme.deliveries.all():
            rows.append(
                (
                    programme.project_label,
                    programme.field,
                    programme.display_name if variants else programme.name,
                    delivery.agency.name if delivery.agency else "",
                    delivery.sites_display,
                    delivery.form_display,
                    delivery.operator_display,
                    delivery.department_names,
                )
            )
    return rows


def meeting_bodies(municipality: Municipality) -> QuerySet[MeetingBody]:
    return (
        municipality.meeting_bodies.filter(in_profile=True)
        .order_by("order")
        .select_related("convener", "parent", "department")
        .prefetch_related(
            Prefetch("members", queryset=Agency.objects.order_by("kind", "order")),
            "co_conveners",
        )
    )
