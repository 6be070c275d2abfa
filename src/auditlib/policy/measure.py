"""Precision and recall of drafted profiles against facts read by a person.

Used by ``benchmarks/policy_corpus.py`` on real policies and by the tests on the
project's own fixtures. A *fact* is a key a careful reader can settle from the text;
a *drafted value* is a non-null value in the drafted profile. A drafted value is
correct when it equals the fact; a value drafted where the reader found nothing is
wrong. Keys the reader could not settle are left out of both counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditlib.policy.profile import PROFILE_KEYS, profile_values

#: keys that are true or false for every document (mentions), kept apart in "core"
MENTION_KEYS = frozenset(
    {"mentions_ombudsman", "mentions_self_assessment", "unacceptable_behaviour_policy",
     "compensation_policy"}
)


@dataclass
class Tally:
    """Counts for one key, or for all keys together."""

    facts: int = 0
    drafted: int = 0
    correct: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        """Share of drafted values that are right (None when nothing was drafted)."""
        return self.correct / self.drafted if self.drafted else None

    @property
    def recall(self) -> float | None:
        """Share of facts drafted right (None when there are no facts)."""
        return self.correct / self.facts if self.facts else None


def _same(drafted: object, fact: object) -> bool:
    """Equal values; texts compared ignoring case and spacing."""
    if isinstance(drafted, str) and isinstance(fact, str):
        return " ".join(drafted.lower().split()) == " ".join(fact.lower().split())
    return drafted == fact and type(drafted) is type(fact)


def score(
    cases: Iterable[tuple[str, dict[str, Any], Mapping[str, object], Iterable[str]]],
) -> dict[str, Tally]:
    """Tally drafted profiles against facts, per key and overall (key ``"all"``).

    Parameters
    ----------
    cases
        ``(name, profile, facts, unsure)`` per document: the drafted profile, the facts
        (key -> value; a key not given is "not stated") and the keys left unscored.

    Returns
    -------
    dict
        A :class:`Tally` per profile key, ``"core"`` (every key but the four mention
        keys) and ``"all"``.

    Examples
    --------
    >>> from auditlib.policy.profile import validate_profile
    >>> drafted = validate_profile({"stages": 2, "stage1_ack_working_days": 3})
    >>> tallies = score([("p", drafted, {"stages": 2, "stage1_ack_working_days": 5}, [])])
    >>> t = tallies["all"]
    >>> (t.facts, t.drafted, t.correct, t.errors)
    (2, 2, 1, ['p: stage1_ack_working_days drafted 3, read 5'])
    """
    tallies = {key: Tally() for key in (*PROFILE_KEYS, "core", "all")}
    for name, profile, facts, unsure in cases:
        skip = set(unsure)
        values = profile_values(profile)
        for key in PROFILE_KEYS:
            if key in skip:
                continue
            fact = facts.get(key)
            drafted = values[key]
            groups = [tallies[key], tallies["all"]]
            if key not in MENTION_KEYS:
                groups.append(tallies["core"])
            for tally in groups:
                tally.facts += fact is not None
                tally.drafted += drafted is not None
                if fact is not None and drafted is not None and _same(drafted, fact):
                    tally.correct += 1
                elif drafted is not None or fact is not None:
                    tally.errors.append(f"{name}: {key} drafted {drafted}, read {fact}")
    for tally in tallies.values():
        tally.errors = sorted(set(tally.errors))
    return tallies


def as_table(tallies: Mapping[str, Tally]) -> str:
    """Tallies as a Markdown table: facts, drafted, correct, precision, recall."""

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f}%"

    lines = ["| key | facts | drafted | correct | precision | recall |",
             "|---|---:|---:|---:|---:|---:|"]
    for key, t in tallies.items():
        if key not in ("all", "core") and not (t.facts or t.drafted):
            continue
        label = {"all": "**all keys**", "core": "**stages, timescales, limits, definition**"}.get(
            key, f"`{key}`")
        lines.append(f"| {label} | {t.facts} | {t.drafted} | {t.correct} | "
                     f"{pct(t.precision)} | {pct(t.recall)} |")
    return "\n".join(lines)
