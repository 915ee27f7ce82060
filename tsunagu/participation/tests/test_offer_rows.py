"""Matching keeps a municipality's offers between searches (search.offer_rows) and reads
them again whenever an offer or a host changed, so a search never shows an old offer."""

import datetime

from tsunagu.participation import actions, search
from tsunagu.participation.models import Offer
from tsunagu.resources.models import Organization

TODAY = datetime.date(2026, 11, 20)


def _titles(record, **kw):
    return [m.offer.title for m in search.match_offers(record, today=TODAY, **kw)]


def test_an_edited_offer_is_matched_as_edited(record, farm_offer, staff):
    assert "野菜の袋詰め" in _titles(record, nearby_only=False)
    offer = Offer.objects.get(pk=farm_offer.pk)
    actions.update_offer(  # now only on Sundays: no common day with the person's weekdays
        offer=offer, by=staff, expected_version=offer.version, data={"days": 64}
    )
    assert "野菜の袋詰め" not in _titles(record, nearby_only=False)


def test_another_process_sees_an_offer_closed_by_an_update(record, farm_offer):
    search.municipality_offers(record.municipality_id)
    # A change made elsewhere (another worker): no signal here, only the version moves.
    Offer.objects.filter(pk=farm_offer.pk).update(active=False, version=farm_offer.version + 1)
    assert "野菜の袋詰め" not in _titles(record, nearby_only=False, show_blocked=True)


def test_a_host_description_change_reaches_the_words_match(record, farm_offer, farm):
    before = search.match_offers(record, today=TODAY, nearby_only=False)[0].fit
    host = Organization.objects.get(pk=farm.pk)
    Organization.objects.filter(pk=host.pk).update(
        description="座ってできる軽い作業が中心です。", version=host.version + 1
    )
    after = search.match_offers(record, today=TODAY, nearby_only=False)[0].fit
    assert after.closeness > before.closeness


def test_a_new_offer_appears_in_the_next_search(record, farm_offer, salon, staff):
    search.municipality_offers(record.municipality_id)
    Offer.objects.bulk_create(  # no post_save: only the count and the last id move
        [
            Offer(
                municipality_id=record.municipality_id,
                organization=salon,
                title="受付の手伝い",
                kind=farm_offer.kind,
                days=farm_offer.days,
                bands=farm_offer.bands,
                capacity=3,
                load=farm_offer.load,
                active=True,
            )
        ]
    )
    assert "受付の手伝い" in _titles(record, nearby_only=False, show_blocked=True)
