"""What the board paper says, assembled from the files an evidence pack holds.

The paper is for the governing body and the Member Responsible for Complaints (Code
8.2, 9.6, 9.7): the headline measures with their definitions, the self-assessment's
answers by section and its Noes with the reasons, responses on time month by month,
what complaints are about and why, rising categories, the learning action plan's open
actions, data-quality caveats, a short method note, and space for the governing body's
response.

It is built from the pack's own files (``metrics.json``, the self-assessment's JSON, the
learning tables and plan, the data-quality summary), never recomputed, so every figure
in it is the figure in the pack. Its content is a :class:`BoardPaper` of sections,
tables and charts that :mod:`auditlib.board.render` writes as HTML, PDF and Word. No
table carries a reference or free text typed about a resident, and every count under the
publication threshold reads "fewer than N".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from auditlib.annual import DEFINITIONS
from auditlib.errors import InputError
from auditlib.privacy import suppress_small_counts, suppressed_text


@dataclass(frozen=True)
class Table:
    """A board-facing table: every cell already text, as it is to be printed."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None
    #: per column, whether it holds figures (right-aligned)
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart as a static image: SVG for HTML, PNG for PDF and Word."""

    title: str
    svg: str
    png: bytes
    alt: str


@dataclass(frozen=True)
class Section:
    """One numbered section of the paper."""

    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardPaper:
    """The paper: a title block and its sections, the response space last."""

    landlord: str
    title: str
    subtitle: str
    period: str
    prepared_on: str
    sections: tuple[Section, ...]
    figures: dict[str, Any] = field(default_factory=dict)


def _read_json(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(str(path), "cannot be read as JSON") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a JSON object")
    return data


def _read_csv(path: Path) -> pl.DataFrame | None:
    if not path.is_file():
        return None
    frame = pl.read_csv(path, infer_schema_length=10_000)
    # the one writer puts an apostrophe before text a spreadsheet would run; show it plain
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(pl.col(text).str.strip_prefix("'")) if text else frame


def _published_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A count column of a published table read back: ``_count`` and ``_hidden``.

    The learning tables write counts as text ("1,204", "fewer than 5"); a hidden count
    keeps its place at the bottom of the order (just under the threshold) and stays
    hidden whatever this paper's threshold. Plain numbers are read as they are.

    Examples
    --------
    >>> f = pl.DataFrame({"n": ["1,204", "fewer than 5", "7"]})
    >>> _published_counts(f, "n").select("_count", "_hidden").rows()
    [(1204, False), (4, True), (7, False)]
    """
    values = frame[column]
    if values.dtype == pl.String:
        text = values.str.strip_chars()
        hidden = text.str.starts_with("fewer than").fill_null(False)
        limit = text.str.extract(r"fewer than (\d+)").cast(pl.Int64, strict=False)
        number = text.str.replace_all(",", "").cast(pl.Int64, strict=False)
        # for ordering only: a hidden count sorts as the largest it could be
        count = number.zip_with(~hidden, limit - 1)
    else:
        count = values.cast(pl.Int64)
        hidden = pl.Series([False] * frame.height)
    return frame.with_columns(count.alias("_count"), hidden.alias("_hidden"))


