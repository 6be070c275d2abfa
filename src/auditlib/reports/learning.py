"""Charts for learning from complaints, built from the tables as they are published.

Each function takes a table from :mod:`auditlib.learning` (counts and rates, never
personal data), names its axes in plain words and returns an altair chart; the notebook
displays it and :func:`auditlib.reports.render.save_chart` writes it as SVG, PNG or
offline HTML.

The tables to give them are the published ones (:meth:`auditlib.learning.run.Learning.
published_tables`), whose counts are text and whose small counts read "fewer than N".
A chart never carries a small count in its data: a bar of fewer than ``min_count``
complaints (or one hidden to protect such a count) is drawn grey at ``min_count``, as
the performance charts do, and a rate, share or amount resting on a hidden count is
left out. Given a table of plain numbers instead, a chart hides the counts under
``min_count`` itself.

Charts never fail on empty or degenerate data: a function given nothing to draw raises
:class:`NothingToShow`, and :func:`unavailable_chart` draws the panel that says why
(``not available: column vulnerability not in the extract``) in its place.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import altair as alt
import polars as pl

from auditlib.learning import publish
from auditlib.privacy import DEFAULT_MIN_COUNT, suppressed_text

_WIDTH = 520
_BLUE, _PALE, _GREY, _RED = "#1f5f8b", "#a8c4d8", "#b8c2cc", "#c0392b"


class NothingToShow(ValueError):
    """The table holds nothing a chart can draw; the message says why."""


def drawn_counts(
    frame: pl.DataFrame, column: str, min_count: int = DEFAULT_MIN_COUNT
) -> pl.DataFrame:
    """A count column made safe to draw: ``drawn``, ``small`` and the count as text.

    ``column`` may hold published text (``"1,204"``, ``"fewer than 5"``) or numbers (then
    counts from 1 to ``min_count - 1`` are hidden here). It comes back as text;
    ``{column}_drawn`` is the bar's height (``min_count`` where hidden) and
    ``{column}_small`` says which bars are hidden. No small count is left in the frame.

    Examples
    --------
    >>> f = drawn_counts(pl.DataFrame({"n": ["1,204", "fewer than 5", "0"]}), "n")
    >>> f.rows()
    [('1,204', 1204, False), ('fewer than 5', 5, True), ('0', 0, False)]
    >>> drawn_counts(pl.DataFrame({"n": [12, 3]}), "n").rows()
    [('12', 12, False), ('fewer than 5', 5, True)]
    """
    values = frame[column]
    if values.dtype == pl.String:
        text = values.str.strip_chars()
        small = text.str.starts_with("fewer than").fill_null(False)
        number = text.str.replace_all(",", "").cast(pl.Int64, strict=False)
    else:
        number = values.cast(pl.Int64)
        small = ((number > 0) & (number < min_count)).fill_null(False)
        text = pl.Series(
            [None if v is None else f"{v:,}" for v in number.to_list()], dtype=pl.String
        )
    hidden = suppressed_text(min_count)
    return frame.with_columns(
        pl.Series(column, text).zip_with(~small, pl.Series([hidden] * frame.height)),
        number.zip_with(~small, pl.Series([min_count] * frame.height, dtype=pl.Int64)).alias(
            f"{column}_drawn"
        ),
        small.alias(f"{column}_small"),
    )


def _published(
    frame: pl.DataFrame, column: str, publish_it: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """``frame`` as published: given plain numbers, hidden as its published table would be."""
    if column in frame.columns and frame[column].dtype != pl.String:
        return publish_it()
    return frame


def _note(min_count: int) -> str:
    return f"Bars of {suppressed_text(min_count)} complaints are grey, drawn at {min_count}"


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


def _title(text: str, frame: pl.DataFrame, note: str | None = None) -> alt.TitleParams:
    lines = [line for line in (_period(frame), note) if line]
    if lines:
        return alt.TitleParams(text, subtitle=lines, anchor="start")
    return alt.TitleParams(text, anchor="start")


def _shown(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows whose ``column`` is shown (not blank because it rests on a hidden count)."""
    return frame.filter(pl.col(column).is_not_null())


