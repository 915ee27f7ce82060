"""目標値 and figures the 主管課 enters by hand (e.g. 研修回数), per indicator and 年度."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tsunagu.municipality.models import Municipality


class Target(models.Model):
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("指標コード", max_length=60)
    target = models.DecimalField("目標値", max_digits=12, decimal_places=1, null=True, blank=True)
    # Only for figures no record counts (``Figure.manual``): the 実績 as entered.
    actual = models.DecimalField(
        "実績(入力)", max_digits=12, decimal_places=1, null=True, blank=True
    )
    note = models.CharField("備考", max_length=200, blank=True)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "目標値"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year", "code"], name="target_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.code}"
