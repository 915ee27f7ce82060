from django.apps import AppConfig


class AccessConfig(AppConfig):
    verbose_name = "アクセス管理・監査"
    name = "tsunagu.access"
