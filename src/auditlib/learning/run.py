"""One learning run: every analysis of a period, the action plan, and what it writes.

The notebook and ``auditlib learning`` both call :func:`analyse` on an
:class:`auditlib.audit.AuditResult` and :func:`write_learning` to leave the plan, the
tables and the charts in a folder. Tables written here are board-facing: counts, rates,
theme names and the period, never a reference, a description, a remedy or a learning
note as written, and every count under the configuration's ``privacy.min_count`` reads
"fewer than N" (:mod:`auditlib.learning.publish`; the :class:`Learning` frames keep their
numbers).

Every analysis states whether it ran (:class:`~auditlib.learning.availability.AnalysisStatus`):
an extract without a vulnerability column still gets everything else, and the
vulnerability table, chart and a plan row say "not available: column vulnerability not
in the extract".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib.learning import (
    actionplan,
    availability,
    notes,
    publish,
    rates,
    repeats,
    rootcause,
    trends,
    vulnerability,
)
from auditlib.learning.availability import AnalysisStatus
from auditlib.learning.rootcause import coarse_root_cause
from auditlib.learning.settings import LearningSettings
from auditlib.outputs import write_csv
from auditlib.privacy import DEFAULT_MIN_COUNT
from auditlib.schema import PERSONAL_COLUMNS
from auditlib.tsm import Period

if TYPE_CHECKING:
    from auditlib.audit import AuditResult
    from auditlib.learning.themes import Themes

#: fewest descriptions worth looking for themes in
MIN_THEME_TEXTS = 20
#: the one group when the extract has no category
ALL_COMPLAINTS = "All complaints"


@dataclass(frozen=True)
class Learning:
    """Everything one learning run found for a period (board-facing frames only).

    ``analyses`` says, for each analysis, whether it ran or why not (``not available:
    column vulnerability not in the extract``, or for trends which test ran and why);
    a table whose analysis did not run holds that statement as its one row.

    The frames hold every count as counted. What is written or drawn comes from
    :meth:`published_tables`, where a count from 1 to ``min_count - 1`` (and any count
    hidden to protect one) reads "fewer than N"; the plan is drafted from those.
    """

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
    rate_tests: pl.DataFrame | None = None
    analyses: dict[str, AnalysisStatus] = field(default_factory=dict)
    #: the small-count threshold of what is published (``privacy.min_count``)
    min_count: int = DEFAULT_MIN_COUNT
    #: categories whose last-period total last period's summary hid (for the trends'
    #: last-period counts, which show it)
    earlier_hidden: tuple[str, ...] = ()

    def ran(self, analysis: str) -> bool:
        """True when ``analysis`` ran (a key of :attr:`analyses`)."""
        status = self.analyses.get(analysis)
        return status is None or status.ran

    def status_table(self) -> pl.DataFrame:
        """One row per analysis: ``analysis``, ``status``, ``detail``, ``missing_columns``."""
        return availability.status_table(self.analyses.values())

    def rising_categories(self) -> list[str]:
        """The categories flagged as rising beyond noise (empty when none or not tested)."""
        if "rising" not in self.trends.columns:
            return []
        return self.trends.filter(pl.col("rising"))["category"].to_list()

    def open_actions(self) -> pl.DataFrame:
        """The plan's rows whose status is not a closed one."""
        closed = pl.col("status").str.to_lowercase().is_in(actionplan.CLOSED_STATUSES)
        return self.plan.filter(~closed.fill_null(False))

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables by name as counted (themes only when found); see :meth:`published_tables`."""
        named = {
            "analyses": self.status_table(),
            "summary_by_category": self.summary,
            "monthly_by_category": self.monthly,
            "pareto": self.pareto,
            "root_causes": self.root_causes,
            "trends": self.trends,
            "repeats": self.repeats,
            "repeat_headline": self.repeat_headline,
            "vulnerability": self.vulnerability,
        }
        if self.rate_tests is not None:
            named["late_and_escalation_tests"] = self.rate_tests
        if self.theme_table is not None and self.theme_terms is not None:
            named["themes"] = self.theme_table
            named["theme_terms"] = self.theme_terms
        return named

    def published_tables(self) -> dict[str, pl.DataFrame]:
        """The board-facing tables by name, as written: small counts hidden.

        Count columns are text (``"1,204"``, ``"fewer than 5"``); rates and other figures
        resting on a hidden count are blank (:mod:`auditlib.learning.publish`).
        """
        return publish.tables(self)


def themes_of_uncategorised(
    prepared: pl.DataFrame,
    *,
    n_themes: int = 6,
    seed: int = 2026,
    min_residents: int = DEFAULT_MIN_COUNT,
) -> tuple[Themes | None, pl.DataFrame]:
    """Themes in the descriptions of complaints whose root cause is blank or coarse.

    Returns the :class:`~auditlib.learning.themes.Themes` (``None`` when fewer than
    :data:`MIN_THEME_TEXTS` usable descriptions) and the rows it was run on. A word
    names a theme only if the complaints of ``min_residents`` residents use it.
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
        min_residents=min_residents,
    )
    return themes, rows


