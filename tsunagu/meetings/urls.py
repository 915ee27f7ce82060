from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("frequency/", views.frequency, name="frequency"),
    path("resource-gaps/", views.resource_gaps, name="resource_gaps"),
    path("bodies/<int:body_pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/status/", views.session_status, name="session_status"),
    path("sessions/<int:pk>/attendance/", views.attendance_add, name="attendance_add"),
    path("sessions/<int:pk>/pledge/", views.pledge_add, name="pledge_add"),
    path("sessions/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("sessions/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("sessions/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("sessions/<int:pk>/cases/<int:case_pk>/", views.shared_case, name="shared_case"),
    path("items/<int:item_pk>/decisions/", views.decision_add, name="decision_add"),
]
