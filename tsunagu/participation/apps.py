from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    verbose_name = "参加支援"
    name = "tsunagu.participation"

    def ready(self) -> None:
        # The 年度実績 gathers the domain sections registered with it (reports/indicators.py).
        from tsunagu.reports.indicators import SECTION_SOURCES

        from .figures import report_section

        if report_section not in SECTION_SOURCES:
            SECTION_SOURCES.append(report_section)
