from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.resource_new, name="new"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/edit/", views.resource_edit, name="edit"),
    path("<int:pk>/activity/", views.activity_add, name="activity_add"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/new/", views.organization_edit, name="organization_new"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/new/", views.gap_new, name="gap_new"),
    path("gaps/<int:pk>/", views.gap_detail, name="gap"),
    path("gaps/<int:pk>/move/", views.gap_move, name="gap_move"),
    path("gaps/<int:pk>/edit/", views.gap_edit, name="gap_edit"),
    path("export/hsds.json", views.export_hsds_json, name="export_hsds_json"),
    path("export/hsds-csv.zip", views.export_hsds_csv, name="export_hsds_csv"),
    path("export/list.xlsx", views.export_xlsx, name="export_xlsx"),
    path("booklet.pdf", views.booklet_pdf, name="booklet"),
    path("import/", views.import_view, name="import"),
    path("figures/", views.figures, name="figures"),
    path("public/", views.public_home, name="public_home"),
    path("public/<slug:slug>/", views.public_index, name="public_index"),
    path("public/<slug:slug>/<uuid:hsds_id>/", views.public_detail, name="public_detail"),
]
