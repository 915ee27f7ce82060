from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    verbose_name = "参加支援"
    name = "tsunagu.participation"
