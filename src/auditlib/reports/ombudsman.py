"""Charts of the Ombudsman's view, built from frames already aggregated in polars.

Each function takes a table from :mod:`auditlib.ombudsman` (counts and rates; no
finding's text, no case reference), names its axes in plain words and returns an
altair chart. :func:`board_charts` draws them for a board paper with counts under the
small-count threshold left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from auditlib.privacy import DEFAULT_MIN_COUNT, suppression_mask

if TYPE_CHECKING:
    from auditlib.ombudsman.view import OmbudsmanView

_WIDTH = 520
_OURS = "#c0392b"
_OTHERS = "#8a9aa8"
_OUTCOMES = {"Upheld": "#b2182b", "Not upheld": "#4d9221", "Not counted": "#bababa"}


def _by_outcome(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per ``key`` and outcome (upheld, not upheld, not counted) with its count."""
    return frame.select(
        key,
        pl.col("upheld").alias("Upheld"),
        (pl.col("counted") - pl.col("upheld")).alias("Not upheld"),
        (pl.col("findings") - pl.col("counted")).alias("Not counted"),
    ).unpivot(index=key, variable_name="outcome", value_name="count")


def years_chart(by_year: pl.DataFrame, *, landlord: str) -> alt.Chart:
    """Findings each reporting year: upheld, not upheld, not counted."""
    long = _by_outcome(by_year, "year")
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("year:N", title="Reporting year of the decision", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="Findings", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "outcome:N",
                title="Finding",
                scale=alt.Scale(domain=list(_OUTCOMES), range=list(_OUTCOMES.values())),
            ),
            order=alt.Order("outcome:N", sort="descending"),
            tooltip=["year", "outcome", "count"],
        )
    )
    return bars.properties(
        width=_WIDTH, title=alt.TitleParams(f"Ombudsman findings about {landlord}", anchor="start")
    )


def upheld_trend_chart(by_year: pl.DataFrame, *, landlord: str) -> alt.LayerChart | alt.FacetChart:
    """The landlord's upheld rate each year with its 95% interval, and the sector's rate."""
    frame = by_year.filter(pl.col("upheld_pct").is_not_null())
    base = alt.Chart(frame).encode(
        x=alt.X("year:N", title="Reporting year of the decision", axis=alt.Axis(labelAngle=0))
    )
    band = base.mark_rule(color=_OURS, strokeWidth=2, opacity=0.5).encode(
        y=alt.Y("upheld_low_pct:Q", title="Findings upheld (%)", scale=alt.Scale(domain=[0, 100])),
        y2="upheld_high_pct:Q",
    )
    ours = base.mark_point(color=_OURS, filled=True, size=70).encode(
        y="upheld_pct:Q", tooltip=["year", "upheld_pct", "upheld_low_pct", "upheld_high_pct"]
    )
    sector = base.mark_line(color=_OTHERS, strokeDash=[4, 3], point=True).encode(
        y="sector_upheld_pct:Q", tooltip=["year", "sector_upheld_pct"]
    )
    return alt.layer(band, ours, sector).properties(
        width=_WIDTH,
        title=alt.TitleParams(
            f"Share of findings upheld: {landlord} (red, 95% interval) and all landlords (grey)",
            anchor="start",
        ),
    )


def categories_chart(by_category: pl.DataFrame) -> alt.Chart:
    """Findings by category in the period, the upheld part darker."""
    long = _by_outcome(by_category, "category")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort=by_category["category"].to_list(), title=None),
            x=alt.X("count:Q", title="Findings", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "outcome:N",
                title="Finding",
                scale=alt.Scale(domain=list(_OUTCOMES), range=list(_OUTCOMES.values())),
            ),
            tooltip=["category", "outcome", "count"],
        )
        .properties(width=_WIDTH, title=alt.TitleParams("Findings by category", anchor="start"))
    )


