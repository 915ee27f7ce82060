from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/plan/<int:plan_pk>/", views.open_from_plan, name="open_from_plan"),
    path("new/consultation/<int:pk>/", views.open_from_consultation, name="open_from_consultation"),
    path("new/outreach/<int:pk>/", views.open_from_outreach, name="open_from_outreach"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/needs/", views.edit_needs, name="needs"),
    path("<int:pk>/match/", views.match, name="match"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/followups/", views.schedule_person_followup, name="schedule_followup"),
    path("followups/<int:pk>/", views.followup, name="followup"),
    path("inbox/", views.inbox, name="inbox"),
    path("offers/", views.offer_directory, name="offers"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("hosts/", views.host_list, name="hosts"),
    path("hosts/new/", views.host_new, name="host_new"),
    path("hosts/<int:pk>/", views.host_detail, name="host"),
    path("hosts/<int:pk>/edit/", views.host_edit, name="host_edit"),
    path("hosts/<int:pk>/offers/new/", views.offer_new, name="offer_new"),
    path("hosts/<int:pk>/history/", views.host_history, name="host_history"),
    path("hosts/<int:pk>/followups/", views.schedule_host_followup, name="schedule_host_followup"),
    path("figures/", views.figures_page, name="figures"),
]