def analyse(
    result: AuditResult,
    *,
    period: Period | None = None,
    seed: int | None = None,
    window_days: int | None = None,
    n_themes: int | None = None,
    previous_plan: pl.DataFrame | None = None,
    alpha: float | None = None,
    settings: LearningSettings | None = None,
    min_count: int | None = None,
) -> Learning:
    """Run every analysis the extract allows on a period, and draft the action plan.

    An analysis whose column the extract lacks (or leaves blank in every row) does not
    run: its table, chart and a plan row say so, and :attr:`Learning.analyses` records
    it. Everything else runs.

    Parameters
    ----------
    result
        From :func:`auditlib.audit.run_audit`.
    period
        Defaults to the audit's period.
    seed, window_days, n_themes, alpha
        Override the settings: seed for theme finding (the only random step), window
        for repeat complaints, themes to look for, significance level of every test.
    previous_plan
        Last period's plan (:func:`auditlib.learning.actionplan.read_plan`).
    settings
        The ``learning:`` settings of the configuration (``AuditConfig.learning``);
        defaults when not given.
    min_count
        The small-count threshold of everything published, the configuration's
        ``privacy.min_count`` (``AuditConfig.min_published_count``; 5 when not given):
        counts below it read "fewer than N" in the tables, charts and plan, and a word
        of a theme or a learning note must be used by at least this many residents or
        notes.
    """
    from auditlib.privacy import mask_columns

    cfg = (settings or LearningSettings()).but(
        seed=seed, window_days=window_days, themes=n_themes, alpha=alpha
    )
    period = period or result.period
    min_count = DEFAULT_MIN_COUNT if min_count is None else min_count
    if min_count < 1:
        msg = f"the small-count threshold must be at least 1, not {min_count}"
        raise ValueError(msg)
    # categories and root causes are typed by people: no name or contact detail is shown
    assessed = mask_columns(result.assessed)
    problems = availability.column_problems(assessed, result.extract.found_columns or None)
    status = {name: availability.status_of(name, problems) for name in availability.NEEDS}
    if "category" in problems:  # one group: every complaint
        assessed = assessed.with_columns(pl.lit(ALL_COMPLAINTS).alias("category"))
    if "learning_note" not in assessed.columns:  # a frame built without the loader
        assessed = assessed.with_columns(pl.lit(None, pl.String).alias("learning_note"))
    prepared = rootcause.prepare(assessed, period)
    blanked = [name for name, s in status.items() if not s.ran]
    summary = rootcause.blank_measures(rootcause.summary(prepared, period), blanked)

    trend = trends.rising(
        assessed,
        period,
        alpha=cfg.alpha,
        min_ratio=cfg.trend_min_ratio,
        min_count=cfg.trend_min_count,
        as_of=min(result.as_of, period.end) if result.as_of >= period.start else None,
        min_months=cfg.trend_min_months,
        min_history=cfg.trend_min_history,
    )
    status["trends"] = _trend_status(trend)

    rate_parts = [
        rates.above_threshold(
            summary, measure, threshold_pct=threshold, alpha=cfg.alpha,
            min_complaints=cfg.min_complaints,
        )
        for measure, analysis, threshold in (
            ("late", "lateness", cfg.late_pct),
            ("escalated", "escalation", cfg.escalation_pct),
        )
        if status[analysis].ran
    ]  # fmt: skip
    rate_tests = pl.concat(rate_parts) if rate_parts else None

    if status["repeats"].ran:
        usable = assessed.drop([c for c in ("tenant_ref", "property_ref") if c in problems])
        repeat = repeats.repeat_summary(usable, period, window_days=cfg.window_days)
        headline = repeats.repeat_headline(usable, period, window_days=cfg.window_days)
    else:
        repeat = headline = availability.placeholder(status["repeats"])

    vulnerable = _vulnerability(prepared, period, status, cfg.alpha)

    theme_table = theme_terms = None
    theme_settings: dict[str, Any] | None = None
    uncategorised = 0
    if status["themes"].ran:
        themes, theme_rows = themes_of_uncategorised(
            prepared, n_themes=cfg.themes, seed=cfg.seed, min_residents=min_count
        )
        uncategorised = theme_rows.height
        if themes is None:
            found = publish.count_text(
                theme_rows.height, 0 < theme_rows.height < min_count, min_count
            )
            status["themes"] = AnalysisStatus(
                "themes",
                availability.NOT_TESTED,
                f"{availability.NOT_TESTED}: {found} descriptions without a "
                f"specific root cause, fewer than the {MIN_THEME_TEXTS} needed for themes",
            )
        else:
            theme_table, theme_terms = themes.table(), themes.terms
            theme_settings = themes.settings

    root = (
        rootcause.root_causes(prepared, period)
        if status["root_causes"].ran
        else availability.placeholder(status["root_causes"])
    )
    if status["root_causes"].ran and status["learning_notes"].ran:
        root = root.join(
            notes.note_terms(prepared, min_notes=min_count),
            on=["category", "root_cause"],
            how="left",
        ).with_columns(
            pl.col("learning_notes").fill_null(0), pl.col("learning_note_terms").fill_null("")
        )
    elif status["root_causes"].ran:
        root = root.with_columns(
            pl.lit(None, pl.Int64).alias("learning_notes"),
            pl.lit(status["learning_notes"].detail).alias("learning_note_terms"),
        )

    monthly = rootcause.monthly(prepared, period)
    earlier_hidden = _earlier_hidden(
        assessed, trend, min_count, root_causes=status["root_causes"].ran
    )
    gaps = [s for s in status.values() if s.status == availability.NOT_AVAILABLE]
    findings = actionplan.draft_findings(
        period,
        trends=trend,
        rates=rate_tests,
        repeats=repeat if status["repeats"].ran else None,
        vulnerability=vulnerable if status["vulnerability"].ran else None,
        themes=theme_table,
        uncategorised=uncategorised,
        gaps=gaps,
        settings=cfg,
        min_count=min_count,
        category_flags=publish.category_flags(
            summary, min_count, monthly=monthly, root_causes=root
        ),
        earlier_hidden=earlier_hidden,
        found_on=result.as_of,
    )
    return Learning(
        period=period,
        complaints=prepared.height,
        summary=summary,
        monthly=monthly,
        pareto=rootcause.pareto(prepared, period)
        if status["pareto"].ran
        else availability.placeholder(status["pareto"]),
        root_causes=root,
        trends=trend,
        repeats=repeat,
        repeat_headline=headline,
        vulnerability=vulnerable,
        theme_table=theme_table,
        theme_terms=theme_terms,
        uncategorised=uncategorised,
        plan=actionplan.carry_forward(findings, previous_plan),
        settings={
            "seed": cfg.seed,
            "window_days": cfg.window_days,
            "n_themes": cfg.themes,
            "alpha": cfg.alpha,
            "learning": {k: v for k, v in asdict(cfg).items() if k != "owners"},
            "themes": theme_settings,
        },
        rate_tests=rate_tests,
        analyses=status,
        min_count=min_count,
        earlier_hidden=earlier_hidden,
    )


