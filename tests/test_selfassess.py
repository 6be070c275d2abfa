"""The self-assessment: answers at the edge of each threshold, by source, and the combining rule.

Extracts are built by hand (dates worked out on the calendar, across weekends, bank
holidays and Christmas) and go through the real loader, so each answer is what a
landlord would get from the same rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from auditlib.audit import AuditResult, run_audit
from auditlib.config import AuditConfig
from auditlib.policy.catalogue import load_catalogue
from auditlib.selfassess import answer_of, load_rules, self_assess
from auditlib.selfassess.inputs import Attestation
from auditlib.tsm import Period
from tests import reference

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
ON = date(2026, 6, 30)
HOLIDAYS = {date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)}


def _audit(tmp_path: Path, rows: list[dict[str, object]], name: str = "x.csv") -> AuditResult:
    """Write the rows as a canonical CSV (ISO dates) and audit it for 2025/26."""
    frame = pl.DataFrame(rows).with_columns(
        pl.format("C{}", pl.int_range(1, len(rows) + 1)).alias("complaint_id")
    )
    path = tmp_path / name
    frame.write_csv(path)
    return run_audit(path, config=AuditConfig(), period=YEAR, as_of=ON)


def _acks(on_time: int, late: int) -> list[dict[str, object]]:
    """Stage 1 complaints received on Christmas Eve 2025 (a Wednesday).

    Working days after it: Mon 29 Dec (1; 25 and 26 Dec are bank holidays, then the
    weekend), 30 (2), 31 (3), Fri 2 Jan 2026 (4; 1 Jan is a bank holiday), Mon 5 Jan (5).
    An acknowledgement on 5 January is on the 5th working day (in time); on 6 January it
    is the 6th (one day late).
    """
    rows: list[dict[str, object]] = []
    for i in range(on_time + late):
        rows.append(
            {
                "stage1_received_date": "2025-12-24",
                "stage1_acknowledged_date": "2026-01-05" if i < on_time else "2026-01-06",
            }
        )
    return rows


def test_the_christmas_dates_are_what_the_slow_reference_says():
    assert reference.elapsed(date(2025, 12, 24), date(2026, 1, 5), HOLIDAYS) == 5
    assert reference.elapsed(date(2025, 12, 24), date(2026, 1, 6), HOLIDAYS) == 6


@pytest.mark.parametrize(
    ("on_time", "late", "answer"),
    [
        (19, 1, "yes"),  # 95.0%: exactly the Yes threshold
        (37, 2, "partly"),  # 94.9% shows as 94.9, below the threshold: not Yes
        (16, 4, "partly"),  # 80.0%: exactly the Partly threshold
        (79, 21, "no"),  # 79.0%
        (20, 0, "yes"),
    ],
)
def test_acknowledgement_answers_at_the_threshold_edges(tmp_path, on_time, late, answer):
    result = _audit(tmp_path, _acks(on_time, late))
    got = answer_of(self_assess(result, assessed_on=ON), "6.2")
    assert got.suggested == answer
    data = got.evidence[0]
    assert data.source == "data"
    assert f"{on_time:,} of {on_time + late:,} stage 1 complaints received in 2025/26" in data.text
    if late:
        assert f"{late:,} late, median 1 working day late" in data.text


def test_thresholds_come_from_the_configuration(tmp_path):
    result = _audit(tmp_path, _acks(18, 2))
    config = AuditConfig.from_dict(
        {
            "self_assessment": {
                "thresholds": {"timeliness": {"yes_at_least": 90, "partly_at_least": 50}}
            }
        }
    )
    assert answer_of(self_assess(result, config=config, assessed_on=ON), "6.2").suggested == "yes"
    assert (
        "Yes at 90% or more"
        in answer_of(self_assess(result, config=config, assessed_on=ON), "6.2").rule
    )


def test_response_figures_are_the_metrics_to_the_digit(root):
    config = AuditConfig.load(root / "config" / "auditlib.yaml")
    result = run_audit(root / "data" / "sample" / "complaints.csv", config=config)
    sa = self_assess(result, config=config)
    m = result.metrics
    for n, provision in ((1, "6.3"), (2, "6.14")):
        text = answer_of(sa, provision).evidence[0].text
        within, answered = m[f"stage{n}_responded_within"], m[f"stage{n}_responded"]
        assert text.startswith(f"{within:,} of {answered:,} ")
        assert f"({within / answered * 100:.1f}%; CH02 ({n}))" in text
        assert f"{m[f'ch02_stage{n}_pct']:.1f}" == f"{within / answered * 100:.1f}"
    headline = sa.figures.headline.filter(pl.col("measure") == "Complaints received")
    assert headline["stage_1"].item() == m["stage1_received"]


def test_the_sample_run_shows_every_kind_of_answer(root):
    config = AuditConfig.load(root / "config" / "auditlib.yaml")
    result = run_audit(root / "data" / "sample" / "complaints.csv", config=config)
    sa = self_assess(result, config=config)
    counts = sa.counts()
    assert all(counts[label] > 0 for label in ("Yes", "Partly", "No", "Needs evidence"))
    catalogue = load_catalogue()
    assert [a.provision.number for a in sa.answers] == [p.number for p in catalogue.provisions]
    assert answer_of(sa, "1.1").answer == "not_assessed"
    assert answer_of(sa, "5.2").answer == "no"  # the sample policy has a "stage 0"
    assert answer_of(sa, "4.3").answer == "partly"  # its training attestation is stale


def test_every_provision_has_a_rule_and_no_rule_names_an_unknown_provision():
    book = load_rules()
    numbers = {p.number for p in load_catalogue().provisions}
    assert set(book.rules) == numbers


def test_nothing_is_yes_without_evidence(tmp_path):
    """With no policy and no attestations, only data-evidenced provisions can be Yes."""
    result = _audit(tmp_path, _acks(20, 0))
    sa = self_assess(result, assessed_on=ON)
    book = load_rules()
    for a in sa.answers:
        if a.answer == "yes":
            assert book.rules[a.provision.number].data, a.provision.number
            assert any(e.verdict == "yes" for e in a.evidence)
    officer = answer_of(sa, "4.1")
    assert officer.answer == "needs_evidence"
    assert "attestation" in officer.needs[0]
    definition = answer_of(sa, "1.2")
    assert definition.answer == "needs_evidence"
    assert any("the policy" in n for n in definition.needs)


def test_a_missing_column_says_which(tmp_path):
    result = _audit(tmp_path, [{"stage1_received_date": "2025-06-02"}] * 3)
    sa = self_assess(result, assessed_on=ON)
    ack = answer_of(sa, "6.2")
    assert ack.answer == "needs_evidence"
    assert "stage1_acknowledged_date not recorded in the extract" in ack.needs[0]
    independence = answer_of(sa, "6.13")
    assert "stage1_handler_id, stage2_handler_id" in independence.needs[0]


def _attestations(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "attestations.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_attestations_current_stale_partly_and_superseded(tmp_path):
    result = _audit(tmp_path, _acks(20, 0))
    path = _attestations(
        tmp_path,
        """
