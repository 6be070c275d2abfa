"""The Ombudsman's view of one landlord: one run, its board section, what it writes.

``auditlib ombudsman``, ``notebooks/04_ombudsman.ipynb`` and the board paper all call
:func:`analyse` (or :func:`from_config`) and read the :class:`OmbudsmanView` it returns.
:func:`board_section` is what a board sees: counts, rates and categories, small counts
suppressed, never a finding's text or a case reference. :func:`self_assessment_figures`
gives the figures the annual self-assessment cites (Code 8.1(c), (e), (f) and 9.7(c)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib.errors import ConfigError
from auditlib.ombudsman import baseline, landlord
from auditlib.ombudsman.findings import Findings, FindingsMapping, load_findings, mapping_from
from auditlib.ombudsman.names import NameMatch, match_landlord
from auditlib.privacy import DEFAULT_MIN_COUNT, suppress_small_counts, suppressed_text
from auditlib.tsm import Period

if TYPE_CHECKING:
    from auditlib.config import AuditConfig


@dataclass(frozen=True)
class OmbudsmanView:
    """Everything the Ombudsman view found for one landlord and period.

    ``own`` holds the landlord's findings as published (with their text and case
    references): for the complaints team, never for a board table. Every other frame
    is counts, rates and categories.
    """

    landlord: str
    period: Period
    names: NameMatch
    source: Findings
    mapping: FindingsMapping
    homes: int | None
    homes_source: str
    own: pl.DataFrame
    summary: dict[str, Any]
    by_year: pl.DataFrame
    by_category: pl.DataFrame
    category_by_finding: pl.DataFrame
    complaint_handling: pl.DataFrame
    comparison: pl.DataFrame | None
    unmapped_categories: pl.DataFrame | None
    sector: pl.DataFrame
    groups: pl.DataFrame
    positions: pl.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def position(self, measure: str, group: str = baseline.ALL) -> dict[str, Any]:
        """One row of :attr:`positions` as a dict (``measure`` ``upheld_pct``/``per_1000``)."""
        rows = self.positions.filter(
            (pl.col("measure") == measure) & (pl.col("group") == group)
        ).to_dicts()
        return rows[0]

    def left_out_of_per_1000(self) -> tuple[int, int]:
        """(landlords, findings) in the period with no stock size: not in per-1,000 figures."""
        row = self.groups.filter(
            (pl.col("landlord_type") == baseline.ALL) & (pl.col("size_band") == baseline.ALL)
        ).row(0, named=True)
        return int(row["landlords_without_homes"]), int(row["findings_without_homes"])

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables the command writes (counts and categories; no text, no references)."""
        named = {
            "by_year": self.by_year,
            "by_category": self.by_category,
            "category_by_finding": self.category_by_finding,
            "complaint_handling": self.complaint_handling,
            "sector_groups": self.groups,
            "position": self.positions,
            "names_matched": self.names.matched,
            "names_near_misses": self.names.near_misses,
        }
        if self.comparison is not None:
            named["category_comparison"] = self.comparison
        if self.unmapped_categories is not None:
            named["own_categories_not_mapped"] = self.unmapped_categories
        return named


def default_period(findings: pl.DataFrame, *, start_month: int = 4) -> Period:
    """The latest reporting year complete in the file (the year of its latest decision
    if the file ends on that year's last day).

    Examples
    --------
    >>> f = pl.DataFrame({"decision_date": [date(2024, 5, 1), date(2026, 5, 26)]})
    >>> default_period(f).label
    '2025/26'
    """
    latest = findings["decision_date"].max()
    if not isinstance(latest, date):
        msg = "the findings file has no dated finding"
        raise ValueError(msg)
    current = Period.reporting_year(latest, start_month=start_month)
    if latest == current.end:
        return current
    return Period.reporting_year(
        current.start.replace(year=current.start.year - 1), start_month=start_month
    )


