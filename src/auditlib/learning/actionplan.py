"""The learning action plan: findings, actions, owners and status, carried year to year.

Code 9.1 asks landlords to look beyond the single case, 9.4 for a lead who assesses
themes and trends, and 9.7(b) for regular reviews of issues and trends for the governing
body. The plan is where that learning is written down and followed up.

:func:`draft_findings` turns the analyses of one period into rows: what was found, the
figures behind it (counts, rates and the period), a proposed action, the owning service
area, a due date, a success measure and a status. :func:`carry_forward` merges them with
last period's plan: open actions stay with everything people typed into them (status,
notes, owner, due date, wording), a finding found again gets this period's figures, and
a finding already in the plan is never added twice (rows are matched on ``finding_id``,
a stable key such as ``rising:category:damp-and-mould``). :func:`write_plan` exports a
formatted XLSX for people to edit and a CSV.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import polars as pl

from auditlib.errors import InputError
from auditlib.tsm import Period

#: the plan's columns, in order
PLAN_COLUMNS: tuple[str, ...] = (
    "finding_id",
    "finding",
    "evidence",
    "proposed_action",
    "owner",
    "due_date",
    "success_measure",
    "status",
    "notes",
    "code_ref",
    "first_raised",
    "last_seen",
    "found_this_period",
)
#: columns people edit by hand: never overwritten when a plan is carried forward
HAND_EDITED: tuple[str, ...] = (
    "finding",
    "proposed_action",
    "owner",
    "due_date",
    "success_measure",
    "status",
    "notes",
)
#: statuses that close an action (compared in lower case)
CLOSED_STATUSES: tuple[str, ...] = ("done", "closed", "complete", "completed", "withdrawn")
#: statuses offered in the spreadsheet's drop-down (others may still be typed)
STATUSES: tuple[str, ...] = ("open", "in progress", "done", "closed")

#: the service area that owns each sample category; others own themselves
OWNERS: dict[str, str] = {
    "Repairs": "Repairs and maintenance",
    "Damp and mould": "Repairs and maintenance (damp and mould team)",
    "Leaks and water ingress": "Repairs and maintenance",
    "Heating and hot water": "Gas and heating contractor management",
    "Anti-social behaviour": "Neighbourhood management",
    "Estate services and cleaning": "Estate services",
    "Grounds maintenance": "Estate services",
    "Staff conduct": "Customer services",
    "Communication": "Customer services",
    "Rent and service charges": "Income and service charges",
    "Lettings and allocations": "Lettings",
    "Pests": "Estate services",
    "Adaptations": "Aids and adaptations",
    "Complaint handling": "Complaints team",
}
_COMPLAINTS_TEAM = "Complaints team"
_WIDTHS = {
    "finding_id": 28,
    "finding": 40,
    "evidence": 60,
    "proposed_action": 50,
    "owner": 26,
    "due_date": 12,
    "success_measure": 40,
    "status": 14,
    "notes": 40,
    "code_ref": 12,
    "first_raised": 12,
    "last_seen": 12,
    "found_this_period": 10,
}


def finding_id(kind: str, subject: str) -> str:
    """A stable key for a finding: the kind and a slug of its subject.

    Examples
    --------
    >>> finding_id("rising:category", "Damp and mould")
    'rising:category:damp-and-mould'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")
    return f"{kind}:{slug}"


def _row(
    kind: str,
    subject: str,
    *,
    finding: str,
    evidence: str,
    action: str,
    owner: str,
    measure: str,
    code_ref: str,
    period: Period,
    due: date,
) -> dict[str, str]:
    return {
        "finding_id": finding_id(kind, subject),
        "finding": finding,
        "evidence": evidence,
        "proposed_action": action,
        "owner": owner,
        "due_date": due.isoformat(),
        "success_measure": measure,
        "status": "open",
        "notes": "",
        "code_ref": code_ref,
        "first_raised": period.label,
        "last_seen": period.label,
        "found_this_period": "yes",
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}%"


