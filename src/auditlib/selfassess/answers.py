"""Suggested answers: the rule table in data, each source's verdict, and how they combine.

The rules are ``auditlib/data/self_assessment_rules.yaml``: for every provision, which
sources speak to it (complaint data, the policy check, attestations), which of them are
required, and which thresholds turn a figure into a verdict. This module reads that
table, turns each source into :class:`Evidence` with a verdict, and combines the
verdicts the same way for every provision (:func:`combine`). A person's override
replaces the answer but never the suggestion: both are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from auditlib.errors import ConfigError
from auditlib.policy.catalogue import Catalogue, Provision
from auditlib.selfassess.inputs import ANSWERS, Attestation, Override, Thresholds
from auditlib.selfassess.measures import LABELS, MEASURES, DataEvidence

ROLES = ("required", "supporting")
RULES_FILE = "self_assessment_rules.yaml"
#: order of verdicts from worst to best
_RANK = {"no": 0, "partly": 1, "yes": 2}
_SOURCE_NAMES = {
    "data": "the complaint data",
    "policy": "the policy",
    "attestation": "an attestation",
}


@dataclass(frozen=True)
class Rule:
    """How one provision's answer is suggested."""

    provision: str
    assessed: bool = True
    data: str | None = None
    thresholds: str | None = None
    policy: str | None = None
    attestation: str | None = None
    context: tuple[str, ...] = ()

    def sources(self) -> dict[str, str]:
        """Source -> role, for the sources this rule reads."""
        out = {}
        if self.data:
            out["data"] = "required"
        if self.policy:
            out["policy"] = self.policy
        if self.attestation:
            out["attestation"] = self.attestation
        return out


@dataclass(frozen=True)
class RuleBook:
    """The rule table: one rule per provision, what policy findings mean, default thresholds."""

    version: int
    code_edition: str
    rules: dict[str, Rule]
    policy_findings: dict[str, str]
    default_thresholds: dict[str, Thresholds]

    def describe(
        self, rule: Rule, thresholds: dict[str, Thresholds], *, max_age_months: int, stale: str
    ) -> str:
        """The rule in words, as shown beside the answer."""
        if not rule.assessed:
            return "introductory text of the Code: not assessed"
        parts = []
        if rule.data:
            t = thresholds[rule.thresholds or ""]
            unit = " channels" if rule.thresholds == "channels" else "%"
            parts.append(
                f"data ({LABELS.get(rule.data, rule.data)}): "
                f"Yes at {t.yes_at_least:g}{unit} or more, "
                f"Partly at {t.partly_at_least:g}{unit} or more, else No"
            )
        if rule.policy:
            need = "required" if rule.policy == "required" else "if given"
            parts.append(f"policy check ({need}): complies Yes, gap No, silent Partly")
        if rule.attestation:
            need = "required" if rule.attestation == "required" else "if given"
            parts.append(
                f"attestation ({need}): its answer; older than {max_age_months} months "
                f"{ANSWERS[stale]}"
            )
        return (
            "; ".join(parts) + ". Any No gives No; a required source missing gives Needs evidence."
        )