def funnel_chart(
    points: pl.DataFrame, limits: pl.DataFrame, *, measure: str
) -> alt.LayerChart | alt.FacetChart:
    """Every landlord against the sector's rate, with 95% and 99.8% control limits."""
    if measure == "upheld_pct":
        x_title, y_title = "Findings decided on the merits", "Findings upheld (%)"
        title = "Upheld rate against the number of findings"
    else:
        x_title = "Size and period (thousands of home-years)"
        y_title = "Findings per 1,000 homes a year"
        title = "Findings per 1,000 homes against size"
    x = alt.X("exposure:Q", title=x_title, scale=alt.Scale(type="log"))
    others = (
        alt.Chart(points.filter(~pl.col("is_ours")))
        .mark_circle(color=_OTHERS, opacity=0.5, size=25)
        .encode(x=x, y=alt.Y("value:Q", title=y_title))
    )
    ours = (
        alt.Chart(points.filter(pl.col("is_ours")))
        .mark_point(color=_OURS, filled=True, size=120, shape="diamond")
        .encode(x=x, y="value:Q")
    )
    dash = alt.StrokeDash("limit:N", title="Control limits")
    lines = alt.Chart(limits).encode(x=x, strokeDash=dash)
    low = lines.mark_line(color="#555555").encode(y="low:Q")
    high = lines.mark_line(color="#555555").encode(y="high:Q")
    centre = alt.Chart(limits).mark_line(color="#555555", strokeWidth=0.8).encode(x=x, y="centre:Q")
    return alt.layer(others, low, high, centre, ours).properties(
        width=_WIDTH,
        height=300,
        title=alt.TitleParams(
            title,
            subtitle="Red: this landlord. Grey: other landlords. Points outside the limits "
            "differ by more than chance.",
            anchor="start",
        ),
    )


def comparison_chart(comparison: pl.DataFrame) -> alt.Chart:
    """Each category's share of Ombudsman findings beside its share of own complaints."""
    long = comparison.select(
        "ombudsman_category",
        "verdict",
        pl.col("ombudsman_share_pct").alias("Ombudsman findings"),
        pl.col("own_share_pct").alias("Our own complaints"),
    ).unpivot(index=["ombudsman_category", "verdict"], variable_name="source", value_name="pct")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(
                "ombudsman_category:N", title=None, sort=comparison["ombudsman_category"].to_list()
            ),
            x=alt.X("pct:Q", title="Share (%)"),
            yOffset="source:N",
            color=alt.Color("source:N", title=None, scale=alt.Scale(range=[_OURS, "#1f5f8b"])),
            tooltip=["ombudsman_category", "source", "pct", "verdict"],
        )
        .properties(
            width=_WIDTH,
            title=alt.TitleParams(
                "What reaches the Ombudsman against what we record", anchor="start"
            ),
        )
    )


def charts(view: OmbudsmanView) -> dict[str, Any]:
    """Every chart of the view, by name."""
    from auditlib.ombudsman.baseline import funnel_points

    made: dict[str, Any] = {
        "years": years_chart(view.by_year, landlord=view.landlord),
        "upheld_trend": upheld_trend_chart(view.by_year, landlord=view.landlord),
        "categories": categories_chart(view.by_category),
        "funnel_upheld": funnel_chart(
            *funnel_points(view.sector, measure="upheld_pct"), measure="upheld_pct"
        ),
    }
    if view.homes:
        made["funnel_per_1000"] = funnel_chart(
            *funnel_points(view.sector, measure="per_1000"), measure="per_1000"
        )
    if view.comparison is not None:
        made["comparison"] = comparison_chart(view.comparison)
    return made


def _hide(frame: pl.DataFrame, counts: list[str], threshold: int) -> pl.DataFrame:
    """Counts under the threshold (and what they make) set to null for drawing."""
    masks = {c: suppression_mask(frame[c], threshold) for c in counts}
    hidden = pl.any_horizontal([pl.Series(m) for m in masks.values()]) if masks else None
    if hidden is None:
        return frame
    mask = frame.select(hidden.alias("m"))["m"]
    return frame.with_columns(
        pl.when(mask).then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns[1:]
    )


def board_charts(view: OmbudsmanView, *, threshold: int = DEFAULT_MIN_COUNT) -> dict[str, Any]:
    """The charts for a board paper: rows with a count under ``threshold`` not drawn."""
    from auditlib.ombudsman.baseline import funnel_points

    years = _hide(view.by_year, ["findings", "counted", "upheld"], threshold)
    categories = _hide(view.by_category, ["findings", "counted", "upheld"], threshold)
    made: dict[str, Any] = {
        "years": years_chart(years.drop_nulls("findings"), landlord=view.landlord),
        "upheld_trend": upheld_trend_chart(years, landlord=view.landlord),
        "categories": categories_chart(categories.drop_nulls("findings")),
        "funnel_upheld": funnel_chart(
            *funnel_points(view.sector, measure="upheld_pct"), measure="upheld_pct"
        ),
    }
    if view.homes:
        made["funnel_per_1000"] = funnel_chart(
            *funnel_points(view.sector, measure="per_1000"), measure="per_1000"
        )
    if view.comparison is not None:
        shown = _hide(view.comparison, ["ombudsman_findings", "own_complaints"], threshold)
        made["comparison"] = comparison_chart(shown)
    return made
