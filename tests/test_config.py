"""The landlord's configuration file: homes, closure days, targets, rule choices."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from auditlib.config import AuditConfig
from auditlib.errors import ConfigError
from auditlib.rules import Interpretation

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_config_reads():
    """The sample landlord's file gives homes by tenure, a mapping, targets and rules."""
    config = AuditConfig.load(ROOT / "config" / "auditlib.yaml")
    assert config.homes.total == 10_000
    assert config.homes.by_tenure == {"LCRA": 8800, "LCHO": 1200}
    assert config.extract == ROOT / "data" / "sample" / "complaints.csv"
    assert config.landlord_targets is not None
    assert config.landlord_targets.stage1.ack_working_days == 3
    assert config.interpretation == Interpretation()


def test_policy_profile_supplies_the_landlords_targets(tmp_path):
    """A policy profile with quoted evidence gives the targets the clocks check."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "stage1_ack_working_days: {value: 2, evidence: [{quote: 'within two working days'}]}\n"
        "stage1_response_working_days: {value: 10}\n"
        "stage2_response_working_days: {value: null, as_written: four weeks}\n"
        "stage2_response_clock: {value: request}\n",
        encoding="utf-8",
    )
    config_file = tmp_path / "auditlib.yaml"
    config_file.write_text("policy_profile: profile.yaml\n", encoding="utf-8")
    targets = AuditConfig.load(config_file).landlord_targets
    assert targets is not None
    assert targets.stage1.ack_working_days == 2
    assert targets.stage2.response_working_days is None  # weeks are never converted
    assert targets.stage2.response_clock == "receipt"


def test_example_policy_profile_reads():
    """The example profile shipped for landlords feeds the clocks."""
    config = AuditConfig.from_dict(
        {"policy_profile": "policy_profile.example.yaml"}, path=ROOT / "config" / "x.yaml"
    )
    assert config.landlord_targets is not None
    assert config.landlord_targets.stage2.response_working_days == 20


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("homez: 1\n", "unknown setting(s) homez"),
        ("closure_days: [2025-13-01]\n", "month must be in 1..12"),
        ("closure_days: [1 May 2025]\n", "is not an ISO date"),
        ("rules:\n  excess_extension: sometimes\n", "expected one of cap, disallow"),
        ("rules:\n  strictness: high\n", "unknown rule option"),
        ("policy_profile: missing.yaml\n", "policy profile not found"),
        ("homes: [1, 2\n", "not valid YAML"),
        ("policy_profile: p.yaml\nlandlord_targets: {stage1_ack_working_days: 3}\n", "not both"),
    ],
)
def test_bad_settings_name_the_file(tmp_path, text, fragment):
    """A mistake in the file is a ConfigError naming the file and the mistake."""
    path = tmp_path / "auditlib.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        AuditConfig.load(path)
    assert fragment in str(info.value)
    assert str(tmp_path) in str(info.value)
    assert "\n" not in str(info.value)


def test_closure_days_reach_the_calendar(tmp_path):
    """Closure days listed in the file are not working days."""
    path = tmp_path / "auditlib.yaml"
    path.write_text("closure_days: [2025-12-29]\nextra_holidays: [2028-01-03]\n", encoding="utf-8")
    calendar = AuditConfig.load(path).calendar()
    assert not calendar.is_working_day(date(2025, 12, 29))
    assert calendar.last_year == 2100
    assert not calendar.is_working_day(date(2028, 1, 3))
