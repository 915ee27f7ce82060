from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    verbose_name = "多機関協働"
    name = "tsunagu.coordination"
