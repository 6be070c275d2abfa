"""The learning tables as they may be published: small counts hidden, and kept hidden.

:class:`~auditlib.learning.run.Learning` keeps its frames numeric, for analyses and
tests. What leaves it (the CSV tables, the figures the action plan quotes, the data
behind every chart) is made here, with ``N`` the configuration's ``privacy.min_count``
(5 by default):

* a count from 1 to N - 1 reads "fewer than N" (:func:`auditlib.privacy.suppression_mask`),
  and so does the next smallest count of its column (in every cell that holds it)
  wherever the small one could otherwise be worked out from the column's total, a
  category's total or a row; zeros are shown unless nothing else is left to hide;
* every rate, share, interval, p-value, amount or fitted figure worked out from a hidden
  count is blank, and so is an adjusted p-value of another row that equals a hidden row's
  p-value scaled (Benjamini-Hochberg and Holm pass one row's p-value on to others);
* a category whose total is hidden has every count of its row hidden in the summary and
  in the repeats table, and in the tables that break categories down (months, root
  causes) it is merged with the other hidden categories into one group,
  :data:`COMBINED`, so its breakdown cannot give its total back;
* hidden rows go after the others in tables sorted by a count or a p-value, and the
  Pareto's cumulative share is blank from the first hidden row down;
* the vulnerability comparison is shown only where each cell of its two-by-two table (or
  each group, for working days) is 0 or at least N.

The same count is hidden the same way in every table that shows it: which cells are
hidden depends on the counts only, never on the order of the rows, so the Pareto, the
trends (this period's and last period's counts) and the summary agree, and last
period's counts are hidden as last year's summary hid them.

Published breakdowns hold counts only where their totals are published elsewhere:
``monthly_by_category`` gives complaints per category and month, ``root_causes`` gives
complaints and learning notes per category and root cause (the upheld rate by month or
by root cause rests on counts too small to publish for most rows; the in-memory frames
keep it).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from auditlib.learning.rootcause import coarse_root_cause
from auditlib.privacy import (
    DEFAULT_MIN_COUNT,
    hide_cells,
    readable_groups,
    suppressed_text,
    suppression_mask,
)

if TYPE_CHECKING:
    from auditlib.learning.run import Learning

#: the group that stands for every category whose total is hidden, in breakdowns
COMBINED = "Smaller categories (combined)"

#: the summary's counts; the first is the category's total
SUMMARY_COUNTS: tuple[str, ...] = (
    "complaints",
    "decided",
    "upheld",
    "escalated",
    "clock_judged",
    "late",
    "compensated",
)
#: the summary's figures worked out from its counts, with the counts each rests on
SUMMARY_DERIVED: dict[str, tuple[str, ...]] = {
    "share_pct": ("complaints",),
    "upheld_pct": ("upheld", "decided"),
    "escalated_pct": ("escalated", "complaints"),
    "late_pct": ("late", "clock_judged"),
    "compensation_total_gbp": ("compensated",),
    "compensation_median_gbp": ("compensated",),
}
#: the trends' figures worked out from this period's and last period's counts
TREND_DERIVED: dict[str, tuple[str, ...]] = {
    "recent_per_month": ("recent",),
    "fitted_start_per_month": ("recent",),
    "fitted_end_per_month": ("recent",),
    "earlier_per_month": ("earlier",),
    "rate_ratio": ("recent", "earlier"),
    "p_value": ("recent", "earlier"),
    "p_adjusted": ("recent", "earlier"),
}
#: the rate tests' figures worked out from each row's count and base
RATE_DERIVED: tuple[str, ...] = (
    "rate_pct",
    "lower_pct",
    "upper_pct",
    "difference_pts",
    "difference_lower_pts",
    "difference_upper_pts",
    "p_value",
    "p_adjusted",
)
#: for each rate test, the summary counts its count and base are
RATE_SOURCES: dict[str, tuple[str, str]] = {
    "late": ("late", "clock_judged"),
    "escalated": ("escalated", "complaints"),
}
#: the vulnerability comparison's figures, blank where a group or cell is small
VULNERABILITY_FIGURES: tuple[str, ...] = (
    "vulnerable_value",
    "others_value",
    "vulnerable_mean",
    "others_mean",
    "difference",
    "p_value",
    "p_adjusted",
)


def _each_row(frame: pl.DataFrame) -> list[list[Hashable]]:
    """A grouping in which every row is its own group: primary suppression only."""
    return [list(range(frame.height))]


def _mask(frame: pl.DataFrame, name: str) -> pl.Series:
    return pl.Series(name, [False] * frame.height, dtype=pl.Boolean)


def _flags(frame: pl.DataFrame, key: str, masks: Mapping[str, pl.Series]) -> pl.DataFrame:
    """``key`` and one ``hide_<count>`` column per mask, for joining onto other tables."""
    return frame.select(key).with_columns(
        pl.Series(f"hide_{name}", mask, dtype=pl.Boolean) for name, mask in masks.items()
    )


def _joined(frame: pl.DataFrame, flags: pl.DataFrame | None, key: str, name: str) -> pl.Series:
    """The ``hide_<name>`` flag of each row of ``frame``, matched on ``key`` (False if none)."""
    column = f"hide_{name}"
    if flags is None or column not in flags.columns:
        return _mask(frame, column)
    return (
        frame.select(key)
        .join(flags.select(key, column), on=key, how="left", maintain_order="left")[column]
        .fill_null(False)
    )


def count_text(value: int | None, hidden: bool, min_count: int = DEFAULT_MIN_COUNT) -> str:
    """A count as a published table prints it.

    Examples
    --------
    >>> count_text(1204, False), count_text(3, True), count_text(None, False)
    ('1,204', 'fewer than 5', 'n/a')
    """
    if value is None:
        return "n/a"
    return suppressed_text(min_count) if hidden else f"{int(value):,}"


def adjusted_by_hidden(
    p_values: pl.Series, hidden: pl.Series, *, method: str = "benjamini-hochberg"
) -> pl.Series:
    """True for shown rows whose adjusted p-value is passed on from a hidden row's.

    Benjamini-Hochberg gives each row the smallest ``p * m / k`` among the rows ranked
    at or after it; Holm the largest ``(m - k + 1) * p`` among the rows ranked at or
    before it. Where that value comes from a hidden row, printing it would print the
    hidden row's p-value (scaled), from which its counts can be worked back.

    Examples
    --------
    The hidden second row (p 0.04) sets the first row's adjusted value (0.04 * 2 / 2):

    >>> adjusted_by_hidden(pl.Series([0.03, 0.04]), pl.Series([False, True])).to_list()
    [True, False]
    >>> adjusted_by_hidden(pl.Series([0.01, 0.04]), pl.Series([False, True])).to_list()
    [False, False]
    """
    p = p_values.cast(pl.Float64).fill_null(np.nan).to_numpy().copy()
    hide = hidden.fill_null(False).to_numpy()
    out = np.zeros(len(p), dtype=bool)
    tested = np.flatnonzero(~np.isnan(p))
    if tested.size < 2 or not hide[tested].any():
        return pl.Series(out)
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    ranks = np.arange(1, m + 1)
    if method == "holm":
        scaled = np.minimum(1.0, (m - ranks + 1) * p[order])
        full = np.maximum.accumulate(scaled)
        shown = np.maximum.accumulate(np.where(hide[order], -np.inf, scaled))
        from_hidden = full > shown + 1e-12
    else:
        scaled = np.minimum(1.0, p[order] * m / ranks)
        full = np.minimum.accumulate(scaled[::-1])[::-1]
        shown = np.minimum.accumulate(np.where(hide[order], np.inf, scaled)[::-1])[::-1]
        from_hidden = full < np.minimum(shown, 1.0) - 1e-12
    out[order] = from_hidden & ~hide[order]
    return pl.Series(out)


def _blank(frame: pl.DataFrame, columns: Sequence[str], where: pl.Series) -> pl.DataFrame:
    """``columns`` set to null in the rows ``where`` marks."""
    keep = ~where.fill_null(False)
    return frame.with_columns(
        frame[c].zip_with(keep, pl.Series([None] * frame.height, dtype=frame[c].dtype))
        for c in columns
        if c in frame.columns
    )


def hidden_last(
    frame: pl.DataFrame, hidden: pl.Series, names: Sequence[str], *, within: str | None = None
) -> pl.DataFrame:
    """The rows as published: shown rows in their order, then hidden rows by name.

    A table sorted by a count (or a p-value) would otherwise tell, by where a hidden row
    stands, that its count lies between its neighbours'. With ``within``, rows stay in
    their blocks (``matched_on``, ``measure``) and are reordered inside each.

    Examples
    --------
    >>> f = pl.DataFrame({"category": ["Repairs", "Pests", "Damp", "ASB"], "n": [60, 12, 7, 3]})
    >>> hidden_last(f, pl.Series([False, True, False, True]), ["category"])["category"].to_list()
    ['Repairs', 'Damp', 'ASB', 'Pests']
    """
    if not hidden.any():
        return frame
    position = pl.int_range(pl.len())
    keys = [pl.col("_hidden"), pl.col("_position"), *(pl.col(n) for n in names)]
    if within is not None:
        keys.insert(0, position.min().over(within))
    return (
        frame.with_columns(
            hidden.fill_null(False).alias("_hidden"),
            pl.when(hidden.fill_null(False)).then(None).otherwise(position).alias("_position"),
        )
        .sort(keys, nulls_last=True, maintain_order=True)
        .drop("_hidden", "_position")
    )


# --- the tables ------------------------------------------------------------------------


def summary_masks(
    summary: pl.DataFrame, min_count: int, *, hidden_categories: Collection[str] = ()
) -> dict[str, pl.Series]:
    """Which cells of the summary by category are hidden, by count column.

    A category's own total first (also hidden for ``hidden_categories``, whose breakdown
    would otherwise give their counts back from the total); then each other count of
    the summary, with every count of a category whose total is hidden hidden too (its
    escalations or late answers would otherwise bound the total).
    """
    if "complaints" not in summary.columns:
        return {}
    forced = summary["category"].is_in(list(hidden_categories))
    total = suppression_mask(summary["complaints"], min_count, hidden=forced)
    masks = {"complaints": total}
    for name in SUMMARY_COUNTS[1:]:
        if name in summary.columns:
            masks[name] = suppression_mask(summary[name], min_count, hidden=total)
    return masks


def category_flags(
    summary: pl.DataFrame,
    min_count: int,
    *,
    monthly: pl.DataFrame | None = None,
    root_causes: pl.DataFrame | None = None,
) -> pl.DataFrame | None:
    """``category`` and a ``hide_<count>`` flag per count of the summary, for every table.

    Every table showing a category's counts takes them from here, so a count is hidden
    the same way everywhere. With the breakdowns by month and by root cause, a category
    whose breakdown could be read back from its total (every month or root cause of it
    holding one complaint, say) has its total hidden too, and so joins the others in
    :data:`COMBINED`.
    """
    if "complaints" not in summary.columns:
        return None
    forced: set[str] = set()
    while True:
        masks = summary_masks(summary, min_count, hidden_categories=forced)
        flags = _flags(summary, "category", masks)
        hidden = set(hidden_categories(flags))
        more: set[str] = set()
        if monthly is not None and "complaints" in monthly.columns:
            more |= _readable(_merged_monthly(monthly, hidden), min_count)
        if root_causes is not None and "complaints" in root_causes.columns:
            more |= _readable(_merged_root_causes(root_causes, hidden), min_count)
        if more <= hidden:
            return flags
        forced |= more


def hidden_categories(flags: pl.DataFrame | None) -> list[str]:
    """The categories whose total the flags hide."""
    if flags is None:
        return []
    return flags.filter(pl.col("hide_complaints"))["category"].to_list()


def _category_mask(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.Series:
    """Whether each row's category total is hidden: from the flags, else from the counts."""
    if flags is None:
        return suppression_mask(table["complaints"], min_count)
    return _joined(table, flags, "category", "complaints")


