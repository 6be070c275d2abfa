"""One self-assessment: every provision answered from the evidence, and the annual figures.

The notebook and ``auditlib self-assess`` both call :func:`self_assess` on an
:class:`~auditlib.audit.AuditResult` and :func:`write_self_assessment` to leave the
workbook (laid out like the Ombudsman's form), the HTML page and the JSON in a folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib import schema
from auditlib.annual import AnnualFigures, annual_figures
from auditlib.config import AuditConfig
from auditlib.errors import ConfigError, InputError
from auditlib.policy.catalogue import Catalogue, load_catalogue
from auditlib.selfassess.answers import Answer, Sources, answer_all, load_rules
from auditlib.selfassess.inputs import (
    ANSWERS,
    SelfAssessSettings,
    Thresholds,
    load_attestations,
    load_overrides,
)
from auditlib.selfassess.measures import MeasureContext, measure_all
from auditlib.tsm import Period

if TYPE_CHECKING:
    from auditlib.audit import AuditResult
    from auditlib.quality import QualityReport

#: what the self-assessment reads of an extract: every column but the personal ones it
#: never needs (``remedy`` is read only to see whether one is recorded)
COLUMNS: tuple[str, ...] = tuple(
    c.name for c in schema.COLUMNS if c.name not in ("description", "tenant_ref", "property_ref")
)
#: answers from best to worst, for "what regressed since last year"
_ORDER = {"Yes": 3, "Partly": 2, "Needs evidence": 1, "No": 0}
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class SelfAssessment:
    """The self-assessment of one period: an answer per provision and the annual figures."""

    landlord: str
    period: Period
    as_of: date
    assessed_on: date
    source: str
    catalogue: Catalogue
    rules_version: int
    answers: tuple[Answer, ...]
    figures: AnnualFigures
    thresholds: dict[str, Thresholds]
    inputs: dict[str, str | None]
    min_count: int = 5
    changes: pl.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self) -> pl.DataFrame:
        """One row per provision, the form's columns first."""
        rows = []
        for a in self.answers:
            rows.append(
                {
                    "section": a.provision.section,
                    "section_title": a.provision.section_title,
                    "provision": a.provision.number,
                    "requirement": a.provision.requirement,
                    "comply": ANSWERS[a.answer],
                    "evidence": evidence_text(a),
                    "commentary": a.commentary,
                    "suggested": ANSWERS[a.suggested],
                    "overridden": a.override is not None,
                    "rule": a.rule,
                    "code_status": a.provision.status,
                }
            )
        return pl.DataFrame(rows)

    def with_answer(self, label: str) -> pl.DataFrame:
        """The provisions answered ``label`` ("No", "Needs evidence"...), what and why."""
        return (
            self.table()
            .filter(pl.col("comply") == label)
            .select("provision", "requirement", "commentary", "suggested")
        )

    def counts(self) -> dict[str, int]:
        """How many provisions got each answer (the not-assessed left out)."""
        out = {label: 0 for key, label in ANSWERS.items() if key != "not_assessed"}
        for a in self.answers:
            if a.answer != "not_assessed":
                out[ANSWERS[a.answer]] += 1
        return out

    def summary(self) -> pl.DataFrame:
        """Answers by Code section: one row per section, a column per answer."""
        labels = [label for key, label in ANSWERS.items() if key != "not_assessed"]
        table = self.table().filter(pl.col("comply") != ANSWERS["not_assessed"])
        wide = (
            table.group_by("section", "section_title")
            .agg(
                *(pl.col("comply").eq(label).sum().cast(pl.Int64).alias(label) for label in labels)
            )
            .sort("section")
        )
        return wide.with_columns(pl.sum_horizontal(labels).alias("provisions"))

    def to_json(self) -> dict[str, Any]:
        """Everything, as plain data (``self_assessment.json``)."""
        from auditlib.annual import publishable

        figures = {
            name: publishable(name, table, min_count=self.min_count).to_dicts()
            for name, table in self.figures.tables().items()
            if name != "previous"
        }
        out: dict[str, Any] = {
            "landlord": self.landlord,
            "code": self.catalogue.code,
            "code_edition": self.catalogue.edition,
            "catalogue_version": self.catalogue.catalogue_version,
            "rules_version": self.rules_version,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "period": self.period.label,
            "as_of": self.as_of.isoformat(),
            "assessed_on": self.assessed_on.isoformat(),
            "source": self.source,
            "inputs": self.inputs,
            "thresholds": {
                k: {"yes_at_least": t.yes_at_least, "partly_at_least": t.partly_at_least}
                for k, t in sorted(self.thresholds.items())
            },
            "summary": self.counts(),
            "by_section": self.summary().to_dicts(),
            "provisions": [a.as_dict() for a in self.answers],
            "figures": figures,
            "figure_notes": list(self.figures.notes),
            "notes": list(self.notes),
        }
        if self.figures.previous is not None:
            out["figures_change"] = self.figures.previous.to_dicts()
        if self.changes is not None:
            out["changes"] = self.changes.to_dicts()
        return out


