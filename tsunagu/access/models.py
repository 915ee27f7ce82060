from django.conf import settings
from django.db import models

from tsunagu.municipality.models import Agency


class InvolvementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Involvement(models.Model):
    """An agency working with a person now: the source of case-content access.

    Rows are written by the actions that create involvement (registering a person, taking a
    consultation, receiving a referral, an assignment on a case…) and closed (``ended_at``)
    when that involvement ends. The access policy reads only this table, so it never needs
    to know about every record type.
    """

    class Source(models.TextChoices):
        REGISTERED = "registered", "登録"
        CONSULTATION = "consultation", "相談受付"
        REFERRAL = "referral", "つなぎ(受信)"
        CASE = "case", "多機関協働"
        MEETING = "meeting", "支援会議"
        OUTREACH = "outreach", "アウトリーチ"

    person = models.ForeignKey("people.Person", models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="involvements")
    source = models.CharField("根拠", max_length=20, choices=Source.choices)
    source_id = models.BigIntegerField("根拠の記録ID", null=True, blank=True)
    started_at = models.DateTimeField("開始", auto_now_add=True)
    ended_at = models.DateTimeField("終了", null=True, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "関与"
        indexes = [
            models.Index(fields=["agency", "person"], name="involvement_agency_person"),
            models.Index(fields=["person", "agency"], name="involvement_person_agency"),
            models.Index(fields=["source", "source_id"], name="involvement_source"),
        ]


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""

    def __init__(self) -> None:
        super().__init__("監査ログは追記のみです。記録の変更・削除はできません。")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly

    def delete(self):
        raise AuditLogIsAppendOnly


class AuditEvent(models.Model):
    """One append-only, hash-chained audit event. Written only through access.audit.log.

    The ORM refuses updates and deletes (instance and queryset); the hash chain makes any
    change made beneath the ORM (raw SQL, a restored backup) visible to ``verify_audit``.
    """

    at = models.DateTimeField("日時", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="利用者",
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属"
    )
    action = models.CharField("操作", max_length=30)
    object_type = models.CharField("対象種別", max_length=50)
    object_id = models.CharField("対象ID", max_length=50, blank=True)
    person_id = models.BigIntegerField("本人ID", null=True, blank=True, db_index=True)
    purpose = models.CharField("目的", max_length=200, blank=True)
    detail = models.JSONField("詳細", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "監査ログ"
        indexes = [models.Index(fields=["user", "at"], name="audit_user_at")]

    # Overridden only to refuse: the append-only guarantee must hold whoever calls save().
    def save(self, *args, **kwargs):
        if not self._state.adding or not kwargs.get("force_insert"):
            raise AuditLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly


class AuditChainHead(models.Model):
    """The single row naming the last audit event and its hash.

    Writers lock this row (SELECT … FOR UPDATE) before appending, which serialises them on
    PostgreSQL under READ COMMITTED, where locking "the last event" would let two writers
    read the same predecessor and fork the chain. It also lets ``verify_audit`` notice
    events removed from the end of the log, which the chain alone cannot show.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "監査ログの末尾"