attestations:
  - provisions: ["4.1"]
    statement: The Complaints Manager is the named complaints officer.
    who: Director
    date: 2025-06-30
    document: JD-1
  - provisions: ["4.2"]
    statement: Authority to settle.
    who: Director
    date: 2025-06-29
    document: SoD-4
  - provisions: ["6.5", "6.16"]
    statement: Extension letters checked; some lacked the Ombudsman's details.
    who: Manager
    date: 2026-05-01
    document: QC-5
    answer: partly
  - provisions: [9.5]
    statement: An older appointment.
    who: Secretary
    date: 2024-01-01
    document: Minutes 2024
  - provisions: ["9.5"]
    statement: The Member Responsible for Complaints was appointed.
    who: Secretary
    date: 2026-02-01
    document: Minutes Feb 2026
""",
    )
    sa = self_assess(result, attestations=path, assessed_on=ON)
    assert answer_of(sa, "4.1").answer == "yes"  # exactly 12 months old: still current
    stale = answer_of(sa, "4.2")  # 12 months and a day
    assert stale.answer == "partly"
    assert "older than 12 months" in (stale.evidence[0].note or "")
    assert answer_of(sa, "6.5").answer == answer_of(sa, "6.16").answer == "partly"
    mrc = answer_of(sa, "9.5")
    assert mrc.answer == "yes"
    assert [e.note for e in mrc.evidence] == [None, "superseded by a later attestation"]


def test_attestation_age_is_configurable():
    a = Attestation(("4.1",), "s", "w", date(2026, 1, 31), "d")
    assert not a.is_stale(date(2026, 7, 31), 6)
    assert a.is_stale(date(2026, 8, 1), 6)


@pytest.mark.parametrize(
    ("body", "line", "key", "words"),
    [
        (
            "attestations:\n  - provisions: ['4.1']\n    statement: s\n    who: w\n    date: 2026-13-01\n"
            "    document: d\n",
            5,
            "date",
            "is not a date",
        ),
        (
            "attestations:\n  - provisions: ['4.9']\n    statement: s\n    who: w\n    date: 2026-01-01\n"
            "    document: d\n",
            2,
            "provisions",
            "not a provision",
        ),
        (
            "attestations:\n  - provisions: ['4.1']\n    statement: s\n    who: w\n    date: 2026-01-01\n",
            2,
            "document",
            "missing",
        ),
        ("attestations:\n  - provisions: ['4.1']\n    statment: s\n", 3, "statment", "unknown key"),
        ("attestations:\n  - provisions: ['4.1']\n    statement: [s\n", 4, None, "not valid YAML"),
        (
            "attestations:\n  - provisions: ['4.1']\n    statement: s\n    who: w\n    date: 2027-01-01\n"
            "    document: d\n",
            5,
            "date",
            "after the assessment date",
        ),
        (
            "attestations:\n  - provisions: ['4.1']\n    statement: s\n    who: w\n    date: 2026-01-01\n"
            "    document: d\n    answer: maybe\n",
            7,
            "answer",
            "not one of yes, partly, no",
        ),
        ("attestations: " + "[" * 20000 + "]" * 20000 + "\n", None, None, "nested too deeply"),
        ("attestation:\n  - x\n", 1, "attestation", "unknown key"),
    ],
)
def test_a_malformed_attestations_file_is_one_line_naming_line_and_key(
    tmp_path, body, line, key, words
):
    from auditlib.errors import SettingsFileError
    from auditlib.selfassess import load_attestations

    path = _attestations(tmp_path, body)
    with pytest.raises(SettingsFileError) as caught:
        load_attestations(path, catalogue=load_catalogue(), assessed_on=ON)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(repr(str(path)))
    assert words in message
    if line is not None:
        assert f"line {line}" in message
    if key is not None:
        assert f"key {key!r}" in message


def test_unquoted_provision_numbers_keep_their_written_form(tmp_path):
    from auditlib.selfassess import load_attestations

    path = _attestations(
        tmp_path,
        "attestations:\n  - provisions: [6.10, 6.20]\n    statement: s\n    who: w\n"
        "    date: 2026-01-01\n    document: d\n",
    )
    (got,) = load_attestations(path, catalogue=load_catalogue(), assessed_on=ON)
    assert got.provisions == ("6.10", "6.20")


def test_overrides_keep_the_suggestion_beside_the_answer(tmp_path):
    result = _audit(tmp_path, _acks(15, 5))
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "overrides:\n  - provision: '6.2'\n    answer: Partly\n    reason: Two weeks of "
        "system outage in January.\n    who: Complaints Manager\n    date: 2026-05-01\n",
        encoding="utf-8",
    )
    sa = self_assess(result, overrides=overrides, assessed_on=ON)
    got = answer_of(sa, "6.2")
    assert (got.suggested, got.answer) == ("no", "partly")
    assert "Suggested No; answered Partly by Complaints Manager on 2026-05-01" in got.commentary
    row = sa.table().filter(pl.col("provision") == "6.2").row(0, named=True)
    assert (row["comply"], row["suggested"], row["overridden"]) == ("Partly", "No", True)
    as_json = next(p for p in sa.to_json()["provisions"] if p["provision"] == "6.2")
    assert as_json["override"]["reason"].startswith("Two weeks")
    assert as_json["suggested"] == "No"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "overrides:\n  - provision: '6.2'\n    answer: Maybe\n    reason: r\n    who: w\n"
            "    date: 2026-01-01\n",
            "is not one of Yes, Partly, No, Needs evidence",
        ),
        (
            "overrides:\n  - provision: '6.2'\n    answer: No\n    reason: r\n    who: w\n"
            "    date: 2026-01-01\n  - provision: '6.2'\n    answer: Yes\n    reason: r\n"
            "    who: w\n    date: 2026-01-01\n",
            r"overridden twice \(first on line 2\)",
        ),
        (
            "overrides:\n  - provision: '6.2'\n    answer: No\n    who: w\n    date: 2026-01-01\n",
            "this entry is missing it",
        ),
    ],
)
def test_a_malformed_overrides_file_is_one_line(tmp_path, body, words):
    from auditlib.errors import SettingsFileError
    from auditlib.selfassess import load_overrides

    path = tmp_path / "overrides.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SettingsFileError, match=words):
        load_overrides(path, catalogue=load_catalogue())


def _profile(tmp_path: Path, **values: object) -> Path:
    import yaml

    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump({"meta": {"reviewed": True}, **values}), encoding="utf-8")
    return path


def test_policy_findings_decide_policy_provisions(tmp_path):
    result = _audit(tmp_path, _acks(20, 0))
    profile = _profile(
        tmp_path,
        stages=2,
        has_informal_stage=True,
        stage1_ack_working_days=10,
        uses_code_definition=True,
        mentions_ombudsman={"value": True, "review": True, "note": "two readings"},
    )
    sa = self_assess(result, policy=profile, assessed_on=ON)
    assert answer_of(sa, "5.2").answer == "no"  # an informal stage: a gap
    assert answer_of(sa, "5.3").answer == "yes"
    assert answer_of(sa, "1.2").answer == "yes"
    # the data says every acknowledgement was in time, but the policy allows 10 days
    ack = answer_of(sa, "6.2")
    assert ack.answer == "no"
    assert any(
        s.startswith("Policy: stage 1 acknowledgement: 10 working days") for s in ack.shortfalls
    )
    # silent on the time limit for making a complaint: Partly at best
    assert answer_of(sa, "2.2").answer == "partly"
    # a reading flagged for review is not evidence until a person settles it
    ombudsman = answer_of(sa, "3.7")
    assert ombudsman.answer == "needs_evidence"
    assert "settled" in ombudsman.needs[0]


def test_what_regressed_since_last_year(tmp_path):
    last = self_assess(_audit(tmp_path, _acks(20, 0), "a.csv"), assessed_on=ON).to_json()
    now = self_assess(_audit(tmp_path, _acks(10, 10), "b.csv"), previous=last, assessed_on=ON)
    assert now.changes is not None
    row = now.changes.filter(pl.col("provision") == "6.2").row(0, named=True)
    assert (row["previous"], row["now"], row["change"]) == ("Yes", "No", "regressed")
    assert now.changes.filter(pl.col("provision") == "4.1")["change"].item() == "same"
    change = now.figures.previous
    assert change is not None
    received = change.filter((pl.col("measure") == "Complaints received") & (pl.col("stage") == 1))
    assert received.select("this_period", "previous_period", "change").row(0) == (20.0, 20.0, 0.0)


def test_data_quality_failures_are_shown_where_they_limit_the_data(tmp_path):
    result = _audit(tmp_path, _acks(20, 0))
    checks = pl.DataFrame(
        {
            "check": ["stage1_acknowledged_recorded", "tenure_recorded"],
            "provision": ["6.2", "CH01, CH02"],
            "severity": ["critical", "warning"],
            "passed": [False, False],
            "message": ["acknowledgement date missing on 3 answered complaints", "tenure blank"],
        }
    )
    sa = self_assess(result, quality=checks, assessed_on=ON)
    ack = answer_of(sa, "6.2")
    quality = [e for e in ack.evidence if e.source == "data quality"]
    assert [e.text for e in quality] == [
        "critical: acknowledgement date missing on 3 answered complaints"
    ]
    records = answer_of(sa, "5.12")
    assert records.suggested == "partly"  # a critical check failed: Partly at best
    assert "1 critical" in " ".join(e.text for e in records.evidence)


def test_annual_figures_suppress_small_counts_and_keep_totals(root):
    from auditlib.annual import publishable

    config = AuditConfig.load(root / "config" / "auditlib.yaml")
    result = run_audit(root / "data" / "sample" / "complaints.csv", config=config)
    figures = self_assess(result, config=config).figures
    assert figures.by_channel["complaints"].sum() == result.metrics["stage1_received"]
    assert figures.by_category["stage1_received"].sum() == result.metrics["stage1_received"]
    outcomes = figures.outcomes.filter(pl.col("stage") == 2)["complaints"].sum()
    assert outcomes == result.metrics["stage2_responded"]
    shown = publishable("by_category", figures.by_category)
    small = figures.by_category.filter(pl.col("stage2_requested").is_between(1, 4)).height
    assert small > 0
    assert (shown["stage2_requested"] == "fewer than 5").sum() >= small
    assert figures.refusals is not None
    assert figures.refusals["complaints"].sum() > 0


def test_a_date_range_with_nothing_in_it_is_not_applicable(tmp_path):
    rows = [{"stage1_received_date": "2024-06-03", "stage1_acknowledged_date": "2024-06-04"}]
    result = _audit(tmp_path, rows)
    ack = answer_of(self_assess(result, assessed_on=ON), "6.2")
    assert ack.answer == "needs_evidence"
    assert ack.evidence[0].text == "no stage 1 complaints received in 2025/26"


def test_an_assessment_date_defaults_to_today(tmp_path):
    result = _audit(tmp_path, _acks(1, 0))
    assert self_assess(result).assessed_on == date.today()


def test_a_full_record_needs_every_stage_recorded(tmp_path):
    """5.12 asks for a record of each complaint's stages: complete rows are not enough."""
    checks = pl.DataFrame(
        {"check": ["ok"], "provision": ["5.12"], "severity": ["critical"], "passed": [True]}
    )
    sa = self_assess(_audit(tmp_path, _acks(20, 0)), quality=checks, assessed_on=ON)
    records = answer_of(sa, "5.12")
    assert records.suggested == "partly"
    (note,) = [e.note for e in records.evidence if e.role == "required"]
    assert note == (
        "held at Partly: the extract records no stage1_response_date, stage1_outcome, "
        "stage2_requested_date, stage2_response_date, stage2_outcome, so not every stage"
    )