def evidence_text(answer: Answer) -> str:
    """The Evidence cell: each source's finding and where to check it, one per line."""
    lines = []
    for e in answer.evidence:
        if e.verdict == "missing":
            continue
        label = {
            "data": "Data",
            "data quality": "Data quality",
            "policy": "Policy",
            "attestation": "Attestation",
        }[e.source]
        if e.role == "context" and e.source == "data":
            label = "Context"
        line = f"{label}: {e.text}"
        if e.citation and e.citation != "—":
            line += f" [{e.citation}]"
        if e.note:
            line += f" ({e.note})"
        lines.append(line)
    return "\n".join(lines)


def _policy_findings(
    policy: str | Path | dict[str, Any] | None, catalogue: Catalogue
) -> tuple[dict[str, dict[str, Any]] | None, str | None, bool]:
    """The policy check's findings by provision, the policy's name, whether reviewed."""
    from auditlib.policy.check import check_profile
    from auditlib.policy.profile import load_profile, validate_profile

    if policy is None:
        return None, None, False
    if isinstance(policy, dict):
        profile, name = validate_profile(policy), "policy profile"
    else:
        path = Path(policy)
        name = path.name
        if path.suffix.lower() in PROFILE_SUFFIXES:
            profile = load_profile(path)
        else:
            from auditlib.policy.extract import extract_profile

            profile = validate_profile(extract_profile(path), source=str(path))
    reviewed = profile.get("meta", {}).get("reviewed") is True
    findings = check_profile(profile, catalogue=catalogue)
    return {f["provision"]: f for f in findings}, name, reviewed


def check_failed(check: dict[str, Any]) -> bool:
    """True for a data-quality check that ran and failed (not one left unchecked).

    Examples
    --------
    >>> check_failed({"status": "not_checked", "passed": None}), check_failed({"passed": False})
    (False, True)
    """
    if check.get("status") is not None:
        return check["status"] == "failed"
    return check.get("passed") is False


def _quality_checks(
    quality: QualityReport | str | Path | pl.DataFrame | None,
) -> list[dict[str, Any]] | None:
    """The data-quality checks as dicts, each with ``failed`` set (see :func:`check_failed`)."""
    checks = _read_checks(quality)
    return None if checks is None else [dict(c, failed=check_failed(c)) for c in checks]


def _read_checks(
    quality: QualityReport | str | Path | pl.DataFrame | None,
) -> list[dict[str, Any]] | None:
    if quality is None:
        return None
    if isinstance(quality, pl.DataFrame):
        return quality.to_dicts()
    if isinstance(quality, (str, Path)):
        path = Path(quality)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            checks = data["checks"]
        except (OSError, ValueError, KeyError, TypeError):
            msg = "cannot read it as a data-quality summary (summary.json of auditlib validate)"
            raise InputError(str(path), msg) from None
        return list(checks)
    return quality.checks.to_dicts()


def _previous(previous: str | Path | dict[str, Any] | None) -> dict[str, Any] | None:
    if previous is None or isinstance(previous, dict):
        return previous
    path = Path(previous)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        msg = "cannot read it as last year's self_assessment.json"
        raise InputError(str(path), msg) from None
    if not isinstance(data, dict) or not isinstance(data.get("provisions"), list):
        raise InputError(str(path), "not a self_assessment.json: it has no 'provisions' list")
    return data


def compare(answers: tuple[Answer, ...], previous: dict[str, Any]) -> pl.DataFrame:
    """Provision by provision: last year's answer, this year's, and whether it regressed."""
    before = {
        str(p.get("provision")): str(p.get("answer"))
        for p in previous.get("provisions", [])
        if isinstance(p, dict)
    }
    rows = []
    for a in answers:
        if a.answer == "not_assessed":
            continue
        now = ANSWERS[a.answer]
        then = before.get(a.provision.number)
        if then is None:
            change = "new"
        elif then == now:
            change = "same"
        elif _ORDER.get(now, 0) < _ORDER.get(then, 0):
            change = "regressed"
        else:
            change = "improved"
        rows.append(
            {"provision": a.provision.number, "previous": then, "now": now, "change": change}
        )
    return pl.DataFrame(
        rows,
        schema={
            "provision": pl.String,
            "previous": pl.String,
            "now": pl.String,
            "change": pl.String,
        },
    )


