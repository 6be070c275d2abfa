"""Charts for learning from complaints, built from frames already aggregated in polars.

Each function takes a table from :mod:`auditlib.learning` (counts and rates, never
personal data), names its axes in plain words and returns an altair chart; the notebook
displays it and :func:`auditlib.reports.render.save_chart` writes it as SVG, PNG or
offline HTML.

Charts never fail on empty or degenerate data: a function given nothing to draw raises
:class:`NothingToShow`, and :func:`unavailable_chart` draws the panel that says why
(``not available: column vulnerability not in the extract``) in its place.
"""

from __future__ import annotations

import textwrap

import altair as alt
import polars as pl

_WIDTH = 520


class NothingToShow(ValueError):
    """The table holds nothing a chart can draw; the message says why."""


def unavailable_chart(title: str, reason: str) -> alt.Chart:
    """A panel with the chart's title and why it cannot be drawn, in place of the chart.

    Examples
    --------
    >>> chart = unavailable_chart("Repeats", "not available: column tenant_ref not in the extract")
    >>> chart.to_dict()["mark"]["type"]
    'text'
    """
    lines = textwrap.wrap(reason, 80) or [reason]
    frame = pl.DataFrame({"line": list(range(len(lines))), "text": lines})
    return (
        alt.Chart(frame)
        .mark_text(align="left", baseline="top", fontSize=13, color="#5b6770", x=5)
        .encode(y=alt.Y("line:O", axis=None), text="text:N")
        .properties(
            width=_WIDTH, height=24 * len(lines), title=alt.TitleParams(title, anchor="start")
        )
    )


def _require(frame: pl.DataFrame, what: str) -> None:
    if frame.is_empty():
        msg = f"nothing to show: {what}"
        raise NothingToShow(msg)


def _period(frame: pl.DataFrame) -> str:
    if {"period_start", "period_end"} <= set(frame.columns) and frame.height:
        start, end = frame["period_start"][0], frame["period_end"][0]
        return f"{start:%d %b %Y} to {end:%d %b %Y}"
    return ""


def _title(text: str, frame: pl.DataFrame) -> alt.TitleParams:
    period = _period(frame)
    if period:
        return alt.TitleParams(text, subtitle=period, anchor="start")
    return alt.TitleParams(text, anchor="start")


def pareto_chart(pareto: pl.DataFrame, *, by: str = "category") -> alt.LayerChart:
    """Bars of complaints by ``by``, largest first, with the cumulative share as a line."""
    _require(pareto, "no complaints in the period")
    order = pareto[by].to_list()
    base = alt.Chart(pareto).encode(
        x=alt.X(
            f"{by}:N",
            sort=order,
            title=by.replace("_", " ").capitalize(),
            axis=alt.Axis(labelAngle=-40, labelLimit=160),
        ),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("complaints:Q", title="Complaints"),
        color=alt.Color(
            "vital_few:N",
            title="Within the first 80%",
            scale=alt.Scale(domain=[True, False], range=["#1f5f8b", "#a8c4d8"]),
        ),
        tooltip=[by, "complaints", "share_pct", "cumulative_pct"],
    )
    line = base.mark_line(point=True, color="#c0392b").encode(
        y=alt.Y(
            "cumulative_pct:Q",
            title="Cumulative share of complaints (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(width=_WIDTH, title=_title("Where complaints concentrate", pareto))
    )


def monthly_chart(
    monthly: pl.DataFrame, trends: pl.DataFrame | None = None, *, columns: int = 4
) -> alt.FacetChart:
    """Complaints received each month, one small panel per category; rising ones in red.

    Panels share the month axis and each has its own count axis, so a small category's
    shape is as readable as a large one's; panels are ordered by volume.
    """
    _require(monthly, "no complaints in the period")
    rising: set[str] = set()
    if trends is not None and "rising" in trends.columns:
        rising = set(trends.filter(pl.col("rising"))["category"].to_list())
    frame = monthly.with_columns(
        pl.col("category").is_in(list(rising)).alias("rising"),
        period_start=pl.col("month").min(),
        period_end=pl.col("month").max().dt.month_end(),
    )
    order = (
        frame.group_by("category")
        .agg(pl.col("complaints").sum())
        .sort(["complaints", "category"], descending=[True, False])["category"]
        .to_list()
    )
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month received", axis=alt.Axis(format="%b %y", tickCount=4)),
            y=alt.Y("complaints:Q", title="Complaints", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "rising:N",
                title="Rising beyond noise",
                scale=alt.Scale(domain=[True, False], range=["#c0392b", "#5b6770"]),
            ),
            tooltip=[
                "category",
                alt.Tooltip("month:T", format="%b %Y"),
                "complaints",
                "upheld_pct",
            ],
        )
        .properties(width=150, height=90)
        .facet(
            facet=alt.Facet("category:N", title=None, sort=order),
            columns=columns,
            title=_title("Complaints each month, by category", frame),
        )
        .resolve_scale(y="independent")
    )


