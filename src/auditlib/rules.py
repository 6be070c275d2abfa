"""The Code's clocks as a rule table keyed by provision, and the choices we made.

The limits are the 2024 Code's and are not settings: they sit here beside the
provision they quote, versioned with the edition (``CODE_2024``). Where the Code leaves
room for reading, the choice is an :class:`Interpretation` field with a documented
default that a landlord can change in its configuration file (see docs/rules.md).
A landlord's own published targets are a second :class:`Targets`, checked side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

ResponseClock = Literal["acknowledgement", "receipt", "original_complaint"]


@dataclass(frozen=True)
class StageClock:
    """The clock for one stage: acknowledge, respond, and how far an extension may go."""

    stage: int
    ack_working_days: int | None
    response_working_days: int | None
    extension_working_days: int | None
    #: what the response clock runs from: the acknowledgement (Code 6.3, 6.14), the
    #: receipt of the complaint or request, or (stage 2 only) the original complaint
    response_clock: ResponseClock = "acknowledgement"
    ack_provision: str = ""
    response_provision: str = ""
    extension_provision: str = ""


@dataclass(frozen=True)
class Targets:
    """A set of clocks: the Code's, or a landlord's own published targets."""

    name: str
    stage1: StageClock
    stage2: StageClock

    def stage(self, number: int) -> StageClock:
        """The clock for stage 1 or 2."""
        return self.stage1 if number == 1 else self.stage2

    @classmethod
    def from_profile(cls, values: Mapping[str, Any], *, name: str = "policy") -> Targets:
        """A landlord's targets from policy-profile keys (plain values or ``{value: ...}``).

        A key left out or null leaves that target unchecked; calendar-day timescales are
        never converted to working days (they arrive as null and are not checked).

        Examples
        --------
        >>> t = Targets.from_profile({"stage1_ack_working_days": {"value": 3}})
        >>> t.stage1.ack_working_days, t.stage1.response_working_days
        (3, None)
        """

        def get(key: str) -> Any:
            value = values.get(key)
            return value.get("value") if isinstance(value, Mapping) else value

        def clock(stage: int) -> StageClock:
            prefix = f"stage{stage}_"
            raw_clock = str(get(prefix + "response_clock") or "acknowledgement")
            response_clock: ResponseClock
            if raw_clock in ("receipt", "request"):
                response_clock = "receipt"
            elif raw_clock == "acknowledgement":
                response_clock = "acknowledgement"
            elif raw_clock == "original_complaint":
                response_clock = "original_complaint"
            else:
                msg = (
                    f"{prefix}response_clock {raw_clock!r} is not acknowledgement, "
                    "receipt, request or original_complaint"
                )
                raise ValueError(msg)
            return StageClock(
                stage=stage,
                ack_working_days=_as_int(get(prefix + "ack_working_days")),
                response_working_days=_as_int(get(prefix + "response_working_days")),
                extension_working_days=_as_int(get(prefix + "extension_working_days")),
                response_clock=response_clock,
            )

        return cls(name=name, stage1=clock(1), stage2=clock(2))


def _as_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    return int(value)


#: The 2024 Code (statutory from 1 April 2024).
CODE_2024 = Targets(
    name="code",
    stage1=StageClock(
        stage=1,
        ack_working_days=5,  # 6.2: acknowledge, define and log within 5 working days of receipt
        response_working_days=10,  # 6.3: respond within 10 working days of acknowledging
        extension_working_days=10,  # 6.4: extension no more than 10 more, unless good reason
        ack_provision="6.2",
        response_provision="6.3",
        extension_provision="6.4",
    ),
    stage2=StageClock(
        stage=2,
        ack_working_days=5,  # 6.11: acknowledge within 5 working days of the escalation request
        response_working_days=20,  # 6.14: respond within 20 working days of acknowledging
        extension_working_days=20,  # 6.15: extension no more than 20 more, unless good reason
        ack_provision="6.11",
        response_provision="6.14",
        extension_provision="6.15",
    ),
)


@dataclass(frozen=True)
class Interpretation:
    """Where the Code can be read more than one way: our reading, changeable in config.

    Attributes
    ----------
    response_clock_without_acknowledgement
        ``"receipt"`` (default): with no acknowledgement recorded, the response clock
        runs from receipt of the complaint (stage 1) or request (stage 2).
        ``"not_assessed"``: such responses get no verdict.
    excess_extension
        An agreed extension longer than the Code's cap with no good reason recorded.
        ``"cap"`` (default): it counts up to the cap (10 working days at stage 1, 20 at
        stage 2). ``"disallow"``: it counts for nothing, as the extension was not
        Code-compliant.
    late_extension_notice
        Where the date the resident was told of an extension is recorded and falls after
        the original deadline. ``"disallow"`` (default): the extension does not count
        (the Code asks for it to be agreed within the original timescale).
        ``"allow"``: it counts anyway.
    """

    response_clock_without_acknowledgement: Literal["receipt", "not_assessed"] = "receipt"
    excess_extension: Literal["cap", "disallow"] = "cap"
    late_extension_notice: Literal["disallow", "allow"] = "disallow"

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> Interpretation:
        """Read the ``rules:`` block of a configuration file; refuse unknown keys and values."""
        values = dict(values or {})
        allowed = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(allowed)
        if unknown:
            msg = (
                f"unknown rule option(s) {', '.join(sorted(unknown))}; "
                f"expected {', '.join(allowed)}"
            )
            raise ValueError(msg)
        result = cls()
        choices = {
            "response_clock_without_acknowledgement": ("receipt", "not_assessed"),
            "excess_extension": ("cap", "disallow"),
            "late_extension_notice": ("disallow", "allow"),
        }
        for key, value in values.items():
            if value not in choices[key]:
                msg = f"rules.{key} is {value!r}; expected one of {', '.join(choices[key])}"
                raise ValueError(msg)
            result = replace(result, **{key: value})
        return result