def _n(value: Any, min_count: int) -> str:
    """A count as printed: thousands separated, or "fewer than N"."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if 0 < value < min_count:
        return suppressed_text(min_count)
    return f"{int(value):,}"


def _rate(value: Any, digits: int, hidden: bool) -> str:
    if hidden:
        return "—"
    return "—" if value is None else f"{value:,.{digits}f}"


def _headline(metrics: dict[str, Any], min_count: int) -> Section:
    rows = []
    for n in (1, 2):
        received, responded = metrics[f"stage{n}_received"], metrics[f"stage{n}_responded"]
        within = metrics[f"stage{n}_responded_within"]
        rows.append(
            (
                f"Stage {n}",
                _n(received, min_count),
                _rate(metrics[f"ch01_stage{n}_per_1000"], 2, 0 < received < min_count),
                _n(responded, min_count),
                _n(within, min_count),
                _rate(metrics[f"ch02_stage{n}_pct"], 1, 0 < responded < min_count),
            )
        )
    columns = (
        "",
        "Complaints received",
        "CH01 per 1,000 homes",
        "Responses issued",
        "Within the Code's timescale",
        "CH02 % within",
    )
    tables = [
        Table(
            "Complaints and the Tenant Satisfaction Measures",
            columns,
            tuple(rows),
            numeric=(False, True, True, True, True, True),
        )
    ]
    by_tenure = metrics.get("by_tenure") or {}
    if by_tenure:
        tenure_rows = tuple(
            (
                tenure,
                _rate(t["ch01_stage1_per_1000"], 2, False),
                _rate(t["ch02_stage1_pct"], 1, 0 < t["stage1_responded"] < min_count),
                _rate(t["ch01_stage2_per_1000"], 2, False),
                _rate(t["ch02_stage2_pct"], 1, 0 < t["stage2_responded"] < min_count),
            )
            for tenure, t in by_tenure.items()
        )
        tables.append(
            Table(
                "By tenure",
                ("Tenure", "CH01 (1)", "CH02 (1) %", "CH01 (2)", "CH02 (2) %"),
                tenure_rows,
                numeric=(False, True, True, True, True),
            )
        )
    paragraphs = [
        f"CH01: {DEFINITIONS['CH01']}",
        f"CH02: {DEFINITIONS['CH02']}",
        "A high number of complaints is not in itself a bad sign: it can show that residents "
        "know how to complain and trust that they will be heard; a low number can mean that "
        "residents find it hard to complain (Code 3.3).",
    ]
    if metrics.get("homes") is None:
        paragraphs.append("CH01 is not given: the number of homes is not configured.")
    targets = metrics.get("landlord_targets")
    if targets:
        paragraphs.append(
            "Against the landlord's own published targets: "
            f"{_rate(targets['stage1_pct'], 1, False)}"
            f"% of stage 1 and {_rate(targets['stage2_pct'], 1, False)}% of stage 2 responses "
            "were within them."
        )
    return Section("Headline measures", paragraphs=tuple(paragraphs), tables=tuple(tables))


def _self_assessment(sa: dict[str, Any]) -> Section:
    labels = ("Yes", "Partly", "No", "Needs evidence")
    summary = sa["summary"]
    by_section = tuple(
        (str(row["section"]), row["section_title"], *(str(row[label]) for label in labels))
        for row in sa["by_section"]
    )
    total = ("", "All sections", *(str(summary[label]) for label in labels))
    table = Table(
        "Answers by section of the Code",
        ("", "Section", *labels),
        (*by_section, total),
        numeric=(True, False, True, True, True, True),
    )
    noes = [p for p in sa["provisions"] if p["answer"] == "No"]
    no_rows = tuple((p["provision"], p["requirement"], _why(p)) for p in noes)
    tables = [table]
    if no_rows:
        tables.append(Table("Where the answer is No", ("Provision", "Requirement", "Why"), no_rows))
    paragraphs = (
        f"Of the Code's {sum(summary.values())} assessed provisions, {summary['Yes']} are met "
        f"(Yes), {summary['Partly']} partly, {summary['No']} not met and "
        f"{summary['Needs evidence']} "
        "still need evidence. Answers are suggested by written rules from the complaint data, "
        "the complaints policy and dated attestations; a person can set any answer, with the "
        "reason, and both are kept (see the self-assessment workbook).",
    )
    after: tuple[str, ...] = ()
    if sa.get("changes"):
        regressed = [c["provision"] for c in sa["changes"] if c["change"] == "regressed"]
        improved = [c["provision"] for c in sa["changes"] if c["change"] == "improved"]
        after = (
            f"Since the previous self-assessment: {len(improved)} provisions improved"
            + (f"; regressed: {', '.join(regressed)}" if regressed else "; none regressed")
            + ".",
        )
    return Section(
        "Self-assessment against the Complaint Handling Code (Code 8.1)",
        paragraphs=paragraphs,
        tables=tuple(tables),
        after=after,
    )


def _why(provision: dict[str, Any]) -> str:
    """Why a provision is answered as it is: the person's reason, else the first shortfall."""
    override = provision.get("override")
    if override:
        return (
            f"{override['reason']} (answer set by {override['who']} on {override['date']}; "
            f"suggested {provision['suggested']})"
        )
    lines = [line for line in str(provision.get("commentary") or "").split("\n") if line]
    return lines[0] if lines else ""


