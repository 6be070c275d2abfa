"""One set of run parameters, as notebooks receive them from papermill.

A notebook's ``parameters`` cell holds literals only (papermill passes strings and
numbers; an empty string or 0 means "not given"). :func:`audit_from_parameters` turns
the shared ones into the same audit the command line runs, so every notebook of an
evidence pack audits the same extract, period and homes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from auditlib.audit import AuditResult, run_audit
from auditlib.config import AuditConfig, Homes
from auditlib.errors import ConfigError
from auditlib.tsm import Period

_PARAMETERS = "(notebook parameters)"


def _date(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date in the form YYYY-MM-DD"
        raise ConfigError(_PARAMETERS, msg, column=name) from None


def load_config(config_path: str = "", mapping_path: str = "") -> AuditConfig:
    """The configuration file (or none), with the mapping file replaced when one is given."""
    config = AuditConfig.load(config_path) if config_path else AuditConfig()
    if mapping_path:
        config = replace(config, mapping=Path(mapping_path))
    return config


def audit_from_parameters(
    extract_path: str = "",
    *,
    config_path: str = "",
    mapping_path: str = "",
    period_start: str = "",
    period_end: str = "",
    homes: int = 0,
    as_of: str = "",
    columns: tuple[str, ...] | None = None,
) -> tuple[AuditResult, AuditConfig]:
    """Run the audit a notebook's parameters describe; return the result and the config.

    ``extract_path`` defaults to the configuration's extract; the period to the latest
    reporting year that has ended; ``homes`` (when above 0) replaces the configured
    homes, tenure split included.
    """
    config = load_config(config_path, mapping_path)
    extract = extract_path or config.extract
    if not extract:
        msg = "no extract given: set extract_path or 'extract' in the configuration"
        raise ConfigError(_PARAMETERS, msg, column="extract_path")
    start, end = _date(period_start, "period_start"), _date(period_end, "period_end")
    period = None
    if start or end:
        if not (start and end):
            msg = "give both period_start and period_end, or neither"
            raise ConfigError(_PARAMETERS, msg)
        try:
            period = Period(start, end)
        except ValueError as exc:
            raise ConfigError(_PARAMETERS, str(exc)) from None
    result = run_audit(
        extract,
        config=config,
        period=period,
        homes=Homes(total=int(homes)) if homes else None,
        as_of=_date(as_of, "as_of"),
        columns=columns,
    )
    return result, config
