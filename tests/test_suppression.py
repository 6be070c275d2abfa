"""Small-count suppression: small counts hidden, and never recoverable from the total."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditlib.privacy import suppress_small_counts, suppression_mask


def test_hand_worked_table() -> None:
    table = pl.DataFrame(
        {"category": ["Repairs", "Damp", "ASB", "Rent"], "n": [1204, 6, 4, 0], "pct": [50.0, 1.0, 25.0, None]}
    )
    out = suppress_small_counts(table, ["n"], derived={"pct": "n"})
    # ASB (4) is primary; Damp (6) is the complement, so 4 cannot be got as total - rest
    assert out["n"].to_list() == ["1,204", "fewer than 5", "fewer than 5", "0"]
    assert out["pct"].to_list() == [50.0, None, None, None]


def test_threshold_is_configurable() -> None:
    out = suppress_small_counts(pl.DataFrame({"n": [9, 10, 11]}), ["n"], threshold=10)
    assert out["n"].to_list() == ["fewer than 10", "fewer than 10", "11"]


def test_bad_threshold_and_unknown_base_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        suppress_small_counts(pl.DataFrame({"n": [1]}), ["n"], threshold=0)
    with pytest.raises(ValueError, match="not a suppressed count"):
        suppress_small_counts(pl.DataFrame({"n": [1], "r": [1.0]}), ["n"], derived={"r": "m"})


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_no_hidden_cell_can_be_recovered_from_the_total(values: list[int]) -> None:
    """Knowing the column total and every shown cell never pins down a hidden one."""
    hidden = suppression_mask(pl.Series(values)).to_list()
    total = sum(values)
    assert all(not h or v > 0 for v, h in zip(values, hidden, strict=True))
    assert all(h for v, h in zip(values, hidden, strict=True) if 0 < v < 5)
    if sum(hidden) == 1:
        # a lone hidden cell is only possible when the total itself is a small count,
        # which the same rule hides wherever the total is published
        assert 0 < total < 5
