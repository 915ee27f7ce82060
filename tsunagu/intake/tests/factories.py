"""Builders shared by the intake tests."""

import datetime
from typing import Any

from django.utils import timezone

from tsunagu.intake import actions
from tsunagu.intake.models import Channel, ConsentStatus, Consulter, Urgency


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