def self_assess(
    result: AuditResult,
    *,
    config: AuditConfig | None = None,
    policy: str | Path | dict[str, Any] | None = None,
    attestations: str | Path | None = None,
    overrides: str | Path | None = None,
    quality: QualityReport | str | Path | pl.DataFrame | None = None,
    previous: str | Path | dict[str, Any] | None = None,
    assessed_on: date | None = None,
    edition: str = "2024",
) -> SelfAssessment:
    """Answer every provision of the Code for the audit's period.

    Parameters
    ----------
    result
        From :func:`auditlib.audit.run_audit` with every column read.
    config
        The landlord's configuration; its ``self_assessment:`` block supplies the policy,
        attestations, overrides, thresholds and attestation age unless given here.
    policy
        The complaints policy (a document the policy reader drafts a profile from) or a
        reviewed profile (``.yaml``/``.json``), or a profile already loaded.
    attestations, overrides
        The files people keep (``config/attestations.yaml``, ``config/overrides.yaml``).
    quality
        The data-quality report of the same extract (a ``QualityReport``, its checks
        frame, or the path of its ``summary.json``); its failures are shown where they
        limit what the data can show.
    previous
        Last year's ``self_assessment.json``: what changed and what regressed.
    assessed_on
        The day the self-assessment is made (attestation ages are counted to it);
        default the configured ``assessed_on``, else today.
    """
    config = config or AuditConfig()
    settings = SelfAssessSettings.from_config(config)
    catalogue = load_catalogue(edition)
    book = load_rules(edition)
    today = date.today()  # noqa: DTZ011 - a calendar date, no time zone in play
    assessed_on = assessed_on or settings.assessed_on or today
    policy = policy if policy is not None else settings.policy
    attestations = attestations if attestations is not None else settings.attestations
    overrides = overrides if overrides is not None else settings.overrides
    thresholds = dict(book.default_thresholds) | settings.thresholds
    unknown = sorted(set(settings.thresholds) - set(book.default_thresholds))
    if unknown:
        msg = f"unknown threshold set {unknown[0]!r}; expected {', '.join(book.default_thresholds)}"
        raise ConfigError(
            str(config.path or "(configuration)"),
            msg,
            column=f"self_assessment.thresholds.{unknown[0]}",
        )

    # categories, root causes and refusal reasons are typed by people: no name or contact
    # detail in them reaches the self-assessment (Code section 8 outputs are published)
    from auditlib.privacy import mask_columns

    result = replace(result, assessed=mask_columns(result.assessed))
    checks = _quality_checks(quality)
    ctx = MeasureContext(
        result,
        config.calendar(),
        _frame(checks),
        config.min_published_count,
        ombudsman=_ombudsman(config, result),
    )
    needed = {r.data for r in book.rules.values() if r.data} | {
        m for r in book.rules.values() for m in r.context
    }
    data = measure_all(ctx, needed)
    findings, policy_name, reviewed = _policy_findings(policy, catalogue)
    given = (
        load_attestations(attestations, catalogue=catalogue, assessed_on=assessed_on)
        if (attestations is not None)
        else ()
    )
    overridden = load_overrides(overrides, catalogue=catalogue) if overrides is not None else {}
    sources = Sources(
        data=data,
        quality=checks,
        policy=findings,
        policy_name=policy_name,
        policy_reviewed=reviewed,
        attestations=given,
        attestations_name=Path(attestations).name if attestations is not None else None,
        overrides=overridden,
        assessed_on=assessed_on,
        max_age_months=settings.attestation_max_age_months,
        stale=settings.stale_attestation,
        thresholds=thresholds,
        policy_findings=book.policy_findings,
    )
    answers = answer_all(catalogue, book, sources)
    last = _previous(previous)
    notes = []
    if policy is None:
        notes.append("no policy given: provisions that need the policy say so")
    if attestations is None:
        notes.append("no attestations file given: provisions only people can evidence need one")
    if checks is None:
        notes.append("data-quality checks not given: only the rows set aside on loading count")
    return SelfAssessment(
        landlord=config.landlord,
        period=result.period,
        as_of=result.as_of,
        assessed_on=assessed_on,
        source=ctx.source,
        catalogue=catalogue,
        rules_version=book.version,
        answers=answers,
        figures=annual_figures(result, previous=last),
        thresholds=thresholds,
        inputs={
            "extract": ctx.source,
            "policy": policy_name,
            "policy_reviewed": "yes" if reviewed else ("no" if policy is not None else None),
            "attestations": Path(attestations).name if attestations is not None else None,
            "overrides": Path(overrides).name if overrides is not None else None,
            "data_quality": "given" if checks is not None else None,
            "previous": str(last.get("period")) if last else None,
        },
        min_count=config.min_published_count,
        changes=compare(answers, last) if last else None,
        notes=tuple(notes),
    )


def _ombudsman(config: AuditConfig, result: AuditResult) -> dict[str, Any] | None:
    """The Ombudsman's figures about the landlord, when a findings file is configured."""
    if not (config.ombudsman or {}).get("findings"):
        return None
    from auditlib.ombudsman import from_config, self_assessment_figures

    view = from_config(config, complaints=result.extract.complaints, period=result.period)
    return self_assessment_figures(view) if view is not None else None


def _frame(checks: list[dict[str, Any]] | None) -> pl.DataFrame | None:
    if checks is None:
        return None
    return pl.DataFrame(
        [
            {
                "check": c.get("check"),
                "provision": str(c.get("provision")),
                "severity": c.get("severity"),
                "passed": not c["failed"],
                "message": c.get("message"),
            }
            for c in checks
        ],
        schema={
            "check": pl.String,
            "provision": pl.String,
            "severity": pl.String,
            "passed": pl.Boolean,
            "message": pl.String,
        },
    )


def answer_of(assessment: SelfAssessment, provision: str) -> Answer:
    """The answer to one provision ("6.2")."""
    for a in assessment.answers:
        if a.provision.number == provision:
            return a
    msg = f"no provision {provision!r}"
    raise KeyError(msg)