def test_put_right_at_stage_1_leaves_out_the_complaints_that_escalated(tmp_path):
    """5.13's context counts stage 1 remedies the resident accepted: no stage 2 request."""
    upheld = {
        "stage1_received_date": "2025-06-02",
        "stage1_acknowledged_date": "2025-06-03",
        "stage1_response_date": "2025-06-10",
        "stage1_outcome": "upheld",
        "remedy": "repair completed",
    }
    rows = [dict(upheld) for _ in range(7)]
    for row in rows[:2]:
        row["stage2_requested_date"] = "2025-06-20"
    for row in rows[2:]:
        row["stage2_requested_date"] = None

    def context(name: str, extract: list[dict[str, object]]) -> list[str]:
        sa = self_assess(_audit(tmp_path, extract, name), assessed_on=ON)
        return [e.text for e in answer_of(sa, "5.13").evidence if "remedy recorded" in e.text]

    assert context("a.csv", rows) == [
        "5 complaints were upheld or partly upheld at stage 1 in 2025/26 with a remedy "
        "recorded, without the resident escalating"
    ]
    unknown = [{k: v for k, v in r.items() if k != "stage2_requested_date"} for r in rows]
    assert context("b.csv", unknown) == [
        "7 complaints were upheld or partly upheld at stage 1 in 2025/26 with a remedy recorded"
    ]


