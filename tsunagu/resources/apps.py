from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    verbose_name = "地域づくり・社会資源"
    name = "tsunagu.resources"
