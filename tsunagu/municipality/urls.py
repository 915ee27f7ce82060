from django.urls import path

from . import views

app_name = "municipality"
urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("meeting-bodies/", views.meeting_bodies_list, name="meeting_bodies"),
    path("areas/", views.areas, name="areas"),
]
