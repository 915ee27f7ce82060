"""参加支援 from an outreach record (issue 17 item 2): once the outreach worker has reached
the person and recorded their consent, the person is passed on to the 参加支援 agency, and
the participation record keeps the link back to the outreach record."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tsunagu.outreach import actions as outreach_actions
from tsunagu.outreach.tests.conftest import outreach_town, record_data, walk_to_consent, worker
from tsunagu.participation import actions
from tsunagu.participation.actions import ParticipationError
from tsunagu.participation.models import ParticipationRecord, Source

__all__ = ["outreach_town", "worker"]  # fixtures shared with the outreach tests


@pytest.fixture
def reached(outreach_town, worker, programme):
    record = outreach_actions.register_record(
        user=worker, data=record_data(outreach_town, worker=worker)
    )
    return walk_to_consent(record, worker, outreach_town)


def test_a_consented_outreach_record_opens_a_participation_record(reached, worker, town):
    record = actions.open_from_outreach(
        outreach=reached, agency=town.coordinating_agency, by=worker
    )
    assert record.source == Source.OUTREACH and record.outreach_record == reached
    assert record.person_id == reached.person_id
    assert list(reached.participations.all()) == [record]
    with pytest.raises(ParticipationError, match="すでに依頼されています"):
        actions.open_from_outreach(outreach=reached, agency=town.coordinating_agency, by=worker)


def test_without_consent_the_person_is_not_passed_on(outreach_town, worker, programme, town):
    found = outreach_actions.register_record(
        user=worker, data=record_data(outreach_town, worker=worker)
    )
    with pytest.raises(ParticipationError, match="本人を特定してから"):
        actions.open_from_outreach(outreach=found, agency=town.coordinating_agency, by=worker)


def test_only_the_outreach_staff_pass_it_on(reached, town, coordinator):
    with pytest.raises(PermissionDenied):
        actions.open_from_outreach(
            outreach=reached, agency=town.coordinating_agency, by=coordinator
        )


def test_through_the_page(client, reached, worker, town):
    client.force_login(worker)
    url = reverse("participation:open_from_outreach", args=[reached.pk])
    detail = client.get(reverse("outreach:detail", args=[reached.pk])).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(url, {"agency": town.coordinating_agency.pk})
    assert response.status_code == 302
    assert ParticipationRecord.objects.get().outreach_record == reached


@pytest.mark.parametrize("who", ["unrelated", "admin_owner", "auditor_owner"])
def test_others_get_404_and_nothing_is_created(client, reached, request, who, town):
    client.force_login(request.getfixturevalue(who))
    url = reverse("participation:open_from_outreach", args=[reached.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"agency": town.coordinating_agency.pk}).status_code == 404
    assert not ParticipationRecord.objects.exists()