def pareto_chart(
    pareto: pl.DataFrame, *, by: str = "category", min_count: int = DEFAULT_MIN_COUNT
) -> alt.LayerChart:
    """Bars of complaints by ``by``, largest first, with the cumulative share as a line.

    Hidden counts are grey bars at ``min_count``; the cumulative line stops where the
    published table stops giving it.
    """
    _require(pareto, "no complaints in the period")
    pareto = _published(pareto, "complaints", lambda: publish.pareto(pareto, None, min_count))
    groups = {
        "within the first 80%": _BLUE,
        "the rest": _PALE,
        # a shown bar after a hidden one: whether it is within the 80% would tell a count
        "cumulative share not shown": "#d5dde3",
        f"{suppressed_text(min_count)} (drawn at {min_count})": _GREY,
    }
    names = list(groups)
    frame = drawn_counts(pareto, "complaints", min_count).with_columns(
        pl.when(pl.col("complaints_small"))
        .then(pl.lit(names[3]))
        .when(pl.col("vital_few").is_null())
        .then(pl.lit(names[2]))
        .when(pl.col("vital_few"))
        .then(pl.lit(names[0]))
        .otherwise(pl.lit(names[1]))
        .alias("group")
    )
    groups = {k: v for k, v in groups.items() if k in set(frame["group"])}
    order = frame[by].to_list()
    x = alt.X(
        f"{by}:N",
        sort=order,
        title=by.replace("_", " ").capitalize(),
        axis=alt.Axis(labelAngle=-40, labelLimit=160),
    )
    bars = (
        alt.Chart(frame.drop("complaints_small"))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("complaints_drawn:Q", title="Complaints"),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=list(groups), range=list(groups.values())),
                legend=alt.Legend(labelLimit=320),
            ),
            tooltip=[by, "complaints", "share_pct", "cumulative_pct"],
        )
    )
    line = (
        alt.Chart(_shown(frame.select(by, "cumulative_pct"), "cumulative_pct"))
        .mark_line(point=True, color=_RED)
        .encode(
            x=x,
            y=alt.Y(
                "cumulative_pct:Q",
                title="Cumulative share of complaints (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
        )
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(
            width=_WIDTH,
            title=_title("Where complaints concentrate", pareto, _note(min_count)),
        )
    )


def monthly_chart(
    monthly: pl.DataFrame,
    trends: pl.DataFrame | None = None,
    *,
    columns: int = 4,
    min_count: int = DEFAULT_MIN_COUNT,
) -> alt.FacetChart:
    """Complaints received each month, one small panel per category; rising ones in red.

    Panels share the month axis and each has its own count axis, so a small category's
    shape is as readable as a large one's; panels are ordered by volume. A month of
    fewer than ``min_count`` complaints is a grey point at ``min_count``.
    """
    _require(monthly, "no complaints in the period")
    rising: set[str] = set()
    if trends is not None and "rising" in trends.columns:
        rising = set(trends.filter(pl.col("rising"))["category"].to_list())
    monthly = _published(monthly, "complaints", lambda: publish.monthly(monthly, None, min_count))
    frame = drawn_counts(monthly.select("category", "month", "complaints"), "complaints", min_count)
    frame = frame.with_columns(
        pl.col("category").is_in(list(rising)).alias("rising"),
        period_start=pl.col("month").min(),
        period_end=pl.col("month").max().dt.month_end(),
    )
    order = (
        frame.group_by("category")
        .agg(pl.col("complaints_drawn").sum())
        .sort(["complaints_drawn", "category"], descending=[True, False])["category"]
        .to_list()
    )
    # a line joins months that are shown; a hidden month breaks it and is a grey bar
    frame = frame.with_columns(
        pl.col("complaints_small").cast(pl.Int32).cum_sum().over("category").alias("run")
    )
    x = alt.X("month:T", title="Month received", axis=alt.Axis(format="%b %y", tickCount=4))
    y = alt.Y("complaints_drawn:Q", title="Complaints", axis=alt.Axis(tickMinStep=1, format="d"))
    tooltip = ["category", alt.Tooltip("month:T", format="%b %Y"), "complaints"]
    line = (
        alt.Chart()
        .transform_filter("!datum.complaints_small")
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            detail="run:N",
            color=alt.Color(
                "rising:N",
                title="Rising beyond noise",
                scale=alt.Scale(domain=[True, False], range=[_RED, "#5b6770"]),
            ),
            tooltip=tooltip,
        )
    )
    bars = (
        alt.Chart()
        .transform_filter("datum.complaints_small")
        .mark_bar(color=_GREY, size=5)
        .encode(x=x, y=y, y2=alt.datum(0), tooltip=tooltip)
    )
    note = f"A month of {suppressed_text(min_count)} complaints is a grey bar up to {min_count}"
    return (
        alt.layer(bars, line, data=frame)
        .properties(width=150, height=90)
        .facet(
            facet=alt.Facet("category:N", title=None, sort=order),
            columns=columns,
            title=_title("Complaints each month, by category", frame, note),
        )
        .resolve_scale(y="independent")
    )