def analyse(
    findings: Findings | str | Path,
    landlord_name: str,
    *,
    former_names: tuple[str, ...] = (),
    exclude_names: tuple[str, ...] = (),
    mapping: FindingsMapping | str | Path | None = None,
    homes: int | None = None,
    period: Period | None = None,
    complaints: pl.DataFrame | None = None,
    start_month: int = 4,
    comparison_years: int = 3,
) -> OmbudsmanView:
    """Find the landlord in a findings file and set its findings against the sector.

    Parameters
    ----------
    findings
        A loaded file (:func:`load_findings`) or the path of one.
    landlord_name
        The landlord as the Ombudsman writes it (variants are matched: see
        :mod:`auditlib.ombudsman.names`).
    former_names, exclude_names
        Other names the landlord had; names that match but are another body.
    mapping
        The Ombudsman mapping (or its path); default: the built-in one.
    homes
        The landlord's homes when the file gives no stock size for it.
    period
        Default: the latest reporting year complete in the file.
    complaints
        The landlord's own complaints (any frame with ``category``), for the category
        comparison; without them there is no comparison.
    start_month
        First month of the reporting year.
    comparison_years
        Reporting years of findings, ending with the period, set against the landlord's
        own complaint categories.

    Raises
    ------
    InputError
        The file cannot be read, or no name in it matches the landlord.
    """
    from auditlib.errors import InputError

    mapping = mapping_from(mapping)
    loaded = (
        findings if isinstance(findings, Findings) else load_findings(findings, mapping=mapping)
    )
    frame = loaded.findings
    counts = frame.group_by("landlord").agg(pl.len().cast(pl.Int64).alias("findings"))
    names = match_landlord(counts, landlord_name, other_names=former_names, exclude=exclude_names)
    if not names.matched.height:
        close = ", ".join(f"{n!r}" for n in names.near_misses["name"].head(5).to_list())
        hint = f"; closest: {close}" if close else ""
        msg = (
            f"no landlord name matches {landlord_name!r}{hint}. Give the name as the "
            "Ombudsman writes it, or add it under ombudsman.former_names"
        )
        raise InputError(loaded.source, msg, column="landlord")
    period = period or default_period(frame, start_month=start_month)
    own = frame.filter(pl.col("landlord").is_in(names.matched_names))
    sector = baseline.per_landlord(
        frame, mapping, period, ours=names.matched_names, our_homes=homes
    )
    ours = sector.filter(pl.col("is_ours")).row(0, named=True)
    file_homes = own["stock_size"].drop_nulls()
    homes_source = (
        "the findings file" if file_homes.len() else ("the configuration" if homes else "not known")
    )
    comparison = unmapped = None
    window = landlord.comparison_window(period, comparison_years)
    if complaints is not None and mapping.categories:
        from auditlib.privacy import mask_columns

        # the landlord's own categories are typed by people and are shown: masked first
        own_complaints = mask_columns(complaints, ["category"])
        comparison, unmapped = landlord.category_comparison(
            own, own_complaints, mapping, window=window
        )
    return OmbudsmanView(
        landlord=names.display_name,
        period=period,
        names=names,
        source=loaded,
        mapping=mapping,
        homes=ours["homes"],
        homes_source=homes_source,
        own=own,
        summary=landlord.summary(own, mapping, period),
        by_year=landlord.by_year(own, frame, start_month=start_month),
        by_category=landlord.by_category(own.filter(landlord.in_period(period))),
        category_by_finding=landlord.category_by_finding(own.filter(landlord.in_period(period))),
        complaint_handling=landlord.complaint_handling(own, mapping, start_month=start_month),
        comparison=comparison,
        unmapped_categories=unmapped,
        sector=sector,
        groups=baseline.by_group(sector),
        positions=baseline.positions(sector),
        settings={
            "comparison_window": [window.start.isoformat(), window.end.isoformat()],
            "start_month": start_month,
            "upheld": list(mapping.upheld),
            "not_counted": list(mapping.not_counted),
        },
    )


def from_config(
    config: AuditConfig,
    *,
    complaints: pl.DataFrame | None = None,
    period: Period | None = None,
) -> OmbudsmanView | None:
    """The view the configuration's ``ombudsman:`` section describes; ``None`` without one.

    ``complaints`` (for example ``AuditResult.extract.complaints``) and ``period`` (the
    audit's) are passed on to :func:`analyse`.
    """
    from auditlib.ombudsman.settings import OmbudsmanSettings

    settings = OmbudsmanSettings.from_config(config)
    if settings.findings is None:
        return None
    name = settings.landlord or config.landlord
    if not settings.landlord and name == "landlord":
        msg = "set ombudsman.landlord to the landlord's name as the Ombudsman writes it"
        raise ConfigError(str(config.path or "(configuration)"), msg, column="ombudsman")
    view = analyse(
        settings.findings,
        name,
        former_names=settings.former_names,
        exclude_names=settings.exclude_names,
        mapping=settings.mapping,
        homes=settings.homes,
        period=period,
        complaints=complaints,
        start_month=config.reporting_year_start_month,
    )
    return _with_min_count(view, config)


def _with_min_count(view: OmbudsmanView, config: AuditConfig) -> OmbudsmanView:
    """The view with the configuration's small-count threshold recorded for publishing."""
    view.settings["min_count"] = config.min_published_count
    return view


