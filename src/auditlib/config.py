"""The landlord's configuration file: homes, closure days, targets and rule choices.

One YAML file a landlord edits (``config/auditlib.yaml``); paths in it are relative to
the file itself. Nothing is read at import time; command-line options override it.

No settings are borrowed (:meth:`AuditConfig.for_extract`): the default file
``config/auditlib.yaml`` is used only when no extract is named or when it names that
very extract, so another landlord's name, homes and targets never reach a figure; and
homes given on the command line replace the configuration's as a whole
(:func:`command_line_homes`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditlib.calendar import WorkingCalendar
from auditlib.errors import ConfigError
from auditlib.inputs import safe_yaml
from auditlib.mapping import Mapping
from auditlib.rules import Interpretation, Targets

if TYPE_CHECKING:
    from auditlib.learning.settings import LearningSettings

DEFAULT_CONFIG = Path("config") / "auditlib.yaml"
#: policy profiles larger than this are refused
PROFILE_MAX_BYTES = 5 * 1024 * 1024
_KEYS = {
    "landlord",
    "extract",
    "homes",
    "reporting_year_start_month",
    "closure_days",
    "extra_holidays",
    "mapping",
    "policy_profile",
    "landlord_targets",
    "rules",
    "as_of",
    "output_dir",
    "self_assessment",
    "privacy",
    "notebooks",
    "packs_dir",
    "data_quality",
    "learning",
    "ombudsman",
}
_PRIVACY_KEYS = {"min_count"}


@dataclass(frozen=True)
class Homes:
    """Homes owned, for CH01: a total and, optionally, LCRA and LCHO separately."""

    total: int | None = None
    by_tenure: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.total is None and self.by_tenure:
            object.__setattr__(self, "total", sum(self.by_tenure.values()))


@dataclass(frozen=True)
class AuditConfig:
    """Everything about a landlord that the audit needs besides its extract."""

    path: Path | None = None
    landlord: str = "landlord"
    extract: Path | None = None
    homes: Homes = field(default_factory=Homes)
    reporting_year_start_month: int = 4
    closure_days: tuple[date, ...] = ()
    extra_holidays: tuple[date, ...] = ()
    mapping: Path | None = None
    landlord_targets: Targets | None = None
    interpretation: Interpretation = field(default_factory=Interpretation)
    as_of: date | None = None
    output_dir: Path = Path("build") / "audit"
    #: the ``self_assessment:`` block as written (read by :mod:`auditlib.selfassess`)
    self_assessment: dict[str, Any] = field(default_factory=dict)
    #: counts below this are shown as "fewer than N" in published tables
    min_published_count: int = 5
    #: the numbered notebooks `auditlib run` executes into the evidence pack
    notebooks: Path | None = None
    #: where `auditlib run` puts each evidence pack (one folder per run)
    packs_dir: Path = Path("build") / "packs"
    #: the data-quality settings (severities, thresholds) the pack's notebook 01 reads
    data_quality: Path | None = None
    learning: LearningSettings = field(default_factory=lambda: _learning(None, ""))
    #: the ``ombudsman:`` section as written (read by ``auditlib.ombudsman.settings``)
    ombudsman: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> AuditConfig:
        """Read a configuration file; with no path, ``config/auditlib.yaml`` if it exists."""
        if path is None:
            return cls.load(DEFAULT_CONFIG) if DEFAULT_CONFIG.is_file() else cls()
        path = Path(path)
        data = safe_yaml(path, what="configuration file") or {}
        if not isinstance(data, dict):
            raise ConfigError(str(path), "expected a mapping of settings")
        return cls.from_dict(data, path=path)

    @classmethod
    def for_extract(
        cls, path: str | Path | None, extract: str | Path | None
    ) -> tuple[AuditConfig, str | None]:
        """The configuration a command uses for ``extract``, and why the default is not used.

        A file named (``path``) is always used. Without one, ``config/auditlib.yaml``
        is used only when no extract is named or when its ``extract`` is the same file;
        otherwise no configuration at all, and the second value says so in one line.

        Examples
        --------
        >>> config, note = AuditConfig.for_extract(None, "their_export.csv")
        >>> config.landlord, config.homes.total, config.landlord_targets
        ('landlord', None, None)
        """
        if path is not None or extract is None:
            return cls.load(path), None
        if not DEFAULT_CONFIG.is_file():
            return cls(), None
        default = cls.load(DEFAULT_CONFIG)
        if default.extract is not None and _same_file(default.extract, Path(extract)):
            return default, None
        names = f"for {default.extract}" if default.extract else "not for any named extract"
        note = (
            f"{DEFAULT_CONFIG} is not used: it is {names}, not {extract}; no landlord "
            "name, homes or targets are set (pass --config, or write one with auditlib init)"
        )
        return cls(), note

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: Path | None = None) -> AuditConfig:
        """Build from parsed YAML; ``path`` anchors relative paths."""
        source = str(path) if path else "(configuration)"
        unknown = set(data) - _KEYS
        if unknown:
            expected = ", ".join(sorted(_KEYS))
            msg = f"unknown setting(s) {', '.join(sorted(unknown))}; expected {expected}"
            raise ConfigError(source, msg)
        base = path.parent if path else Path()

        def rel(value: Any) -> Path | None:
            return None if value in (None, "") else Path(os.path.normpath(base / str(value)))

        try:
            homes_data = data.get("homes") or {}
            if isinstance(homes_data, int):
                homes = Homes(total=homes_data)
            else:
                by_tenure = {k: int(v) for k, v in homes_data.items() if k in ("LCRA", "LCHO")}
                total = homes_data.get("total")
                if total is None and len(by_tenure) == 1:
                    msg = (
                        "homes: give both LCRA and LCHO, or the total too; one tenure's "
                        "homes alone cannot be the total"
                    )
                    raise ConfigError(source, msg, column="homes")
                homes = Homes(total=int(total) if total is not None else None, by_tenure=by_tenure)
            targets = None
            if data.get("policy_profile") and data.get("landlord_targets"):
                msg = "give either policy_profile or landlord_targets, not both"
                raise ConfigError(source, msg)
            if data.get("policy_profile"):
                profile_path = rel(data["policy_profile"])
                assert profile_path is not None
                targets = _targets_from_profile(profile_path)
            if data.get("landlord_targets"):
                targets = Targets.from_profile(data["landlord_targets"], name="policy")
            self_assessment = data.get("self_assessment") or {}
            if not isinstance(self_assessment, dict):
                msg = "'self_assessment' must hold settings (key: value), not a single value"
                raise ConfigError(source, msg, column="self_assessment")
            min_count = _min_count(data.get("privacy"), source)
            return cls(
                path=path,
                landlord=str(data.get("landlord") or "landlord"),
                extract=rel(data.get("extract")),
                homes=homes,
                reporting_year_start_month=int(data.get("reporting_year_start_month", 4)),
                closure_days=tuple(_config_dates(data.get("closure_days"), "closure_days", source)),
                extra_holidays=tuple(
                    _config_dates(data.get("extra_holidays"), "extra_holidays", source)
                ),
                mapping=rel(data.get("mapping")),
                landlord_targets=targets,
                interpretation=Interpretation.from_dict(data.get("rules")),
                as_of=config_date(data["as_of"], "as_of", source) if data.get("as_of") else None,
                output_dir=rel(data.get("output_dir")) or Path("build") / "audit",
                self_assessment=self_assessment,
                min_published_count=min_count,
                notebooks=rel(data.get("notebooks")),
                packs_dir=rel(data.get("packs_dir")) or Path("build") / "packs",
                data_quality=rel(data.get("data_quality")),
                learning=_learning(data.get("learning"), source),
                ombudsman=data.get("ombudsman") or {},
            )
        except ConfigError:
            raise
        except (TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(source, str(exc)) from None

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar with this landlord's closure days."""
        return WorkingCalendar.england_and_wales(
            closure_days=self.closure_days, extra_holidays=self.extra_holidays
        )

    def load_mapping(self) -> Mapping:
        """The column and label mapping, or the built-in one."""
        return Mapping.from_yaml(self.mapping) if self.mapping else Mapping()