def rates_chart(
    summary: pl.DataFrame, *, by: str = "category", min_count: int = DEFAULT_MIN_COUNT
) -> alt.Chart:
    """Escalation, lateness and upheld rates side by side for each ``by`` value.

    A rate resting on a hidden count is blank in the published summary and not drawn.
    """
    summary = _published(summary, "complaints", lambda: publish.summary(summary, None, min_count))
    names = {
        "escalated_pct": "Escalated to stage 2",
        "late_pct": "Late or overdue at stage 1",
        "upheld_pct": "Upheld (fully or partly)",
    }
    shown = {k: v for k, v in names.items() if summary[k].drop_nulls().len()}
    if not shown:
        msg = "no rate can be worked out from the extract's columns"
        raise NothingToShow(msg)
    frame = drawn_counts(summary, "complaints", min_count)
    long = (
        frame.unpivot(
            index=[by, "complaints", "period_start", "period_end"],
            on=list(shown),
            variable_name="measure",
            value_name="pct",
        )
        .with_columns(pl.col("measure").replace_strict(shown))
        .drop_nulls("pct")
    )
    note = f"Rates resting on {suppressed_text(min_count)} complaints are not drawn"
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
        .properties(width=170, title=_title("Escalation, lateness and upheld rates", summary, note))
    )


def compensation_chart(
    summary: pl.DataFrame, *, by: str = "category", min_count: int = DEFAULT_MIN_COUNT
) -> alt.Chart:
    """Compensation paid in pounds by ``by``, largest first (hidden amounts left out)."""
    summary = _published(summary, "compensated", lambda: publish.summary(summary, None, min_count))
    frame = drawn_counts(summary, "compensated", min_count).drop("compensated_drawn")
    frame = _shown(frame, "compensation_total_gbp").sort("compensation_total_gbp", descending=True)
    if not frame["compensation_total_gbp"].fill_null(0).sum():
        msg = "no compensation recorded in the period that can be shown"
        raise NothingToShow(msg)
    note = f"Categories with {suppressed_text(min_count)} complaints compensated are not drawn"
    return (
        alt.Chart(frame.select(by, "compensation_total_gbp", "compensated",
                               "compensation_median_gbp", "period_start", "period_end"))
        .mark_bar(color=_BLUE)
        .encode(
            y=alt.Y(f"{by}:N", sort=frame[by].to_list(), title=None),
            x=alt.X("compensation_total_gbp:Q", title="Compensation offered (£)"),
            tooltip=[by, "compensation_total_gbp", "compensated", "compensation_median_gbp"],
        )
        .properties(width=_WIDTH, title=_title("Compensation by category", frame, note))
    )  # fmt: skip