def _monthly(sa: dict[str, Any], min_count: int) -> pl.DataFrame:
    """The month-by-month on-time table from the self-assessment's published figures."""
    rows = sa.get("figures", {}).get("monthly") or []

    def count(v: Any) -> int | None:
        if isinstance(v, (int, float)):
            return int(v)
        text = str(v).replace(",", "")
        return int(text) if text.isdigit() else None

    frame = pl.DataFrame(
        {
            "stage": [int(r["stage"]) for r in rows],
            "month": [date.fromisoformat(str(r["month"])[:10]) for r in rows],
            "responded": [count(r["responded"]) for r in rows],
            "within": [count(r["within"]) for r in rows],
            "pct_within": [r["pct_within"] for r in rows],
        },
        schema={
            "stage": pl.Int32,
            "month": pl.Date,
            "responded": pl.Int64,
            "within": pl.Int64,
            "pct_within": pl.Float64,
        },
    )
    return frame.filter(pl.col("responded").is_not_null() & (pl.col("responded") >= min_count))


def _ontime(sa: dict[str, Any], min_count: int, charts: bool) -> Section:
    monthly = _monthly(sa, min_count)
    target = sa.get("thresholds", {}).get("timeliness", {}).get("yes_at_least")
    parts = []
    for n in (1, 2):
        stage = monthly.filter(pl.col("stage") == n).sort("pct_within")
        if stage.height:
            low, high = stage.row(0, named=True), stage.row(-1, named=True)
            parts.append(
                f"Stage {n}: between {low['pct_within']:.0f}% ({low['month']:%B %Y}) and "
                f"{high['pct_within']:.0f}% ({high['month']:%B %Y}) of responses each month "
                "were within the Code's timescale."
            )
    chart_list: tuple[Chart, ...] = ()
    if charts and monthly.height:
        from auditlib.reports.performance import ontime_chart

        chart = ontime_chart(monthly, target=target, min_count=min_count)
        chart_list = (
            _chart(chart, "Responses within the Code's timescale, by month", " ".join(parts)),
        )
    return Section(
        "Responses on time, month by month",
        paragraphs=tuple(parts) or ("No responses were issued in the period.",),
        charts=chart_list,
        after=(f"Months with fewer than {min_count} responses at a stage are not drawn.",),
    )


def _chart(chart: Any, title: str, alt: str) -> Chart:
    from auditlib.reports.render import to_png, to_svg

    return Chart(title=title, svg=to_svg(chart), png=to_png(chart, scale=2.0), alt=alt)


def _categories(sa: dict[str, Any] | None, learning_dir: Path | None, min_count: int) -> Section:
    tables = []
    paragraphs = []
    if sa is not None:
        rows = sa.get("figures", {}).get("by_category") or []
        top = rows[:8]
        if top:
            tables.append(
                Table(
                    "Stage 1 complaints by category (largest eight)",
                    ("Category", "Received", "Escalated to stage 2", "% upheld or partly"),
                    tuple(
                        (
                            str(r["category"]),
                            _n(r["stage1_received"], min_count),
                            _n(r["stage2_requested"], min_count),
                            _rate(r["pct_upheld"], 1, r["pct_upheld"] is None),
                        )
                        for r in top
                    ),
                    note=f"{len(rows)} categories in all; the self-assessment workbook lists each.",
                    numeric=(False, True, True, True),
                )
            )
    causes = _read_csv(learning_dir / "tables" / "root_causes.csv") if learning_dir else None
    if causes is not None and causes.height and {"root_cause", "complaints"} <= set(causes.columns):
        top = (
            _published_counts(causes, "complaints")
            .sort("_count", "_hidden", descending=[True, False], nulls_last=True)
            .head(8)
            .with_row_index("_row")
        )
        # a count hidden in the table stays hidden; one under this paper's threshold too
        shown = suppress_small_counts(
            top, ["_count"], threshold=min_count, by=["_row"], hidden={"_count": top["_hidden"]}
        )
        tables.append(
            Table(
                "Root causes recorded (largest eight)",
                ("Root cause", "Complaints"),
                tuple(
                    # hidden in the table: its own words ("fewer than N" at its threshold)
                    (str(r["root_cause"]), str(r["complaints" if r["_hidden"] else "_count"]))
                    for r in shown.iter_rows(named=True)
                ),
                numeric=(False, True),
            )
        )
    elif learning_dir is not None:
        paragraphs.append(
            "Root causes are not available: the learning analysis did not run "
            "on them (see its analyses table)."
        )
    if not tables:
        paragraphs.append("Categories are not recorded in the extract.")
    return Section(
        "What complaints are about, and why", paragraphs=tuple(paragraphs), tables=tuple(tables)
    )


