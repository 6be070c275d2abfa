"""One landlord's Ombudsman findings: over time, by category, complaint handling, and
where they disagree with the landlord's own complaint categories.

Definitions, used the same way everywhere (see ``docs/ombudsman.md``):

* a finding belongs to the reporting year of its **decision date**;
* *counted*: a finding on the merits; outside jurisdiction is not counted (the
  ``not_counted`` list of the mapping file);
* *upheld*: severe maladministration, maladministration or service failure (the
  ``upheld`` list); the upheld rate is upheld / counted, with a Wilson 95% interval;
  reasonable redress (the landlord had already put things right) counts as not upheld;
* *complaint handling*: findings in the ``complaint_handling`` categories, about how the
  landlord handled the complaint (the Code's own subject); an upheld one is a
  *complaint-handling failure*.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from auditlib.mapping import normalise
from auditlib.ombudsman.findings import FINDING_NAMES, FINDINGS, NOT_RECORDED, FindingsMapping
from auditlib.ombudsman.stats import fisher_exact, wilson
from auditlib.tsm import Period

#: significance (false discovery rate) for the category comparison
ALPHA = 0.05


def reporting_year(start_month: int = 4) -> pl.Expr:
    """The label of the reporting year of ``decision_date`` (``2025/26`` for April years).

    Examples
    --------
    >>> from datetime import date
    >>> df = pl.DataFrame({"decision_date": [date(2025, 3, 31), date(2025, 4, 1)]})
    >>> df.select(reporting_year()).to_series().to_list()
    ['2024/25', '2025/26']
    """
    d = pl.col("decision_date")
    first = pl.when(d.dt.month() >= start_month).then(d.dt.year()).otherwise(d.dt.year() - 1)
    if start_month == 1:
        return first.cast(pl.String).alias("year")
    return pl.format("{}/{}", first, ((first + 1) % 100).cast(pl.String).str.zfill(2)).alias("year")


def in_period(period: Period) -> pl.Expr:
    """True for findings decided within the period (both ends included)."""
    return pl.col("decision_date").is_between(pl.lit(period.start), pl.lit(period.end))


def with_rate(
    frame: pl.DataFrame, upheld: str = "upheld", counted: str = "counted"
) -> pl.DataFrame:
    """Add ``upheld_pct`` with its Wilson 95% interval ``upheld_low_pct``/``upheld_high_pct``."""
    low, high = wilson(frame[upheld].to_numpy(), frame[counted].to_numpy())
    return frame.with_columns(
        pl.when(pl.col(counted) > 0)
        .then((pl.col(upheld) / pl.col(counted) * 100).round(1))
        .alias("upheld_pct"),
        pl.Series("upheld_low_pct", np.round(low * 100, 1)).fill_nan(None),
        pl.Series("upheld_high_pct", np.round(high * 100, 1)).fill_nan(None),
    )


def _counts(*by: str) -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Int64).alias("findings"),
        pl.col("case_id").n_unique().cast(pl.Int64).alias("cases"),
        pl.col("counted").sum().cast(pl.Int64).alias("counted"),
        pl.col("upheld").sum().cast(pl.Int64).alias("upheld"),
        (pl.col("finding") == "severe_maladministration").sum().cast(pl.Int64).alias("severe"),
    ]


def by_year(
    own: pl.DataFrame, sector: pl.DataFrame | None = None, *, start_month: int = 4
) -> pl.DataFrame:
    """The landlord's findings, upheld rate and severe findings per reporting year.

    With ``sector`` (every finding in the file), the sector's upheld rate that year is
    added as ``sector_upheld_pct`` for comparison.
    """
    table = with_rate(
        own.with_columns(reporting_year(start_month)).group_by("year").agg(_counts()).sort("year")
    )
    if sector is not None:
        rates = (
            sector.with_columns(reporting_year(start_month))
            .group_by("year")
            .agg(pl.col("upheld").sum(), pl.col("counted").sum())
            .select(
                "year",
                (pl.col("upheld") / pl.col("counted") * 100).round(1).alias("sector_upheld_pct"),
            )
        )
        table = table.join(rates, on="year", how="left")
    return table


def by_category(own: pl.DataFrame) -> pl.DataFrame:
    """Findings, upheld rate (with interval) and share of all findings per category."""
    total = max(own.height, 1)
    return with_rate(
        own.group_by("category")
        .agg(_counts())
        .with_columns((pl.col("findings") / total * 100).round(1).alias("share_pct"))
        .sort(["findings", "category"], descending=[True, False])
    )


def category_by_finding(own: pl.DataFrame) -> pl.DataFrame:
    """Counts of each finding per category: one row per category, a column per finding.

    Columns are the findings' plain names, most serious first, then ``Total``.
    """
    wide = (
        own.group_by("category", "finding")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .pivot(on="finding", index="category", values="n")
    )
    present = [f for f in FINDINGS if f in wide.columns]
    return (
        wide.with_columns(pl.col(present).fill_null(0))
        .with_columns(pl.sum_horizontal(present).alias("Total"))
        .select("category", *present, "Total")
        .rename({f: FINDING_NAMES[f] for f in present})
        .sort(["Total", "category"], descending=[True, False])
    )


def complaint_handling(
    own: pl.DataFrame, mapping: FindingsMapping, *, start_month: int = 4
) -> pl.DataFrame:
    """Complaint-handling findings per reporting year: findings, failures (upheld), rate.

    ``failures`` counts upheld complaint-handling findings (severe maladministration,
    maladministration or service failure in how the complaint was handled); ``cases``
    counts cases with at least one complaint-handling finding.
    """
    handled = own.filter(_is_complaint_handling(mapping))
    return with_rate(
        handled.with_columns(reporting_year(start_month))
        .group_by("year")
        .agg(_counts())
        .rename({"upheld": "failures"})
        .sort("year"),
        upheld="failures",
    ).rename(
        {
            "upheld_pct": "failure_pct",
            "upheld_low_pct": "failure_low_pct",
            "upheld_high_pct": "failure_high_pct",
        }
    )


def label_key(column: str = "category") -> pl.Expr:
    """A label as :func:`auditlib.mapping.normalise` writes it, for a whole column."""
    text = pl.col(column).str.to_lowercase().str.replace_all(r"[^0-9a-z]+", "_")
    return text.str.strip_chars("_")


def _is_complaint_handling(mapping: FindingsMapping) -> pl.Expr:
    return label_key().is_in([normalise(c) for c in mapping.complaint_handling])


def summary(own: pl.DataFrame, mapping: FindingsMapping, period: Period) -> dict[str, object]:
    """The period's headline counts for the landlord (plain values, JSON-ready).

    Keys: ``findings``, ``cases``, ``counted``, ``upheld``, ``severe``, ``upheld_pct``
    with ``upheld_low_pct``/``upheld_high_pct``, ``complaint_handling_findings`` and
    ``complaint_handling_failures``, and the period's dates.
    """
    now = own.filter(in_period(period))
    handling = now.filter(_is_complaint_handling(mapping))
    row = with_rate(now.select(_counts())).row(0, named=True)
    return {
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        **row,
        "complaint_handling_findings": handling.height,
        "complaint_handling_failures": int(handling["upheld"].sum()),
    }


def category_comparison(
    own: pl.DataFrame,
    complaints: pl.DataFrame,
    mapping: FindingsMapping,
    *,
    window: Period,
    alpha: float = ALPHA,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Where the Ombudsman's findings and the landlord's own complaints disagree.

    For each Ombudsman category mapped to one or more of the landlord's categories
    (``categories`` in the mapping file), its share of the landlord's findings decided
    in ``window`` is set against the share of the landlord's own complaints in the
    categories mapped to it. Complaint-handling categories are left out (they judge how
    a complaint was handled, not what it was about), and so are categories mapped to
    nothing. Each pair of shares is tested with Fisher's exact test (two-sided), and the
    p-values adjusted with Benjamini-Hochberg over the categories; a category is flagged
    when the adjusted p-value is below ``alpha``.

    Returns the comparison (one row per Ombudsman category) and the landlord's own
    categories that no Ombudsman category takes (with their counts).

    Examples
    --------
    >>> from datetime import date
    >>> m = FindingsMapping(categories={"Damp": ("Damp and mould",), "Repairs": ("Repairs",)})
    >>> own = pl.DataFrame({"category": ["Damp"] * 8 + ["Repairs"] * 2,
    ...     "decision_date": [date(2025, 6, 1)] * 10})
    >>> mine = pl.DataFrame({"category": ["Damp and mould"] * 5 + ["Repairs"] * 95})
    >>> table, _ = category_comparison(own, mine, m, window=Period(date(2025, 4, 1),
    ...     date(2026, 3, 31)))
    >>> table.select("ombudsman_category", "ombudsman_share_pct", "own_share_pct",
    ...     "verdict").rows()[0]
    ('Damp', 80.0, 5.0, 'more often before the Ombudsman')
    """
    from auditlib.learning.trends import benjamini_hochberg

    handling = {normalise(c) for c in mapping.complaint_handling}
    compared = {
        omb: owns
        for omb, owns in mapping.categories.items()
        if owns and normalise(omb) not in handling
    }
    own_to = {normalise(o): omb for omb, owns in compared.items() for o in owns}
    omb_counts = dict(
        own.filter(in_period(window))
        .with_columns(label_key().alias("_key"))
        .filter(pl.col("_key").is_in([normalise(c) for c in compared]))
        .group_by("_key")
        .len()
        .iter_rows()
    )
    mine = (
        complaints.select(pl.col("category").str.strip_chars().fill_null("").alias("category"))
        .with_columns(label_key().alias("_key"))
        .with_columns(
            pl.col("_key")
            .replace_strict(own_to, default=None, return_dtype=pl.String)
            .alias("_omb")
        )
    )
    unmapped = (
        mine.filter(pl.col("_omb").is_null())
        .with_columns(
            pl.when(pl.col("category") == "")
            .then(pl.lit(NOT_RECORDED))
            .otherwise(pl.col("category"))
            .alias("category")
        )
        .group_by("category")
        .agg(pl.len().cast(pl.Int64).alias("complaints"))
        .sort(["complaints", "category"], descending=[True, False])
    )
    own_counts = dict(mine.drop_nulls("_omb").group_by("_omb").len().iter_rows())
    names = list(compared)
    k = np.array([omb_counts.get(normalise(c), 0) for c in names], dtype=np.int64)
    m = np.array([own_counts.get(c, 0) for c in names], dtype=np.int64)
    n_omb, n_own = int(k.sum()), int(m.sum())
    p_values = np.full(len(names), np.nan)
    if n_omb and n_own:
        for i in range(len(names)):  # a handful of categories, not rows
            p_values[i] = fisher_exact(int(k[i]), n_omb - int(k[i]), int(m[i]), n_own - int(m[i]))
    adjusted = benjamini_hochberg(p_values)
    share_omb = k / n_omb * 100 if n_omb else np.full(len(names), np.nan)
    share_own = m / n_own * 100 if n_own else np.full(len(names), np.nan)
    verdict = np.where(
        np.isnan(adjusted),
        "not tested",
        np.where(
            adjusted < alpha,
            np.where(
                share_omb > share_own,
                "more often before the Ombudsman",
                "less often before the Ombudsman",
            ),
            "in line",
        ),
    )
    result = pl.DataFrame(
        {
            "ombudsman_category": names,
            "own_categories": ["; ".join(compared[c]) for c in names],
            "ombudsman_findings": k,
            "ombudsman_share_pct": np.round(share_omb, 1),
            "own_complaints": m,
            "own_share_pct": np.round(share_own, 1),
            "p_value": np.round(p_values, 5),
            "p_adjusted": np.round(adjusted, 5),
            "verdict": verdict,
        }
    ).with_columns(
        pl.col("ombudsman_share_pct", "own_share_pct", "p_value", "p_adjusted").fill_nan(None),
        pl.lit(window.start).alias("window_start"),
        pl.lit(window.end).alias("window_end"),
    )
    return result.sort(["ombudsman_findings", "ombudsman_category"], descending=[True, False]), (
        unmapped
    )


def comparison_window(period: Period, years: int = 3) -> Period:
    """The ``years`` reporting years ending with ``period`` (Ombudsman cases lag).

    Examples
    --------
    >>> from datetime import date
    >>> comparison_window(Period(date(2025, 4, 1), date(2026, 3, 31))).start
    datetime.date(2023, 4, 1)
    """
    start = period.start
    try:
        first = start.replace(year=start.year - (years - 1))
    except ValueError:  # 29 February
        first = start.replace(year=start.year - (years - 1), day=28)
    return Period(first, period.end)