def summary(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """The summary by category as it may be published (flags: :func:`category_flags`)."""
    flags = category_flags(table, min_count) if flags is None else flags
    if flags is None:
        return table
    masks = {
        name: _joined(table, flags, "category", name)
        for name in SUMMARY_COUNTS
        if name in table.columns
    }
    derived = {
        name: tuple(b for b in bases if b in masks)
        for name, bases in SUMMARY_DERIVED.items()
        if name in table.columns
    }
    shown = hide_cells(table, masks, threshold=min_count, derived=derived)
    return hidden_last(shown, masks["complaints"], ["category"])


def pareto(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """The Pareto as it may be published.

    A hidden row has no share or rank and goes to the bottom (by name); from the first
    hidden row down in the true order, the cumulative share and "vital few" are blank
    (the difference of two cumulative shares is a count). Shown rows are ranked 1, 2...
    """
    if "complaints" not in table.columns:
        return table
    hidden = _category_mask(table, flags, min_count)
    from_first = pl.Series(hidden.cast(pl.Int32).cum_sum() > 0)
    shown = hide_cells(
        table, {"complaints": hidden}, threshold=min_count, derived={"share_pct": "complaints"}
    )
    shown = _blank(shown, ["cumulative_pct", "vital_few"], from_first)
    shown = _blank(shown, ["rank"], hidden)
    ordered = hidden_last(shown, hidden, ["category"])
    return ordered.with_columns(
        pl.when(pl.col("rank").is_not_null())
        .then(pl.col("rank").is_not_null().cum_sum())
        .cast(ordered.schema["rank"])
        .alias("rank")
    )


def _merged_monthly(table: pl.DataFrame, small: Collection[str]) -> pl.DataFrame:
    """Complaints per category and month, the ``small`` categories as :data:`COMBINED`."""
    frame = table.select("category", "month", "complaints")
    if not small:
        return frame
    merged = (
        frame.filter(pl.col("category").is_in(list(small)))
        .group_by("month")
        .agg(pl.col("complaints").sum())
        .with_columns(pl.lit(COMBINED).alias("category"))
        .select(frame.columns)
        .sort("month")
    )
    return pl.concat([frame.filter(~pl.col("category").is_in(list(small))), merged])


def _merged_root_causes(table: pl.DataFrame, small: Collection[str]) -> pl.DataFrame:
    """Complaints and notes per category and root cause, ``small`` ones as :data:`COMBINED`."""
    keep = [
        c
        for c in ("category", "root_cause", "complaints", "learning_notes",
                  "learning_note_terms", "period_start", "period_end")
        if c in table.columns
    ]  # fmt: skip
    frame = table.select(keep)
    if not small:
        return frame
    sums = [c for c in ("complaints", "learning_notes") if c in keep]
    merged = (
        frame.filter(pl.col("category").is_in(list(small)))
        .group_by("root_cause", maintain_order=True)
        .agg(
            # a sum of blanks (learning notes not recorded) stays blank
            *(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in sums),
            *(pl.col(c).first() for c in ("period_start", "period_end") if c in keep),
        )
        .with_columns(pl.lit(COMBINED).alias("category"))
    )
    if "learning_note_terms" in keep:
        # the words were found within each category's notes, not the merged group's
        merged = merged.with_columns(pl.lit(None, pl.String).alias("learning_note_terms"))
    return pl.concat(
        [frame.filter(~pl.col("category").is_in(list(small))), merged.select(keep)]
    ).sort(["complaints", "category", "root_cause"], descending=[True, False, False])


def _groups(frame: pl.DataFrame) -> list[list[Hashable]]:
    """The groupings whose totals are published: each category; for root causes also
    whether a specific root cause is recorded (the complaints without one are counted
    in the plan and the themes)."""
    groups: list[list[Hashable]] = [frame["category"].to_list()]
    if "root_cause" in frame.columns:
        groups.append(frame.select(coarse_root_cause().alias("c"))["c"].to_list())
    return groups


def _readable(frame: pl.DataFrame, min_count: int) -> set[str]:
    """Categories (not :data:`COMBINED`) whose breakdown could be read back from the total."""
    hidden = suppression_mask(frame["complaints"], min_count, groups=_groups(frame))
    found = readable_groups(frame["complaints"], hidden, frame["category"].to_list(), min_count)
    return {str(c) for c in found if c != COMBINED}


def _without_readable_combined(frame: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """The table without :data:`COMBINED` where its breakdown could be read back from its
    total (which the summary gives: every complaint less those shown)."""
    hidden = suppression_mask(frame["complaints"], min_count, groups=_groups(frame))
    keys = frame["category"].to_list()
    if COMBINED in readable_groups(frame["complaints"], hidden, keys, min_count):
        return frame.filter(pl.col("category") != COMBINED)
    return frame


def monthly(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """Complaints per category and month; hidden categories merged into :data:`COMBINED`."""
    frame = _merged_monthly(table, hidden_categories(flags))
    frame = _without_readable_combined(frame, min_count)
    hidden = suppression_mask(frame["complaints"], min_count, groups=_groups(frame))
    return hide_cells(frame, {"complaints": hidden}, threshold=min_count)


def root_causes(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """Complaints and learning notes per category and root cause, as they may be published.

    The totals behind this table are each category's complaints (the summary) and the
    complaints without a specific root cause (the themes and the plan), so a hidden
    count is protected within both. Learning-note words are blank where the count is
    hidden (a word is shown only if at least N notes use it, which would bound it).
    """
    if "complaints" not in table.columns:
        return table
    frame = _merged_root_causes(table, hidden_categories(flags))
    frame = _without_readable_combined(frame, min_count)
    total = suppression_mask(frame["complaints"], min_count, groups=_groups(frame))
    masks = {"complaints": total}
    if "learning_notes" in frame.columns:
        masks["learning_notes"] = suppression_mask(
            frame["learning_notes"], min_count, groups=_each_row(frame), hidden=total
        )
    shown = _blank(hide_cells(frame, masks, threshold=min_count), ["learning_note_terms"], total)
    return hidden_last(shown, total, ["category", "root_cause"])


def trends(
    table: pl.DataFrame,
    flags: pl.DataFrame | None,
    min_count: int,
    *,
    earlier_hidden: Collection[str] = (),
) -> pl.DataFrame:
    """The trend tests as they may be published.

    This period's counts are the summary's, hidden as its flags say; last period's are
    last period's summary's, hidden as it hid them (``earlier_hidden``: the categories
    whose total it hid, :attr:`~auditlib.learning.run.Learning.earlier_hidden`). Rates,
    fitted rates, the rate ratio and p-values of a row with a hidden count are blank.
    """
    if "recent" not in table.columns or table.is_empty():
        return table
    recent = (
        suppression_mask(table["recent"], min_count)
        if flags is None
        else _joined(table, flags, "category", "complaints")
    )
    before = table["category"].is_in(list(earlier_hidden))
    masks = {
        "recent": recent,
        "earlier": suppression_mask(table["earlier"], min_count, hidden=before),
    }
    derived = {k: v for k, v in TREND_DERIVED.items() if k in table.columns}
    shown = hide_cells(table, masks, threshold=min_count, derived=derived)
    hidden = masks["recent"] | masks["earlier"]
    passed_on = adjusted_by_hidden(table["p_value"], hidden)
    # sorted by p-value: a row whose p-value is hidden goes after the others
    return hidden_last(_blank(shown, ["p_adjusted"], passed_on), hidden, ["category"])


def rate_tests(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """The late and escalation tests as they may be published.

    Each row's count and base are counts of the summary (late of those judged; escalated
    of all complaints), hidden as the summary hides them; without the summary, as each
    measure's own columns would be.
    """
    if "count" not in table.columns:
        return table
    count_mask = _mask(table, "count")
    base_mask = _mask(table, "base")
    for measure, (count, base) in RATE_SOURCES.items():
        rows = table["measure"] == measure
        if not rows.any():
            continue
        if flags is not None:
            these = (
                _joined(table, flags, "category", count),
                _joined(table, flags, "category", base),
            )
        else:
            by = [table["measure"].to_list()]
            these = (
                suppression_mask(table["count"], min_count, groups=by),
                suppression_mask(table["base"], min_count, groups=by),
            )
        count_mask = count_mask.zip_with(~rows, these[0])
        base_mask = base_mask.zip_with(~rows, these[1])
    derived = {c: ("count", "base") for c in RATE_DERIVED if c in table.columns}
    shown = hide_cells(
        table, {"count": count_mask, "base": base_mask}, threshold=min_count, derived=derived
    )
    hidden = count_mask | base_mask
    passed_on = _mask(table, "passed_on")
    for measure in RATE_SOURCES:
        rows = table["measure"] == measure
        within = adjusted_by_hidden(
            table["p_value"].zip_with(rows, pl.Series([None] * table.height, dtype=pl.Float64)),
            hidden & rows,
        )
        passed_on = passed_on | (within & rows)
    shown = _blank(shown, ["p_adjusted"], passed_on)
    return hidden_last(shown, hidden, ["category"], within="measure")


def repeats(table: pl.DataFrame, flags: pl.DataFrame | None, min_count: int) -> pl.DataFrame:
    """Repeats by category as they may be published (groups: resident, home)."""
    if "complaints" not in table.columns:
        return table
    by = [table["matched_on"].to_list()]
    total = suppression_mask(
        table["complaints"], min_count, groups=by,
        hidden=_joined(table, flags, "category", "complaints"),
    )  # fmt: skip
    masks = {"complaints": total}
    for name in ("repeats", "led_to_repeat", "same_category_repeats"):
        masks[name] = suppression_mask(table[name], min_count, groups=by, hidden=total)
    shown = hide_cells(
        table,
        masks,
        threshold=min_count,
        derived={
            "repeat_pct": ("repeats", "complaints"),
            "led_to_repeat_pct": ("led_to_repeat", "complaints"),
        },
    )
    # sorted by complaints followed by another: those hidden go after the others
    return hidden_last(shown, masks["led_to_repeat"], ["category"], within="matched_on")


def repeat_headline(table: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """Residents and homes with a repeat, as they may be published."""
    if "complaints" not in table.columns:
        return table
    rows = _each_row(table)
    masks = {
        name: suppression_mask(table[name], min_count, groups=rows)
        for name in ("with_a_complaint", "with_a_repeat", "complaints", "repeats")
    }
    return hide_cells(
        table, masks, threshold=min_count, derived={"repeat_pct": ("repeats", "complaints")}
    )


def vulnerability(table: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """The vulnerability comparison as it may be published.

    A measure is compared in print only where both groups hold at least ``min_count``
    complaints and, for a rate, each cell of the two-by-two table (late and not late,
    for residents with a vulnerability and for others) is 0 or at least ``min_count``.
    Otherwise its figures and counts are blank, except that a count under the threshold
    reads "fewer than N" (a larger one is blank: with the total it would give the small
    one back). Whether a difference is more than noise stays, as the plan says so.
    """
    if "vulnerable_n" not in table.columns:
        return table

    def small(expr: pl.Expr) -> pl.Expr:
        return ((expr > 0) & (expr < min_count)).fill_null(False)

    counts = [c for c in ("vulnerable_n", "others_n", "vulnerable_count", "others_count")
              if c in table.columns]  # fmt: skip
    cells = [pl.col("vulnerable_n"), pl.col("others_n")]
    for group in ("vulnerable", "others"):
        if f"{group}_count" in table.columns:
            cells += [pl.col(f"{group}_count"), pl.col(f"{group}_n") - pl.col(f"{group}_count")]
    hide = table.select(pl.any_horizontal([small(c) for c in cells]).alias("hide"))["hide"]
    primary: dict[str, pl.Series] = {c: table.select(small(pl.col(c)).alias(c))[c] for c in counts}
    shown = hide_cells(table, primary, threshold=min_count)
    # a cell hidden only because its row is: blank, not "fewer than N" (it is not small)
    for name in counts:
        shown = _blank(shown, [name], hide & ~primary[name])
    shown = _blank(shown, VULNERABILITY_FIGURES, hide)
    passed_on = adjusted_by_hidden(table["p_value"], hide, method="holm")
    return _blank(shown, ["p_adjusted"], passed_on)


def themes(table: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """Complaints per theme, as they may be published (their total is in the plan)."""
    hidden = suppression_mask(table["texts"], min_count)
    shown = hide_cells(
        table, {"texts": hidden}, threshold=min_count, derived={"share_pct": "texts"}
    )
    return hidden_last(shown, hidden, ["theme"])


def theme_terms(terms: pl.DataFrame, table: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """The themes' terms, with each theme's count hidden as the themes table hides it."""
    flags = _flags(table, "theme", {"texts": suppression_mask(table["texts"], min_count)})
    hidden = _joined(terms, flags.drop_nulls("theme"), "theme", "texts")
    return hide_cells(terms, {"texts": hidden}, threshold=min_count)


def learning_flags(learning: Learning) -> pl.DataFrame | None:
    """The category flags (:func:`category_flags`) of a learning run."""
    return category_flags(
        learning.summary,
        learning.min_count,
        monthly=learning.monthly,
        root_causes=learning.root_causes,
    )


def tables(learning: Learning) -> dict[str, pl.DataFrame]:
    """Every board-facing table of a learning run, by name, as it may be published.

    The names and order are those of :meth:`auditlib.learning.run.Learning.tables`.
    """
    n = learning.min_count
    flags = learning_flags(learning)
    published = {
        "analyses": learning.status_table(),
        "summary_by_category": summary(learning.summary, flags, n),
        "monthly_by_category": monthly(learning.monthly, flags, n),
        "pareto": pareto(learning.pareto, flags, n),
        "root_causes": root_causes(learning.root_causes, flags, n),
        "trends": trends(learning.trends, flags, n, earlier_hidden=learning.earlier_hidden),
        "repeats": repeats(learning.repeats, flags, n),
        "repeat_headline": repeat_headline(learning.repeat_headline, n),
        "vulnerability": vulnerability(learning.vulnerability, n),
    }
    if learning.rate_tests is not None:
        published["late_and_escalation_tests"] = rate_tests(learning.rate_tests, flags, n)
    if learning.theme_table is not None and learning.theme_terms is not None:
        published["themes"] = themes(learning.theme_table, n)
        published["theme_terms"] = theme_terms(learning.theme_terms, learning.theme_table, n)
    return published
