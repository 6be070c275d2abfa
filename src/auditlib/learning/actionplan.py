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
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from auditlib.errors import InputError
from auditlib.learning import settings as settings_module
from auditlib.learning.availability import NEEDS, AnalysisStatus
from auditlib.learning.settings import LearningSettings
from auditlib.privacy import DEFAULT_MIN_COUNT
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

#: the service area that owns each sample category (``learning.owners`` replaces it)
OWNERS: dict[str, str] = settings_module.OWNERS
#: each column's width in the spreadsheet, in characters
WIDTHS: dict[str, int] = {
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


#: said where a figure rests on a count hidden to protect small numbers
NOT_SHOWN = "not shown, to protect small numbers"


def format_p(p: float | None) -> str:
    """A p-value as people read it: three decimals, or "< 0.001" when smaller.

    Examples
    --------
    >>> format_p(0.0000123), format_p(0.04567), format_p(None)
    ('< 0.001', '0.046', 'n/a')
    """
    if p is None:
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _rise_evidence(t: dict[str, Any], span: str) -> tuple[str, str]:
    """Evidence and success measure of a rising category, by the test that ran.

    ``t`` is the row as published: counts as text, and the rates, ratio and p-values
    blank where they rest on a hidden count.
    """
    cat = t["category"]
    if t["rate_ratio"] is None:
        earlier = "" if t["earlier"] is None else f" against {t['earlier']} the period before"
        level = "the start of the period" if t["method"] == "within period" else "last period"
        return (
            f"{t['recent']} complaints received {span}{earlier}; the rates, rate ratio and "
            f"p-value are {NOT_SHOWN} ({t['method']} test, Benjamini-Hochberg).",
            f"{cat} complaints back to the level of {level} or lower over the next two quarters.",
        )
    p = _adjusted(t["p_adjusted"])
    if t["method"] == "within period":
        return (
            f"{t['recent']} complaints received {span}; the fitted monthly rate rose from "
            f"{t['fitted_start_per_month']:.1f} to {t['fitted_end_per_month']:.1f} a month "
            f"across the period (rate ratio {t['rate_ratio']}), adjusted p {p} "
            "(Poisson regression on time within the period, exposure in days covered, "
            "Benjamini-Hochberg). No earlier period to compare with: a seasonal pattern can "
            "look like a rise.",
            f"{cat} complaints back to {t['fitted_start_per_month']:.1f} a month or fewer "
            "over the next two quarters.",
        )
    return (
        f"{t['recent']} complaints received {span} ({t['recent_per_month']:.1f} a month) "
        f"against {t['earlier']} in {t['earlier_start']:%d %b %Y} to "
        f"{t['earlier_end']:%d %b %Y} ({t['earlier_per_month']:.1f} a month, over the days "
        f"the extract covers): rate ratio {t['rate_ratio']}, adjusted p {p} "
        "(exact Poisson rate test, Benjamini-Hochberg).",
        f"{cat} complaints back to {t['earlier_per_month']:.1f} a month or fewer over the "
        "next two quarters.",
    )


def _rate_evidence(r: dict[str, Any]) -> str:
    """The rate of a late or escalation finding with its interval and test, as published."""
    if r["rate_pct"] is None:
        return f"the rate, its interval and the test are {NOT_SHOWN}"
    return (
        f"{r['rate_pct']:.1f}%, 95% interval {r['lower_pct']:.1f}% to "
        f"{r['upper_pct']:.1f}%: above the {r['threshold_pct']:g}% threshold by "
        f"{r['difference_pts']:.1f} points (interval {r['difference_lower_pts']:.1f} "
        f"to {r['difference_upper_pts']:.1f}), adjusted p {_adjusted(r['p_adjusted'])}, "
        "exact binomial test, Benjamini-Hochberg"
    )


def _lookup(frame: pl.DataFrame | None, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The rows of a published table by their key columns."""
    if frame is None:
        return {}
    return {tuple(row[k] for k in keys): row for row in frame.iter_rows(named=True)}


def _p_words(formatted: str) -> str:
    return formatted if formatted.startswith("<") else f"= {formatted}"


def _adjusted(p: float | None) -> str:
    """An adjusted p-value in a sentence ("= 0.012", "< 0.001"), or why it is not shown."""
    return _p_words(format_p(p)) if p is not None else NOT_SHOWN


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
    late_pct: float | None = None,
    escalation_pct: float | None = None,
    repeat_pct: float | None = None,
    min_complaints: int | None = None,
    min_repeats: int | None = None,
    due_months: int | None = None,
    found_on: date | None = None,
    rates: pl.DataFrame | None = None,
    gaps: Sequence[AnalysisStatus] = (),
    settings: LearningSettings | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
    category_flags: pl.DataFrame | None = None,
    earlier_hidden: Collection[str] = (),
) -> pl.DataFrame:
    """Findings from one period's analyses, one plan row each.

    Thresholds not given here come from ``settings`` (the ``learning:`` key of the
    configuration), else the defaults of :class:`~auditlib.learning.settings.LearningSettings`.

    Parameters
    ----------
    period
        The period analysed (shown in every finding's evidence).
    trends
        :func:`auditlib.learning.trends.rising` by category: each rising row is a finding.
    summary
        :func:`auditlib.learning.rootcause.summary` by category; when ``rates`` is not
        given, its late and escalation rates are tested against ``late_pct`` and
        ``escalation_pct`` (:func:`auditlib.learning.rates.above_threshold`).
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
        Service area owning each category, over ``settings.owners``.
    due_months
        Months after the period's end, or after ``found_on`` when later, that a new
        action falls due.
    found_on
        The date of the extract the findings come from (its latest date): a plan drawn
        from an extract taken months after the period ended gets due dates ahead of it,
        not behind.
    rates
        The late and escalation tests (:func:`auditlib.learning.rates.above_threshold`):
        each category above its threshold beyond noise is a finding.
    gaps
        Analyses that could not run for want of a column: each is a finding (add the
        column to the extract).
    settings
        The learning settings the thresholds come from.
    min_count
        The small-count threshold (``privacy.min_count``): the figures quoted in the
        evidence are those of the published tables (:mod:`auditlib.learning.publish`),
        so a count from 1 to ``min_count - 1``, or one hidden to protect it, reads
        "fewer than N" and the rates built on it are not quoted.
    category_flags
        Which counts of each category the published tables hide
        (:func:`auditlib.learning.publish.category_flags`); by default worked out from
        ``summary``.
    earlier_hidden
        The categories whose last-period total last period's summary hid.

    Returns
    -------
    polars.DataFrame
        The plan's columns (:data:`PLAN_COLUMNS`), all text, sorted by ``finding_id``.
    """
    from auditlib.learning import publish
    from auditlib.learning.rates import above_threshold

    cfg = settings or LearningSettings()
    late_pct = cfg.late_pct if late_pct is None else late_pct
    escalation_pct = cfg.escalation_pct if escalation_pct is None else escalation_pct
    repeat_pct = cfg.repeat_pct if repeat_pct is None else repeat_pct
    min_complaints = cfg.min_complaints if min_complaints is None else min_complaints
    min_repeats = cfg.min_repeats if min_repeats is None else min_repeats
    due_months = cfg.due_months if due_months is None else due_months
    owners = {**cfg.owners, **(owners or {})}
    team = cfg.default_owner
    start = max(period.end, found_on) if found_on is not None else period.end
    due = pl.select(pl.lit(start).dt.offset_by(f"{due_months}mo")).item()
    span = f"{period.start:%d %b %Y} to {period.end:%d %b %Y}"
    common = {"period": period, "due": due}
    rows: list[dict[str, str]] = []
    flags = category_flags
    if flags is None and summary is not None:
        flags = publish.category_flags(summary, min_count)

    if trends is not None:
        shown_trends = _lookup(
            publish.trends(trends, flags, min_count, earlier_hidden=earlier_hidden), "category"
        )
        for t in trends.filter(pl.col("rising")).iter_rows(named=True):
            cat = t["category"]
            evidence, measure = _rise_evidence(shown_trends[(cat,)], span)
            rows.append(
                _row(
                    "rising:category",
                    cat,
                    finding=f"{cat} complaints are rising by more than noise.",
                    evidence=evidence,
                    action=f"Review the causes behind the rise in {cat} complaints with the "
                    "service and agree a fix for the most common cause.",
                    owner=owners.get(cat, cat),
                    measure=measure,
                    code_ref="9.4, 9.7(b)",
                    **common,
                )
            )
    if rates is None and summary is not None:
        rates = pl.concat(
            [
                above_threshold(
                    summary, "late", threshold_pct=late_pct, alpha=cfg.alpha,
                    min_complaints=min_complaints,
                ),
                above_threshold(
                    summary, "escalated", threshold_pct=escalation_pct, alpha=cfg.alpha,
                    min_complaints=min_complaints,
                ),
            ]
        )  # fmt: skip
    if rates is not None:
        shown_rates = _lookup(publish.rate_tests(rates, flags, min_count), "category", "measure")
        for numeric in rates.filter(pl.col("above")).iter_rows(named=True):
            cat = numeric["category"]
            r = shown_rates[(cat, numeric["measure"])]
            interval = _rate_evidence(r)
            if r["measure"] == "late":
                rows.append(
                    _row(
                        "late:category",
                        cat,
                        finding=f"{cat} complaints are often answered late at stage 1.",
                        evidence=(
                            f"{r['count']} of {r['base']} {cat} complaints received {span} "
                            f"were late or overdue at stage 1 ({interval})."
                        ),
                        action=f"Agree response capacity and a tracking routine for {cat} "
                        "complaints with the service manager.",
                        owner=owners.get(cat, cat),
                        measure=f"Under {r['threshold_pct']:g}% of {cat} complaints late at "
                        "stage 1 next period.",
                        code_ref="6.3, 9.1",
                        **common,
                    )
                )
            else:
                rows.append(
                    _row(
                        "escalation:category",
                        cat,
                        finding=f"{cat} complaints often escalate to stage 2.",
                        evidence=(
                            f"{r['count']} of {r['base']} {cat} complaints received {span} "
                            f"were escalated ({interval})."
                        ),
                        action=f"Review a sample of escalated {cat} complaints for what "
                        "stage 1 missed, and feed it back to stage 1 handlers.",
                        owner=owners.get(cat, cat),
                        measure=f"Under {r['threshold_pct']:g}% of {cat} complaints escalated "
                        "next period.",
                        code_ref="9.1, 9.2",
                        **common,
                    )
                )
    if repeats is not None:
        shown_repeats = _lookup(
            publish.repeats(repeats, flags, min_count), "matched_on", "category"
        )
        tenant = repeats.filter(
            (pl.col("matched_on") == "tenant")
            & (pl.col("complaints") >= min_complaints)
            & (pl.col("led_to_repeat_pct") >= repeat_pct)
            & (pl.col("led_to_repeat") >= min_repeats)
        )
        for numeric in tenant.iter_rows(named=True):
            cat = numeric["category"]
            r = shown_repeats[("tenant", cat)]
            share = r["led_to_repeat_pct"]
            rows.append(
                _row(
                    "repeats:category",
                    cat,
                    finding=f"{cat} complaints are often followed by another from the same "
                    "resident.",
                    evidence=(
                        f"{r['led_to_repeat']} of {r['complaints']} {cat} complaints received "
                        f"{span} were followed by another from the same resident within "
                        f"{r['window_days']} days "
                        f"({_pct(share) if share is not None else 'share ' + NOT_SHOWN})."
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
        shown_vulnerable = _lookup(publish.vulnerability(vulnerability, min_count), "measure")
        worse = vulnerability.filter(pl.col("more_than_noise") & (pl.col("difference") > 0))
        for numeric in worse.iter_rows(named=True):
            v = shown_vulnerable[(numeric["measure"],)]
            if v["vulnerable_value"] is None:
                evidence = (
                    f"A difference beyond noise, {span} ({v['test']}, Holm-adjusted); the "
                    f"figures are {NOT_SHOWN} (a group or cell of the comparison holds "
                    f"fewer than {min_count} complaints)."
                )
            else:
                evidence = (
                    f"{v['vulnerable_value']} for {v['vulnerable_n']} complaints from "
                    f"vulnerable residents against {v['others_value']} for {v['others_n']} "
                    f"others, {span} ({v['test']}, Holm-adjusted p "
                    f"{_adjusted(v['p_adjusted'])})."
                )
            rows.append(
                _row(
                    "vulnerability",
                    v["measure"].split(" (")[0],
                    finding=f"Residents with a recorded vulnerability fare worse: {v['measure']}.",
                    evidence=evidence,
                    action="Check that reasonable adjustments are recorded and acted on, "
                    "and prioritise complaints from residents with a vulnerability.",
                    owner=team,
                    measure="No difference beyond noise between vulnerable residents and "
                    "others on this measure next period.",
                    code_ref="5.10, 6.1, 9.1",
                    **common,
                )
            )
    if themes is not None and uncategorised:
        shown_themes = publish.themes(themes, min_count)
        top = shown_themes.filter(pl.col("theme").is_not_null()).head(3)
        named = "; ".join(f"'{t['theme_name']}' ({t['texts']})" for t in top.iter_rows(named=True))
        many = publish.count_text(uncategorised, 0 < uncategorised < min_count, min_count)
        rows.append(
            _row(
                "themes",
                "unrecorded root causes",
                finding="Many complaints have no specific root cause recorded.",
                evidence=(
                    f"{many} complaints received {span} had a blank or 'other' root "
                    f"cause; the largest themes in their descriptions: {named}."
                ),
                action="Add root causes for the largest themes to the recording list and "
                "brief investigators on recording a specific root cause.",
                owner=team,
                measure="Fewer complaints with a blank or 'other' root cause next period.",
                code_ref="9.1, 9.4",
                **common,
            )
        )
    for gap in gaps:
        columns, any_will_do, what, code_ref = NEEDS[gap.analysis]
        wanted = (" or " if any_will_do else " and ").join(columns)
        rows.append(
            _row(
                "not-available",
                gap.analysis,
                finding=f"{what[0].upper()}{what[1:]}: cannot be analysed from this extract.",
                evidence=f"{gap.detail} ({span}).",
                action=f"Add {wanted} to the complaint extract (see the extract layout in "
                "the README), filled in for every complaint.",
                owner=team,
                measure=f"{what[0].upper()}{what[1:]} analysed next period.",
                code_ref=code_ref,
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
    frame = frame.with_columns(
        pl.all().cast(pl.String).str.strip_chars().str.replace(r"^'([=+\-@])", "$1")
    )
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

    The XLSX (through :func:`auditlib.outputs.workbook`) has each column as wide as
    :data:`WIDTHS` says, in characters, wrapped text, rows tall enough for it, a header
    row that stays in view, filters, a drop-down of statuses (other words allowed), due
    dates as dates with a date check, and a "Read me" sheet. Text that a spreadsheet
    would run as a formula is written as text (:func:`auditlib.outputs.neutralise`).

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
    safe = neutralise(plan.with_columns(pl.all().cast(pl.String)))
    widths = [WIDTHS.get(c, 20) for c in safe.columns]
    editable_rows = max(safe.height + 200, 500)
    with workbook(paths["xlsx"]) as book:
        sheet = book.add_worksheet("Action plan")
        header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#dde7f0",
             "bottom": 1}
        )  # fmt: skip
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        as_date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        for j, (name, width) in enumerate(zip(safe.columns, widths, strict=True)):
            sheet.set_column(j, j, width, as_date if name in _DATE_COLUMNS else wrap)
            sheet.write_string(0, j, name, header)
        sheet.set_row(0, 30)
        for i, row in enumerate(safe.iter_rows(), start=1):
            lines = 1
            for j, value in enumerate(row):
                if not value:
                    continue
                name = safe.columns[j]
                day = _iso_date(value) if name in _DATE_COLUMNS else None
                if day is not None:
                    sheet.write_datetime(i, j, day, as_date)
                else:
                    sheet.write_string(i, j, value, wrap)
                    lines = max(lines, _lines(value, widths[j]))
            sheet.set_row(i, 15 * min(lines, 27))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(safe.height, 1), len(safe.columns) - 1)
        if "status" in safe.columns:
            col = safe.columns.index("status")
            sheet.data_validation(
                1, col, editable_rows, col,
                {
                    "validate": "list",
                    "source": list(STATUSES),
                    "error_type": "information",
                    "input_title": "Status",
                    "input_message": "open, in progress, done or closed (or your own word)",
                },
            )  # fmt: skip
        for name in _DATE_COLUMNS:
            if name in safe.columns:
                col = safe.columns.index(name)
                sheet.data_validation(
                    1, col, editable_rows, col,
                    {
                        "validate": "date",
                        "criteria": "between",
                        "minimum": date(2000, 1, 1),
                        "maximum": date(2100, 12, 31),
                        "error_type": "warning",
                        "error_title": "Not a date",
                        "error_message": "Type the due date as a date, for example 2026-09-30.",
                    },
                )  # fmt: skip
        about = book.add_worksheet("Read me")
        about.set_column(0, 0, 100, wrap)
        readme = (
            title,
            "Edit status, notes, owner, due_date, proposed_action and success_measure "
            "freely; keep finding_id as it is.",
            "Next period, pass this file as the previous plan: open actions are carried "
            "forward with what you typed, closed ones (done, closed, complete) are left out.",
            "Evidence is recomputed each period from the complaint extract. Rows whose "
            "finding_id starts with 'not-available' name a column the extract lacks.",
        )
        for i, line in enumerate(readme):
            about.write_string(i, 0, line, wrap)
    return paths


#: plan columns written as dates in the spreadsheet
_DATE_COLUMNS = ("due_date",)


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _lines(text: str, width: int) -> int:
    """Lines ``text`` takes when wrapped at ``width`` characters (a close estimate)."""
    return sum(max(1, -(-len(part) // max(width - 1, 1))) for part in text.split("\n"))
