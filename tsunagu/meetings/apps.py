from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    verbose_name = "会議体"
    name = "tsunagu.meetings"