def rates_chart(summary: pl.DataFrame, *, by: str = "category") -> alt.Chart:
    """Escalation, lateness and upheld rates side by side for each ``by`` value."""
    names = {
        "escalated_pct": "Escalated to stage 2",
        "late_pct": "Late or overdue at stage 1",
        "upheld_pct": "Upheld (fully or partly)",
    }
    shown = {k: v for k, v in names.items() if summary[k].drop_nulls().len()}
    if not shown:
        msg = "no rate can be worked out from the extract's columns"
        raise NothingToShow(msg)
    long = summary.unpivot(
        index=[by, "complaints", "period_start", "period_end"],
        on=list(shown),
        variable_name="measure",
        value_name="pct",
    ).with_columns(pl.col("measure").replace_strict(shown))
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", sort=summary[by].to_list(), title=None),
            x=alt.X("pct:Q", title="Share of complaints (%)"),
            color=alt.Color("measure:N", title=None, legend=None),
            column=alt.Column("measure:N", title=None),
            tooltip=[by, "measure", "pct", "complaints"],
        )
        .properties(width=170, title=_title("Escalation, lateness and upheld rates", summary))
    )


def compensation_chart(summary: pl.DataFrame, *, by: str = "category") -> alt.Chart:
    """Compensation paid in pounds by ``by``, largest first."""
    frame = summary.sort("compensation_total_gbp", descending=True)
    if not frame["compensation_total_gbp"].fill_null(0).sum():
        msg = "no compensation recorded in the period"
        raise NothingToShow(msg)
    return (
        alt.Chart(frame)
        .mark_bar(color="#1f5f8b")
        .encode(
            y=alt.Y(f"{by}:N", sort=frame[by].to_list(), title=None),
            x=alt.X("compensation_total_gbp:Q", title="Compensation offered (£)"),
            tooltip=[by, "compensation_total_gbp", "compensated", "compensation_median_gbp"],
        )
        .properties(width=_WIDTH, title=_title("Compensation by category", frame))
    )


def repeats_chart(repeats: pl.DataFrame) -> alt.Chart:
    """Share of complaints followed by another from the same resident or home."""
    _require(repeats, "no complaint in the period has a reference")
    frame = repeats.with_columns(
        pl.col("matched_on").replace_strict({"tenant": "Same resident", "property": "Same home"})
    )
    window = int(frame["window_days"][0]) if frame.height else 0
    order = (
        frame.filter(pl.col("matched_on") == "Same resident")
        .sort("led_to_repeat_pct", descending=True)["category"]
        .to_list()
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort=order, title=None),
            x=alt.X(
                "led_to_repeat_pct:Q",
                title=f"Followed by another complaint within {window} days (%)",
            ),
            color=alt.Color("matched_on:N", title=None),
            yOffset="matched_on:N",
            tooltip=["category", "matched_on", "complaints", "led_to_repeat", "led_to_repeat_pct"],
        )
        .properties(width=_WIDTH, title=_title("Categories that lead to repeat complaints", frame))
    )


def vulnerability_chart(comparison: pl.DataFrame) -> alt.Chart:
    """Vulnerable residents against others on each measure, with the test's verdict."""
    _require(comparison, "no measure to compare")
    long = pl.concat(
        [
            comparison.select(
                "measure",
                pl.lit(group).alias("residents"),
                pl.col(f"{key}_value").cast(pl.Float64).alias("value"),
                pl.col(f"{key}_n").alias("complaints"),
                "p_adjusted",
                "more_than_noise",
                "period_start",
                "period_end",
            )
            for key, group in (("vulnerable", "Vulnerability recorded"), ("others", "Others"))
        ]
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("residents:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Median days or share (%)"),
            color=alt.Color("residents:N", title=None),
            column=alt.Column("measure:N", title=None, header=alt.Header(labelLimit=220)),
            tooltip=[
                "measure",
                "residents",
                "value",
                "complaints",
                "p_adjusted",
                "more_than_noise",
            ],
        )
        .properties(width=160, title=_title("Residents with a vulnerability", comparison))
    )


def themes_chart(theme_table: pl.DataFrame) -> alt.Chart:
    """Descriptions per theme, each theme named by its top terms (counts only)."""
    frame = theme_table.filter(pl.col("theme").is_not_null())
    _require(frame, "no themes found")
    return (
        alt.Chart(frame)
        .mark_bar(color="#1f5f8b")
        .encode(
            y=alt.Y(
                "theme_name:N",
                sort=frame["theme_name"].to_list(),
                title="Theme (its most telling words)",
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("texts:Q", title="Complaints"),
            tooltip=["theme_name", "texts", "share_pct"],
        )
        .properties(width=_WIDTH, title="Themes in complaints without a specific root cause")
    )
