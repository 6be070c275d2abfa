"""The provision catalogue, the profile file, and the gap check with its Markdown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from auditlib.errors import ConfigError
from auditlib.policy import (
    PROFILE_KEYS,
    check_profile,
    dump_profile,
    extract_profile,
    load_catalogue,
    load_profile,
    profile_values,
    render_markdown,
    save_profile,
    validate_profile,
)
from auditlib.policy.catalogue import available_editions

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
EXAMPLE = Path(__file__).parents[1] / "config" / "policy_profile.example.yaml"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"


# ---------------------------------------------------------------------- catalogue


def test_catalogue_counts_and_statuses_match_the_fact_sheet():
    """73 provisions, 38 confirmed, 12 partly confirmed, 23 unconfirmed."""
    cat = load_catalogue("2024")
    assert len(cat.provisions) == 73
    assert Counter(p.status for p in cat.provisions) == {"C": 38, "P": 12, "U": 23}
    per_section = Counter(p.section for p in cat.provisions)
    assert per_section == {1: 6, 2: 5, 3: 7, 4: 3, 5: 15, 6: 20, 7: 4, 8: 5, 9: 8}
    assert cat.edition == "2024"
    assert cat.catalogue_version >= 1
    assert "2024" in available_editions()


def test_catalogue_limits_are_the_codes():
    """Timescale and stage limits sit in the catalogue beside their provision."""
    cat = load_catalogue()
    assert [cat[n].limit_working_days for n in ("6.2", "6.3", "6.4", "6.11", "6.14", "6.15")
            ] == [5, 10, 10, 5, 20, 20]
    assert cat["6.3"].clock == cat["6.14"].clock == "acknowledgement"
    assert cat["5.3"].limit_stages == 2
    assert cat["2.3"].limit_months == 12
    assert cat["1.1"].assessed is False


def test_catalogue_keys_exist_and_evidence_kinds_are_known():
    """Every profile key the catalogue names is a real key."""
    cat = load_catalogue()
    for p in cat.provisions:
        assert set(p.policy_keys) <= set(PROFILE_KEYS), p.number
        assert set(p.evidence) <= {"data", "policy", "attestation"}, p.number
    assert {"5.3", "6.3", "1.2"} <= {p.number for p in cat.policy_provisions()}


def test_unknown_edition_is_a_config_error():
    """Asking for a Code edition with no catalogue says which ones exist."""
    with pytest.raises(ConfigError, match="2024"):
        load_catalogue("1999")


# ------------------------------------------------------------------------ profile


def test_example_profile_loads():
    """The example profile in config/ is valid and gives plain values."""
    values = profile_values(load_profile(EXAMPLE))
    assert values["stage1_response_working_days"] == 10
    assert values["stage2_response_clock"] == "acknowledgement"
    assert values["escalation_request_window"] == "one month"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_drafted_profile_round_trips(tmp_path, fmt):
    """A drafted profile saved as YAML or JSON loads back unchanged."""
    profile = extract_profile(FIXTURES / "drifting.txt")
    path = tmp_path / f"profile.{fmt}"
    save_profile(profile, path)
    assert load_profile(path) == validate_profile(profile)


def test_bare_values_and_missing_keys():
    """Hand-written shortcuts: a bare value, and a missing key meaning not stated."""
    profile = validate_profile({"stages": 3, "mentions_ombudsman": True})
    values = profile_values(profile)
    assert values["stages"] == 3
    assert values["stage1_ack_working_days"] is None
    assert set(values) == set(PROFILE_KEYS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stage1_ack_workin_days": 5}, "unknown profile key"),
        ({"stages": "two"}, "whole number"),
        ({"stages": True}, "whole number"),
        ({"stage1_ack_working_days": -1}, "whole number"),
        ({"stage1_response_clock": "request"}, "receipt, acknowledgement"),
        ({"stage2_response_clock": "receipt"}, "original_complaint"),
        ({"mentions_ombudsman": "yes"}, "true, false or null"),
        ({"escalation_request_window": 28}, "as written"),
        ({"stages": {"value": 2, "confidence": 1}}, "unknown field"),
        ({"stages": {"value": 2, "evidence": ["a quote"]}}, "evidence must be"),
        (["stages"], "mapping"),
    ],
)
def test_bad_profiles_are_refused(data, message):
    """Typos and wrong types are reported with the key at fault."""
    with pytest.raises(ConfigError, match=message):
        validate_profile(data, source="p.yaml")


def test_invalid_yaml_reports_the_line(tmp_path):
    """A YAML syntax error is a ConfigError naming the line."""
    path = tmp_path / "p.yaml"
    path.write_text("stages: 2\nstage1_ack_working_days: [5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert info.value.row is not None
    assert "not valid YAML" in str(info.value)


def test_dumped_yaml_has_a_header_and_keeps_key_order():
    """The YAML a person reviews starts with instructions and lists keys in order."""
    text = dump_profile(extract_profile(FIXTURES / "compliant.md"))
    assert text.startswith("# Policy profile drafted")
    data = yaml.safe_load(text)
    assert list(data) == ["meta", *PROFILE_KEYS]


# ---------------------------------------------------------------------- gap check


def _findings(name: str) -> dict[str, dict]:
    profile = validate_profile(extract_profile(FIXTURES / name))
    return {f["provision"]: f for f in check_profile(profile)}


def test_every_policy_provision_gets_one_finding():
    """One finding per provision a policy can evidence, in Code order, each with a reason."""
    findings = check_profile(validate_profile(extract_profile(FIXTURES / "compliant.md")))
    cat = load_catalogue()
    expected = [p.number for p in cat.provisions if p.policy_evidence or p.policy_keys]
    assert [f["provision"] for f in findings] == expected
    for f in findings:
        assert f["status"] in {"complies", "gap", "not_stated", "review", "manual"}
        assert f["reason"]
        assert f["code_status"] in {"C", "P", "U"}


def test_compliant_policy_has_no_gaps():
    """The Code-aligned fixture complies wherever the check can read it."""
    findings = _findings("compliant.md")
    checked = {n: f["status"] for n, f in findings.items() if f["status"] != "manual"}
    assert set(checked.values()) == {"complies"}, checked
    assert findings["5.3"]["evidence"]


EXPECTED_DRIFT = {
    "1.2": "gap",
    "2.3": "gap",
    "3.4": "gap",
    "3.7": "gap",
    "5.2": "gap",
    "5.3": "gap",
    "5.14": "gap",
    "6.2": "complies",
    "6.3": "complies",
    "6.4": "gap",
    "6.10": "complies",
    "6.11": "gap",
    "6.14": "gap",
    "6.15": "not_stated",
    "7.4": "gap",
    "8.1": "not_stated",
}


def test_each_drift_is_a_gap_citing_its_provision():
    """Three stages, stage 0, six months, long extension, late ack, wrong clock: all gaps."""
    findings = _findings("drifting.txt")
    assert {n: findings[n]["status"] for n in EXPECTED_DRIFT} == EXPECTED_DRIFT
    for number, status in EXPECTED_DRIFT.items():
        if status == "gap":
            assert f"Code {number}" in findings[number]["reason"], number
    assert findings["5.3"]["reason"] == (
        "three stages described (Stage One, Stage Two, Stage Three); Code 5.3 allows two"
    )
    assert findings["6.4"]["reason"] == "stage 1 extension: 15 working days; Code 6.4 allows 10"
    assert "original complaint" in findings["6.14"]["reason"]
    assert "receipt" in findings["6.3"]["reason"]
    assert "six months" not in findings["2.3"]["reason"]
    assert "6 months" in findings["2.3"]["reason"]


def test_gap_findings_quote_the_policy():
    """A gap carries the sentence that shows it, with its line."""
    finding = _findings("drifting.txt")["6.11"]
    assert "within 7 working days" in finding["evidence"][0]["quote"]
    assert finding["evidence"][0]["line"] == 39


def test_flagged_values_give_review_not_a_verdict():
    """Disagreeing sentences make the finding 'review', with the note."""
    findings = _findings("conflicting.txt")
    assert findings["6.2"]["status"] == "review"
    assert "three working days" in findings["6.2"]["reason"]
    assert findings["5.3"]["status"] == "review"
    assert findings["6.3"]["status"] == "review"


def test_calendar_units_are_compared_only_when_safe():
    """5 calendar days is never longer than 5 working days; two weeks needs a person."""
    findings = _findings("calendar.txt")
    assert findings["6.2"]["status"] == "complies"
    assert findings["6.3"]["status"] == "review"
    assert "two weeks" in findings["6.3"]["reason"]


def test_silent_policy_is_not_stated_not_gap_for_timescales():
    """A policy that says nothing is 'not stated', never guessed compliant."""
    findings = _findings("silent.txt")
    for number in ("5.3", "6.2", "6.3", "6.14", "2.3", "1.2"):
        assert findings[number]["status"] == "not_stated", number
    assert findings["3.7"]["status"] == "gap"


def test_hand_written_profile_is_checked():
    """A profile written by hand, without evidence, is checked the same way."""
    profile = validate_profile({"stages": 2, "stage1_response_working_days": 12,
                                "stage1_response_clock": "acknowledgement"})
    findings = {f["provision"]: f for f in check_profile(profile)}
    assert findings["6.3"]["status"] == "gap"
    assert findings["6.3"]["reason"] == "stage 1 response: 12 working days; Code 6.3 allows 10"
    assert findings["5.3"]["status"] == "complies"


def test_markdown_rendering():
    """The Markdown has a summary, one table row per checked provision, quotes and places."""
    findings = check_profile(validate_profile(extract_profile(FIXTURES / "drifting.txt")))
    text = render_markdown(findings, title="Greystone policy")
    assert text.startswith("## Greystone policy")
    assert "| Code provision | Finding | Reason | Evidence from the policy |" in text
    assert (
        "| 5.3 | Gap | three stages described (Stage One, Stage Two, Stage Three); "
        "Code 5.3 allows two |"
    ) in text
    assert "line 39" in text
    assert "### To confirm by reading the policy" in text
    assert "- **5.4**" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + sum(f["status"] != "manual" for f in findings)


def test_markdown_escapes_pipes_in_quotes():
    """A quote containing '|' (from a table) does not break the Markdown table."""
    profile = validate_profile({
        "stages": {"value": 2, "evidence": [{"quote": "Stage | Timescale", "line": 3,
                                             "section": None}]},
    })
    text = render_markdown(check_profile(profile))
    assert "Stage \\| Timescale" in text


def test_findings_are_json_serialisable():
    """Findings go straight to JSON."""
    findings = check_profile(validate_profile(extract_profile(FIXTURES / "compliant.md")))
    assert json.loads(json.dumps(findings)) == findings


@pytest.mark.parametrize(
    ("name", "gaps"),
    [
        ("000_51dc9267e4b4cb66.txt", {"3.4", "5.2", "5.3"}),
        ("002_e3cd89f8e037b9bb.txt", {"6.14"}),
        ("004_eeda7720ef30d927.txt", set()),
    ],
)
def test_seed_policy_gaps(name, gaps):
    """Real policies: the gaps found by reading them (three stages, informal stage, clock)."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed policy {name} not present")
    findings = check_profile(validate_profile(extract_profile(path)))
    assert {f["provision"] for f in findings if f["status"] == "gap"} == gaps
