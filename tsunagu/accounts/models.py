from django.contrib.auth.models import AbstractUser
from django.db import models

from tsunagu.municipality.models import Agency


class User(AbstractUser):
    """A staff user. Access comes from memberships, never from being logged in."""

    display_name = models.CharField("氏名", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "利用者"

    def __str__(self) -> str:
        return self.display_name or self.username

    def agency_ids(self) -> set[int]:
        """Agencies (or departments) this user currently works for."""
        cached = getattr(self, "_agency_ids", None)
        if cached is None:
            cached = set(self.memberships.filter(active=True).values_list("agency_id", flat=True))
            self._agency_ids = cached
        return cached

    def roles(self) -> set[str]:
        cached = getattr(self, "_roles", None)
        if cached is None:
            cached = set(self.memberships.filter(active=True).values_list("role", flat=True))
            self._roles = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", "相談員"
    COORDINATOR = "coordinator", "コーディネーター"
    OUTREACH = "outreach", "アウトリーチ支援員"
    PARTICIPATION = "participation", "参加支援コーディネーター"
    ADMIN = "admin", "管理者"
    AUDITOR = "auditor", "監査"


class Membership(models.Model):
    user = models.ForeignKey(
        User, models.CASCADE, related_name="memberships", verbose_name="利用者"
    )
    agency = models.ForeignKey(
        Agency, models.CASCADE, related_name="memberships", verbose_name="所属"
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    active = models.BooleanField("有効", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
        ]
        verbose_name = verbose_name_plural = "所属・役割"

    def __str__(self) -> str:
        return f"{self.user} / {self.agency} / {self.get_role_display()}"
