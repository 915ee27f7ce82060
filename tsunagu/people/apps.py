from django.apps import AppConfig


class PeopleConfig(AppConfig):
    verbose_name = "本人・世帯"
    name = "tsunagu.people"
