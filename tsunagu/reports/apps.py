from django.apps import AppConfig


class ReportsConfig(AppConfig):
    verbose_name = "年度実績と評価"
    name = "tsunagu.reports"
