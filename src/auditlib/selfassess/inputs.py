"""What people keep by hand for the self-assessment: attestations, overrides, settings.

``config/attestations.yaml`` holds dated statements for what only people can evidence
(a named complaints officer, training, board minutes, the website); ``config/overrides.yaml``
holds a person's answer to a provision where it differs from the suggested one, with
the reason. Both are read node by node so that a mistake is reported as one line naming
the file, the line and the key, and so that provision numbers are kept exactly as
written (``6.10`` typed without quotes is still 6.10, not the number 6.1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditlib.errors import ConfigError, SettingsFileError

if TYPE_CHECKING:
    import yaml

    from auditlib.config import AuditConfig
    from auditlib.policy.catalogue import Catalogue

#: the answers a provision can get, by key, as the form shows them
ANSWERS: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "needs_evidence": "Needs evidence",
    "not_assessed": "Not assessed",
}
#: what an attestation may state about a provision (the form's Comply column, less
#: "Needs evidence", which an attestation cannot say)
ATTESTED = ("yes", "partly", "no")
MAX_FILE_BYTES = 1024 * 1024
_ATTESTATION_KEYS = {"id", "provisions", "statement", "who", "date", "document", "answer"}
_ATTESTATION_REQUIRED = ("provisions", "statement", "who", "date", "document")
_OVERRIDE_KEYS = {"provision", "answer", "reason", "who", "date"}


def answer_key(text: str) -> str | None:
    """The answer key for a label as a person types it ("Needs evidence" -> needs_evidence).

    Examples
    --------
    >>> answer_key("Partly"), answer_key(" needs  evidence "), answer_key("maybe")
    ('partly', 'needs_evidence', None)
    """
    key = "_".join(text.strip().lower().replace("-", " ").split())
    return key if key in ANSWERS else None


@dataclass(frozen=True)
class Attestation:
    """A dated statement by a named role that a provision is met, with its document."""

    provisions: tuple[str, ...]
    statement: str
    who: str
    date: dt.date
    document: str
    answer: str = "yes"
    id: str | None = None
    line: int | None = None

    def is_stale(self, on: dt.date, max_age_months: int) -> bool:
        """True when made more than ``max_age_months`` before ``on``.

        Examples
        --------
        >>> a = Attestation(("4.1",), "s", "w", date(2025, 11, 30), "d")
        >>> a.is_stale(date(2026, 11, 30), 12), a.is_stale(date(2026, 12, 1), 12)
        (False, True)
        """
        months = (on.year - self.date.year) * 12 + (on.month - self.date.month)
        return months > max_age_months or (months == max_age_months and on.day > self.date.day)


@dataclass(frozen=True)
class Override:
    """A person's answer to a provision in place of the suggested one, and why."""

    provision: str
    answer: str
    reason: str
    who: str
    date: dt.date
    line: int | None = None


@dataclass(frozen=True)
class Thresholds:
    """Where a measured figure turns from No to Partly, and from Partly to Yes."""

    yes_at_least: float
    partly_at_least: float

    def verdict(self, value: float) -> str:
        """``yes``, ``partly`` or ``no`` for a figure.

        Examples
        --------
        >>> t = Thresholds(95, 80)
        >>> t.verdict(95.0), t.verdict(94.99), t.verdict(80), t.verdict(79.9)
        ('yes', 'partly', 'partly', 'no')
        """
        if value >= self.yes_at_least:
            return "yes"
        return "partly" if value >= self.partly_at_least else "no"


