"""The data-quality chart and the offline HTML page, built from a quality report.

Nothing here decides anything: it lays out a quality report (anything with the fields of
:class:`QualityView`, as :class:`auditlib.quality.QualityReport` has), so this module
depends on no other part of auditlib and the quality package depends on it, not the
other way round.
The page carries its styles inline and the chart as inline SVG made locally by
vl-convert, so it reads the same offline, attached to an email or printed (the Data
Docs of great-expectations load their styling from the internet instead).
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

if TYPE_CHECKING:
    import altair as alt


class QualityView(Protocol):
    """What the page reads of a quality report (read-only, as a frozen report has it)."""

    @property
    def source(self) -> str: ...

    @property
    def as_of(self) -> date: ...

    @property
    def date_floor(self) -> date: ...

    @property
    def rows_read(self) -> int: ...

    @property
    def rows_used(self) -> int: ...

    @property
    def rows_quarantined(self) -> int: ...

    @property
    def checks(self) -> pl.DataFrame: ...

    @property
    def failures(self) -> pl.DataFrame: ...

    @property
    def examples(self) -> int | None: ...

    @property
    def passed(self) -> bool: ...

    @property
    def failed(self) -> pl.DataFrame: ...

    def summary(self) -> dict[str, Any]: ...

    def worst_rows(self, n: int = ...) -> pl.DataFrame: ...

_COLOURS = {"critical": "#b2182b", "warning": "#e08214"}
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem;
       color: #1a1a1a; max-width: 72rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.verdict { display: inline-block; padding: .3rem .8rem; border-radius: .3rem; color: #fff;
           font-weight: 600; } .pass { background: #1b7837; } .fail { background: #b2182b; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.critical { color: #b2182b; font-weight: 600; } .warning { color: #b35806; font-weight: 600; }
.ok { color: #1b7837; } .muted { color: #666; font-size: .85rem; }
"""


def failures_chart(checks: pl.DataFrame) -> alt.Chart:
    """Failing rows by failed check, coloured by severity (a horizontal bar chart).

    ``checks`` is :attr:`QualityReport.checks` (one row per check, already aggregated).
    """
    import altair as alt

    failed = checks.filter(~pl.col("passed")).select(
        "check", "severity", "provision", "failing_rows"
    )
    if failed.height == 0:
        failed = pl.DataFrame(
            {"check": ["(none)"], "severity": ["critical"], "provision": [""], "failing_rows": [0]}
        )
    return (
        alt.Chart(failed, title="Failing rows by check")
        .mark_bar()
        .encode(
            x=alt.X("failing_rows:Q", title="Rows failing the check"),
            y=alt.Y("check:N", title=None, sort="-x"),
            color=alt.Color(
                "severity:N",
                title="Severity",
                scale=alt.Scale(domain=list(_COLOURS), range=list(_COLOURS.values())),
            ),
            tooltip=["check", "provision", "failing_rows"],
        )
        .properties(width=480, height=alt.Step(18))
    )


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, drawn locally by vl-convert (no network)."""
    from auditlib.reports.render import to_svg

    return to_svg(chart)


def html_page(report: QualityView, *, chart_svg: str | None = None, worst: int = 50) -> str:
    """A self-contained HTML page: verdict, failed checks, chart, worst rows, every check."""
    summary = report.summary()
    verdict = (
        '<span class="verdict pass">PASS: every critical check passed</span>'
        if report.passed
        else '<span class="verdict fail">FAIL: a critical check failed</span>'
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Data quality of the complaint extract</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Data quality of the complaint extract</h1>",
        f'<p class="muted">{_e(report.source)}: dates checked from {report.date_floor} to '
        f"{report.as_of}. Rows read {report.rows_read:,} = rows used {report.rows_used:,} + "
        f"rows set aside by the loader {report.rows_quarantined:,}.</p>",
        f"<p>{verdict} {summary['critical_failed']} critical check(s) and "
        f"{summary['warnings_failed']} warning(s) failed, on "
        f"{summary['rows_with_failures']:,} row(s).</p>",
        "<h2>What to fix</h2>",
    ]
    if report.failed.height:
        parts.append(
            _table(
                report.failed,
                [
                    ("severity", "Severity", "sev"),
                    ("check", "Check", ""),
                    ("provision", "Code provision at risk", ""),
                    ("failing_rows", "Failing rows", "n"),
                    ("message", "What to do", ""),
                ],
            )
        )
    else:
        parts.append('<p class="ok">Every check passed.</p>')
    if chart_svg and report.failed.height:
        parts += ["<h2>Failing rows by check</h2>", f"<div>{chart_svg}</div>"]
    if report.failures.height:
        parts += [
            f"<h2>Rows with the most failures (first {worst})</h2>",
            '<p class="muted">Find each row by its complaint reference or its row in the '
            f"extract (the header is row 1). {_listed(report)}</p>",
            _table(
                report.worst_rows(worst),
                [
                    ("source_row", "Row", "n"),
                    ("complaint_id", "Complaint", ""),
                    ("critical", "Critical", "n"),
                    ("checks_failed", "Checks failed", "n"),
                    ("checks", "Checks", ""),
                ],
            ),
        ]
    parts += [
        "<h2>Every check</h2>",
        _table(
            report.checks.with_columns(
                pl.col("status")
                .replace_strict(_RESULT, default=pl.col("status"), return_dtype=pl.String)
                .alias("result")
            ),
            [
                ("check", "Check", ""),
                ("provision", "Provision", ""),
                ("severity", "Severity", "sev"),
                ("result", "Result", ""),
                ("rows_checked", "Rows checked", "n"),
                ("failing_rows", "Failing rows", "n"),
                ("found_in_quarantine", "Set aside by the loader", "n"),
                ("why", "Why it matters", ""),
            ],
        ),
        '<p class="muted">Made by auditlib validate. Works offline: no scripts, no '
        "external styles.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


_RESULT = {
    "passed": "passed",
    "failed": "FAILED",
    "could_not_run": "could not run",
    "not_checked": "not checked (column absent)",
}


def _listed(report: QualityView) -> str:
    """What failing_rows.csv holds."""
    if report.examples is None:
        return "Every failing row is in failing_rows.csv."
    return (
        f"failing_rows.csv lists up to {report.examples:,} rows per check (every check is "
        "counted on every row); auditlib validate --all-failing-rows lists them all."
    )


def _e(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return html.escape(str(value))


def _table(frame: pl.DataFrame, columns: list[tuple[str, str, str]]) -> str:
    head = "".join(f"<th>{_e(title)}</th>" for _, title, _ in columns)
    body = []
    for row in frame.iter_rows(named=True):
        cells = []
        for name, _, kind in columns:
            value = row[name]
            if kind == "sev":
                cells.append(f'<td class="{_e(value)}">{_e(value)}</td>')
            elif kind == "n":
                cells.append(f'<td class="n">{_e(value)}</td>')
            else:
                cells.append(f"<td>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