def _rising(learning_dir: Path | None) -> Section:
    title = "Categories rising beyond noise"
    if learning_dir is None:
        return Section(title, paragraphs=("The learning analysis was not run.",))
    trends = _read_csv(learning_dir / "tables" / "trends.csv")
    analyses = _read_csv(learning_dir / "tables" / "analyses.csv")
    if analyses is not None and {"analysis", "status"} <= set(analyses.columns):
        row = analyses.filter(pl.col("analysis") == "trends")
        if row.height and str(row["status"][0]) != "ran":
            detail = row["detail"][0] if "detail" in row.columns else row["status"][0]
            return Section(title, paragraphs=(f"Not tested: {detail}.",))
    if trends is None or not trends.height or "rising" not in trends.columns:
        return Section(title, paragraphs=("Not tested: no trend table in the pack.",))
    test = str(trends["test"][0]) if "test" in trends.columns else "the trend test"
    rising = trends.filter(pl.col("rising").cast(pl.Boolean))
    if not rising.height:
        return Section(
            title, paragraphs=(f"No category rose beyond what chance explains ({test}).",)
        )
    ratio = next((c for c in ("rate_ratio", "ratio", "change_ratio") if c in rising.columns), None)
    rows = tuple(
        (str(r["category"]), f"{r[ratio]:.2f}" if ratio and r[ratio] is not None else "—")
        for r in rising.iter_rows(named=True)
    )
    return Section(
        title,
        paragraphs=(f"Tested with {test}, corrected for testing many categories at once.",),
        tables=(
            Table("Rising categories", ("Category", "Rate ratio"), rows, numeric=(False, True)),
        ),
    )


def _actions(learning_dir: Path | None) -> Section:
    title = "Learning action plan: open actions (Code 9.1, 9.4)"
    if learning_dir is None:
        return Section(title, paragraphs=("The learning analysis was not run.",))
    plan = _read_csv(learning_dir / "learning_action_plan.csv")
    if plan is None or not plan.height:
        return Section(title, paragraphs=("The learning action plan is empty.",))
    status = pl.col("status").cast(pl.String).str.to_lowercase().fill_null("open")
    open_ = plan.filter(~status.is_in(["done", "closed", "complete", "completed"]))
    keep = [
        c
        for c in ("finding", "proposed_action", "owner", "due_date", "status")
        if c in open_.columns
    ]
    headings = {
        "finding": "Finding",
        "proposed_action": "Action",
        "owner": "Owner",
        "due_date": "Due",
        "status": "Status",
    }
    rows = tuple(
        tuple("" if v is None else str(v) for v in row) for row in open_.select(keep).iter_rows()
    )
    return Section(
        title,
        paragraphs=(f"{open_.height} of {plan.height} actions are open.",),
        tables=(Table("Open actions", tuple(headings[c] for c in keep), rows),) if rows else (),
    )


