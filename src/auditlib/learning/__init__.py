"""Learning from complaints: root causes, tested trends, repeats, vulnerability, themes, plan."""

from auditlib.learning.actionplan import carry_forward, draft_findings, read_plan, write_plan
from auditlib.learning.run import Learning, analyse, charts, write_learning

__all__ = [
    "Learning",
    "analyse",
    "carry_forward",
    "charts",
    "draft_findings",
    "read_plan",
    "write_learning",
    "write_plan",
]
