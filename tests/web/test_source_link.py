"""The view of a record's links to its sources (web.models.SourceLink, migration 0002) holds
exactly what the relations hold: a view written by hand in SQL could drift from them."""

from __future__ import annotations

from bills import services
from bills.models import Bill, Event, Visibility, Vote
from tests.record import internal_vote_citing, source
from web.models import SourceLink


def _from_the_relations() -> set[tuple[str, int, int, int, bool]]:
    links = set()
    for bill in Bill.objects.prefetch_related("sources", "lineage_sources"):
        links |= {("bill", bill.pk, bill.pk, s.pk, True) for s in bill.sources.all()}
        links |= {("lineage", bill.pk, bill.pk, s.pk, True) for s in bill.lineage_sources.all()}
    for event in Event.objects.prefetch_related("sources"):
        public = event.visibility == Visibility.PUBLIC
        links |= {("event", event.pk, event.bill_id, s.pk, public) for s in event.sources.all()}
    for vote in Vote.objects.select_related("action").prefetch_related("sources"):
        public = vote.action.visibility == Visibility.PUBLIC
        links |= {("vote", vote.pk, vote.action.bill_id, s.pk, public) for s in vote.sources.all()}
    return links


def test_the_view_holds_every_link_of_the_four_relations_and_no_other(family_record):
    kz = family_record.kz
    memo = source("Coalition strategy memo", publisher="Coalition")
    internal_vote_citing(kz, memo)
    services.bill_update(bill=kz.bill, data={"sources": [kz.article, memo]})
    expected = _from_the_relations()
    kinds = {owner for owner, *_ in expected}
    assert kinds == {"bill", "lineage", "event", "vote"}  # every arm of the view is exercised
    assert {public for *_, public in expected} == {True, False}  # internal links are marked
    in_view = {
        (link.owner, link.owner_key, link.bill_id, link.source_id, link.public)
        for link in SourceLink.objects.all()
    }
    assert in_view == expected
    assert SourceLink.objects.count() == len(expected)  # no link twice
