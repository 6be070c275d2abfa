"""The policy profile: what a landlord's complaints policy states, as a YAML file.

A profile is drafted by ``auditlib policy extract`` and then read, corrected and
confirmed by a person; it can also be written by hand. Each key is an object::

    stage1_response_working_days:
      value: 10            # int, bool, string or null: null means "not stated"
      evidence:            # the sentences that say so
        - {quote: "...", line: 42, section: "5. Stage 1"}
      review: false        # true where sentences disagree or the reading is unsure
      as_written: 10 working days   # timescale keys: the words used
      unit: working_days

A bare value (``stages: 2``) is accepted for hand-written profiles. The rest of the
project reads plain values through :func:`profile_values`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditlib.errors import ConfigError

PROFILE_VERSION = 1

#: every key of a profile, in the order they are written
PROFILE_KEYS: tuple[str, ...] = (
    "stages",
    "has_informal_stage",
    "stage1_ack_working_days",
    "stage1_response_working_days",
    "stage1_response_clock",
    "stage1_extension_working_days",
    "stage2_ack_working_days",
    "stage2_response_working_days",
    "stage2_response_clock",
    "stage2_extension_working_days",
    "complaint_time_limit_months",
    "escalation_request_window",
    "uses_code_definition",
    "mentions_ombudsman",
    "mentions_self_assessment",
    "unacceptable_behaviour_policy",
    "compensation_policy",
)

_INT_KEYS = frozenset(
    {
        "stages",
        "stage1_ack_working_days",
        "stage1_response_working_days",
        "stage1_extension_working_days",
        "stage2_ack_working_days",
        "stage2_response_working_days",
        "stage2_extension_working_days",
        "complaint_time_limit_months",
    }
)
_BOOL_KEYS = frozenset(
    {
        "has_informal_stage",
        "uses_code_definition",
        "mentions_ombudsman",
        "mentions_self_assessment",
        "unacceptable_behaviour_policy",
        "compensation_policy",
    }
)
#: allowed values of the clock keys
CLOCKS: dict[str, tuple[str, ...]] = {
    "stage1_response_clock": ("receipt", "acknowledgement"),
    "stage2_response_clock": ("request", "acknowledgement", "original_complaint"),
}
_DURATION_KEYS = frozenset(
    {k for k in _INT_KEYS if k.endswith("_days")}
    | {"complaint_time_limit_months", "escalation_request_window"}
)
_ENTRY_FIELDS = frozenset(
    {"value", "evidence", "review", "note", "as_written", "unit", "candidates", "labels"}
)


def empty_entry(*, duration: bool = False) -> dict[str, Any]:
    """A key with nothing stated: value null, no evidence, nothing to review."""
    entry: dict[str, Any] = {"value": None, "evidence": [], "review": False, "note": None}
    if duration:
        entry["as_written"] = None
        entry["unit"] = None
    return entry


def load_profile(path: str | Path) -> dict[str, Any]:
    """Read and validate a profile file (YAML or JSON).

    Missing keys are filled in as not stated; bare values become ``{value: ...}``.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` or ``.json`` profile.

    Returns
    -------
    dict
        ``meta`` plus every key of :data:`PROFILE_KEYS`, each a full entry.

    Raises
    ------
    ConfigError
        Unreadable file, unknown key, or a value of the wrong type.
    """
    from auditlib.config import PROFILE_MAX_BYTES
    from auditlib.inputs import safe_yaml

    data = safe_yaml(path, what="profile", max_bytes=PROFILE_MAX_BYTES)
    return validate_profile(data, source=str(path))


def validate_profile(data: object, *, source: str = "<profile>") -> dict[str, Any]:
    """Check a profile's shape and types; return it normalised.

    Examples
    --------
    >>> p = validate_profile({"stages": 2, "stage1_response_clock": "receipt"})
    >>> p["stages"]["value"], p["stage1_response_clock"]["value"], p["mentions_ombudsman"]
    (2, 'receipt', {'value': None, 'evidence': [], 'review': False, 'note': None})
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, "a profile must be a mapping of keys to values")
    unknown = sorted(set(data) - set(PROFILE_KEYS) - {"meta"})
    if unknown:
        msg = (
            f"unknown profile key {unknown[0]!r}; expected one of "
            f"{', '.join(PROFILE_KEYS)} (or 'meta')"
        )
        raise ConfigError(source, msg, column=unknown[0])
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise ConfigError(source, "'meta' must be a mapping", column="meta")
    out: dict[str, Any] = {"meta": dict(meta)}
    for key in PROFILE_KEYS:
        raw = data.get(key)
        entry = empty_entry(duration=key in _DURATION_KEYS)
        if isinstance(raw, dict):
            extra = sorted(set(raw) - _ENTRY_FIELDS)
            if extra:
                msg = f"unknown field {extra[0]!r} under {key!r}"
                raise ConfigError(source, msg, column=key)
            entry.update(raw)
        elif raw is not None:
            entry["value"] = raw
        _check_value(key, entry["value"], source)
        evidence = entry.get("evidence") or []
        if not isinstance(evidence, list) or not all(
            isinstance(e, dict) and "quote" in e for e in evidence
        ):
            msg = f"{key!r}: evidence must be a list of {{quote, line or paragraph, section}}"
            raise ConfigError(source, msg, column=key)
        entry["evidence"] = evidence
        entry["review"] = bool(entry.get("review"))
        out[key] = entry
    return out


def _check_value(key: str, value: object, source: str) -> None:
    """Raise ConfigError when a value has the wrong type for its key."""
    if value is None:
        return
    if key in _INT_KEYS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            msg = f"{key!r} must be a whole number of {_unit_name(key)} or null, not {value!r}"
            raise ConfigError(source, msg, column=key)
    elif key in _BOOL_KEYS:
        if not isinstance(value, bool):
            msg = f"{key!r} must be true, false or null, not {value!r}"
            raise ConfigError(source, msg, column=key)
    elif key in CLOCKS:
        if value not in CLOCKS[key]:
            msg = f"{key!r} must be one of {', '.join(CLOCKS[key])} or null, not {value!r}"
            raise ConfigError(source, msg, column=key)
    elif not isinstance(value, str):
        msg = f"{key!r} must be text as written in the policy (e.g. '28 days') or null"
        raise ConfigError(source, msg, column=key)


def _unit_name(key: str) -> str:
    """Plain-words unit of an integer key."""
    if key.endswith("_working_days"):
        return "working days"
    return "months" if key.endswith("_months") else "stages"


def profile_values(profile: dict[str, Any]) -> dict[str, object]:
    """Plain values of a profile: key -> value or None.

    Examples
    --------
    >>> profile_values(validate_profile({"stages": 2}))["stages"]
    2
    """
    out: dict[str, object] = {}
    for key in PROFILE_KEYS:
        entry = profile.get(key)
        out[key] = entry.get("value") if isinstance(entry, dict) else entry
    return out


def dump_profile(profile: dict[str, Any], fmt: str = "yaml") -> str:
    """Serialise a profile as YAML (with a header for the person who checks it) or JSON."""
    if fmt == "json":
        return json.dumps(profile, indent=2, ensure_ascii=False) + "\n"
    import yaml

    header = (
        "# Policy profile drafted by `auditlib policy extract`. Check every value against\n"
        "# the quoted evidence, settle anything marked `review: true`, then set\n"
        "# meta.reviewed to true. null means the policy does not say.\n"
    )
    body = yaml.safe_dump(profile, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def save_profile(profile: dict[str, Any], path: str | Path) -> None:
    """Write a profile to ``path``; JSON when the name ends in .json, else YAML."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    p.write_text(dump_profile(profile, fmt), encoding="utf-8")