def draft_findings(
    period: Period,
    *,
    trends: pl.DataFrame | None = None,
    summary: pl.DataFrame | None = None,
    repeats: pl.DataFrame | None = None,
    vulnerability: pl.DataFrame | None = None,
    themes: pl.DataFrame | None = None,
    uncategorised: int | None = None,
    owners: Mapping[str, str] | None = None,
    late_pct: float = 25.0,
    escalation_pct: float = 20.0,
    repeat_pct: float = 15.0,
    min_complaints: int = 20,
    min_repeats: int = 5,
    due_months: int = 6,
) -> pl.DataFrame:
    """Findings from one period's analyses, one plan row each.

    Parameters
    ----------
    period
        The period analysed (shown in every finding's evidence).
    trends
        :func:`auditlib.learning.trends.rising` by category: each rising row is a finding.
    summary
        :func:`auditlib.learning.rootcause.summary` by category: a category whose late rate
        or escalation rate reaches ``late_pct`` / ``escalation_pct`` with at least
        ``min_complaints`` complaints is a finding.
    repeats
        :func:`auditlib.learning.repeats.repeat_summary`: a category where at least
        ``repeat_pct`` of residents' complaints were followed by another within the
        window (with at least ``min_complaints`` complaints and ``min_repeats`` such
        follow-ups) is a finding.
    vulnerability
        :func:`auditlib.learning.vulnerability.compare`: a measure worse for vulnerable
        residents beyond noise is a finding.
    themes
        A :meth:`auditlib.learning.themes.Themes.table` of the complaints without a
        specific root cause; with ``uncategorised`` (their number) it makes one finding
        naming the largest themes.
    owners
        Service area owning each category (default :data:`OWNERS`).
    due_months
        Months after the period's end that a new action falls due.

    Returns
    -------
    polars.DataFrame
        The plan's columns (:data:`PLAN_COLUMNS`), all text, sorted by ``finding_id``.
    """
    owners = {**OWNERS, **(owners or {})}
    due = pl.select(pl.lit(period.end).dt.offset_by(f"{due_months}mo")).item()
    span = f"{period.start:%d %b %Y} to {period.end:%d %b %Y}"
    common = {"period": period, "due": due}
    rows: list[dict[str, str]] = []

    if trends is not None:
        for t in trends.filter(pl.col("rising")).iter_rows(named=True):
            cat = t["category"]
            rows.append(
                _row(
                    "rising:category",
                    cat,
                    finding=f"{cat} complaints are rising by more than noise.",
                    evidence=(
                        f"{t['recent']} complaints received {span} ({t['recent_per_month']:.1f} "
                        f"a month) against {t['earlier']} in {t['earlier_start']:%d %b %Y} to "
                        f"{t['earlier_end']:%d %b %Y} ({t['earlier_per_month']:.1f} a month): "
                        f"rate ratio {t['rate_ratio']}, adjusted p = {t['p_adjusted']:.4f} "
                        "(exact Poisson rate test, Benjamini-Hochberg)."
                    ),
                    action=f"Review the causes behind the rise in {cat} complaints with the "
                    "service and agree a fix for the most common cause.",
                    owner=owners.get(cat, cat),
                    measure=(
                        f"{cat} complaints back to {t['earlier_per_month']:.1f} a month or "
                        "fewer over the next two quarters."
                    ),
                    code_ref="9.4, 9.7(b)",
                    **common,
                )
            )
    if summary is not None:
        big = summary.filter(pl.col("complaints") >= min_complaints)
        for s in big.filter(pl.col("late_pct") >= late_pct).iter_rows(named=True):
            cat = s["category"]
            rows.append(
                _row(
                    "late:category",
                    cat,
                    finding=f"{cat} complaints are often answered late at stage 1.",
                    evidence=(
                        f"{s['late']} of {s['clock_judged']} {cat} complaints received {span} "
                        f"were late or overdue at stage 1 ({_pct(s['late_pct'])})."
                    ),
                    action=f"Agree response capacity and a tracking routine for {cat} "
                    "complaints with the service manager.",
                    owner=owners.get(cat, cat),
                    measure=f"Under {late_pct:.0f}% of {cat} complaints late at stage 1 next "
                    "period.",
                    code_ref="6.3, 9.1",
                    **common,
                )
            )
        for s in big.filter(pl.col("escalated_pct") >= escalation_pct).iter_rows(named=True):
            cat = s["category"]
            rows.append(
                _row(
                    "escalation:category",
                    cat,
                    finding=f"{cat} complaints often escalate to stage 2.",
                    evidence=(
                        f"{s['escalated']} of {s['complaints']} {cat} complaints received {span} "
                        f"were escalated ({_pct(s['escalated_pct'])}); "
                        f"upheld {_pct(s['upheld_pct'])} of {s['decided']} decided."
                    ),
                    action=f"Review a sample of escalated {cat} complaints for what stage 1 "
                    "missed, and feed it back to stage 1 handlers.",
                    owner=owners.get(cat, cat),
                    measure=f"Under {escalation_pct:.0f}% of {cat} complaints escalated next "
                    "period.",
                    code_ref="9.1, 9.2",
                    **common,
                )
            )
    if repeats is not None:
        tenant = repeats.filter(
            (pl.col("matched_on") == "tenant")
            & (pl.col("complaints") >= min_complaints)
            & (pl.col("led_to_repeat_pct") >= repeat_pct)
            & (pl.col("led_to_repeat") >= min_repeats)
        )
        for r in tenant.iter_rows(named=True):
            cat = r["category"]
            rows.append(
                _row(
                    "repeats:category",
                    cat,
                    finding=f"{cat} complaints are often followed by another from the same "
                    "resident.",
                    evidence=(
                        f"{r['led_to_repeat']} of {r['complaints']} {cat} complaints received "
                        f"{span} were followed by another from the same resident within "
                        f"{r['window_days']} days ({_pct(r['led_to_repeat_pct'])})."
                    ),
                    action=f"Check that {cat} complaints are closed only when the underlying "
                    "problem is fixed; call residents back before closing.",
                    owner=owners.get(cat, cat),
                    measure=f"Under {repeat_pct:.0f}% of {cat} complaints followed by another "
                    "within the window next period.",
                    code_ref="9.1",
                    **common,
                )
            )
    if vulnerability is not None:
        worse = vulnerability.filter(pl.col("more_than_noise") & (pl.col("difference") > 0))
        for v in worse.iter_rows(named=True):
            rows.append(
                _row(
                    "vulnerability",
                    v["measure"].split(" (")[0],
                    finding=f"Residents with a recorded vulnerability fare worse: {v['measure']}.",
                    evidence=(
                        f"{v['vulnerable_value']} for {v['vulnerable_n']} complaints from "
                        f"vulnerable residents against {v['others_value']} for {v['others_n']} "
                        f"others, {span} ({v['test']}, Holm-adjusted p = "
                        f"{v['p_adjusted']:.4f})."
                    ),
                    action="Check that reasonable adjustments are recorded and acted on, "
                    "and prioritise complaints from residents with a vulnerability.",
                    owner=_COMPLAINTS_TEAM,
                    measure="No difference beyond noise between vulnerable residents and "
                    "others on this measure next period.",
                    code_ref="5.10, 6.1, 9.1",
                    **common,
                )
            )
    if themes is not None and uncategorised:
        top = themes.filter(pl.col("theme").is_not_null()).head(3)
        named = "; ".join(f"'{t['theme_name']}' ({t['texts']})" for t in top.iter_rows(named=True))
        rows.append(
            _row(
                "themes",
                "unrecorded root causes",
                finding="Many complaints have no specific root cause recorded.",
                evidence=(
                    f"{uncategorised} complaints received {span} had a blank or 'other' root "
                    f"cause; the largest themes in their descriptions: {named}."
                ),
                action="Add root causes for the largest themes to the recording list and "
                "brief investigators on recording a specific root cause.",
                owner=_COMPLAINTS_TEAM,
                measure="Fewer complaints with a blank or 'other' root cause next period.",
                code_ref="9.1, 9.4",
                **common,
            )
        )
    if not rows:
        return empty_plan()
    return pl.DataFrame(rows, schema=dict.fromkeys(PLAN_COLUMNS, pl.String)).sort("finding_id")