@lru_cache(maxsize=2)
def load_rules(edition: str = "2024") -> RuleBook:
    """Read the rule table shipped with the package.

    Examples
    --------
    >>> book = load_rules()
    >>> book.rules["6.2"].data, book.rules["4.1"].attestation, book.policy_findings["gap"]
    ('stage1_acknowledgement', 'required', 'no')
    """
    import yaml

    name = RULES_FILE
    data = yaml.safe_load(resources.files("auditlib.data").joinpath(name).read_text("utf-8"))
    if str(data["code_edition"]) != edition:
        msg = f"the rules are for the {data['code_edition']} Code, not {edition}"
        raise ConfigError(name, msg)
    rules = {}
    for number, entry in data["provisions"].items():
        entry = dict(entry or {})
        rule = Rule(
            provision=str(number),
            assessed=bool(entry.pop("assessed", True)),
            data=entry.pop("data", None),
            thresholds=entry.pop("thresholds", None),
            policy=entry.pop("policy", None),
            attestation=entry.pop("attestation", None),
            context=tuple(entry.pop("context", ())),
        )
        bad = (
            list(entry)
            + [r for r in (rule.policy, rule.attestation) if r and r not in ROLES]
            + [m for m in (rule.data, *rule.context) if m and m not in MEASURES]
        )
        if bad or (rule.data and not rule.thresholds):
            msg = f"provision {number}: cannot read {bad or 'data without thresholds'}"
            raise ConfigError(name, msg)
        rules[rule.provision] = rule
    defaults = {
        k: Thresholds(float(v["yes_at_least"]), float(v["partly_at_least"]))
        for k, v in data["default_thresholds"].items()
    }
    return RuleBook(
        version=int(data["rules_version"]),
        code_edition=str(data["code_edition"]),
        rules=rules,
        policy_findings={str(k): str(v) for k, v in data["policy_findings"].items()},
        default_thresholds=defaults,
    )


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a provision, with what it says for the answer.

    ``verdict`` is ``yes``, ``partly`` or ``no`` when the source decides something;
    ``missing`` when a source the rule reads was not given; ``none`` when it is
    shown for context only or says nothing either way (nothing in the period, a
    superseded attestation, a policy point read by hand).
    """

    source: str
    role: str
    verdict: str
    text: str
    citation: str
    note: str | None = None


@dataclass(frozen=True)
class Answer:
    """A provision's suggested answer, the answer given, and the evidence behind both."""

    provision: Provision
    rule: str
    suggested: str
    answer: str
    evidence: tuple[Evidence, ...]
    needs: tuple[str, ...] = ()
    shortfalls: tuple[str, ...] = ()
    override: Override | None = None

    @property
    def commentary(self) -> str:
        """What a reader should know: the shortfall, what is missing, the override."""
        lines = list(self.shortfalls)
        lines += [f"Needs {need}." for need in self.needs]
        if self.override is not None:
            o = self.override
            lines.append(
                f"Suggested {ANSWERS[self.suggested]}; answered {ANSWERS[o.answer]} by {o.who} on "
                f"{o.date.isoformat()}: {o.reason}"
            )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The answer as plain data (the JSON output)."""
        p = self.provision
        out: dict[str, Any] = {
            "provision": p.number,
            "section": p.section,
            "section_title": p.section_title,
            "requirement": p.requirement,
            "code_status": p.status,
            "answer": ANSWERS[self.answer],
            "suggested": ANSWERS[self.suggested],
            "overridden": self.override is not None,
            "rule": self.rule,
            "evidence": [
                {
                    "source": e.source,
                    "role": e.role,
                    "verdict": e.verdict,
                    "text": e.text,
                    "citation": e.citation,
                    "note": e.note,
                }
                for e in self.evidence
            ],
            "needs": list(self.needs),
            "commentary": self.commentary,
        }
        if self.override is not None:
            o = self.override
            out["override"] = {
                "answer": ANSWERS[o.answer],
                "reason": o.reason,
                "who": o.who,
                "date": o.date.isoformat(),
            }
        return out


def combine(evidence: list[Evidence]) -> tuple[str, list[str]]:
    """The suggested answer from the evidence's verdicts, and what is missing.

    Any No gives No; otherwise a missing required source gives Needs evidence; otherwise
    the lowest verdict given; with no verdict at all, Needs evidence.

    Examples
    --------
    >>> e = lambda s, r, v: Evidence(s, r, v, "", "")
    >>> combine([e("data", "required", "yes"), e("policy", "supporting", "partly")])[0]
    'partly'
    >>> combine([e("data", "required", "no"), e("attestation", "required", "missing")])[0]
    'no'
    >>> combine([e("data", "required", "yes"), e("attestation", "required", "missing")])
    ('needs_evidence', ['attestation'])
    >>> combine([e("data", "required", "none")])
    ('needs_evidence', [])
    """
    verdicts = [e.verdict for e in evidence if e.verdict in _RANK]
    missing = [e.source for e in evidence if e.role == "required" and e.verdict == "missing"]
    if "no" in verdicts:
        return "no", missing
    if missing or not verdicts:
        return "needs_evidence", missing
    return min(verdicts, key=_RANK.__getitem__), []


@dataclass
class Sources:
    """Everything the answers are drawn from, gathered once."""

    data: dict[str, DataEvidence]
    quality: list[dict[str, Any]] | None
    policy: dict[str, dict[str, Any]] | None
    policy_name: str | None
    policy_reviewed: bool
    attestations: tuple[Attestation, ...]
    attestations_name: str | None
    overrides: dict[str, Override]
    assessed_on: date
    max_age_months: int
    stale: str
    thresholds: dict[str, Thresholds] = field(default_factory=dict)
    policy_findings: dict[str, str] = field(default_factory=dict)

    def latest_attestation(self, provision: str) -> Attestation | None:
        """The most recent attestation naming the provision."""
        mine = [a for a in self.attestations if provision in a.provisions]
        return max(mine, key=lambda a: a.date) if mine else None


def _data_evidence(rule: Rule, src: Sources) -> list[Evidence]:
    out = []
    if rule.data:
        d = src.data[rule.data]
        verdict, note = "none", None
        if d.status == "missing":
            verdict = "missing"
        elif d.status == "measured" and d.value is not None:
            verdict = src.thresholds[rule.thresholds or ""].verdict(d.value)
            if d.cap and _RANK[verdict] > _RANK[d.cap[0]]:
                verdict, note = d.cap[0], f"held at {ANSWERS[d.cap[0]]}: {d.cap[1]}"
        out.append(Evidence("data", "required", verdict, d.text, d.citation, note))
        out += [Evidence("data", "context", "none", c, d.citation) for c in d.caveats]
    for name in rule.context:
        d = src.data[name]
        out.append(Evidence("data", "context", "none", d.text, d.citation))
    return out


def _quality_evidence(provision: str, src: Sources) -> list[Evidence]:
    """Failed data-quality checks that protect this provision: they limit what data shows."""
    out = []
    for check in src.quality or []:
        numbers = [n.strip() for n in str(check["provision"]).split(",")]
        if provision in numbers and check["failed"] and check.get("message"):
            out.append(
                Evidence(
                    "data quality",
                    "context",
                    "none",
                    f"{check['severity']}: {check['message']}",
                    f"data_quality.html: check {check['check']}",
                )
            )
    return out


def _policy_evidence(rule: Rule, src: Sources) -> list[Evidence]:
    if not rule.policy:
        return []
    if src.policy is None:
        return [Evidence("policy", rule.policy, "missing", "no policy given", "—")]
    finding = src.policy.get(rule.provision)
    if finding is None:
        return [
            Evidence(
                "policy",
                rule.policy,
                "none",
                "the policy check does not cover this provision",
                str(src.policy_name),
            )
        ]
    meaning = src.policy_findings[finding["status"]]
    verdict = {"unsettled": "missing", "none": "none"}.get(meaning, meaning)
    quotes = []
    for item in finding.get("evidence", [])[:2]:
        where = [
            f"line {item['line']}" if item.get("line") else None,
            f"para. {item['paragraph']}" if item.get("paragraph") else None,
            f"p. {item['page']}" if item.get("page") else None,
            f"§ {item['section']}" if item.get("section") else None,
        ]
        located = ", ".join(w for w in where if w)
        quotes.append(f"\u201c{item['quote']}\u201d" + (f" ({located})" if located else ""))
    text = (
        finding["reason"]
        if finding["status"] != "manual"
        else (
            "no automatic reading of the policy for this provision: "
            "confirm it by reading the policy"
        )
    )
    citation = f"{src.policy_name}" + (": " + " ".join(quotes) if quotes else "")
    note = None
    if not src.policy_reviewed and finding["status"] != "manual":
        note = "drafted automatically from the policy and not yet reviewed by a person"
    if meaning == "unsettled":
        note = "the reading of the policy needs a person to settle it"
    return [Evidence("policy", rule.policy, verdict, text, citation, note)]


def _attestation_evidence(rule: Rule, src: Sources) -> list[Evidence]:
    if not rule.attestation:
        return []
    mine = sorted(
        (a for a in src.attestations if rule.provision in a.provisions),
        key=lambda a: a.date,
        reverse=True,
    )
    if not mine:
        return [Evidence("attestation", rule.attestation, "missing", "no attestation given", "—")]
    out = []
    for i, a in enumerate(mine):
        citation = f"{a.who}, {a.date.isoformat()}: {a.document}"
        if i > 0:
            out.append(
                Evidence(
                    "attestation",
                    "context",
                    "none",
                    a.statement,
                    citation,
                    "superseded by a later attestation",
                )
            )
            continue
        if a.is_stale(src.assessed_on, src.max_age_months):
            verdict = (
                "missing"
                if src.stale == "needs_evidence"
                else (a.answer if _RANK[a.answer] < _RANK[src.stale] else src.stale)
            )
            note = (
                f"older than {src.max_age_months} months on {src.assessed_on.isoformat()}: renew it"
            )
        else:
            verdict, note = a.answer, None
        out.append(Evidence("attestation", rule.attestation, verdict, a.statement, citation, note))
    return out


def _needs(provision: str, missing: list[str], evidence: list[Evidence], src: Sources) -> list[str]:
    out = []
    for source in missing:
        if source == "attestation":
            latest = src.latest_attestation(provision)
            where = src.attestations_name or "attestations.yaml"
            out.append(
                f"a current attestation: the latest, of {latest.date.isoformat()}, is older than "
                f"{src.max_age_months} months"
                if latest is not None
                else f"an attestation: add an entry for {provision} to {where} "
                "(who, date, document)"
            )
        elif source == "policy":
            settle = [e for e in evidence if e.source == "policy" and e.note and "settle" in e.note]
            out.append(
                "the policy reading settled (resolve the profile's review flag)"
                if settle
                else "the policy: set self_assessment.policy in the configuration or pass --policy"
            )
        elif source == "data":
            gaps = [e.text for e in evidence if e.source == "data" and e.verdict == "missing"]
            out.append("data: " + (gaps[0] if gaps else "the complaint extract"))
    return out


def answer_provision(provision: Provision, rule: Rule, book: RuleBook, src: Sources) -> Answer:
    """Gather a provision's evidence, suggest its answer, apply any override."""
    description = book.describe(
        rule, src.thresholds, max_age_months=src.max_age_months, stale=src.stale
    )
    if not rule.assessed or not provision.assessed:
        return Answer(provision, description, "not_assessed", "not_assessed", ())
    evidence = (
        _data_evidence(rule, src)
        + _quality_evidence(provision.number, src)
        + _policy_evidence(rule, src)
        + _attestation_evidence(rule, src)
    )
    suggested, missing = combine(evidence)
    needs = _needs(provision.number, missing, evidence, src)
    if suggested == "needs_evidence" and not needs:
        idle = [e.text for e in evidence if e.role in ROLES and e.verdict == "none"]
        needs = [f"evidence from another source ({idle[0]})" if idle else "evidence"]
    shortfalls = []
    for e in evidence:
        if e.role in ROLES and e.verdict in ("no", "partly"):
            label = {"data": "Data", "policy": "Policy", "attestation": "Attestation"}[e.source]
            shortfalls.append(f"{label}: {e.text}" + (f" ({e.note})" if e.note else ""))
    override = src.overrides.get(provision.number)
    answer = override.answer if override is not None else suggested
    return Answer(
        provision=provision,
        rule=description,
        suggested=suggested,
        answer=answer,
        evidence=tuple(evidence),
        needs=tuple(needs),
        shortfalls=tuple(shortfalls),
        override=override,
    )


def answer_all(catalogue: Catalogue, book: RuleBook, src: Sources) -> tuple[Answer, ...]:
    """One answer per provision of the catalogue, in Code order."""
    missing = [p.number for p in catalogue.provisions if p.number not in book.rules]
    if missing:
        msg = f"no self-assessment rule for provision(s) {', '.join(missing)}"
        raise ConfigError(RULES_FILE, msg)
    return tuple(answer_provision(p, book.rules[p.number], book, src) for p in catalogue.provisions)


def source_name(source: str) -> str:
    """The words for a source in a sentence ("an attestation")."""
    return _SOURCE_NAMES.get(source, source)
