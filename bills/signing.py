"""Signing rules and windows: the date arithmetic and the services that open and close windows."""

from __future__ import annotations

from bills.models import Bill, SigningWindow


def window_sync_for_bill(*, bill: Bill) -> SigningWindow | None:
    """Open, update or close the bill's signing window from its recorded actions.

    Called by every service that records an action or vote, in the same transaction.
    (Groundwork: the signing-window issue fills this in.)
    """
    return None
