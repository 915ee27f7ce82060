"""Builders shared by the intake tests."""

import datetime
from typing import Any

from django.utils import timezone

from tsunagu.intake import actions
from tsunagu.intake.models import Channel, ConsentStatus, Consulter, Urgency
from tsunagu.municipality.models import Area, AreaLevel


def details(**overrides) -> actions.ConsultationDetails:
    values: dict[str, Any] = dict(
        received_at=timezone.now(),
        channel=Channel.VISIT,
        consulter=Consulter.SELF,
        urgency=Urgency.MEDIUM,
        consent_status=ConsentStatus.GIVEN,
        issue_tags=["介護", "8050"],
        narrative="80代の母と50代の息子。息子は長くひきこもり。",
        action_taken="傾聴、介護保険の説明",
        next_step="息子への訪問",
        next_step_due=timezone.localdate() + datetime.timedelta(days=2),
    )
    values.update(overrides)
    return actions.ConsultationDetails(**values)


def town_areas(municipality) -> dict[str, Area]:
    """A small 圏域 tree: テスト町全域 over 北地区 (本町), 東地区 (本町三丁目: the longer town
    name takes 本町三丁目 from 北地区) and 南地区 (南町)."""
    whole_level = AreaLevel.objects.create(municipality=municipality, depth=0, name="町全域")
    district = AreaLevel.objects.create(municipality=municipality, depth=1, name="地区")
    whole = Area.objects.create(municipality=municipality, level=whole_level, name="テスト町全域")
    areas = {"全域": whole}
    for order, (name, towns) in enumerate(
        [("北地区", ["本町"]), ("東地区", ["本町三丁目"]), ("南地区", ["南町"])]
    ):
        areas[name] = Area.objects.create(
            municipality=municipality,
            level=district,
            name=name,
            parent=whole,
            towns=towns,
            order=order,
        )
    return areas
