"""Check a policy profile against the Code, provision by provision.

For every provision a policy can evidence (catalogue evidence ``policy``, or a
provision that names profile keys) the check gives one finding:

``complies``
    the policy states something that meets the provision;
``gap``
    the policy states something that falls short of it;
``not_stated``
    the policy does not say;
``review``
    the drafted value is flagged for review, or is in units the check cannot compare
    without converting (weeks, months);
``manual``
    a policy can evidence the provision but the profile has no key for it: a person
    reads the policy.

Each finding carries a one-line reason naming the Code provision, and the quoted
evidence from the profile. Limits come from the catalogue, never from this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditlib.policy._text import number_value
from auditlib.policy.catalogue import Catalogue, Provision, load_catalogue

STATUSES = ("complies", "gap", "not_stated", "review", "manual")
_NAMES = {
    "stage1_ack_working_days": "stage 1 acknowledgement",
    "stage1_response_working_days": "stage 1 response",
    "stage1_extension_working_days": "stage 1 extension",
    "stage2_ack_working_days": "stage 2 acknowledgement",
    "stage2_response_working_days": "stage 2 response",
    "stage2_extension_working_days": "stage 2 extension",
}
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}

Finding = dict[str, Any]
_Rule = Callable[[Provision, dict[str, Any]], tuple[str, str]]


def check_profile(
    profile: dict[str, Any], *, catalogue: Catalogue | None = None
) -> list[Finding]:
    """Findings for every provision a policy can evidence.

    Parameters
    ----------
    profile
        A validated profile (see :func:`auditlib.policy.load_profile`).
    catalogue
        The Code edition to check against; the 2024 catalogue by default.

    Returns
    -------
    list of dict
        One finding per provision, in Code order, with keys ``provision``,
        ``section``, ``requirement``, ``status``, ``reason``, ``evidence``,
        ``profile_keys`` and ``code_status``.
    """
    cat = catalogue or load_catalogue()
    findings: list[Finding] = []
    for provision in cat.provisions:
        if not (provision.policy_evidence or provision.policy_keys):
            continue
        rule = _RULES.get(provision.number)
        if rule is None or not provision.policy_keys:
            status, reason = "manual", (
                f"no profile key covers Code {provision.number}; confirm it by reading the policy"
            )
        else:
            flagged = [k for k in provision.policy_keys if profile[k].get("review")]
            if flagged:
                notes = "; ".join(
                    str(profile[k].get("note") or "flagged") for k in flagged
                )
                status, reason = "review", f"{', '.join(flagged)} needs a person: {notes}"
            else:
                status, reason = rule(provision, profile)
        evidence: list[dict[str, Any]] = []
        for key in provision.policy_keys:
            for item in profile[key].get("evidence") or []:
                if item not in evidence:
                    evidence.append(item)
        findings.append(
            {
                "provision": provision.number,
                "section": provision.section_title,
                "requirement": provision.requirement,
                "status": status,
                "reason": reason,
                "evidence": evidence,
                "profile_keys": list(provision.policy_keys),
                "code_status": provision.status,
            }
        )
    return findings


# ------------------------------------------------------------------------- rules


def _value(profile: dict[str, Any], key: str) -> Any:
    return profile[key].get("value")


def _written(profile: dict[str, Any], key: str) -> str | None:
    entry = profile[key]
    return entry.get("as_written")


def _working_days(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """A working-day limit (6.2, 6.4, 6.11, 6.15)."""
    key = provision.policy_keys[0]
    limit = provision.limit_working_days
    what = _NAMES.get(key, key)
    value = _value(profile, key)
    if value is None:
        written = _written(profile, key)
        if written:
            unit = profile[key].get("unit")
            number = _leading_int(written)
            if unit in ("calendar_days", "days") and number is not None and limit is not None:
                if number <= limit:
                    return "complies", (
                        f"{what}: {written}; never longer than {limit} working days "
                        f"(Code {provision.number})"
                    )
                return "review", (
                    f"{what}: {written}, not in working days; compare with Code "
                    f"{provision.number}'s {limit} working days by hand"
                )
            return "review", (
                f"{what}: {written}, not in working days; Code {provision.number} "
                f"allows {limit} working days"
            )
        return "not_stated", (
            f"{what}: no timescale stated (Code {provision.number}: {limit} working days)"
        )
    if limit is not None and value > limit:
        return "gap", f"{what}: {value} working days; Code {provision.number} allows {limit}"
    return "complies", f"{what}: {value} working days; Code {provision.number} allows {limit}"


def _leading_int(text: str) -> int | None:
    """The number a timescale as written starts with ("two weeks" -> 2)."""
    first = text.split()[0] if text.split() else ""
    return number_value(first)


def _response(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """A response timescale and its clock (6.3, 6.14)."""
    status, reason = _working_days(provision, profile)
    clock_key = provision.policy_keys[1]
    clock = _value(profile, clock_key)
    code_clock = provision.clock
    if status != "complies" or clock is None or clock == code_clock:
        if status == "complies" and clock is None:
            reason += "; the policy does not say when the clock starts"
        elif status == "complies":
            reason += f", timed from the {clock}"
        return status, reason
    if clock == "original_complaint":
        return "gap", (
            f"stage 2 response timed from the original complaint; Code {provision.number} "
            f"times it from acknowledging the escalation"
        )
    if clock == "request":
        return "complies", (
            reason + "; timed from the escalation request, which is stricter than the "
            "Code's clock (from the acknowledgement)"
        )
    return "complies", (
        reason + f"; timed from {clock}, earlier (so stricter) than the Code's clock "
        f"(from the {code_clock})"
    )


def _stages_max(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """At most two stages (5.3)."""
    value = _value(profile, "stages")
    labels = profile["stages"].get("labels") or []
    named = f" ({', '.join(labels)})" if labels else ""
    limit = provision.limit_stages or 2
    if value is None:
        return "not_stated", f"the number of stages is not stated (Code {provision.number})"
    words = _WORDS.get(value, str(value))
    if value > limit:
        return "gap", (
            f"{words} stages described{named}; Code {provision.number} allows {_WORDS[limit]}"
        )
    return "complies", f"{words} stage{'s' if value != 1 else ''} described{named}"


def _stages_two(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """A stage 2 exists (6.10)."""
    value = _value(profile, "stages")
    if value is None:
        return "not_stated", f"the number of stages is not stated (Code {provision.number})"
    if value < 2:
        return "gap", f"only one stage described; Code {provision.number} requires a stage 2"
    return "complies", f"a stage 2 is described ({value} stages in all)"


def _published_stages(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """The policy sets out two stages and their timescales (3.4)."""
    stages = _value(profile, "stages")
    s1 = _value(profile, "stage1_response_working_days") or _written(
        profile, "stage1_response_working_days"
    )
    s2 = _value(profile, "stage2_response_working_days") or _written(
        profile, "stage2_response_working_days"
    )
    if stages is None:
        return "not_stated", f"the stages are not described (Code {provision.number})"
    if stages != 2:
        return "gap", (
            f"{_WORDS.get(stages, stages)} stage{'s' if stages != 1 else ''} described; "
            f"Code {provision.number} expects the two stages set out"
        )
    missing = [n for n, v in (("stage 1", s1), ("stage 2", s2)) if v is None]
    if missing:
        return "gap", (
            f"no response time given for {' or '.join(missing)}; Code {provision.number} "
            "expects each stage's timescale in the policy"
        )
    return "complies", "two stages described, each with a response time"


def _informal(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """No extra named stage (5.2)."""
    value = _value(profile, "has_informal_stage")
    if value is None:
        return "not_stated", "the policy does not describe its stages"
    if value:
        quote = (profile["has_informal_stage"].get("evidence") or [{}])[0].get("quote", "")
        short = f' ("{quote[:80]}")' if quote else ""
        return "gap", (
            f"an informal or pre-formal stage is described{short}; Code {provision.number} "
            "allows no extra named stage"
        )
    return "complies", "no informal or stage 0 step described"


def _time_limit(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
    """Complaints within 12 months are accepted (2.2, 2.3)."""
    value = _value(profile, "complaint_time_limit_months")
    limit = provision.limit_months or 12
    if value is None:
        written = _written(profile, "complaint_time_limit_months")
        if written:
            return "review", f"time limit stated as {written}; compare with {limit} months by hand"
        return "not_stated", (
            f"no time limit for making a complaint stated (Code {provision.number})"
        )
    if value < limit:
        return "gap", (
            f"complaints accepted only within {value} months; Code {provision.number} "
            f"requires acceptance within {limit}"
        )
    return "complies", f"complaints accepted within {value} months of the issue"


def _flag(
    key: str, yes: str, no: str, *, absent_is_gap: bool = True
) -> _Rule:
    """A rule that reads one true/false key."""

    def rule(provision: Provision, profile: dict[str, Any]) -> tuple[str, str]:
        value = _value(profile, key)
        if value is None:
            note = profile[key].get("note")
            return "not_stated", f"{no} (Code {provision.number})" + (f": {note}" if note else "")
        if value:
            return "complies", yes
        status = "gap" if absent_is_gap else "not_stated"
        note = profile[key].get("note")
        return status, f"{no}; Code {provision.number}" + (f" ({note})" if note else "")

    return rule


_RULES: dict[str, _Rule] = {
    "1.2": _flag(
        "uses_code_definition",
        "the policy defines a complaint as the Code does",
        "the policy's definition of a complaint differs from the Code's",
    ),
    "2.2": _time_limit,
    "2.3": _time_limit,
    "3.4": _published_stages,
    "3.7": _flag(
        "mentions_ombudsman",
        "the policy tells residents about the Housing Ombudsman",
        "the policy never mentions the Housing Ombudsman",
    ),
    "5.2": _informal,
    "5.3": _stages_max,
    "5.14": _flag(
        "unacceptable_behaviour_policy",
        "the policy covers unacceptable behaviour",
        "no policy on unacceptable behaviour is described or referred to",
    ),
    "6.2": _working_days,
    "6.3": _response,
    "6.4": _working_days,
    "6.10": _stages_two,
    "6.11": _working_days,
    "6.14": _response,
    "6.15": _working_days,
    "7.4": _flag(
        "compensation_policy",
        "a compensation policy or procedure is referred to; check it follows the "
        "Ombudsman's remedies guidance",
        "no compensation policy or procedure is referred to",
    ),
    "8.1": _flag(
        "mentions_self_assessment",
        "the policy refers to self-assessment against the Code",
        "the policy does not mention the annual self-assessment",
        absent_is_gap=False,
    ),
}


# ---------------------------------------------------------------------- rendering

_STATUS_TEXT = {
    "complies": "Complies",
    "gap": "Gap",
    "not_stated": "Not stated",
    "review": "Review",
    "manual": "Read by hand",
}


def summarise(findings: list[Finding]) -> dict[str, int]:
    """Count of findings per status."""
    counts = dict.fromkeys(STATUSES, 0)
    for f in findings:
        counts[f["status"]] += 1
    return counts


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _where(item: dict[str, Any]) -> str:
    parts = []
    if item.get("page") is not None:
        parts.append(f"p. {item['page']}")
    if item.get("line") is not None:
        parts.append(f"line {item['line']}")
    if item.get("paragraph") is not None:
        parts.append(f"para. {item['paragraph']}")
    if item.get("section"):
        parts.append(f"§ {item['section']}")
    return ", ".join(parts)


def render_markdown(findings: list[Finding], *, title: str | None = None) -> str:
    """Findings as Markdown a person can paste into a self-assessment.

    A summary line, a table of the provisions checked from the policy (status,
    reason, first quote), then the provisions to read by hand.
    """
    counts = summarise(findings)
    lines = [f"## {title or 'Complaints policy against the Complaint Handling Code (2024)'}", ""]
    lines.append(
        ", ".join(f"{_STATUS_TEXT[s]}: {counts[s]}" for s in STATUSES if counts[s])
    )
    lines += [
        "",
        "| Code provision | Finding | Reason | Evidence from the policy |",
        "|---|---|---|---|",
    ]
    manual = []
    for f in findings:
        if f["status"] == "manual":
            manual.append(f)
            continue
        quotes = []
        for item in f["evidence"][:3]:
            where = _where(item)
            quotes.append(f"\u201c{_cell(item['quote'])}\u201d" + (f" ({where})" if where else ""))
        lines.append(
            f"| {f['provision']} | {_STATUS_TEXT[f['status']]} | {_cell(f['reason'])} | "
            f"{'<br>'.join(quotes) or '—'} |"
        )
    if manual:
        lines += ["", "### To confirm by reading the policy", ""]
        for f in manual:
            lines.append(f"- **{f['provision']}** {f['requirement']}")
    lines += [
        "",
        "_Drafted automatically from the policy text; every finding needs a person's "
        "confirmation before it goes into the self-assessment._",
        "",
    ]
    return "\n".join(lines)
