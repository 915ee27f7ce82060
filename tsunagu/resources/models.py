"""社会資源台帳: the organisations, places and activities of the municipality.

``Organization`` is the one record of a body outside the municipality's casework that runs
something or takes people in (HSDS "organization"): a 社協 running サロン, a farm offering
就労体験, a 自治会 running 見守り. 参加支援's hosts (受入先) are these same rows, so a host and
a community resource are never entered twice (docs/decisions: one register).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tsunagu.municipality.models import Area, Municipality


class OrganizationKind(models.TextChoices):
    BUSINESS = "business", "企業・事業所"
    FARM = "farm", "農家・農業法人"
    NPO = "npo", "NPO法人"
    WELFARE_CORP = "welfare_corp", "社会福祉法人"
    SHOP = "shop", "商店"
    RESIDENTS = "residents", "自治会・町内会"
    VOLUNTEERS = "volunteers", "ボランティア団体"
    COUNCIL = "council", "社会福祉協議会"
    PUBLIC = "public", "行政・公的機関"
    OTHER = "other", "その他"


class Organization(models.Model):
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="organizations")
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("種別", max_length=20, choices=OrganizationKind.choices)
    description = models.TextField("概要", blank=True)
    area = models.ForeignKey(
        Area,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name="圏域",
    )
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    contact_person = models.CharField("担当者", max_length=100, blank=True)
    # 公開: may appear in the public directory and the HSDS export; otherwise staff only.
    is_public = models.BooleanField("公開", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock

    class Meta:
        ordering = ["municipality", "name"]
        indexes = [models.Index(fields=["municipality", "area"], name="org_by_area")]
        verbose_name = verbose_name_plural = "団体・事業所"

    def __str__(self) -> str:
        return self.name
