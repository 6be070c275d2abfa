"""Small-count suppression: small counts hidden, and never recoverable from the total."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlib.privacy import (
    hide_cells,
    readable_groups,
    suppress_small_counts,
    suppression_mask,
)


def test_hand_worked_table() -> None:
    table = pl.DataFrame(
        {
            "category": ["Repairs", "Damp", "ASB", "Rent"],
            "n": [1204, 6, 4, 0],
            "pct": [50.0, 1.0, 25.0, None],
        }
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
    # a zero is hidden only where no other count could be
    shown_counts = [v for v, h in zip(values, hidden, strict=True) if not h and v > 0]
    assert all(not h or v > 0 or not shown_counts for v, h in zip(values, hidden, strict=True))
    assert all(h for v, h in zip(values, hidden, strict=True) if 0 < v < 5)
    if sum(hidden) == 1:
        # a lone hidden cell is only possible when the total itself is a small count,
        # which the same rule hides wherever the total is published
        assert 0 < total < 5


def test_ties_are_hidden_together_whatever_the_order() -> None:
    """The complement is every cell holding the next smallest count, in any row order."""
    assert suppression_mask(pl.Series([40, 3, 7, 7])).to_list() == [False, True, True, True]
    assert suppression_mask(pl.Series([7, 7, 3, 40])).to_list() == [True, True, True, False]


def test_ones_and_threshold_less_one_are_protected() -> None:
    """Two hidden ones add up to their total, so do three fours: a complement is hidden."""
    assert suppression_mask(pl.Series([50, 1, 1])).to_list() == [True, True, True]
    assert suppression_mask(pl.Series([50, 4, 4, 4, 9])).to_list() == [False] + [True] * 4
    # 2 and 3 cannot be told apart from 1 and 4 or 4 and 1: nothing more is hidden
    assert suppression_mask(pl.Series([50, 2, 3])).to_list() == [False, True, True]


def test_zeros_are_hidden_when_nothing_else_can_be() -> None:
    """A lone small count beside zeros only: the zeros read "fewer than 5" too (true of 0)."""
    mask = suppression_mask(pl.Series([0, 3, 0]))
    assert mask.to_list() == [True, True, True]
    assert (
        hide_cells(pl.DataFrame({"n": [0, 3, 0]}), {"n": mask})["n"].to_list()
        == ["fewer than 5"] * 3
    )


def test_groups_and_cells_hidden_elsewhere() -> None:
    """Each group is protected within its own total; a cell hidden elsewhere stays hidden."""
    counts = pl.Series([20, 3, 9, 30, 12, 8])
    keys = ["A", "A", "A", "B", "B", "B"]
    assert suppression_mask(counts, groups=[keys]).to_list() == [False, True, True] + [False] * 3
    forced = pl.Series([False, False, False, False, True, False])
    assert suppression_mask(counts, groups=[keys], hidden=forced).to_list() == [
        False, True, True, False, True, True,
    ]  # fmt: skip
    # two groupings (categories and months): repeated until each group is safe
    months = ["m1", "m2", "m3", "m1", "m2", "m3"]
    both = suppression_mask(counts, groups=[keys, months]).to_list()
    assert both == [False, True, True, False, True, True]


def test_derived_figures_go_with_any_of_their_counts() -> None:
    """A rate on two counts is blank when either is hidden."""
    table = pl.DataFrame({"upheld": [30, 3, 8], "decided": [40, 9, 4], "pct": [75.0, 33.3, 1.0]})
    out = suppress_small_counts(
        table, ["upheld", "decided"], derived={"pct": ("upheld", "decided")}
    )
    assert out["pct"].to_list() == [75.0, None, None]


def _candidates(values: list[int], threshold: int) -> tuple[list[int], list[list[int]]]:
    """Every column a reader who knows the rule could believe, given what is published.

    Published: the shown cells, which cells are hidden, and the column's total. A
    candidate gives each hidden cell a whole number (0 up) and must be hidden exactly
    as published when the rule is run on it.
    """
    mask = suppression_mask(pl.Series(values), threshold).to_list()
    hidden = [i for i, m in enumerate(mask) if m]
    shown = [v for v, m in zip(values, mask, strict=True) if not m]
    left = sum(values) - sum(shown)
    cap = min([v for v in shown if v > 0], default=left)
    found: list[list[int]] = []

    def fill(j: int, chosen: list[int], rest: int) -> None:
        if j == len(hidden):
            if rest == 0:
                found.append(list(chosen))
            return
        for v in range(min(cap, rest) + 1):
            fill(j + 1, [*chosen, v], rest - v)

    fill(0, [], left)
    # the rule does not depend on the order of the rows, so neither does the verdict
    verdict: dict[tuple[int, ...], bool] = {}
    believable = []
    for option in found:
        key = tuple(sorted(option))
        if key not in verdict:
            column = list(values)
            for i, v in zip(hidden, key, strict=True):
                column[i] = v
            verdict[key] = suppression_mask(pl.Series(column), threshold).to_list() == mask
        if verdict[key]:
            believable.append(option)
    return hidden, believable


def test_hand_worked_reader_cannot_pin_a_cell() -> None:
    """[50, 1, 1]: without the third cell hidden both ones would be certain."""
    hidden, options = _candidates([50, 1, 1], 5)
    assert hidden == [0, 1, 2]
    assert [44, 4, 4] in options  # two fours and the rest: hidden the same way
    assert {o[1] for o in options} >= {1, 4}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=6),
    st.sampled_from([2, 3, 5]),
)
def test_a_reader_who_knows_the_rule_cannot_pin_a_hidden_cell(
    values: list[int], threshold: int
) -> None:
    """Each hidden cell could hold two values or more, unless nothing was left to hide.

    Only a column in which every cell is hidden, none is zero and they are all 1 (or all
    ``threshold - 1``, or one cell) may be read back from its total, and
    :func:`readable_groups` names it (it may name one a reader could not read), so the
    table holding that total hides it too.
    """
    hidden, options = _candidates(values, threshold)
    pinned = [i for k, i in enumerate(hidden) if len({o[k] for o in options}) < 2]
    mask = suppression_mask(pl.Series(values), threshold)
    readable = readable_groups(pl.Series(values), mask, [0] * len(values), threshold)
    assert readable or not pinned, (values, mask.to_list())
