"""The executive's record: what a head of state has done with the laws sent to them, read from
the record, for the question advocates ask inside a signing window ("when will he sign?").

Base rates only, from this record's own windows: how many laws the person signed, returned
(vetoed), let become law without a signature (signed in their place) or referred to the court,
and how many days they took to sign, counted from the day the rule counts from (the final
approval, or the receipt for presentment rules). A person's terms are taken together: who acted
on a law is read from the term its closing date falls in.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Q

from bills.choices import Classification, OfficeRole, RuleTrigger, WindowStatus
from bills.deadlines import Bounds
from bills.models import Event, Jurisdiction, Officeholder, SigningWindow

# Below this many signatures the numbers describe a pattern, not a forecast: no likely date.
MIN_CASES_FOR_ESTIMATE = 5


@dataclass(frozen=True)
class ExecutiveRecord:
    holder: Officeholder
    # Days from the trigger to the signature, one per signed law with an exact trigger, sorted.
    days: tuple[int, ...]
    signed: int
    returned: int
    without_signature: int
    referred: int
    # What the days count from: the rules' triggers among the signed laws.
    counted_from: frozenset[str]

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def shortest(self) -> int | None:
        return self.days[0] if self.days else None

    @property
    def longest(self) -> int | None:
        return self.days[-1] if self.days else None

    @property
    def few(self) -> bool:
        return len(self.days) < MIN_CASES_FOR_ESTIMATE

    @property
    def from_receipt(self) -> bool:
        return self.counted_from == {RuleTrigger.EXECUTIVE_RECEIPT}

    def likely_signing(self, *, triggered: datetime.date) -> tuple[datetime.date, Bounds] | None:
        """At the recorded pace, the likely signing day of a law triggered on `triggered`, with
        the range the record spans; None when the cases are too few to say."""
        if self.few or self.median is None:
            return None
        assert self.shortest is not None and self.longest is not None
        day = datetime.timedelta
        return triggered + day(days=round(self.median)), Bounds(
            triggered + day(days=self.shortest), triggered + day(days=self.longest)
        )


def head_of_state(*, jurisdiction: Jurisdiction, on: datetime.date) -> Officeholder | None:
    """The head of state in office on that day, if the record has them."""
    terms = Officeholder.objects.filter(
        jurisdiction=jurisdiction, role=OfficeRole.HEAD_OF_STATE
    ).filter(
        Q(term_start__isnull=True) | Q(term_start__lte=on),
        Q(term_end__isnull=True) | Q(term_end__gte=on),
    )
    return terms.order_by("-term_start").first()


def executive_record(*, holder: Officeholder) -> ExecutiveRecord:
    """The person's record over all their terms in the office (three queries)."""
    terms = list(
        Officeholder.objects.filter(
            jurisdiction_id=holder.jurisdiction_id, role=holder.role, name=holder.name
        )
    )

    def in_office(day: datetime.date | None) -> bool:
        return day is not None and any(term.holds_on(day) for term in terms)

    windows = (
        SigningWindow.objects.filter(bill__jurisdiction_id=holder.jurisdiction_id)
        .exclude(closed_on=None)
        .select_related("rule")
    )
    days: list[int] = []
    counted_from: set[str] = set()
    counts = {WindowStatus.SIGNED: 0, WindowStatus.VETOED: 0, WindowStatus.BECAME_LAW: 0}
    for window in windows:
        if window.status not in counts or not in_office(window.closed_on):
            continue
        counts[window.status] += 1
        exact = window.triggered_earliest == window.triggered_latest
        if window.status == WindowStatus.SIGNED and exact and window.closed_on is not None:
            days.append((window.closed_on - window.triggered_earliest).days)
            counted_from.add(window.rule.trigger)
    referrals = Event.objects.public().filter(
        bill__jurisdiction_id=holder.jurisdiction_id,
        classification=Classification.COURT_REFERRAL,
        date__isnull=False,
    )
    return ExecutiveRecord(
        holder=holder,
        days=tuple(sorted(days)),
        signed=counts[WindowStatus.SIGNED],
        returned=counts[WindowStatus.VETOED],
        without_signature=counts[WindowStatus.BECAME_LAW],
        referred=sum(in_office(event.date) for event in referrals.only("date")),
        counted_from=frozenset(counted_from),
    )