def _earlier_hidden(
    assessed: pl.DataFrame, trend: pl.DataFrame, min_count: int, *, root_causes: bool
) -> tuple[str, ...]:
    """The categories whose total last period's summary hid.

    When this period is compared with the previous one, the trends show last period's
    counts; they are hidden as last period's own summary hides them, which also hides a
    category whose months or root causes would have given its total away.
    """
    if trend.is_empty() or trend["method"][0] != trends.PREVIOUS:
        return ()
    before = Period(trend["earlier_start"][0], trend["earlier_end"][0])
    prepared = rootcause.prepare(assessed, before)
    flags = publish.category_flags(
        rootcause.summary(prepared, before),
        min_count,
        monthly=rootcause.monthly(prepared, before),
        root_causes=rootcause.root_causes(prepared, before) if root_causes else None,
    )
    return tuple(sorted(publish.hidden_categories(flags)))


def _trend_status(trend: pl.DataFrame) -> AnalysisStatus:
    """Which trend test ran and why, or why none did."""
    if trend.is_empty():
        detail = f"{availability.NOT_TESTED}: no complaints in the period or before it"
        return AnalysisStatus("trends", availability.NOT_TESTED, detail)
    method, reason = trend["method"][0], trend["reason"][0]
    if method == trends.NOT_TESTED:
        return AnalysisStatus("trends", availability.NOT_TESTED, f"{method}: {reason}")
    words = trends.METHOD_WORDS[method]
    return AnalysisStatus("trends", availability.RAN, f"{availability.RAN}: {words}, as {reason}")


