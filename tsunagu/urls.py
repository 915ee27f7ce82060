from django.contrib import admin
from django.urls import include, path

from tsunagu import views

admin.site.site_header = "tsunagu 管理"
admin.site.site_title = "tsunagu 管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/requests/", views.pending_requests, name="home_requests"),
    path("accounts/", include("tsunagu.accounts.urls")),
    path("municipality/", include("tsunagu.municipality.urls")),
    path("admin/", admin.site.urls),
]

urlpatterns += [
    path("people/", include("tsunagu.people.urls")),
    path("access/", include("tsunagu.access.urls")),
    path("intake/", include("tsunagu.intake.urls")),
    path("coordination/", include("tsunagu.coordination.urls")),
    path("meetings/", include("tsunagu.meetings.urls")),
    path("outreach/", include("tsunagu.outreach.urls")),
    path("participation/", include("tsunagu.participation.urls")),
    path("resources/", include("tsunagu.resources.urls")),
    path("reports/", include("tsunagu.reports.urls")),
]
