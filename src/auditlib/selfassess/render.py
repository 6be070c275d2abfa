"""The self-assessment as files: a workbook laid out like the Ombudsman's form, HTML, JSON.

The workbook has a summary sheet, one sheet per Code section with the form's five
columns (Code provision, Code requirement, Comply, Evidence, Commentary) and, beside
them, the suggested answer and the rule that gave it, then the annual report's figures
and, when last year's file was given, what changed. Widths are set in characters,
text wraps, the header row is frozen and the Comply cell is coloured by its answer.

The HTML page holds the same content, reads offline (charts are inline SVG) and
prints on A4 landscape. Published tables show small counts as "fewer than N".
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib.annual import DEFINITIONS, HEADINGS, publishable
from auditlib.outputs import neutralise_text, workbook
from auditlib.selfassess.inputs import ANSWERS
from auditlib.selfassess.run import SelfAssessment

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

#: (fill, font) colours of the Comply cell, by answer
COLOURS = {
    "Yes": ("#C6EFCE", "#006100"),
    "Partly": ("#FFEB9C", "#7A4F00"),
    "No": ("#FFC7CE", "#9C0006"),
    "Needs evidence": ("#DDEBF7", "#1F4E78"),
    "Not assessed": ("#EDEDED", "#404040"),
}
#: the form's columns and ours beside them: (heading, width in characters)
FORM_COLUMNS = (
    ("Code provision", 10),
    ("Code requirement", 46),
    ("Comply", 14),
    ("Evidence", 80),
    ("Commentary / explanation", 48),
    ("Suggested answer", 14),
    ("Rule applied", 48),
)
#: headings of the annual figures' tables
FIGURE_TITLES = {
    "headline": "Headline figures (CH01 and CH02)",
    "by_category": "Complaints by category",
    "by_channel": "Stage 1 complaints by channel",
    "by_tenure": "Complaints by tenure",
    "outcomes": "Outcomes of responses issued",
    "working_day_bands": "Working days to acknowledge and respond",
    "extensions": "Extensions",
    "remedies": "Remedies and compensation",
    "refusals": "Complaints not accepted, by reason",
    "monthly": "Responses within the Code's timescale, by month",
    "previous": "Change on the previous period",
}
_HIDDEN_COLUMNS = {"key_stage_1", "key_stage_2"}


def sheet_name(section: int, title: str) -> str:
    """A worksheet name for a Code section (Excel allows 31 characters).

    Examples
    --------
    >>> sheet_name(5, "The complaint handling process")
    '5 The complaint handling proces'
    """
    return f"{section} {title}"[:31]


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell of ``width`` characters needs."""
    return sum(max(1, math.ceil(len(part) / max(width - 2, 1))) for part in str(text).split("\n"))


def _headers(sa: SelfAssessment) -> list[str]:
    return [
        f"{sa.landlord}: self-assessment against the Complaint Handling Code "
        f"({sa.catalogue.edition})",
        f"Period {sa.period.label} ({sa.period.start:%d %B %Y} to {sa.period.end:%d %B %Y}); "
        f"assessed on {sa.assessed_on:%d %B %Y}; extract {sa.source}, taken {sa.as_of:%d %B %Y}",
    ]


def write_workbook(sa: SelfAssessment, path: str | Path) -> Path:
    """The workbook: Summary, one sheet per Code section, Annual figures, Changes."""
    path = Path(path)
    with workbook(path) as book:
        fmt = _formats(book)
        _summary_sheet(book, sa, fmt)
        table = sa.table()
        for section in sorted(set(table["section"].to_list())):
            rows = table.filter(pl.col("section") == section)
            _section_sheet(book, rows, fmt)
        _figures_sheet(book, sa, fmt)
        if sa.changes is not None:
            _changes_sheet(book, sa, fmt)
    return path


def _formats(book: Workbook) -> dict[str, Any]:
    base = {"text_wrap": True, "valign": "top", "font_size": 10}
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "subtitle": book.add_format({"italic": True, "font_size": 10}),
        "heading": book.add_format({"bold": True, "font_size": 12}),
        "header": book.add_format(
            {**base, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1}
        ),
        "cell": book.add_format({**base, "border": 1}),
        "number": book.add_format({**base, "border": 1, "num_format": "#,##0.##"}),
        "note": book.add_format({**base, "italic": True, "font_color": "#404040"}),
        "small": book.add_format({**base, "border": 1, "font_color": "#404040", "font_size": 9}),
    }
    for answer, (fill, font) in COLOURS.items():
        fmt[answer] = book.add_format(
            {
                **base,
                "border": 1,
                "bold": True,
                "bg_color": fill,
                "font_color": font,
                "align": "center",
            }
        )
    return fmt


