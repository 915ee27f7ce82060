from django.urls import path

from tsunagu.access import views

app_name = "access"
urlpatterns = [path("audit/", views.audit_log, name="audit_log")]