def analyse_configured(
    config: AuditConfig,
    *,
    findings_path: str | Path | None = None,
    landlord: str | None = None,
    extract_path: str | Path | None = None,
    period_start: str | date | None = None,
    period_end: str | date | None = None,
    former_names: tuple[str, ...] = (),
    exclude_names: tuple[str, ...] = (),
    mapping: str | Path | None = None,
    homes: int | None = None,
) -> OmbudsmanView:
    """The view for explicit choices, the configuration filling in the rest.

    What the command line and the notebook call. Blank values (``""`` or ``None``) fall
    back to the configuration's ``ombudsman:`` section. The configured former names,
    excluded names, homes and extract are used only when the landlord is the configured
    one (or none is named); ``extract_path=""`` means no category comparison.

    Raises
    ------
    ConfigError
        No findings file or no landlord is given or configured, or the period is wrong.
    """
    from auditlib.config import config_date
    from auditlib.loader import load_complaints
    from auditlib.ombudsman.settings import OmbudsmanSettings

    settings = OmbudsmanSettings.from_config(config)
    source = "(arguments)"
    findings = findings_path or settings.findings
    if not findings:
        msg = "no findings file: name one, or set 'ombudsman.findings' in the configuration"
        raise ConfigError(source, msg)
    name = landlord or settings.landlord
    if not name:
        msg = "no landlord: name one, or set 'ombudsman.landlord' in the configuration"
        raise ConfigError(source, msg)
    configured = not landlord or landlord == settings.landlord
    period = None
    if period_start or period_end:
        if not (period_start and period_end):
            raise ConfigError(source, "give both the period's start and end, or neither")
        try:
            period = Period(
                config_date(period_start, "period_start", source),
                config_date(period_end, "period_end", source),
            )
        except ValueError as exc:
            raise ConfigError(source, str(exc)) from None
    if homes is not None and homes <= 0:
        raise ConfigError(source, f"{homes!r} is not a positive number of homes")
    extract = config.extract if extract_path is None and configured else extract_path
    complaints = None
    if extract:
        complaints = load_complaints(
            extract, mapping=config.load_mapping(), columns=("category",)
        ).complaints
    view = analyse(
        findings,
        name,
        former_names=former_names + (settings.former_names if configured else ()),
        exclude_names=exclude_names + (settings.exclude_names if configured else ()),
        mapping=mapping or settings.mapping,
        homes=homes or (settings.homes if configured else None),
        period=period,
        complaints=complaints,
        start_month=config.reporting_year_start_month,
    )
    return _with_min_count(view, config)


def _count(value: int, threshold: int) -> str:
    return suppressed_text(threshold) if 0 < value < threshold else f"{value:,}"


def headline(view: OmbudsmanView, *, threshold: int | None = None) -> str:
    """The Ombudsman's view in plain words, small counts suppressed.

    ``threshold`` defaults to the configuration's ``privacy.min_count`` (5).

    Notes
    -----
    A sentence such as: "In 2025/26 the Housing Ombudsman made 34 findings about
    Example Homes in 15 cases, and upheld 24 of the 33 it decided on the merits (73%;
    95% interval 56% to 85%), against 72% across all landlords. ..."
    """
    threshold = threshold or view.settings.get("min_count", DEFAULT_MIN_COUNT)
    s = view.summary
    parts = [
        f"In {view.period.label} the Housing Ombudsman made "
        f"{_count(s['findings'], threshold)} findings about {view.landlord} in "
        f"{_count(s['cases'], threshold)} cases"
    ]
    upheld = view.position("upheld_pct")
    if s["counted"] >= threshold and s["upheld"] >= threshold:
        parts[0] += (
            f", and upheld {s['upheld']:,} of the {s['counted']:,} it decided on the merits "
            f"({s['upheld_pct']:.0f}%; 95% interval {s['upheld_low_pct']:.0f}% to "
            f"{s['upheld_high_pct']:.0f}%), against {upheld['sector']:.0f}% across all landlords."
        )
    else:
        parts[0] += "; too few findings to give an upheld rate without identifying cases."
    handled, failed = s["complaint_handling_findings"], s["complaint_handling_failures"]
    parts.append(
        f"{_count(handled, threshold).capitalize()} findings were about how complaints were "
        f"handled, {_count(failed, threshold)} of them failures (maladministration, severe "
        "maladministration or service failure)."
    )
    rate = view.position("per_1000")
    if rate["value"] is not None and rate["estimate_percentile"] is not None:
        parts.append(
            f"That is {rate['value']:.2f} findings per 1,000 homes a year, against "
            f"{rate['sector']:.2f} for the {rate['landlords']:,} other landlords whose size is "
            f"known: {_place(rate)}."
        )
    if upheld["estimate_percentile"] is not None and s["counted"] >= threshold:
        parts.append(f"Its upheld rate is {_place(upheld)}, among {upheld['landlords']:,} others.")
    if view.comparison is not None:
        more = view.comparison.filter(pl.col("verdict") == "more often before the Ombudsman")[
            "ombudsman_category"
        ].to_list()
        if more:
            parts.append(
                f"{', '.join(more)} came before the Ombudsman more often than the "
                "landlord's own complaint records would suggest."
            )
    return " ".join(parts)