def _text(sheet: Worksheet, row: int, col: int, value: Any, cell_format: Any) -> None:
    """Write one value: text made formula-safe, numbers as numbers, blanks empty."""
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, cell_format)
    elif hasattr(value, "strftime"):
        sheet.write_string(row, col, f"{value:%b %Y}", cell_format)
    else:
        sheet.write_string(row, col, str(neutralise_text(str(value))), cell_format)


def _print_setup(sheet: Worksheet, *, repeat_header: bool = True) -> None:
    """A4 landscape, one page wide, the header row on every printed page."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&L&8&A&R&8Page &P of &N")
    if repeat_header:
        sheet.repeat_rows(0)


def _summary_sheet(book: Workbook, sa: SelfAssessment, fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet("Summary")
    _print_setup(sheet, repeat_header=False)
    sheet.hide_gridlines(2)
    title, subtitle = _headers(sa)
    sheet.write_string(0, 0, title, fmt["title"])
    sheet.write_string(1, 0, subtitle, fmt["subtitle"])
    summary = sa.summary()
    columns = ["Section", "Title", *[c for c in summary.columns[2:-1]], "Provisions"]
    widths = [9, 42, 10, 10, 10, 16, 12]
    for i, (name, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.set_column(i, i, width)
        sheet.write_string(3, i, name, fmt["header"])
    for r, row in enumerate(summary.iter_rows(), start=4):
        for c, value in enumerate(row):
            _text(sheet, r, c, value, fmt["cell"] if c < 2 else fmt["number"])
    total_row = 4 + summary.height
    sheet.write_string(total_row, 1, "All sections", fmt["header"])
    counts = sa.counts()
    for c, label in enumerate(summary.columns[2:-1], start=2):
        sheet.write_number(total_row, c, counts[label], fmt[label])
    sheet.write_number(total_row, len(columns) - 1, sum(counts.values()), fmt["header"])
    notes = [
        "How to read: Comply is the answer given. It is the suggested answer unless a person "
        "overrode it; then both are shown, with who decided and why (Commentary).",
        "Suggested answers follow written rules (the Rule applied column): complaint data "
        "against thresholds, the policy check, and dated attestations. Nothing is Yes without "
        "evidence; Needs evidence says what is missing.",
        "Inputs: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sa.inputs.items() if v),
        *sa.notes,
    ]
    for i, note in enumerate(notes, start=total_row + 2):
        sheet.merge_range(i, 0, i, len(columns) - 1, note, fmt["note"])
        sheet.set_row(i, 15 * _lines(note, sum(widths)))


def _section_sheet(book: Workbook, rows: pl.DataFrame, fmt: dict[str, Any]) -> None:
    first = rows.row(0, named=True)
    sheet = book.add_worksheet(sheet_name(first["section"], first["section_title"]))
    _print_setup(sheet)
    for i, (heading, width) in enumerate(FORM_COLUMNS):
        sheet.set_column(i, i, width)
        sheet.write_string(0, i, heading, fmt["header"])
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    keys = ("provision", "requirement", "comply", "evidence", "commentary", "suggested", "rule")
    for r, row in enumerate(rows.iter_rows(named=True), start=1):
        height = 1
        for c, key in enumerate(keys):
            value = row[key]
            style = fmt[value] if key in ("comply", "suggested") else fmt["cell"]
            if key == "rule":
                style = fmt["small"]
            _text(sheet, r, c, value, style)
            height = max(height, _lines(value or "", FORM_COLUMNS[c][1]))
        sheet.set_row(r, min(409, 13.5 * height + 3))
    sheet.autofilter(0, 0, rows.height, len(keys) - 1)
    # printed, the sheet is the Ombudsman's form: its five columns (the rest are working notes)
    sheet.print_area(0, 0, rows.height, 4)


def _figures_sheet(book: Workbook, sa: SelfAssessment, fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet("Annual figures")
    _print_setup(sheet, repeat_header=False)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 8, 16)
    sheet.write_string(
        0,
        0,
        f"Annual complaints performance figures, {sa.period.label} (Code 8.1(b))",
        fmt["title"],
    )
    r = 2
    for name, table in sa.figures.tables().items():
        shown = publishable(name, table, min_count=sa.min_count)
        shown = shown.drop([c for c in shown.columns if c in _HIDDEN_COLUMNS])
        sheet.write_string(r, 0, FIGURE_TITLES[name], fmt["heading"])
        r += 1
        if name == "headline":
            for key, words in DEFINITIONS.items():
                sheet.merge_range(r, 0, r, 6, f"{key}: {words}", fmt["note"])
                sheet.set_row(r, 15 * _lines(words, 120))
                r += 1
        for c, column in enumerate(shown.columns):
            sheet.write_string(r, c, HEADINGS.get(column, column), fmt["header"])
        r += 1
        for row in shown.iter_rows():
            for c, value in enumerate(row):
                _text(
                    sheet,
                    r,
                    c,
                    value,
                    fmt["number"] if isinstance(value, (int, float)) else fmt["cell"],
                )
            r += 1
        r += 1
    for note in sa.figures.notes:
        sheet.merge_range(r, 0, r, 6, note, fmt["note"])
        r += 1
    sheet.merge_range(
        r,
        0,
        r,
        6,
        f"Counts below {sa.min_count} in breakdowns are shown as 'fewer than {sa.min_count}'.",
        fmt["note"],
    )


def _changes_sheet(book: Workbook, sa: SelfAssessment, fmt: dict[str, Any]) -> None:
    assert sa.changes is not None
    sheet = book.add_worksheet("Changes")
    _print_setup(sheet)
    widths = (12, 16, 16, 12)
    for i, (name, width) in enumerate(zip(sa.changes.columns, widths, strict=True)):
        sheet.set_column(i, i, width)
        sheet.write_string(0, i, name.capitalize(), fmt["header"])
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(sa.changes.iter_rows(named=True), start=1):
        _text(sheet, r, 0, row["provision"], fmt["cell"])
        _text(sheet, r, 1, row["previous"], fmt.get(row["previous"] or "", fmt["cell"]))
        _text(sheet, r, 2, row["now"], fmt[row["now"]])
        style = fmt["No"] if row["change"] == "regressed" else fmt["cell"]
        _text(sheet, r, 3, row["change"], style)


# --- HTML ---------------------------------------------------------------------------


def html_page(sa: SelfAssessment, *, charts: dict[str, str] | None = None) -> str:
    """The self-assessment as one HTML page that reads offline and prints on A4."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditlib", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("self_assessment.html.j2")
    table = sa.table()
    sections = []
    for section in sorted(set(table["section"].to_list())):
        rows = table.filter(pl.col("section") == section)
        sections.append(
            {"number": section, "title": rows["section_title"][0], "rows": rows.to_dicts()}
        )
    figures = []
    for name, frame in sa.figures.tables().items():
        shown = publishable(name, frame, min_count=sa.min_count)
        shown = shown.drop([c for c in shown.columns if c in _HIDDEN_COLUMNS])
        figures.append(
            {
                "name": name,
                "title": FIGURE_TITLES[name],
                "columns": [HEADINGS.get(c, c) for c in shown.columns],
                "rows": [[_cell(v) for v in row] for row in shown.iter_rows()],
            }
        )
    title, subtitle = _headers(sa)
    return template.render(
        title=title,
        subtitle=subtitle,
        counts=sa.counts(),
        colours=COLOURS,
        summary=sa.summary().to_dicts(),
        answer_labels=[label for key, label in ANSWERS.items() if key != "not_assessed"],
        sections=sections,
        figures=figures,
        definitions=DEFINITIONS,
        figure_notes=sa.figures.notes,
        notes=sa.notes,
        inputs={k.replace("_", " "): v for k, v in sa.inputs.items() if v},
        changes=sa.changes.to_dicts() if sa.changes is not None else None,
        charts=charts or {},
        min_count=sa.min_count,
    )


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "strftime"):
        return f"{value:%b %Y}"
    return str(value)


