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

    def active_memberships(self) -> list["Membership"]:
        """The active memberships with their agencies, read once per user object: the
        access policy and the page header both use this one list."""
        cached = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = list(self.memberships.filter(active=True).select_related("agency"))
            self._active_memberships = cached
        return cached

    def _memberships(self) -> list[tuple[int, str]]:
        """(agency id, role) of the active memberships."""
        return [(m.agency_id, m.role) for m in self.active_memberships()]

    def agency_ids(self) -> set[int]:
        """Agencies (or departments) this user currently works for, in any role."""
        return {agency_id for agency_id, _ in self._memberships()}

    def content_agency_ids(self) -> set[int]:
        """Agencies through which this user may read case content: memberships in a
        casework role. 管理者, 監査, 統計 and the municipality-wide memberships grant none (access/policy/base.py)."""
        return {agency_id for agency_id, role in self._memberships() if role not in NO_CONTENT}

    def roles(self) -> set[str]:
        return {role for _, role in self._memberships()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", "相談員"
    COORDINATOR = "coordinator", "コーディネーター"
    OUTREACH = "outreach", "アウトリーチ支援員"
    PARTICIPATION = "participation", "参加支援コーディネーター"
    ADMIN = "admin", "管理者"
    AUDITOR = "auditor", "監査"
    STATISTICS = "statistics", "統計"
    # Municipality-wide roles (docs/decisions/0012-account-administration.md): granted only by a システム管理者.
    SYSTEM_ADMIN = "system_admin", "システム管理者"
    MUNICIPAL_AUDITOR = "municipal_auditor", "全庁監査"


# Roles that read no case content; the read-only ones also change nothing (access.policy).
NO_CONTENT = frozenset(
    {Role.ADMIN, Role.AUDITOR, Role.STATISTICS, Role.SYSTEM_ADMIN, Role.MUNICIPAL_AUDITOR}
)
READ_ONLY = frozenset({Role.AUDITOR, Role.MUNICIPAL_AUDITOR})
MUNICIPAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.MUNICIPAL_AUDITOR})
# What each role is for, in the words shown to users (demo logins, staff pages).
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.COUNSELLOR: "相談を受け付け、記録し、他機関へつなぎます。",
    Role.COORDINATOR: "複合的な課題の事例を、同意・アセスメント・支援プラン・会議で調整します (CSW)。",
    Role.OUTREACH: "支援が届いていない人への訪問・見守りを記録します。",
    Role.PARTICIPATION: "社会参加の受入先とのマッチングを記録します。",
    Role.ADMIN: "自機関の職員アカウントと役割を管理します。相談記録は閲覧できません。",
    Role.AUDITOR: "自機関の職員・記録に関する監査ログを閲覧します。記録の変更はできません。",
    Role.STATISTICS: "年度実績(集計のみ)を閲覧し、目標値を入力します。個人の記録は閲覧できません。",
    Role.SYSTEM_ADMIN: "全庁の職員アカウント・役割と二段階認証のリセットを管理します。相談記録は閲覧できません。",
    Role.MUNICIPAL_AUDITOR: "全庁の監査ログを閲覧します。記録の変更はできません。",
}


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
