"""Charts of complaint-handling performance, from the annual figures.

Two charts the self-assessment and the board paper share: the share of responses
issued within the Code's timescale month by month, and how many working days
acknowledging or responding took, with the Code's limit marked. Both take tables from
:func:`auditlib.annual.annual_figures` (counts only) and keep small numbers out of
sight: a month with fewer responses than the publication threshold is left out of the
on-time line, and a bar of fewer complaints than it is drawn grey at the threshold's
height, so its true size cannot be read off.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from auditlib.rules import CODE_2024

_WIDTH = 520
_BLUE, _GREY, _RED = "#1f5f8b", "#b8c2cc", "#c0392b"


def ontime_chart(
    monthly: pl.DataFrame, *, target: float | None = 95.0, min_count: int = 5
) -> alt.LayerChart | alt.FacetChart:
    """Per cent of responses within the Code's timescale, by month of response, per stage.

    ``target`` draws a dashed line (the self-assessment's Yes threshold); months with
    fewer than ``min_count`` responses at a stage are left out of that stage's line.
    """
    shown = monthly.filter(pl.col("responded") >= min_count).with_columns(
        pl.format("Stage {}", pl.col("stage")).alias("stage_label")
    )
    line = (
        alt.Chart(shown)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "month:T", title="Month the response was issued", axis=alt.Axis(format="%b %Y")
            ),
            y=alt.Y(
                "pct_within:Q",
                title="Within the Code's timescale (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "stage_label:N",
                title=None,
                scale=alt.Scale(domain=["Stage 1", "Stage 2"], range=[_BLUE, _RED]),
            ),
            tooltip=[
                "stage_label",
                alt.Tooltip("month:T", format="%B %Y"),
                "responded",
                "within",
                "pct_within",
            ],
        )
    )
    layers: list[alt.Chart] = [line]
    if target is not None:
        rule = (
            alt.Chart(pl.DataFrame({"target": [target]}))
            .mark_rule(strokeDash=[4, 4], color="#555")
            .encode(y="target:Q")
        )
        label = (
            alt.Chart(pl.DataFrame({"target": [target], "text": [f"{target:g}%"]}))
            .mark_text(align="right", dx=-2, dy=-7, color="#555")
            .encode(y="target:Q", x=alt.value(_WIDTH), text="text:N")
        )
        layers += [rule, label]
    return alt.layer(*layers).properties(
        width=_WIDTH,
        height=220,
        title=alt.TitleParams(
            "Responses within the Code's timescale, by month",
            subtitle=f"Months with fewer than {min_count} responses at a stage are not drawn",
            anchor="start",
        ),
    )


def working_days_chart(
    working_days: pl.DataFrame,
    *,
    stage: int = 1,
    step: str = "respond",
    min_count: int = 5,
    bin_days: int | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """Complaints by working days taken, with the Code's limit (and extension cap) marked.

    ``working_days`` is :attr:`auditlib.annual.AnnualFigures.working_days`; ``step`` is
    ``acknowledge`` or ``respond``. Bars are one working day wide where the stage has 500
    or more complaints, otherwise five (or ``bin_days``); the Code's limits fall on bar
    edges either way. Bars of fewer than ``min_count`` complaints are grey and drawn at
    ``min_count``.
    """
    clock = CODE_2024.stage(stage)
    limit = clock.ack_working_days if step == "acknowledge" else clock.response_working_days
    frame = working_days.filter((pl.col("stage") == stage) & (pl.col("step") == step))
    # one bar a working day where there are enough complaints to show a shape, else five
    width = bin_days or (1 if frame["complaints"].sum() >= 500 else 5)
    bin_no = (pl.col("working_days") / width).ceil().cast(pl.Int32).clip(lower_bound=1)
    frame = (
        frame.group_by(bin_no.alias("bin"))
        .agg(pl.col("complaints").sum())
        .with_columns(
            pl.when(pl.col("bin") == 1)
            .then(pl.lit(-0.5))
            .otherwise((pl.col("bin") - 1) * width + 0.5)
            .alias("left"),
            (pl.col("bin") * width + 0.5).alias("right"),
            pl.when(pl.col("bin") == 1)
            .then(pl.format("0 to {}", pl.lit(width)))
            .otherwise(
                pl.format("{} to {}", (pl.col("bin") - 1) * width + 1, pl.col("bin") * width)
            )
            .alias("days"),
        )
        .with_columns(
            (pl.col("complaints") < min_count).alias("small"),
            pl.when(pl.col("complaints") < min_count)
            .then(pl.lit(min_count))
            .otherwise(pl.col("complaints"))
            .alias("drawn"),
            pl.when(pl.col("complaints") < min_count)
            .then(pl.lit(f"fewer than {min_count}"))
            .otherwise(pl.col("complaints").cast(pl.String))
            .alias("shown"),
        )
        .sort("bin")
    )
    if width == 1:
        frame = frame.with_columns(pl.col("bin").cast(pl.String).alias("days"))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "left:Q",
                title="Working days taken (60 or more gathered with 60)",
                scale=alt.Scale(domain=[-0.5, 60.5], nice=False),
            ),
            x2="right:Q",
            y=alt.Y("drawn:Q", title="Complaints"),
            y2=alt.datum(0),
            color=alt.Color(
                "small:N",
                title=None,
                legend=alt.Legend(
                    labelLimit=320,
                    labelExpr=f"datum.value ? 'fewer than {min_count} (drawn at {min_count})' : "
                    "'complaints'",
                ),
                scale=alt.Scale(domain=[False, True], range=[_BLUE, _GREY]),
            ),
            tooltip=[
                alt.Tooltip("days:N", title="working days"),
                alt.Tooltip("shown:N", title="complaints"),
            ],
        )
    )
    marks = [{"at": float(limit or 0), "what": f"Code limit: {limit} working days", "row": 0}]
    if step == "respond" and clock.extension_working_days and limit:
        cap = limit + clock.extension_working_days
        marks.append(
            {
                "at": float(cap),
                "what": f"with an extension of up to {clock.extension_working_days}: {cap}",
                "row": 1,
            }
        )
    ruled = pl.DataFrame(marks).with_columns((pl.col("at") + 0.5).alias("edge"))
    rules = (
        alt.Chart(ruled)
        .mark_rule(color=_RED, strokeDash=[5, 3])
        .encode(x="edge:Q", tooltip=["what:N"])
    )
    text = (
        alt.Chart(ruled.with_columns((pl.col("row") * 16 + 4).alias("y")))
        .mark_text(align="left", dx=4, color=_RED, baseline="top")
        .encode(x="edge:Q", y=alt.Y("y:Q", scale=None), text="what:N")
    )
    what = "acknowledge" if step == "acknowledge" else "respond"
    clock_from = "receipt" if step == "acknowledge" else "the acknowledgement"
    return alt.layer(bars, rules, text).properties(
        width=_WIDTH,
        height=200,
        title=alt.TitleParams(
            f"Stage {stage}: working days to {what}",
            subtitle=f"From {clock_from}; the Code's limit is marked",
            anchor="start",
        ),
    )
