from django.urls import path

from tsunagu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("targets/", views.targets, name="targets"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("report.pdf", views.export_pdf, name="export_pdf"),
]
