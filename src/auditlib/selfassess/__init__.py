"""The annual self-assessment against the Complaint Handling Code (Code 8.1(a))."""

from auditlib.selfassess.answers import Answer, Evidence, RuleBook, combine, load_rules
from auditlib.selfassess.inputs import (
    ANSWERS,
    Attestation,
    Override,
    SelfAssessSettings,
    Thresholds,
    load_attestations,
    load_overrides,
)
from auditlib.selfassess.run import SelfAssessment, answer_of, compare, self_assess

__all__ = [
    "ANSWERS",
    "Answer",
    "Attestation",
    "Evidence",
    "Override",
    "RuleBook",
    "SelfAssessSettings",
    "SelfAssessment",
    "Thresholds",
    "answer_of",
    "combine",
    "compare",
    "load_attestations",
    "load_overrides",
    "load_rules",
    "self_assess",
]
