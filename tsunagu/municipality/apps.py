from django.apps import AppConfig


class MunicipalityConfig(AppConfig):
    verbose_name = "自治体・実施体制"
    name = "tsunagu.municipality"