def _learning(data: Any, source: str) -> LearningSettings:
    # imported here: the learning package imports this module
    from auditlib.learning.settings import LearningSettings

    return LearningSettings.from_dict(data, source=source)


def command_line_homes(
    total: int | None, lcra: int | None, lcho: int | None, configured: Homes
) -> tuple[Homes | None, str | None]:
    """Homes given on the command line, which replace the configuration's as a whole.

    Returns ``(None, None)`` when none is given. The two sources are never merged, so
    no rate is worked out on one landlord's total and another's tenure split. Refused
    with a one-line :class:`ConfigError`: one tenure's homes alone with no total (the
    total would be that tenure's homes), and tenure homes adding up to more than the
    total. The second value says why a configured split is left out.

    Examples
    --------
    >>> homes, note = command_line_homes(30000, None, None, Homes(by_tenure={"LCRA": 8800}))
    >>> homes.total, homes.by_tenure, note.split(":")[0]
    (30000, {}, 'CH01 and CH02 are not split by tenure')
    """
    if total is None and lcra is None and lcho is None:
        return None, None
    source = "(command line)"
    by_tenure = {k: v for k, v in (("LCRA", lcra), ("LCHO", lcho)) if v is not None}
    if total is None and len(by_tenure) == 1:
        msg = (
            "give --homes-lcra and --homes-lcho together, or --homes for the total too: "
            "one tenure's homes alone cannot be the total"
        )
        raise ConfigError(source, msg)
    if total is not None and sum(by_tenure.values()) > total:
        msg = f"--homes {total:,} is fewer than the LCRA and LCHO homes given together"
        raise ConfigError(source, msg)
    note = None
    if configured.by_tenure and not by_tenure:
        note = (
            "CH01 and CH02 are not split by tenure: --homes replaces the configuration's "
            "homes and gives no LCRA/LCHO split (add --homes-lcra and --homes-lcho)"
        )
    return Homes(total=total, by_tenure=by_tenure), note


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _targets_from_profile(path: Path) -> Targets:
    values = safe_yaml(path, what="policy profile", max_bytes=PROFILE_MAX_BYTES) or {}
    try:
        return Targets.from_profile(values, name="policy")
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(path), str(exc)) from None


def _min_count(privacy: Any, source: str) -> int:
    """``privacy.min_count``: the smallest count published as a number (default 5)."""
    privacy = privacy or {}
    if not isinstance(privacy, dict) or set(privacy) - _PRIVACY_KEYS:
        msg = f"'privacy' takes {', '.join(sorted(_PRIVACY_KEYS))}"
        raise ConfigError(source, msg, column="privacy")
    value = privacy.get("min_count", 5)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"must be a whole number of at least 1, not {value!r}"
        raise ConfigError(source, msg, column="privacy.min_count")
    return value


def config_date(value: Any, key: str, source: str) -> date:
    """A date from a configuration file; a one-line :class:`ConfigError` if it is not one."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"{value!r} is not an ISO date (yyyy-mm-dd)"
        raise ConfigError(source, msg, column=key) from None


def _config_dates(values: Any, key: str, source: str) -> list[date]:
    return [config_date(v, key, source) for v in (values or [])]
