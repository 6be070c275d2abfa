"""The ``ombudsman:`` section of the landlord's configuration file.

::

    ombudsman:
      findings: ../data/sample/ombudsman_findings.csv   # the Ombudsman's findings file
      landlord: Example Homes                 # the name as the Ombudsman writes it
      former_names: [Example Housing Association]  # and any other name it has had
      exclude_names: []                       # names that match but are another body
      mapping: ombudsman_mapping.yaml         # layout, counting and category map
      homes: 10000                            # optional; default: 'homes' above

Paths are relative to the configuration file. With no ``findings``, the Ombudsman view
is not run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditlib.errors import ConfigError

if TYPE_CHECKING:
    from auditlib.config import AuditConfig

_KEYS = ("findings", "landlord", "former_names", "exclude_names", "mapping", "homes")


@dataclass(frozen=True)
class OmbudsmanSettings:
    """What the Ombudsman view needs from the configuration."""

    findings: Path | None = None
    landlord: str | None = None
    former_names: tuple[str, ...] = ()
    exclude_names: tuple[str, ...] = ()
    mapping: Path | None = None
    homes: int | None = None

    @classmethod
    def from_config(cls, config: AuditConfig) -> OmbudsmanSettings:
        """Read ``config.ombudsman``; homes default to the configuration's total homes."""
        data = config.ombudsman
        source = str(config.path or "(configuration)")
        if not isinstance(data, dict):
            raise ConfigError(source, "expected a mapping of settings", column="ombudsman")
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            msg = f"unknown setting(s) {', '.join(unknown)}; expected {', '.join(_KEYS)}"
            raise ConfigError(source, msg, column="ombudsman")
        base = config.path.parent if config.path else Path()

        def rel(value: Any) -> Path | None:
            return None if value in (None, "") else Path(os.path.normpath(base / str(value)))

        def names(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            if isinstance(value, str):
                value = (value,)
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(source, "expected a list of names", column=f"ombudsman.{key}")
            return tuple(v.strip() for v in value if v.strip())

        homes = data.get("homes", config.homes.total)
        if homes is not None and (not isinstance(homes, int) or homes <= 0):
            msg = f"{homes!r} is not a positive whole number of homes"
            raise ConfigError(source, msg, column="ombudsman.homes")
        landlord = data.get("landlord")
        return cls(
            findings=rel(data.get("findings")),
            landlord=str(landlord).strip() if landlord else None,
            former_names=names("former_names"),
            exclude_names=names("exclude_names"),
            mapping=rel(data.get("mapping")),
            homes=homes,
        )