#: the Ombudsman tables a board paper shows, and their columns (the rest are in the pack)
OMBUDSMAN_TABLES: dict[str, tuple[str, ...]] = {
    "Findings by year": ("year", "findings", "upheld", "upheld_pct", "sector_upheld_pct"),
    "Complaint handling findings": ("year", "findings", "failures"),
    "Ombudsman categories against our own": (
        "ombudsman_category",
        "ombudsman_findings",
        "own_complaints",
        "verdict",
    ),
}
OMBUDSMAN_CHARTS = ("upheld_trend", "funnel_upheld")
_OMBUDSMAN_HEADINGS = {
    "year": "Year",
    "findings": "Findings",
    "upheld": "Upheld",
    "upheld_pct": "% upheld",
    "sector_upheld_pct": "% upheld, all landlords",
    "failures": "Failures",
    "ombudsman_category": "Ombudsman category",
    "ombudsman_findings": "Ombudsman findings",
    "own_complaints": "Our complaints",
    "verdict": "Reading",
}


def _ombudsman(section: Any, charts: bool) -> Section:
    """The Ombudsman's findings about the landlord (Code 8.1(c), (e), (f); 9.7(c))."""
    tables = []
    for title, wanted in OMBUDSMAN_TABLES.items():
        frame = section.tables.get(title)
        if frame is None or frame.is_empty():
            continue
        shown = frame.select([c for c in wanted if c in frame.columns]).with_columns(
            pl.all().cast(pl.String).fill_null("—")
        )
        numeric = tuple(c not in ("year", "ombudsman_category", "verdict") for c in shown.columns)
        tables.append(
            Table(
                title,
                tuple(_OMBUDSMAN_HEADINGS.get(c, c) for c in shown.columns),
                tuple(tuple(row) for row in shown.iter_rows()),
                numeric=numeric,
            )
        )
    drawn = tuple(
        _chart(section.charts[name], name.replace("_", " ").capitalize(), section.headline)
        for name in OMBUDSMAN_CHARTS
        if charts and section.charts.get(name) is not None
    )
    notes = (*section.notes, "Every table of the Ombudsman's view is in 04_ombudsman of the pack.")
    return Section(
        section.title,
        paragraphs=(section.headline,),
        tables=tuple(tables),
        charts=drawn,
        after=notes,
    )


def _quality(quality: dict[str, Any] | None, metrics: dict[str, Any]) -> Section:
    title = "Data quality: what limits these figures (Code 5.12)"
    lines = [
        f"Rows read {metrics['rows_read']:,} = rows used {metrics['rows_used']:,} + rows set aside "
        f"{metrics['rows_quarantined']:,}; each row set aside is listed with its reasons in the "
        "evidence pack."
    ]
    bullets: list[str] = []
    if quality is None:
        lines.append("The data-quality checks were not run for this paper.")
    else:
        from auditlib.selfassess.run import check_failed

        failed = [c for c in quality.get("checks", []) if check_failed(c)]
        critical = [c for c in failed if c.get("severity") == "critical"]
        lines.append(
            f"{len(critical)} critical and {len(failed) - len(critical)} other data-quality "
            "checks failed."
            + (
                " Critical means a Code figure would be wrong for the rows concerned."
                if critical
                else ""
            )
        )
        for c in sorted(failed, key=lambda c: c.get("severity") != "critical")[:8]:
            message = str(c.get("message") or c.get("check"))
            bullets.append(f"{c.get('severity', '').capitalize()}: {message}")
    return Section(title, paragraphs=tuple(lines), bullets=tuple(bullets))


def _method(metrics: dict[str, Any], sa: dict[str, Any] | None, min_count: int) -> Section:
    paragraphs = [
        f"Period {metrics['period_start']} to {metrics['period_end']}; extract "
        f"{Path(str(metrics.get('source', ''))).name}, taken {metrics.get('as_of')}.",
        "Working days are Monday to Friday less England and Wales bank holidays and the "
        "landlord's closure days; the day of an event is day 0. Stage 1: acknowledge within 5 "
        "working days of receipt (Code 6.2), respond within 10 of the acknowledgement (6.3), "
        "with an extension of up to 10 more, longer only with a good reason (6.4). Stage 2: 5, "
        "20 and 20 (6.11, 6.14, 6.15).",
        "CH01 counts complaints by the date received; CH02 counts responses by the date issued. "
        "The choices where the Code leaves room are listed in the method documentation "
        "(docs/rules.md) and set in the configuration.",
        f"Counts below {min_count} are shown as 'fewer than {min_count}' so that no resident "
        "can be identified; where a total would give such a count away, the next smallest "
        "count in the learning tables is hidden too and reads the same. No reference, name or "
        "description of a complaint appears here.",
    ]
    if sa is not None:
        paragraphs.append(
            f"Self-assessment rules version {sa.get('rules_version')}, Code edition "
            f"{sa.get('code_edition')}; assessed on {sa.get('assessed_on')}."
        )
    return Section("Method", paragraphs=tuple(paragraphs))


