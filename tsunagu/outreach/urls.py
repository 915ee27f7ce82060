from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_create, name="create"),
    path("figures/", views.figures_page, name="figures"),
    path("from-case/<int:case_pk>/", views.from_case, name="from_case"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/attempts/", views.attempt_create, name="attempt_create"),
    path("<int:pk>/move/", views.record_move, name="move"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/hand-off/", views.hand_off, name="hand_off"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
]
