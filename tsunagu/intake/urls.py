from django.urls import path

from tsunagu.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("candidates/", views.person_candidates, name="person_candidates"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("<int:pk>/reopen/", views.consultation_reopen, name="consultation_reopen"),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("<int:pk>/refer/", views.referral_create, name="referral_create"),
    path("<int:pk>/coordination/", views.coordination_request, name="coordination_request"),
    path(
        "people/<int:person_id>/refer/", views.referral_create_direct, name="referral_create_direct"
    ),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="task_transition"),
    path("people/<int:person_id>/referrals/", views.person_referral_chain, name="referral_chain"),
    path("stats/", views.loop_stats, name="loop_stats"),
    path("export.<str:fmt>", views.ledger_export, name="ledger_export"),
]
