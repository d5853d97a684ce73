"""The dashboard's board: each (jurisdiction, stage) cell's count and latest bills, the same
from the one-query PostgreSQL path and the portable path SQLite takes."""

from __future__ import annotations

import pytest
from django.db import connection

from bills.models import BillStatus
from tests.web.conftest import make_bills
from web.selectors import (
    _board_cells_portable,
    _board_cells_postgresql,
    board_by_jurisdiction,
)

pytestmark = pytest.mark.django_db


def _cell(rows, code: str, status: str):
    row = next(r for r in rows if r.jurisdiction.code == code)
    return next(c for c in row.columns if c.status == status)


def test_a_cell_counts_its_bills_and_lists_the_latest_changed(kz_record):
    make_bills(kz_record, 5, statuses=[BillStatus.INTRODUCED])
    cell = _cell(board_by_jurisdiction(), "KZ", BillStatus.INTRODUCED)
    assert cell.count == 5
    assert [b.slug for b in cell.bills] == ["bulk-4", "bulk-3", "bulk-2"]
    assert cell.bills[0].title == "Bulk bill 4 on transparency"
    assert [b.slug for b in _cell(board_by_jurisdiction(per_cell=1), "KZ", "introduced").bills] == [
        "bulk-4"
    ]


def test_a_family_board_counts_only_the_family(family_record):
    make_bills(family_record.kz, 2, statuses=[BillStatus.INTRODUCED])  # not in the family
    everything = board_by_jurisdiction()
    family = board_by_jurisdiction(family=family_record.family)
    assert sum(r.total for r in everything) == sum(r.total for r in family) + 2
    assert all(not b.slug.startswith("bulk-") for r in family for c in r.columns for b in c.bills)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the LATERAL path is PostgreSQL's")
def test_the_postgresql_path_gives_what_the_portable_one_gives(family_record):
    make_bills(family_record.kz, 12)
    for family in (None, family_record.family):
        for per_cell in (1, 3):
            fast = _board_cells_postgresql(per_cell=per_cell, family=family)
            portable = _board_cells_portable(per_cell=per_cell, family=family)
            assert fast[0] == portable[0]
            assert fast[1] == portable[1]
            assert len(fast[1]) >= 3