def _vulnerability(
    prepared: pl.DataFrame, period: Period, status: dict[str, AnalysisStatus], alpha: float
) -> pl.DataFrame:
    """The vulnerability comparison, or its placeholder; updates ``status`` when not run."""
    if not status["vulnerability"].ran:
        return availability.placeholder(status["vulnerability"])
    skip = {name for name in ("lateness", "escalation") if not status[name].ran}
    if skip == {"lateness", "escalation"}:
        gone = tuple(c for name in sorted(skip) for c in status[name].missing)
        status["vulnerability"] = AnalysisStatus(
            "vulnerability",
            availability.NOT_AVAILABLE,
            availability.describe({c: "not in the extract" for c in gone}, gone).replace(
                "not in the extract", "not in the extract (no measure to compare)"
            ),
            gone,
        )
        return availability.placeholder(status["vulnerability"])
    groups = prepared.group_by("vulnerable").len()
    sizes = dict(groups.iter_rows())
    if not sizes.get(True) or not sizes.get(False):
        who = "no complaint" if not sizes.get(True) else "every complaint"
        status["vulnerability"] = AnalysisStatus(
            "vulnerability",
            availability.NOT_TESTED,
            f"{availability.NOT_TESTED}: {who} in the period has a vulnerability recorded, "
            "so there is no one to compare with",
        )
        return availability.placeholder(status["vulnerability"])
    return vulnerability.compare(prepared, period, alpha=alpha, skip=skip)


def charts(learning: Learning) -> dict[str, Any]:
    """The learning charts by name (altair imported here, not at module import).

    Drawn from the published tables (:meth:`Learning.published_tables`), so no small
    count is in a chart's data: hidden counts are grey bars at ``min_count``, and rates
    resting on them are left out. A chart whose analysis did not run, or whose table is
    empty, is a panel stating why, so every slot renders.
    """
    from auditlib.reports import learning as figures

    shown = learning.published_tables()
    n = learning.min_count

    def slot(name: str, title: str, build: Any, *needs: str) -> Any:
        for analysis in needs:
            if not learning.ran(analysis):
                return figures.unavailable_chart(title, learning.analyses[analysis].detail)
        try:
            return build()
        except figures.NothingToShow as empty:
            return figures.unavailable_chart(title, str(empty))

    made = {
        "pareto": slot(
            "pareto", "Where complaints concentrate",
            lambda: figures.pareto_chart(shown["pareto"], min_count=n), "pareto",
        ),
        "monthly": slot(
            "monthly", "Complaints each month, by category",
            lambda: figures.monthly_chart(
                shown["monthly_by_category"], learning.trends, min_count=n
            ),
        ),
        "rates": slot(
            "rates", "Escalation, lateness and upheld rates",
            lambda: figures.rates_chart(shown["summary_by_category"], min_count=n),
        ),
        "compensation": slot(
            "compensation", "Compensation by category",
            lambda: figures.compensation_chart(shown["summary_by_category"], min_count=n),
            "compensation",
        ),
        "repeats": slot(
            "repeats", "Categories that lead to repeat complaints",
            lambda: figures.repeats_chart(shown["repeats"], min_count=n), "repeats",
        ),
        "vulnerability": slot(
            "vulnerability", "Residents with a vulnerability",
            lambda: figures.vulnerability_chart(shown["vulnerability"], min_count=n),
            "vulnerability",
        ),
    }  # fmt: skip
    table = shown.get("themes")
    if table is not None:
        made["themes"] = slot(
            "themes",
            "Themes in complaints without a specific root cause",
            lambda: figures.themes_chart(table, min_count=n),
        )
    else:
        made["themes"] = figures.unavailable_chart(
            "Themes in complaints without a specific root cause",
            learning.analyses["themes"].detail if "themes" in learning.analyses else "none",
        )
    return made


def write_learning(
    learning: Learning, out_dir: str | Path, *, images: tuple[str, ...] = ("svg",)
) -> dict[str, Path]:
    """Write the action plan (XLSX, CSV), every table (CSV) and chart images.

    The tables are the published ones (:meth:`Learning.published_tables`): a count from
    1 to ``learning.min_count - 1``, or one hidden to protect it, reads "fewer than N".
    With ``images=()`` no chart is built. Returns the written paths by name. Raises
    ``ValueError`` if a table carries a personal column (a guard: none should).
    """

    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for key, path in actionplan.write_plan(learning.plan, out).items():
        paths[f"plan_{key}"] = path
    tables = out / "tables"
    for name, table in learning.published_tables().items():
        leaked = sorted(set(table.columns) & set(PERSONAL_COLUMNS))
        if leaked:
            msg = f"table {name!r} carries personal column(s) {', '.join(leaked)}"
            raise ValueError(msg)
        paths[name] = write_csv(table, tables / f"{name}.csv")
    if images:
        from auditlib.reports.render import save_chart

        for name, chart in charts(learning).items():
            for kind in images:
                paths[f"chart_{name}_{kind}"] = save_chart(chart, out / "charts" / f"{name}.{kind}")
    return paths