def empty_plan() -> pl.DataFrame:
    """A plan with no rows and the plan's columns."""
    return pl.DataFrame(schema=dict.fromkeys(PLAN_COLUMNS, pl.String))


def read_plan(path: str | Path) -> pl.DataFrame:
    """Read a plan written by :func:`write_plan` (and edited by people): XLSX or CSV.

    Every column is read as text; extra columns people added are kept; a missing column
    of the plan is added empty, except ``finding_id`` and ``status``, which are required.
    """
    from auditlib.inputs import read_table
    from auditlib.outputs import restore

    path = Path(path)
    frame = restore(read_table(path, what="previous action plan", sheet="Action plan"))
    missing = [c for c in ("finding_id", "status") if c not in frame.columns]
    if missing:
        msg = (
            f"column(s) {', '.join(missing)} missing; found {', '.join(frame.columns)}. "
            "Keep the columns auditlib wrote (add your own beside them)"
        )
        raise InputError(str(path), msg)
    frame = frame.with_columns(pl.all().cast(pl.String).str.strip_chars())
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in PLAN_COLUMNS if c not in frame.columns
    )
    return (
        frame.filter(pl.col("finding_id").str.len_chars().fill_null(0) > 0)
        .with_columns(pl.col("due_date").str.replace(r"[ T]00:00:00(\.0+)?$", ""))
        .unique("finding_id", keep="first", maintain_order=True)
    )


