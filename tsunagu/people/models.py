"""Persons and households.

The registered name is kept exactly as written (variant selectors included); matching
works only on keys derived from it (see names.py and matching.py).
"""

from django.conf import settings
from django.db import models

from tsunagu.municipality.models import Agency, Municipality


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"
    OTHER = "other", "その他"


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="persons")
    family_name = models.CharField("氏", max_length=100)
    given_name = models.CharField("名", max_length=100, blank=True)
    family_kana = models.CharField("フリガナ(氏)", max_length=100, blank=True)
    given_kana = models.CharField("フリガナ(名)", max_length=100, blank=True)
    # Foreign residents: the name as registered in alphabet (在留カード) and a registered
    # 通称名; the katakana reading goes in the フリガナ fields.
    alphabet_name = models.CharField("氏名(アルファベット)", max_length=200, blank=True)
    common_name = models.CharField("通称名", max_length=100, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=300, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    contact_note = models.CharField("連絡方法", max_length=300, blank=True)
    registered_by = models.ForeignKey(
        Agency, models.PROTECT, related_name="registered_persons", verbose_name="登録機関"
    )
    registered_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1)  # lib/conflicts.py
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name="統合先",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "本人"
        # 本人検索 is a prefix match on each name column (LIKE 'term%'). The pattern_ops
        # operator class lets PostgreSQL answer it from the index under any collation
        # (SQLite ignores opclasses).
        indexes = (
            [models.Index(fields=["municipality", "family_kana", "given_kana"])]
            + [
                models.Index(
                    fields=[column],
                    name=f"person_{column}_prefix",
                    opclasses=["varchar_pattern_ops"],
                )
                for column in ("family_name", "given_name", "family_kana", "given_kana")
            ]
            + [models.Index(fields=["birth_date"], name="person_birth_date")]
        )

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()

    @property
    def full_kana(self) -> str:
        return f"{self.family_kana}\u3000{self.given_kana}".strip()

    def record_ids(self) -> list[int]:
        """This record's id and those of every record merged into it (名寄せ), however
        deep: a merge moves households and involvements to the kept record, while the
        consultations, つなぐシート and cases stay on the record they were taken for."""
        ids, found = [self.pk], [self.pk]
        while found:
            found = list(
                Person.objects.filter(merged_into_id__in=found)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids += found
        return ids


class Household(models.Model):
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="households")
    name = models.CharField("世帯名", max_length=100, blank=True)
    address = models.CharField("住所", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.name or f"世帯{self.pk}"

    def current_memberships(self):
        return self.memberships.filter(left_on__isnull=True).select_related("person")


class HouseholdMembership(models.Model):
    """A person's dated membership of a household (a person can move between households)."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, models.CASCADE, related_name="household_memberships")
    relation = models.CharField("続柄", max_length=30, blank=True)
    is_head = models.BooleanField("世帯主", default=False)
    joined_on = models.DateField("加入日", null=True, blank=True)
    left_on = models.DateField("離脱日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "世帯構成"
        indexes = [models.Index(fields=["person", "left_on"])]


class PersonMatchKey(models.Model):
    """One blocking key of a person for 名寄せ (written by matching.refresh_keys).

    Keys are exact strings looked up with equality only, so the column's collation does not
    affect index use (no LIKE-prefix queries run on it).
    """

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, models.CASCADE, related_name="match_keys")
    kind = models.CharField(max_length=2)
    key = models.CharField(max_length=400)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せキー"
        indexes = [
            models.Index(fields=["municipality", "kind", "key"], name="people_matchkey_lookup")
        ]


class NotSamePerson(models.Model):
    """A person's decision that two records are different people (別人): the pair is never
    suggested as a 名寄せ candidate again. Stored with the lower id first."""

    person_a = models.ForeignKey(Person, models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, models.CASCADE, related_name="+")
    reason = models.CharField("理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("判断日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "別人の判断"
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="not_same_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="not_same_ordered"
            ),
        ]

    @classmethod
    def exists_for(cls, a_id: int, b_id: int) -> bool:
        low, high = sorted((a_id, b_id))
        return cls.objects.filter(person_a_id=low, person_b_id=high).exists()


class PersonMerge(models.Model):
    """One 名寄せ merge: ``merged`` now points at ``kept``. Records exactly which rows moved,
    so ``unmerge_persons`` can put them back and leave everything added since alone."""

    kept = models.ForeignKey(Person, models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, models.PROTECT, related_name="merges_merged")
    reason = models.CharField("理由", max_length=300)
    moved_membership_ids = models.JSONField(default=list)
    moved_involvement_ids = models.JSONField(default=list)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    merged_at = models.DateTimeField("統合日時", auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField("取消日時", null=True, blank=True)
    undo_reason = models.CharField("取消の理由", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せ(統合)"
        indexes = [models.Index(fields=["merged", "undone_at"], name="merge_merged_open")]
