from django.urls import path

from . import printouts, views

app_name = "coordination"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("my-assignments/", views.my_assignments, name="my_assignments"),
    path("requests/<int:pk>/open/", views.open_from_request, name="open_from_request"),
    path("requests/<int:pk>/decline/", views.decline_request, name="decline_request"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/team/add/", views.add_member, name="add_member"),
    path("<int:pk>/team/<int:agency_pk>/end/", views.end_member, name="end_member"),
    path("<int:pk>/ties/add/", views.add_tie, name="add_tie"),
    path("<int:pk>/ties/form/", views.tie_form, name="tie_form"),
    path("<int:pk>/consent/new/", views.consent_new, name="consent_new"),
    path("consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/assessment/new/", views.assessment_new, name="assessment_new"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessment/<int:pk>/pdf/", printouts.assessment_pdf, name="assessment_pdf"),
    path("assessment/<int:pk>/xlsx/", printouts.assessment_xlsx, name="assessment_xlsx"),
    path("<int:pk>/plan/new/", views.plan_start, name="plan_start"),
    path("plan/<int:pk>/", views.plan_detail, name="plan"),
    path("plan/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plan/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plan/<int:pk>/pdf/", printouts.plan_pdf, name="plan_pdf"),
    path("plan/<int:pk>/xlsx/", printouts.plan_xlsx, name="plan_xlsx"),
    path("assignment/<int:pk>/status/", views.assignment_status, name="assignment_status"),
    path("<int:pk>/monitoring/new/", views.monitoring_new, name="monitoring_new"),
    path("<int:pk>/notes/", views.notes, name="notes"),
    path("<int:pk>/notes/add/", views.add_note, name="add_note"),
    path("<int:pk>/notes/pdf/", printouts.notes_pdf, name="notes_pdf"),
    path("<int:pk>/notes/xlsx/", printouts.notes_xlsx, name="notes_xlsx"),
    path("<int:pk>/close/", views.close, name="close"),
]
