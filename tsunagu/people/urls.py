from django.urls import path

from tsunagu.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("<int:pk>/merge/<int:other>/", views.merge, name="merge"),
    path("<int:pk>/keep-apart/<int:other>/", views.keep_apart, name="keep_apart"),
    path("<int:pk>/household/move/", views.move_household, name="move_household"),
    path("merges/<int:merge_id>/undo/", views.unmerge, name="unmerge"),
    path("households/<int:pk>/", views.household, name="household"),
]
