"""アウトリーチ (第4号): people who do not ask for help, from the first sign to consent.

An ``OutreachRecord`` starts from what someone told the outreach agency (経路, informant,
date) and what is known, which may be partial: no name, an age band, a 圏域, a note on the
household. Contact attempts (``ContactAttempt``) are append-only rows, so two workers
recording at once lose nothing; the record's own editable fields carry ``version`` (the
optimistic lock). The engagement stage moves only through ``transitions.py``; each move is
an ``OutreachEvent``. A person is linked only once their identity is known (名寄せ), and
the record is handed off, with consent, as a consultation or a 支援依頼 carrying its
history, or put on a 支援会議 agenda without consent (``OutreachAgendaItem``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from tsunagu.intake.models import Urgency
from tsunagu.municipality.models import Agency, Area, Municipality

DEFAULT_QUIET_DAYS = 30


class Route(models.TextChoices):
    """経路: who told the outreach agency about the person."""

    COMMISSIONER = "commissioner", "民生委員・児童委員"
    NEIGHBOUR = "neighbour", "近隣住民"
    RESIDENTS = "residents", "自治会"
    MEETING = "meeting", "支援会議"
    AGENCY = "agency", "関係機関"
    ARREARS = "arrears", "税・水道料金等の滞納情報"
    FAMILY = "family", "本人の家族"
    OTHER = "other", "その他"


class AgeBand(models.TextChoices):
    UNKNOWN = "", "不明"
    TEENS = "10s", "10代以下"
    TWENTIES = "20s", "20代"
    THIRTIES = "30s", "30代"
    FORTIES = "40s", "40代"
    FIFTIES = "50s", "50代"
    SIXTIES = "60s", "60代"
    SEVENTIES = "70s", "70代"
    EIGHTIES = "80s", "80代以上"


class Sex(models.TextChoices):
    UNKNOWN = "", "不明"
    MALE = "male", "男性"
    FEMALE = "female", "女性"


class Stage(models.TextChoices):
    FOUND = "found", "把握"
    TRYING = "trying", "接触試行"
    CONTACTED = "contacted", "接触"
    RAPPORT = "rapport", "関係構築"
    CONSENTED = "consented", "同意"
    HANDED_OFF = "handed_off", "つなぎ済み"
    WATCHING = "watching", "見守り継続"
    CLOSED = "closed", "終結"


TERMINAL = frozenset({Stage.HANDED_OFF, Stage.CLOSED})
OPEN_STAGES = [s for s in Stage if s not in TERMINAL]
# The main track, in order: figures count how many records reached each of these.
TRACK = [Stage.FOUND, Stage.TRYING, Stage.CONTACTED, Stage.RAPPORT, Stage.CONSENTED]


class Means(models.TextChoices):
    VISIT = "visit", "訪問"
    PHONE = "phone", "電話"
    LETTER = "letter", "手紙"
    NOTE = "note", "メモ投函"
    ACCOMPANY = "accompany", "同行"
    VIA_OTHERS = "via_others", "関係者経由"
    ONLINE = "online", "オンライン"


class Result(models.TextChoices):
    ABSENT = "absent", "不在"
    NO_ANSWER = "no_answer", "応答なし"
    REFUSED = "refused", "拒否"
    THROUGH_DOOR = "through_door", "ドア越しに会話"
    SPOKE = "spoke", "電話・オンラインで会話"
    MET = "met", "面会"
    MET_OTHERS = "met_others", "本人以外と面会"
    REPLY = "reply", "返信・反応あり"
    OTHER = "other", "その他"


# Results in which the person themself was reached: the first one is 「初回接触」.
CONTACT_RESULTS = frozenset({Result.THROUGH_DOOR, Result.SPOKE, Result.MET, Result.REPLY})


class HandOff(models.TextChoices):
    CONSULTATION = "consultation", "相談受付として引き継ぐ"
    COORDINATION = "coordination", "多機関協働へ支援依頼する"
    CASE = "case", "依頼元の事例へ戻す"


class OutreachRecordQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage__in=TERMINAL)

    def attempts_due(self, by: datetime.date):
        """Open records whose next step falls due on or before ``by``."""
        return self.open().filter(next_due__lte=by)

    def quiet(self, today: datetime.date, days: int):
        """Open records with nothing recorded for more than ``days`` days."""
        return self.open().filter(last_activity_on__lt=today - datetime.timedelta(days=days))


class OutreachRecord(models.Model):
    """アウトリーチ対象: one person the outreach agency tries to reach."""

    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="outreach_records")
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="outreach_records", verbose_name="担当機関"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_records",
        verbose_name="担当者",
    )
    route = models.CharField("経路", max_length=20, choices=Route.choices)
    route_note = models.CharField("経路の詳細(部署名など)", max_length=200, blank=True)
    informant = models.CharField("情報提供者", max_length=200)
    informed_on = models.DateField("把握日")
    description = models.TextField("把握した内容")
    age_band = models.CharField("年代(おおよそ)", max_length=5, choices=AgeBand.choices, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, blank=True)
    area = models.ForeignKey(
        Area,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_records",
        verbose_name="圏域",
    )
    whereabouts = models.CharField("所在の手がかり", max_length=200, blank=True)
    household_note = models.CharField("世帯について分かっていること", max_length=300, blank=True)
    concerns = models.JSONField("主訴", default=list, blank=True)
    urgency = models.CharField("緊急性", max_length=10, choices=Urgency.choices)
    stage = models.CharField(
        "段階", max_length=20, choices=Stage.choices, default=Stage.FOUND, db_index=True
    )
    person = models.ForeignKey(
        "people.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_records",
        verbose_name="本人",
    )
    # Set from the rows: the first attempt that reached the person, and the moves.
    first_contact_on = models.DateField("初回接触日", null=True, blank=True)
    consented_on = models.DateField("同意日", null=True, blank=True)
    handed_off_on = models.DateField("つなぎ日", null=True, blank=True)
    closed_on = models.DateField("終結日", null=True, blank=True)
    # The latest attempt's next step, kept here so the inbox and lists read one table.
    next_step = models.CharField("次の対応", max_length=300, blank=True)
    next_due = models.DateField("次の対応の期日", null=True, blank=True)
    last_activity_on = models.DateField("最終記録日")
    hand_off = models.CharField("引継ぎ方法", max_length=20, choices=HandOff.choices, blank=True)
    consultation = models.OneToOneField(
        "intake.Consultation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_record",
        verbose_name="引継ぎ先の相談受付",
    )
    coordination_request = models.OneToOneField(
        "intake.CoordinationRequest",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_record",
        verbose_name="支援依頼",
    )
    # The 見守り・アウトリーチ case whose coordinator asked for this outreach (from a 支援会議).
    case = models.ForeignKey(
        "coordination.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_records",
        verbose_name="依頼元の事例",
    )
    version = models.PositiveIntegerField("版", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登録者"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新者",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = OutreachRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチ対象"
        ordering = ["-informed_on", "-pk"]
        indexes = [
            models.Index(fields=["agency", "stage"], name="outreach_agency_stage"),
            models.Index(
                fields=["worker", "next_due"],
                name="outreach_worker_due_open",
                condition=~Q(stage__in=sorted(TERMINAL)),
            ),
            models.Index(fields=["municipality", "informed_on"], name="outreach_municipality_fy"),
        ]

    def __str__(self) -> str:
        return f"アウトリーチ {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage not in TERMINAL

    @property
    def known_as(self) -> str:
        """What the team calls the record: the person once linked, else what is known."""
        if self.person is not None:
            return self.person.full_name
        parts = [
            self.area.name if self.area is not None else "",
            self.get_age_band_display() if self.age_band else "",
            self.get_sex_display() if self.sex else "",
        ]
        return "・".join(p for p in parts if p) or "氏名不明"

    def is_quiet(self, today: datetime.date, days: int) -> bool:
        return self.is_open and self.last_activity_on < today - datetime.timedelta(days=days)


def quiet_days(municipality: Municipality) -> int:
    """Days without a record after which an open record is flagged (profile setting)."""
    return int(municipality.setting("outreach_quiet_days", DEFAULT_QUIET_DAYS))


class ContactAttempt(models.Model):
    """One attempt to reach the person (append-only: corrections are new rows)."""

    record = models.ForeignKey(OutreachRecord, models.CASCADE, related_name="attempts")
    date = models.DateField("日付")
    means = models.CharField("手段", max_length=20, choices=Means.choices)
    staff = models.CharField("対応者", max_length=200)
    result = models.CharField("結果", max_length=20, choices=Result.choices)
    content = models.TextField("内容", blank=True)
    next_step = models.CharField("次の対応", max_length=300, blank=True)
    next_due = models.DateField("次の対応の期日", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="記録者"
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "接触の記録"
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["record", "date"], name="attempt_record_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_means_display()} {self.get_result_display()}"

    @property
    def reached_person(self) -> bool:
        return self.result in CONTACT_RESULTS


class OutreachEvent(models.Model):
    """One stage change: who moved the record, on which day, and why."""

    record = models.ForeignKey(OutreachRecord, models.CASCADE, related_name="events")
    from_stage = models.CharField("変更前", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("変更後", max_length=20, choices=Stage.choices)
    on = models.DateField("日付")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="実施者"
    )
    at = models.DateTimeField("記録日時")
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "アウトリーチの段階の変更"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_stage", "on"], name="outreach_event_stage_on")]


class OutreachAgendaItem(models.Model):
    """A record put on a 支援会議 agenda without consent (法第106条の6)."""

    record = models.ForeignKey(OutreachRecord, models.PROTECT, related_name="agenda_links")
    agenda_item = models.OneToOneField(
        "meetings.AgendaItem", models.PROTECT, related_name="outreach_link"
    )

    class Meta:
        verbose_name = verbose_name_plural = "支援会議の議題(アウトリーチ)"