@dataclass(frozen=True)
class SelfAssessSettings:
    """The ``self_assessment:`` block of the configuration, paths resolved."""

    policy: Path | None = None
    attestations: Path | None = None
    overrides: Path | None = None
    attestation_max_age_months: int = 12
    stale_attestation: str = "partly"
    assessed_on: date | None = None
    thresholds: dict[str, Thresholds] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: AuditConfig) -> SelfAssessSettings:
        """Read the block from an :class:`~auditlib.config.AuditConfig`."""
        from auditlib.config import config_date

        raw = dict(config.self_assessment)
        source = str(config.path or "(configuration)")
        allowed = {
            "policy",
            "attestations",
            "overrides",
            "attestation_max_age_months",
            "stale_attestation",
            "assessed_on",
            "thresholds",
        }
        unknown = sorted(set(raw) - allowed)
        if unknown:
            msg = (
                f"unknown self_assessment setting {unknown[0]!r}; expected "
                f"{', '.join(sorted(allowed))}"
            )
            raise ConfigError(source, msg, column=f"self_assessment.{unknown[0]}")
        base = config.path.parent if config.path else Path()

        def path(key: str) -> Path | None:
            value = raw.get(key)
            return None if value in (None, "") else base / str(value)

        age = raw.get("attestation_max_age_months", 12)
        if isinstance(age, bool) or not isinstance(age, int) or age < 1:
            msg = f"must be a whole number of months, at least 1, not {age!r}"
            raise ConfigError(source, msg, column="self_assessment.attestation_max_age_months")
        stale = str(raw.get("stale_attestation", "partly")).lower()
        if stale not in ("partly", "needs_evidence", "yes"):
            msg = f"must be partly, needs_evidence or yes, not {stale!r}"
            raise ConfigError(source, msg, column="self_assessment.stale_attestation")
        thresholds = {}
        for name, entry in (raw.get("thresholds") or {}).items():
            thresholds[str(name)] = _thresholds(entry, source, f"self_assessment.thresholds.{name}")
        assessed_on = raw.get("assessed_on")
        return cls(
            policy=path("policy"),
            attestations=path("attestations"),
            overrides=path("overrides"),
            attestation_max_age_months=age,
            stale_attestation=stale,
            assessed_on=config_date(assessed_on, "self_assessment.assessed_on", source)
            if assessed_on
            else None,
            thresholds=thresholds,
        )


def _thresholds(entry: Any, source: str, key: str) -> Thresholds:
    if not isinstance(entry, dict) or set(entry) != {"yes_at_least", "partly_at_least"}:
        msg = "give yes_at_least and partly_at_least, e.g. {yes_at_least: 95, partly_at_least: 80}"
        raise ConfigError(source, msg, column=key)
    try:
        yes, partly = float(entry["yes_at_least"]), float(entry["partly_at_least"])
    except (TypeError, ValueError):
        raise ConfigError(source, "thresholds must be numbers", column=key) from None
    if partly > yes:
        msg = f"partly_at_least ({partly:g}) is above yes_at_least ({yes:g})"
        raise ConfigError(source, msg, column=key)
    return Thresholds(yes, partly)


# --- reading a hand-kept YAML file node by node ---------------------------------------


