"""Evidence of complaint handling against the Housing Ombudsman's Complaint Handling Code."""

from auditlib.audit import AuditResult, run_audit, write_outputs
from auditlib.calendar import WorkingCalendar, bank_holidays_england_wales
from auditlib.config import AuditConfig, Homes
from auditlib.errors import AuditError, ConfigError, InputError
from auditlib.loader import Extract, load_complaints
from auditlib.mapping import Mapping
from auditlib.rules import CODE_2024, Interpretation, Targets
from auditlib.timeliness import assess
from auditlib.tsm import Period, measures

__all__ = [
    "CODE_2024",
    "AuditConfig",
    "AuditError",
    "AuditResult",
    "ConfigError",
    "Extract",
    "Homes",
    "InputError",
    "Interpretation",
    "Mapping",
    "Period",
    "Targets",
    "WorkingCalendar",
    "assess",
    "bank_holidays_england_wales",
    "load_complaints",
    "measures",
    "run_audit",
    "write_outputs",
]
__version__ = "0.1.0"
