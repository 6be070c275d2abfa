"""Learning settings: thresholds, windows, themes and owners, from the ``learning:`` key.

A landlord sets these in ``config/auditlib.yaml``; every one is optional and
command-line options override them. The defaults are the ones docs/learning.md explains.

.. code-block:: yaml

    learning:
      alpha: 0.05            # false discovery rate for every test
      trend_min_ratio: 1.25  # a rise is flagged only if at least 25% higher...
      trend_min_count: 10    # ...with at least 10 complaints in the period
      trend_min_months: 6    # months of data for a trend within one period
      trend_min_history: 0.9 # share of the previous period needed to compare periods
      late_pct: 25           # a category late at stage 1 beyond this share (tested)
      escalation_pct: 20     # a category escalated beyond this share (tested)
      repeat_pct: 15         # a category followed by another complaint this often
      min_complaints: 20     # the fewest complaints for a category finding
      min_repeats: 5         # the fewest follow-up complaints for a repeats finding
      window_days: 90        # a further complaint within this many days is a repeat
      themes: 6              # themes to look for in descriptions
      seed: 2026             # seed for theme finding
      due_months: 6          # an action is due this many months after the period ends
      default_owner: Complaints team
      owners:                # service area owning each category
        Repairs: Repairs and maintenance
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from auditlib.errors import ConfigError

#: the service area that owns each sample category, when the configuration names none
OWNERS: dict[str, str] = {
    "Repairs": "Repairs and maintenance",
    "Damp and mould": "Repairs and maintenance (damp and mould team)",
    "Leaks and water ingress": "Repairs and maintenance",
    "Heating and hot water": "Gas and heating contractor management",
    "Anti-social behaviour": "Neighbourhood management",
    "Estate services and cleaning": "Estate services",
    "Grounds maintenance": "Estate services",
    "Staff conduct": "Customer services",
    "Communication": "Customer services",
    "Rent and service charges": "Income and service charges",
    "Lettings and allocations": "Lettings",
    "Pests": "Estate services",
    "Adaptations": "Aids and adaptations",
    "Complaint handling": "Complaints team",
}

# (lowest, highest) allowed for each number; None: no bound
_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "alpha": (0.0001, 0.5),
    "trend_min_ratio": (1.0, None),
    "trend_min_count": (1, None),
    "trend_min_months": (3, None),
    "trend_min_history": (0.0, 1.0),
    "late_pct": (0.0, 100.0),
    "escalation_pct": (0.0, 100.0),
    "repeat_pct": (0.0, 100.0),
    "min_complaints": (1, None),
    "min_repeats": (1, None),
    "window_days": (1, None),
    "themes": (1, 50),
    "seed": (0, None),
    "due_months": (0, 60),
}


@dataclass(frozen=True)
class LearningSettings:
    """Every setting of a learning run (see the module docstring for each one)."""

    alpha: float = 0.05
    trend_min_ratio: float = 1.25
    trend_min_count: int = 10
    trend_min_months: int = 6
    trend_min_history: float = 0.9
    late_pct: float = 25.0
    escalation_pct: float = 20.0
    repeat_pct: float = 15.0
    min_complaints: int = 20
    min_repeats: int = 5
    window_days: int = 90
    themes: int = 6
    seed: int = 2026
    due_months: int = 6
    default_owner: str = "Complaints team"
    owners: dict[str, str] = field(default_factory=lambda: dict(OWNERS))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "(configuration)") -> LearningSettings:
        """Read the ``learning:`` mapping; a one-line :class:`ConfigError` on a bad value.

        Examples
        --------
        >>> LearningSettings.from_dict({"late_pct": 30, "owners": {"Pests": "Estates"}}).late_pct
        30.0
        >>> LearningSettings.from_dict({"themes": 0})
        Traceback (most recent call last):
        ...
        auditlib.errors.ConfigError: '(configuration)', column 'learning.themes': 0 is below 1
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            msg = "'learning' must be a mapping of settings"
            raise ConfigError(source, msg)
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            msg = (
                f"unknown learning setting(s) {', '.join(map(str, unknown))}; "
                f"expected {', '.join(sorted(known))}"
            )
            raise ConfigError(source, msg, column="learning")
        values: dict[str, Any] = {}
        for key, value in data.items():
            where = f"learning.{key}"
            if key == "owners":
                if not isinstance(value, Mapping):
                    msg = "expected a mapping of category: service area"
                    raise ConfigError(source, msg, column=where)
                values[key] = {str(k): str(v) for k, v in value.items()}
            elif key == "default_owner":
                values[key] = str(value)
            else:
                values[key] = _number(value, key, known[key].type == "int", source)
        return cls(**values)

    def but(self, **changes: Any) -> LearningSettings:
        """A copy with the changes that are not ``None`` (command-line overrides)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _number(value: Any, key: str, whole: bool, source: str) -> float | int:
    where = f"learning.{key}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{value!r} is not a number"
        raise ConfigError(source, msg, column=where)
    if whole and value != int(value):
        msg = f"{value!r} is not a whole number"
        raise ConfigError(source, msg, column=where)
    low, high = _BOUNDS[key]
    if low is not None and value < low:
        msg = f"{value!r} is below {low:g}"
        raise ConfigError(source, msg, column=where)
    if high is not None and value > high:
        msg = f"{value!r} is above {high:g}"
        raise ConfigError(source, msg, column=where)
    return int(value) if whole else float(value)