def _place(position: dict[str, Any]) -> str:
    """'higher than about 62% of them (56% to 72% allowing for chance)' and the like."""
    pct, low, high = (
        position["estimate_percentile"],
        position["percentile_low"],
        position["percentile_high"],
    )
    if pct >= 99.5:
        where = "higher than all of them"
    elif pct <= 0.5:
        where = "lower than all of them"
    else:
        where = f"higher than about {pct:.0f}% of them"
    return f"{where} (between {low:.0f}% and {high:.0f}% allowing for chance)"


@dataclass(frozen=True)
class BoardSection:
    """The Ombudsman section of a board paper: a headline, tables and charts.

    Tables hold counts, rates and categories only, with counts from 1 to
    ``threshold - 1`` shown as "fewer than N" and the rates worked out from them
    hidden. Charts are altair objects (render them with
    :func:`auditlib.reports.render.save_chart` or ``vl-convert``).
    """

    title: str
    headline: str
    tables: dict[str, pl.DataFrame]
    charts: dict[str, Any]
    notes: tuple[str, ...]


_RATES = {"upheld_pct": "counted", "upheld_low_pct": "counted", "upheld_high_pct": "counted"}


def board_section(view: OmbudsmanView, *, threshold: int | None = None) -> BoardSection:
    """The board-facing Ombudsman section: headline, suppressed tables, charts.

    Parameters
    ----------
    view
        From :func:`analyse` or :func:`from_config`.
    threshold
        Counts below this (and above 0) are suppressed; default: the configuration's
        ``privacy.min_count`` when the view came from it, else 5.
    """
    threshold = threshold or view.settings.get("min_count", DEFAULT_MIN_COUNT)
    from auditlib.reports import ombudsman as figures

    by_year = view.by_year.select(
        "year", "findings", "cases", "counted", "upheld", "severe", *_RATES, "sector_upheld_pct"
    )
    by_category = view.by_category.select(
        "category", "findings", "counted", "upheld", "share_pct", *_RATES
    )
    counts = [c for c in view.category_by_finding.columns if c != "category"]
    handling = view.complaint_handling.select(
        "year", "findings", "failures", "counted", "failure_pct"
    )
    tables = {
        "Findings by year": suppress_small_counts(
            by_year,
            ["findings", "cases", "counted", "upheld", "severe"],
            threshold=threshold,
            derived=_RATES,
        ),
        "Findings by category": suppress_small_counts(
            by_category,
            ["findings", "counted", "upheld"],
            threshold=threshold,
            derived={"share_pct": "findings", **_RATES},
        ),
        "Findings by category and outcome": suppress_small_counts(
            view.category_by_finding, counts, threshold=threshold
        ),
        "Complaint handling findings": suppress_small_counts(
            handling,
            ["findings", "failures", "counted"],
            threshold=threshold,
            derived={"failure_pct": "counted"},
        ),
        "Against other landlords": view.positions.select(
            "measure",
            "group",
            "value",
            "low",
            "high",
            "sector",
            "landlords",
            "estimate_percentile",
            "percentile_low",
            "percentile_high",
            "funnel",
        ),
        "Sector rates by landlord type and size": suppress_small_counts(
            view.groups.select(
                "landlord_type",
                "size_band",
                "landlords",
                "findings",
                "upheld_pct",
                "per_1000",
                "landlords_without_homes",
            ),
            ["landlords", "findings"],
            threshold=threshold,
            derived={"upheld_pct": "findings", "per_1000": "findings"},
        ),
    }
    if view.comparison is not None:
        tables["Ombudsman categories against our own"] = suppress_small_counts(
            view.comparison.select(
                "ombudsman_category",
                "own_categories",
                "ombudsman_findings",
                "ombudsman_share_pct",
                "own_complaints",
                "own_share_pct",
                "verdict",
            ),
            ["ombudsman_findings", "own_complaints"],
            threshold=threshold,
            derived={
                "ombudsman_share_pct": "ombudsman_findings",
                "own_share_pct": "own_complaints",
            },
        )
    charts = figures.board_charts(view, threshold=threshold)
    left, left_findings = view.left_out_of_per_1000()
    notes = (
        "Counts from 1 to "
        f"{threshold - 1} are shown as '{suppressed_text(threshold)}' and rates on them hidden.",
        f"{left:,} landlords ({left_findings:,} findings) have no stock size in the file: they "
        "are in the upheld rates and left out of the per-1,000 figures.",
        "Upheld: severe maladministration, maladministration or service failure; rates are "
        "over findings on the merits (outside jurisdiction left out).",
        f"Names taken as {view.landlord}: {', '.join(view.names.matched_names)}.",
    )
    return BoardSection(
        title=f"The Housing Ombudsman's findings, {view.period.label}",
        headline=headline(view, threshold=threshold),
        tables=tables,
        charts=charts,
        notes=notes,
    )