def charts_svg(sa: SelfAssessment) -> dict[str, str]:
    """The page's charts as inline SVG: on-time by month, working days per stage."""
    from auditlib.reports.performance import ontime_chart, working_days_chart
    from auditlib.reports.render import to_svg

    target = sa.thresholds["timeliness"].yes_at_least if "timeliness" in sa.thresholds else None
    out = {
        "ontime": to_svg(ontime_chart(sa.figures.monthly, target=target, min_count=sa.min_count))
    }
    for stage in (1, 2):
        chart = working_days_chart(sa.figures.working_days, stage=stage, min_count=sa.min_count)
        out[f"respond_stage{stage}"] = to_svg(chart)
    return out


def write_self_assessment(
    sa: SelfAssessment, out_dir: str | Path, *, charts: bool = True
) -> dict[str, Path]:
    """Write ``self_assessment.xlsx``, ``.html`` and ``.json``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "workbook": out / "self_assessment.xlsx",
        "html": out / "self_assessment.html",
        "json": out / "self_assessment.json",
    }
    write_workbook(sa, paths["workbook"])
    paths["html"].write_text(
        html_page(sa, charts=charts_svg(sa) if charts else None), encoding="utf-8"
    )
    paths["json"].write_text(
        json.dumps(sa.to_json(), indent=2, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8",
    )
    return paths
