"""One learning run: every analysis of a period, the action plan, and what it writes.

The notebook and ``auditlib learning`` both call :func:`analyse` on an
:class:`auditlib.audit.AuditResult` and :func:`write_learning` to leave the plan, the
tables and the charts in a folder. Tables written here are board-facing: counts, rates,
theme names and the period, never a reference, a description or a remedy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib.learning import actionplan, repeats, rootcause, trends, vulnerability
from auditlib.learning.rootcause import NOT_RECORDED
from auditlib.outputs import write_csv
from auditlib.schema import PERSONAL_COLUMNS
from auditlib.tsm import Period

if TYPE_CHECKING:
    from auditlib.audit import AuditResult
    from auditlib.learning.themes import Themes

#: root causes too coarse to learn from: their descriptions go to theme finding
COARSE_ROOT_CAUSES: tuple[str, ...] = (NOT_RECORDED, "other", "unknown", "not known")
#: fewest descriptions worth looking for themes in
MIN_THEME_TEXTS = 20


@dataclass(frozen=True)
class Learning:
    """Everything one learning run found for a period (board-facing frames only)."""

    period: Period
    complaints: int
    summary: pl.DataFrame
    monthly: pl.DataFrame
    pareto: pl.DataFrame
    root_causes: pl.DataFrame
    trends: pl.DataFrame
    repeats: pl.DataFrame
    repeat_headline: pl.DataFrame
    vulnerability: pl.DataFrame
    theme_table: pl.DataFrame | None
    theme_terms: pl.DataFrame | None
    uncategorised: int
    plan: pl.DataFrame
    settings: dict[str, Any]

    def tables(self) -> dict[str, pl.DataFrame]:
        """The board-facing tables by name (themes only when found)."""
        named = {
            "summary_by_category": self.summary,
            "monthly_by_category": self.monthly,
            "pareto": self.pareto,
            "root_causes": self.root_causes,
            "trends": self.trends,
            "repeats": self.repeats,
            "repeat_headline": self.repeat_headline,
            "vulnerability": self.vulnerability,
        }
        if self.theme_table is not None and self.theme_terms is not None:
            named["themes"] = self.theme_table
            named["theme_terms"] = self.theme_terms
        return named


def coarse_root_cause() -> pl.Expr:
    """True where the root cause is blank or too coarse to learn from."""
    return pl.col("root_cause").str.to_lowercase().is_in([c.lower() for c in COARSE_ROOT_CAUSES])


def themes_of_uncategorised(
    prepared: pl.DataFrame, *, n_themes: int = 6, seed: int = 2026
) -> tuple[Themes | None, pl.DataFrame]:
    """Themes in the descriptions of complaints whose root cause is blank or coarse.

    Returns the :class:`~auditlib.learning.themes.Themes` (``None`` when fewer than
    :data:`MIN_THEME_TEXTS` usable descriptions) and the rows it was run on.
    """
    from auditlib.learning.themes import NARRATIVE_STOP_WORDS, find_themes

    rows = prepared.filter(
        coarse_root_cause() & (pl.col("description").str.len_chars().fill_null(0) > 0)
    )
    if rows.height < MIN_THEME_TEXTS:
        return None, rows
    residents = rows.select(
        pl.coalesce("tenant_ref", "property_ref", "complaint_id").alias("resident")
    ).to_series()
    themes = find_themes(
        rows["description"],
        n_themes=n_themes,
        seed=seed,
        extra_stop_words=NARRATIVE_STOP_WORDS,
        residents=residents,
    )
    return themes, rows


def analyse(
    result: AuditResult,
    *,
    period: Period | None = None,
    seed: int = 2026,
    window_days: int = repeats.WINDOW_DAYS,
    n_themes: int = 6,
    previous_plan: pl.DataFrame | None = None,
    alpha: float = trends.ALPHA,
) -> Learning:
    """Run every analysis on an audit result's period and draft the action plan.

    Parameters
    ----------
    result
        From :func:`auditlib.audit.run_audit`.
    period
        Defaults to the audit's period.
    seed
        Seed for theme finding (the only random step).
    window_days
        Window for repeat complaints.
    n_themes
        Themes to look for in descriptions with a blank or coarse root cause.
    previous_plan
        Last period's plan (:func:`auditlib.learning.actionplan.read_plan`).
    alpha
        Significance level for the trend and vulnerability tests.
    """
    from auditlib.privacy import mask_columns

    period = period or result.period
    # categories and root causes are typed by people: no name or contact detail is shown
    assessed = mask_columns(result.assessed)
    prepared = rootcause.prepare(assessed, period)
    summary = rootcause.summary(prepared, period)
    trend = trends.rising(assessed, period, alpha=alpha)
    repeat = repeats.repeat_summary(assessed, period, window_days=window_days)
    vulnerable = vulnerability.compare(prepared, period, alpha=alpha)
    themes, theme_rows = themes_of_uncategorised(prepared, n_themes=n_themes, seed=seed)
    theme_table = themes.table() if themes is not None else None
    findings = actionplan.draft_findings(
        period,
        trends=trend,
        summary=summary,
        repeats=repeat,
        vulnerability=vulnerable,
        themes=theme_table,
        uncategorised=theme_rows.height,
    )
    return Learning(
        period=period,
        complaints=prepared.height,
        summary=summary,
        monthly=rootcause.monthly(prepared, period),
        pareto=rootcause.pareto(prepared, period),
        root_causes=rootcause.root_causes(prepared, period),
        trends=trend,
        repeats=repeat,
        repeat_headline=repeats.repeat_headline(assessed, period, window_days=window_days),
        vulnerability=vulnerable,
        theme_table=theme_table,
        theme_terms=themes.terms if themes is not None else None,
        uncategorised=theme_rows.height,
        plan=actionplan.carry_forward(findings, previous_plan),
        settings={
            "seed": seed,
            "window_days": window_days,
            "n_themes": n_themes,
            "alpha": alpha,
            "themes": themes.settings if themes is not None else None,
        },
    )


def charts(learning: Learning) -> dict[str, Any]:
    """The learning charts by name (altair imported here, not at module import)."""
    from auditlib.reports import learning as figures

    made = {
        "pareto": figures.pareto_chart(learning.pareto),
        "monthly": figures.monthly_chart(learning.monthly, learning.trends),
        "rates": figures.rates_chart(learning.summary),
        "compensation": figures.compensation_chart(learning.summary),
        "repeats": figures.repeats_chart(learning.repeats),
        "vulnerability": figures.vulnerability_chart(learning.vulnerability),
    }
    if learning.theme_table is not None:
        made["themes"] = figures.themes_chart(learning.theme_table)
    return made


def write_learning(
    learning: Learning, out_dir: str | Path, *, images: tuple[str, ...] = ("svg",)
) -> dict[str, Path]:
    """Write the action plan (XLSX, CSV), every table (CSV) and chart images.

    Returns the written paths by name. Raises ``ValueError`` if a table carries a
    personal column (a guard: none should).
    """
    from auditlib.reports.render import save_chart

    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for key, path in actionplan.write_plan(learning.plan, out).items():
        paths[f"plan_{key}"] = path
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    for name, table in learning.tables().items():
        leaked = sorted(set(table.columns) & set(PERSONAL_COLUMNS))
        if leaked:
            msg = f"table {name!r} carries personal column(s) {', '.join(leaked)}"
            raise ValueError(msg)
        paths[name] = write_csv(table, tables / f"{name}.csv")
    for name, chart in charts(learning).items():
        for kind in images:
            paths[f"chart_{name}_{kind}"] = save_chart(chart, out / "charts" / f"{name}.{kind}")
    return paths