def _response() -> Section:
    return Section(
        "The governing body's response (Code 8.2)",
        paragraphs=(
            "The Code asks the governing body to respond to the annual complaints performance "
            "and service improvement report, and publishes the response beside it. Record the "
            "response agreed at the meeting here.",
        ),
        after=(
            "Response:",
            "Agreed at the meeting of: ____________________",
            "Signed for the governing body: ____________________",
        ),
    )


def assemble(
    metrics: str | Path,
    *,
    landlord: str,
    self_assessment: str | Path | None = None,
    quality: str | Path | None = None,
    learning_dir: str | Path | None = None,
    min_count: int = 5,
    prepared_on: date | None = None,
    charts: bool = True,
    ombudsman: Any = None,
) -> BoardPaper:
    """The board paper's content from an evidence pack's files.

    Parameters
    ----------
    metrics
        ``metrics.json`` of the run.
    landlord
        The landlord's name, as configured.
    self_assessment
        ``self_assessment.json`` (notebook 02 or ``auditlib self-assess``).
    quality
        ``summary.json`` of the data-quality run.
    learning_dir
        The learning output folder (its plan and ``tables/``).
    min_count
        Counts below it are printed as "fewer than N".
    prepared_on
        The date printed on the paper; default today.
    charts
        Draw the charts (static images).
    ombudsman
        The Ombudsman section (:func:`auditlib.ombudsman.board_section`), if any.
    """
    m = _read_json(Path(metrics))
    assert m is not None
    sa = _read_json(Path(self_assessment)) if self_assessment else None
    dq = _read_json(Path(quality)) if quality else None
    learning = Path(learning_dir) if learning_dir else None
    today = prepared_on or date.today()  # noqa: DTZ011 - a calendar date, no time zone in play
    period = f"{m['period_start']} to {m['period_end']}"
    if sa is not None:
        period = str(sa.get("period") or period)
    purpose = Section(
        "Purpose",
        paragraphs=(
            f"This paper gives the governing body and the Member Responsible for Complaints "
            f"{landlord}'s complaint handling performance for {period} (Code 9.6, 9.7) and its "
            "annual self-assessment against the Housing Ombudsman's Complaint Handling Code "
            "(Code 8.1), for scrutiny, challenge and a response (Code 8.2).",
        ),
        bullets=(
            "note the performance and the self-assessment;",
            "agree the response to be published with the annual report (last section);",
            "note the open actions of the learning action plan.",
        ),
    )
    sections = [purpose, _headline(m, min_count)]
    if sa is not None:
        sections += [_self_assessment(sa), _ontime(sa, min_count, charts)]
    sections += [
        _categories(sa, learning, min_count),
        _rising(learning),
        _actions(learning),
        *([_ombudsman(ombudsman, charts)] if ombudsman is not None else []),
        _quality(dq, m),
        _method(m, sa, min_count),
        _response(),
    ]
    return BoardPaper(
        landlord=landlord,
        title=f"{landlord}: complaint handling performance and self-assessment, {period}",
        subtitle="A paper for the governing body and the Member Responsible for Complaints",
        period=period,
        prepared_on=f"{today:%d %B %Y}",
        sections=tuple(sections),
        figures={
            key: m[key]
            for key in (
                "stage1_received",
                "stage2_received",
                "ch01_stage1_per_1000",
                "ch01_stage2_per_1000",
                "ch02_stage1_pct",
                "ch02_stage2_pct",
            )
        },
    )