def _compose(path: Path) -> yaml.Node | None:
    """The YAML file's node tree; a one-line error for anything unreadable."""
    import yaml

    source = str(path)
    try:
        if path.is_dir():
            raise SettingsFileError(source, "is a folder, not a file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SettingsFileError(source, "is over 1 MB; is it the right file?")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SettingsFileError(source, "file not found") from None
    except UnicodeDecodeError:
        raise SettingsFileError(source, "is not UTF-8 text") from None
    except OSError as exc:
        raise SettingsFileError(source, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        line = mark.line + 1 if mark is not None else None
        raise SettingsFileError(source, f"not valid YAML: {problem}", row=line) from None
    except RecursionError:
        raise SettingsFileError(source, "is nested too deeply to be a settings file") from None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _pairs(node: yaml.Node, source: str, key: str | None) -> list[tuple[str, yaml.Node]]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        msg = "expected keys and values here"
        raise SettingsFileError(source, msg, row=_line(node), column=key)
    out = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise SettingsFileError(source, "a key must be plain text", row=_line(k), column=key)
        out.append((str(k.value), v))
    return out


def _text(node: yaml.Node, source: str, key: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise SettingsFileError(source, "expected a value", row=_line(node), column=key)
    value = " ".join(str(node.value).split())
    if not value:
        raise SettingsFileError(source, "is blank", row=_line(node), column=key)
    return value


def _date(node: yaml.Node, source: str, key: str) -> date:
    text = _text(node, source, key)
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date in the form yyyy-mm-dd"
        raise SettingsFileError(source, msg, row=_line(node), column=key) from None


def _provision(node: yaml.Node, source: str, key: str, known: set[str]) -> str:
    number = _text(node, source, key)
    if number not in known:
        msg = f"{number!r} is not a provision of the Code's catalogue (e.g. '4.1', '6.10')"
        raise SettingsFileError(source, msg, row=_line(node), column=key)
    return number


def _entries(path: Path, top: str) -> list[yaml.Node]:
    """The list under ``top:`` (an empty or all-comment file has none)."""
    import yaml

    source = str(path)
    root = _compose(path)
    if root is None:
        return []
    pairs = dict(_pairs(root, source, None))
    unknown = sorted(set(pairs) - {top})
    if unknown:
        msg = f"unknown key; the file holds one list, under {top!r}"
        raise SettingsFileError(source, msg, row=_line(root), column=unknown[0])
    node = pairs.get(top)
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        return []
    if not isinstance(node, yaml.SequenceNode):
        msg = "expected a list of entries, each starting with '- '"
        raise SettingsFileError(source, msg, row=_line(node), column=top)
    return list(node.value)


def _check_keys(
    pairs: list[tuple[str, yaml.Node]],
    node: yaml.Node,
    source: str,
    allowed: set[str],
    required: tuple[str, ...],
) -> dict[str, yaml.Node]:
    seen: dict[str, yaml.Node] = {}
    for key, value in pairs:
        if key not in allowed:
            msg = f"unknown key; expected {', '.join(sorted(allowed))}"
            raise SettingsFileError(source, msg, row=_line(value), column=key)
        if key in seen:
            raise SettingsFileError(source, "given twice", row=_line(value), column=key)
        seen[key] = value
    for key in required:
        if key not in seen:
            msg = "this entry is missing it"
            raise SettingsFileError(source, msg, row=_line(node), column=key)
    return seen


def load_attestations(
    path: str | Path, *, catalogue: Catalogue, assessed_on: date
) -> tuple[Attestation, ...]:
    """Read an attestations file.

    Each entry needs ``provisions`` (a list, or one number), ``statement``, ``who`` (a
    role, e.g. "Director of Housing"), ``date`` (yyyy-mm-dd, not after ``assessed_on``)
    and ``document`` (where the proof is kept); ``answer`` (yes, partly, no; default yes)
    and ``id`` are optional.

    Raises
    ------
    SettingsFileError
        One line naming the file, the line and the key.
    """
    import yaml

    path = Path(path)
    source = str(path)
    known = {p.number for p in catalogue.provisions}
    out = []
    for node in _entries(path, "attestations"):
        keys = _check_keys(
            _pairs(node, source, "attestations"),
            node,
            source,
            _ATTESTATION_KEYS,
            _ATTESTATION_REQUIRED,
        )
        numbers_node = keys["provisions"]
        if isinstance(numbers_node, yaml.SequenceNode):
            numbers = tuple(_provision(n, source, "provisions", known) for n in numbers_node.value)
        else:
            numbers = (_provision(numbers_node, source, "provisions", known),)
        if not numbers:
            msg = "name at least one provision"
            raise SettingsFileError(source, msg, row=_line(numbers_node), column="provisions")
        when = _date(keys["date"], source, "date")
        if when > assessed_on:
            msg = f"{when.isoformat()} is after the assessment date {assessed_on.isoformat()}"
            raise SettingsFileError(source, msg, row=_line(keys["date"]), column="date")
        answer = "yes"
        if "answer" in keys:
            typed = _text(keys["answer"], source, "answer")
            answer = answer_key(typed) or ""
            if answer not in ATTESTED:
                msg = f"{typed!r} is not one of yes, partly, no"
                raise SettingsFileError(source, msg, row=_line(keys["answer"]), column="answer")
        out.append(
            Attestation(
                provisions=numbers,
                statement=_text(keys["statement"], source, "statement"),
                who=_text(keys["who"], source, "who"),
                date=when,
                document=_text(keys["document"], source, "document"),
                answer=answer,
                id=_text(keys["id"], source, "id") if "id" in keys else None,
                line=_line(node),
            )
        )
    return tuple(out)


def load_overrides(path: str | Path, *, catalogue: Catalogue) -> dict[str, Override]:
    """Read an overrides file: one entry per provision whose answer a person sets.

    Each entry needs ``provision``, ``answer`` (Yes, Partly, No or Needs evidence),
    ``reason``, ``who`` and ``date``.

    Raises
    ------
    SettingsFileError
        One line naming the file, the line and the key; a provision given twice.
    """
    path = Path(path)
    source = str(path)
    known = {p.number for p in catalogue.provisions}
    out: dict[str, Override] = {}
    for node in _entries(path, "overrides"):
        keys = _check_keys(
            _pairs(node, source, "overrides"),
            node,
            source,
            _OVERRIDE_KEYS,
            ("provision", "answer", "reason", "who", "date"),
        )
        number = _provision(keys["provision"], source, "provision", known)
        if number in out:
            msg = f"provision {number} is overridden twice (first on line {out[number].line})"
            raise SettingsFileError(source, msg, row=_line(keys["provision"]), column="provision")
        typed = _text(keys["answer"], source, "answer")
        answer = answer_key(typed)
        if answer is None or answer == "not_assessed":
            msg = f"{typed!r} is not one of Yes, Partly, No, Needs evidence"
            raise SettingsFileError(source, msg, row=_line(keys["answer"]), column="answer")
        out[number] = Override(
            provision=number,
            answer=answer,
            reason=_text(keys["reason"], source, "reason"),
            who=_text(keys["who"], source, "who"),
            date=_date(keys["date"], source, "date"),
            line=_line(node),
        )
    return out