def carry_forward(new: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Merge this period's findings into last period's plan.

    * An open action from the previous plan stays, with every hand-edited column as it
      was typed (:data:`HAND_EDITED`) and any extra columns; if its finding is found
      again, its ``evidence``, ``last_seen`` and ``found_this_period`` are updated.
    * A closed action (status in :data:`CLOSED_STATUSES`) is left out; if its finding
      comes back, it returns as a new open row with a note saying so.
    * A new finding is added once.

    Examples
    --------
    >>> old = empty_plan().vstack(pl.DataFrame([{**dict.fromkeys(PLAN_COLUMNS, ""),
    ...     "finding_id": "a", "status": "in progress", "notes": "met the team"}]))
    >>> new = empty_plan().vstack(pl.DataFrame([{**dict.fromkeys(PLAN_COLUMNS, ""),
    ...     "finding_id": "a", "status": "open", "evidence": "12 of 40"}]))
    >>> carry_forward(new, old).select("finding_id", "status", "notes", "evidence").rows()
    [('a', 'in progress', 'met the team', '12 of 40')]
    """
    if previous is None or previous.is_empty():
        return new.select(PLAN_COLUMNS)
    closed = pl.col("status").str.to_lowercase().is_in(CLOSED_STATUSES).fill_null(False)
    still_open = previous.filter(~closed)
    closed_ids = previous.filter(closed)["finding_id"]
    extra = [c for c in previous.columns if c not in PLAN_COLUMNS]
    refreshed = (
        still_open.join(
            new.select("finding_id", "evidence", "last_seen"),
            on="finding_id",
            how="left",
            suffix="_new",
            maintain_order="left",
        )
        .with_columns(
            pl.col("evidence_new").is_not_null().alias("_found"),
        )
        .with_columns(
            pl.coalesce("evidence_new", "evidence").alias("evidence"),
            pl.coalesce("last_seen_new", "last_seen").alias("last_seen"),
            pl.when(pl.col("_found"))
            .then(pl.lit("yes"))
            .otherwise(pl.lit("no"))
            .alias("found_this_period"),
        )
        .select(*PLAN_COLUMNS, *extra)
    )
    added = new.filter(
        ~pl.col("finding_id").is_in(still_open["finding_id"].implode())
    ).with_columns(
        pl.when(pl.col("finding_id").is_in(closed_ids.implode()))
        .then(pl.lit("raised again after being closed in the previous plan"))
        .otherwise(pl.col("notes"))
        .alias("notes"),
        *(pl.lit(None, pl.String).alias(c) for c in extra),
    )
    return pl.concat([refreshed, added.select(*PLAN_COLUMNS, *extra)], how="vertical")


def write_plan(
    plan: pl.DataFrame,
    out_dir: str | Path,
    *,
    stem: str = "learning_action_plan",
    title: str = "Learning action plan",
) -> dict[str, Path]:
    """Write the plan as a formatted XLSX (for people to edit) and a CSV.

    The XLSX has a header row that stays in view, filters, wrapped text, a drop-down of
    statuses (other values are allowed) and a "Read me" sheet; text that looks like a
    formula is written as text, never as a formula.

    Returns
    -------
    dict[str, pathlib.Path]
        ``{"xlsx": ..., "csv": ...}``.
    """
    from auditlib.outputs import neutralise, workbook, write_csv

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"xlsx": out / f"{stem}.xlsx", "csv": out / f"{stem}.csv"}
    write_csv(plan, paths["csv"])
    plan = neutralise(plan)
    widths = dict(_WIDTHS)
    wrap = {"text_wrap": True, "valign": "top"}
    with workbook(paths["xlsx"]) as book:
        sheet = book.add_worksheet("Action plan")
        plan.write_excel(
            book,
            sheet,
            table_style="Table Style Light 9",
            column_formats={c: wrap for c in plan.columns},
            header_format={"bold": True, "text_wrap": True, "valign": "top"},
            column_widths={c: widths.get(c, 20) for c in plan.columns},
            freeze_panes=(1, 1),
            autofilter=True,
        )
        if "status" in plan.columns and plan.height:
            col = plan.columns.index("status")
            sheet.data_validation(
                1,
                col,
                plan.height,
                col,
                {
                    "validate": "list",
                    "source": list(STATUSES),
                    "error_type": "information",
                    "input_message": "open, in progress, done or closed (or your own word)",
                },
            )
        about = book.add_worksheet("Read me")
        about.set_column(0, 0, 110)
        lines = (
            title,
            "Edit status, notes, owner, due_date, proposed_action and success_measure "
            "freely; keep finding_id as it is.",
            "Next period, pass this file as the previous plan: open actions are carried "
            "forward with what you typed, closed ones (done, closed, complete) are left out.",
            "Evidence is recomputed each period from the complaint extract.",
        )
        for i, line in enumerate(lines):
            about.write_string(i, 0, line)
    return paths
