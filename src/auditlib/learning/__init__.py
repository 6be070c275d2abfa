"""Learning from complaints: root causes, tested trends, repeats, vulnerability, themes, plan.

The names below load on first use, so that importing a light module of this package
(``auditlib.learning.settings``, read with every configuration file) does not load the
analyses and their numerical libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditlib.learning.actionplan import carry_forward, draft_findings, read_plan, write_plan
    from auditlib.learning.run import Learning, analyse, charts, write_learning

_WHERE = {
    "carry_forward": "auditlib.learning.actionplan",
    "draft_findings": "auditlib.learning.actionplan",
    "read_plan": "auditlib.learning.actionplan",
    "write_plan": "auditlib.learning.actionplan",
    "Learning": "auditlib.learning.run",
    "analyse": "auditlib.learning.run",
    "charts": "auditlib.learning.run",
    "write_learning": "auditlib.learning.run",
}

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


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    msg = f"module 'auditlib.learning' has no attribute {name!r}"
    raise AttributeError(msg)
