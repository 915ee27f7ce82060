from django.apps import AppConfig


class IntakeConfig(AppConfig):
    verbose_name = "相談受付・つなぎ"
    name = "tsunagu.intake"