def repeats_chart(repeats: pl.DataFrame, *, min_count: int = DEFAULT_MIN_COUNT) -> alt.Chart:
    """Share of complaints followed by another from the same resident or home."""
    _require(repeats, "no complaint in the period has a reference")
    repeats = _published(repeats, "complaints", lambda: publish.repeats(repeats, None, min_count))
    window = int(repeats["window_days"][0]) if repeats.height else 0
    frame = drawn_counts(repeats, "complaints", min_count)
    frame = drawn_counts(frame, "led_to_repeat", min_count)
    frame = _shown(
        frame.select(
            pl.col("matched_on").replace_strict(
                {"tenant": "Same resident", "property": "Same home"}
            ),
            "category", "complaints", "led_to_repeat", "led_to_repeat_pct",
            "period_start", "period_end",
        ),
        "led_to_repeat_pct",
    )  # fmt: skip
    if frame.is_empty():
        msg = f"every category's repeats rest on {suppressed_text(min_count)} complaints"
        raise NothingToShow(msg)
    order = (
        frame.filter(pl.col("matched_on") == "Same resident")
        .sort("led_to_repeat_pct", descending=True)["category"]
        .to_list()
    )
    note = f"Categories whose share rests on {suppressed_text(min_count)} complaints are not drawn"
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
        .properties(
            width=_WIDTH, title=_title("Categories that lead to repeat complaints", frame, note)
        )
    )


def vulnerability_chart(
    comparison: pl.DataFrame, *, min_count: int = DEFAULT_MIN_COUNT
) -> alt.Chart:
    """Vulnerable residents against others on each measure, with the test's verdict.

    A measure whose comparison rests on fewer than ``min_count`` complaints in a group
    (or a cell of its two-by-two table) is blank in the published table and not drawn.
    """
    _require(comparison, "no measure to compare")
    comparison = _published(
        comparison, "vulnerable_n", lambda: publish.vulnerability(comparison, min_count)
    )
    shown = _shown(comparison, "vulnerable_value")
    if shown.is_empty():
        msg = (
            f"each comparison rests on {suppressed_text(min_count)} complaints in a group, "
            "so none is drawn"
        )
        raise NothingToShow(msg)
    long = pl.concat(
        [
            shown.select(
                "measure",
                pl.lit(group).alias("residents"),
                pl.col(f"{key}_value").cast(pl.Float64).alias("value"),
                pl.col(f"{key}_n").cast(pl.String).alias("complaints"),
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


def themes_chart(theme_table: pl.DataFrame, *, min_count: int = DEFAULT_MIN_COUNT) -> alt.Chart:
    """Descriptions per theme, each theme named by its top terms (counts only)."""
    theme_table = _published(theme_table, "texts", lambda: publish.themes(theme_table, min_count))
    frame = theme_table.filter(pl.col("theme").is_not_null())
    _require(frame, "no themes found")
    frame = drawn_counts(frame, "texts", min_count)
    return (
        alt.Chart(frame.select("theme_name", "texts", "texts_drawn", "texts_small", "share_pct"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "theme_name:N",
                sort=frame["theme_name"].to_list(),
                title="Theme (its most telling words)",
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("texts_drawn:Q", title="Complaints"),
            color=alt.condition(alt.datum.texts_small, alt.value(_GREY), alt.value(_BLUE)),
            tooltip=[alt.Tooltip("theme_name:N"), alt.Tooltip("texts:N"), "share_pct"],
        )
        .properties(
            width=_WIDTH,
            title=alt.TitleParams(
                "Themes in complaints without a specific root cause",
                subtitle=_note(min_count),
                anchor="start",
            ),
        )
    )