def test_stage_2_requests_still_in_time_are_not_called_none(tmp_path):
    """6.10: requests too recent to need an acknowledgement yet are not 'no requests'."""
    rows = [
        {
            "stage1_received_date": "2026-03-02",
            "stage1_response_date": "2026-03-16",
            "stage2_requested_date": "2026-03-30",  # Monday; 31 March is 1 working day on
        }
    ] * 3
    frame = pl.DataFrame(rows).with_columns(
        pl.format("C{}", pl.int_range(1, 4)).alias("complaint_id")
    )
    frame.write_csv(tmp_path / "x.csv")
    result = run_audit(
        tmp_path / "x.csv", config=AuditConfig(), period=YEAR, as_of=date(2026, 3, 31)
    )
    taken = answer_of(self_assess(result, assessed_on=ON), "6.10")
    (data,) = [e for e in taken.evidence if e.role == "required"]
    assert data.text == (
        "the 3 stage 2 requests made in 2025/26 are all within 5 working days of 2026-03-31, "
        "still time to take them in"
    )


def test_compensation_of_a_few_residents_is_not_published():
    """With fewer than min_count awards, their total, median and largest are one
    resident's award; small bands are hidden as one breakdown of the awards."""
    from auditlib.annual import publishable

    measures = [
        "complaints upheld or partly upheld",
        "of which with a remedy recorded",
        "complaints with compensation offered",
        "compensation offered, total £",
        "compensation offered, median £",
        "compensation offered, largest £",
        "compensation under £50",
        "compensation £50 to £99",
        "compensation £1,000 or more",
    ]

    def shown(*values: float) -> list[str | None]:
        table = pl.DataFrame({"measure": measures, "value": list(values)})
        return publishable("remedies", table, min_count=5)["value"].to_list()

    assert shown(40, 38, 3, 700, 200, 400, 1, 2, 0) == [
        "40", "38", "fewer than 5", "not shown", "not shown", "not shown",
        "fewer than 5", "fewer than 5", "0",
    ]  # fmt: skip
    assert shown(40, 38, 12, 7000, 200, 1400, 10, 2, 0) == [
        "40", "38", "12", "7,000", "200", "1,400",
        "fewer than 5", "fewer than 5", "0",  # 10 hidden too: 12 - 10 would give the 2
    ]  # fmt: skip
    assert shown(40, 38, 12, 7000, 200, 1400, 6, 6, 0)[6:] == ["6", "6", "0"]


def test_the_compensation_evidence_hides_a_few_residents_awards(tmp_path):
    paid = {
        "stage1_received_date": "2025-06-02",
        "stage1_acknowledged_date": "2025-06-03",
        "stage1_response_date": "2025-06-10",
        "stage1_outcome": "upheld",
        "compensation_gbp": 250.0,
    }
    few = answer_of(self_assess(_audit(tmp_path, [paid] * 3, "a.csv"), assessed_on=ON), "7.2")
    many = answer_of(self_assess(_audit(tmp_path, [paid] * 6, "b.csv"), assessed_on=ON), "7.2")
    (text,) = [e.text for e in few.evidence if e.text.startswith("compensation offered")]
    assert text == (
        "compensation offered on fewer than 5 complaints answered in 2025/26; amounts are not "
        "shown for so few"
    )
    (text,) = [e.text for e in many.evidence if e.text.startswith("compensation offered")]
    assert text.startswith(
        "compensation offered on 6 complaints answered in 2025/26, £1,500 in all"
    )
