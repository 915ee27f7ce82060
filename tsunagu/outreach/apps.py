from django.apps import AppConfig


class OutreachConfig(AppConfig):
    verbose_name = "アウトリーチ"
    name = "tsunagu.outreach"
