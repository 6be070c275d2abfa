"""Data quality of a complaint extract: the suite's checks and the loader's quarantine, together."""

from auditlib.quality.report import (
    LOADER_CHECKS,
    STATUSES,
    QualityReport,
    QualitySettings,
    quarantine_failures,
    validate_extract,
    validate_loaded,
    write_report,
)

__all__ = [
    "LOADER_CHECKS",
    "STATUSES",
    "QualityReport",
    "QualitySettings",
    "quarantine_failures",
    "validate_extract",
    "validate_loaded",
    "write_report",
]