def self_assessment_figures(view: OmbudsmanView) -> dict[str, Any]:
    """Figures for the self-assessment: Code 8.1(c), (e), (f) and 9.7(c).

    Plain values (JSON-ready) for the period: findings, cases, each finding's count,
    upheld with its rate and interval, complaint-handling findings and failures, and
    the landlord's place against the sector, each with the provision it evidences.
    """
    s = view.summary
    by_finding = (
        view.own.filter(landlord.in_period(view.period))
        .group_by("finding")
        .len()
        .sort("finding")
        .rows()
    )
    upheld, rate = view.position("upheld_pct"), view.position("per_1000")
    return {
        "landlord": view.landlord,
        "names_matched": view.names.matched_names,
        "period_start": s["period_start"],
        "period_end": s["period_end"],
        "findings": s["findings"],
        "cases": s["cases"],
        "findings_by_outcome": {k: int(v) for k, v in by_finding},
        "upheld": s["upheld"],
        "counted": s["counted"],
        "upheld_pct": s["upheld_pct"],
        "upheld_low_pct": s["upheld_low_pct"],
        "upheld_high_pct": s["upheld_high_pct"],
        "severe_maladministration": s["severe"],
        "complaint_handling_findings": s["complaint_handling_findings"],
        "complaint_handling_failures": s["complaint_handling_failures"],
        "sector_upheld_pct": upheld["sector"],
        "upheld_percentile": upheld["estimate_percentile"],
        "findings_per_1000_homes": rate["value"],
        "sector_findings_per_1000_homes": rate["sector"],
        "per_1000_percentile": rate["estimate_percentile"],
        "source": view.source.source,
        "provisions": {
            "8.1(c)": "complaint_handling_failures: the Ombudsman's findings of failure in "
            "how complaints were handled (Complaint Handling Failure Notices are published "
            "separately and are not in the decisions data)",
            "8.1(e)": "findings, upheld_pct and the sector comparison: the Ombudsman's "
            "published view of the landlord's performance",
            "8.1(f)": "findings_by_outcome: other published Ombudsman decisions about the landlord",
            "9.7(c)": "findings, cases and findings_by_outcome in the period: Ombudsman "
            "investigation outcomes for the governing body",
        },
    }


def write_view(
    view: OmbudsmanView, out_dir: str | Path, *, images: tuple[str, ...] = ("svg",)
) -> dict[str, Path]:
    """Write every table (CSV), the landlord's findings (CSV, for the complaints team),
    the figures (JSON) and the charts; return the paths by name.
    """
    import json

    from auditlib.outputs import write_csv

    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for name, table in view.tables().items():
        paths[name] = write_csv(table, out / "tables" / f"{name}.csv")
    paths["landlord_findings"] = write_csv(
        view.own.sort("decision_date", "case_id"), out / "landlord_findings.csv"
    )
    paths["quarantine"] = write_csv(view.source.quarantine, out / "quarantine.csv")
    paths["figures"] = out / "figures.json"
    figures_json = {**self_assessment_figures(view), "headline": headline(view)}
    paths["figures"].write_text(json.dumps(figures_json, indent=2) + "\n", encoding="utf-8")
    if not images:
        return paths
    from auditlib.reports import ombudsman as figures  # altair only when drawing
    from auditlib.reports.render import save_chart

    for name, chart in figures.charts(view).items():
        for kind in images:
            paths[f"chart_{name}_{kind}"] = save_chart(chart, out / "charts" / f"{name}.{kind}")
    return paths
