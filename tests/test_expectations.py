"""The expectation suite and the great-expectations edge, on hand-made frames.

One validation per frame, shared by the module's tests (importing great-expectations
alone costs 3-5 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from auditlib import schema
from auditlib.errors import ConfigError
from auditlib.expectations import Validation, read_suite, suite_checks, validate_frame
from auditlib.quality.checks import check_frame
from auditlib.testing import complaints_frame

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "expectations" / "complaints_extract.json"
PARAMS = {"date_floor": date(2018, 1, 1), "as_of": date(2025, 12, 31)}


def _clean(cid: str, **changes: Any) -> dict[str, Any]:
    """A complete, correct stage 1 complaint, with ``changes`` applied."""
    row: dict[str, Any] = {
        "complaint_id": cid,
        "stage1_received_date": "2025-06-02",
        "stage1_acknowledged_date": "2025-06-04",
        "stage1_response_date": "2025-06-13",
        "stage1_outcome": "upheld",
        "stage1_handler_id": "E1",
        "tenure": "LCRA",
        "channel": "phone",
        "category": "Repairs",
        "compensation_gbp": 50.0,
    }
    row.update(changes)
    return row


ESCALATED = {
    "stage2_requested_date": "2025-06-20",
    "stage2_acknowledged_date": "2025-06-23",
    "stage2_response_date": "2025-07-15",
    "stage2_outcome": "not_upheld",
    "stage2_handler_id": "E9",
}
EXTENDED = {"stage1_extension_days": 5, "stage1_extension_notified_date": "2025-06-10"}

CLEAN_ROWS = [
    _clean(f"OK{i}", **(ESCALATED if i % 4 == 0 else EXTENDED if i % 4 == 1 else {}))
    for i in range(30)
]

# complaint_id -> changes; each row carries one defect
DEFECT_ROWS: dict[str, dict[str, Any]] = {
    "NOID": {"complaint_id": None},
    "DUP": {},
    "NORCV": {"stage1_received_date": None},
    "OLD": {
        "stage1_received_date": "2017-05-02",
        "stage1_acknowledged_date": None,
        "stage1_response_date": None,
        "stage1_outcome": None,
    },
    "FUTURE": {"stage1_response_date": "2026-03-02"},
    "ACKEARLY": {"stage1_received_date": "2025-06-10", "stage1_response_date": "2025-06-20"},
    "RESPEARLY": {"stage1_acknowledged_date": "2025-06-10", "stage1_response_date": "2025-06-09"},
    "ESCEARLY": {**ESCALATED, "stage2_requested_date": "2025-06-12"},
    "S2NOREQ": {"stage2_acknowledged_date": "2025-06-20"},
    "S2NOS1": {
        "stage1_response_date": None,
        "stage1_outcome": None,
        "stage2_requested_date": "2025-06-20",
    },
    "PENDING": {"stage1_outcome": "Pending"},
    "FREEHOLD": {"tenure": "Freehold"},
    "LONGEXT": {"stage1_extension_days": 75, "stage1_extension_notified_date": "2025-06-10"},
    "NEGCOMP": {"compensation_gbp": -50.0},
    "NOOUTCOME": {"stage1_outcome": None},
    "NOACK": {"stage1_acknowledged_date": None},
    "LATENOTICE": {"stage1_extension_days": 5, "stage1_extension_notified_date": "2025-06-16"},
}

EXPECTED = {
    "complaint_id_present": ["(none)"],
    "complaint_id_unique": ["DUP", "DUP"],
    "stage1_received_date_present": ["NORCV"],
    "stage1_received_date_in_range": ["OLD"],
    "stage1_response_date_in_range": ["FUTURE"],
    "stage1_acknowledged_after_received": ["ACKEARLY"],
    "stage1_response_after_acknowledged": ["RESPEARLY"],
    "stage2_requested_after_stage1_response": ["ESCEARLY"],
    "stage2_acknowledged_needs_request": ["S2NOREQ"],
    "stage2_only_after_stage1_response": ["S2NOS1"],
    "stage1_outcome_allowed": ["PENDING"],
    "tenure_allowed": ["FREEHOLD"],
    "stage1_extension_days_range": ["LONGEXT"],
    "compensation_not_negative": ["NEGCOMP"],
    "stage1_outcome_recorded": ["NOOUTCOME"],
    "stage1_acknowledged_recorded": ["NOACK"],
    "stage1_extension_notified_before_response": ["LATENOTICE"],
}


def _defect_frame() -> pl.DataFrame:
    rows = list(CLEAN_ROWS)
    for cid, changes in DEFECT_ROWS.items():
        rows.append(_clean(cid, **changes))
    rows.append(_clean("DUP"))
    return complaints_frame(rows)


@pytest.fixture(scope="module")
def suite() -> dict[str, Any]:
    return read_suite(SUITE)


@pytest.fixture(scope="module")
def defects(suite: dict[str, Any]) -> Validation:
    return validate_frame(_defect_frame(), suite, parameters=PARAMS)


@pytest.fixture(scope="module")
def clean(suite: dict[str, Any]) -> Validation:
    return validate_frame(complaints_frame(CLEAN_ROWS), suite, parameters=PARAMS)


def test_suite_file_is_gx_1x_shape_with_metadata_on_every_expectation(
    suite: dict[str, Any],
) -> None:
    """Name, expectations with type/kwargs/meta; provision, why, fix and severity each."""
    assert suite["name"] == "complaints_extract"
    for expectation in suite["expectations"]:
        assert set(expectation) == {"type", "kwargs", "meta"}
        assert expectation["type"].startswith("expect_")
        meta = expectation["meta"]
        assert meta["provision"]
        assert meta["why"].endswith(".")
        assert "{count}" in meta["fix"] or "{observed}" in meta["fix"]


def test_default_severities_completeness_is_warning_the_rest_critical(
    suite: dict[str, Any],
) -> None:
    """Completeness, the channel label and absent columns are warnings; identity, dates,
    order, the labels a figure reads (outcome, tenure) and ranges are critical: critical
    means a Code figure would be wrong."""
    checks = suite_checks(suite)
    warnings = set(checks.filter(pl.col("severity") == "warning")["check"])
    assert warnings == {c for c in checks["check"] if c.endswith("_recorded")} | {
        "channel_allowed",
        "columns_present",
    }
    assert all(checks.filter(pl.col("severity") == "warning")["threshold"] <= 1)
    assert checks.height == len(set(checks["check"])) >= 40


def test_suite_covers_every_label_set_and_date_column(suite: dict[str, Any]) -> None:
    """Each label column is checked against schema's set; each date column for range."""
    by_check = {e["meta"]["check"]: e for e in suite["expectations"]}
    for column in ("stage1_outcome", "stage2_outcome", "tenure", "channel"):
        assert by_check[f"{column}_allowed"]["kwargs"]["value_set"] == list(
            schema.BY_NAME[column].labels
        )
    for column in schema.DATE_COLUMNS:
        kwargs = by_check[f"{column}_in_range"]["kwargs"]
        assert kwargs["min_value"] == {"$PARAMETER": "date_floor"}
        assert kwargs["max_value"] == {"$PARAMETER": "as_of"}


def test_each_hand_made_defect_fails_its_check_with_the_right_rows(defects: Validation) -> None:
    """Exactly the expected checks fail, each on exactly the planted rows."""
    failed = defects.results.filter(~pl.col("success"))
    assert dict(failed.select("check", "failing_rows").iter_rows()) == {
        check: len(ids) for check, ids in EXPECTED.items()
    }
    for check, ids in EXPECTED.items():
        got = defects.failures.filter(pl.col("check") == check)["complaint_id"]
        assert sorted(got.fill_null("(none)").to_list()) == sorted(ids), check


def test_no_expectation_raised(defects: Validation, clean: Validation) -> None:
    """great-expectations reports some errors only in exception_info: none here."""
    assert defects.raised.height == 0
    assert clean.raised.height == 0


def test_clean_frame_passes_every_check(clean: Validation) -> None:
    """A complete, correct extract fails nothing."""
    assert clean.results["success"].all()
    assert clean.failures.height == 0
    assert clean.results["rows_checked"].null_count() <= 1  # the table-level column check


def test_failures_carry_ids_source_rows_and_readable_values(defects: Validation) -> None:
    """Dates come back as ISO dates, pairs show both columns, blanks as null."""
    rows = {r["check"]: r for r in defects.failures.iter_rows(named=True)}
    assert rows["stage1_response_date_in_range"]["value"] == "2026-03-02"
    assert rows["stage1_acknowledged_after_received"]["value"] == (
        "stage1_acknowledged_date 2025-06-04; stage1_received_date 2025-06-10"
    )
    assert rows["compensation_not_negative"]["value"] == "-50"
    assert rows["stage1_outcome_recorded"]["value"] is None
    assert all(isinstance(r, int) for r in defects.failures["source_row"])


@pytest.mark.parametrize("bound", ["not a date", "2020-01-01"])
def test_a_bad_bound_on_a_date_column_is_reported_not_passed(bound: str) -> None:
    """A broken suite entry shows up as an exception, never as a silent pass.

    GX refuses 'not a date' when the expectation is made; '2020-01-01' it accepts and
    then fails inside ``exception_info`` when compared with the dates.
    """
    broken = {
        "name": "broken",
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "stage1_received_date", "min_value": bound},
                "meta": {"check": "broken", "provision": "5.12", "severity": "critical"}
                | {"why": "w.", "fix": "{count}"},
            },
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "complaint_id"},
                "meta": {"check": "fine", "provision": "5.12", "severity": "critical"}
                | {"why": "w.", "fix": "{count}"},
            },
        ],
    }
    result = validate_frame(complaints_frame(CLEAN_ROWS[:3]), broken, parameters=PARAMS)
    assert result.raised["check"].to_list() == ["broken"]
    assert dict(result.results.select("check", "success").iter_rows()) == {
        "broken": False,
        "fine": True,
    }


def test_personal_columns_never_reach_great_expectations(suite: dict[str, Any]) -> None:
    """The suite reads no column that holds personal data."""
    columns = ", ".join(suite_checks(suite)["columns"])
    assert not any(c in columns.split(", ") for c in schema.PERSONAL_COLUMNS)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "not valid JSON"),
        (json.dumps({"name": "x"}), "'expectations'"),
        (
            json.dumps({"name": "x", "expectations": [{"type": "t", "kwargs": {}, "meta": {}}]}),
            "lacks check",
        ),
    ],
)
def test_unusable_suite_files_are_config_errors(tmp_path: Path, text: str, words: str) -> None:
    """A broken suite file is named with what is wrong."""
    path = tmp_path / "suite.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        read_suite(path)


def test_importing_the_cli_does_not_import_great_expectations() -> None:
    """GX stays behind auditlib.expectations: parsing the CLI never loads it."""
    code = (
        "import sys; from auditlib.cli import build_parser; import auditlib.quality; "
        "build_parser(); sys.exit(int('great_expectations' in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("frame_name", ["defects", "clean"])
def test_polars_engine_agrees_with_great_expectations(
    frame_name: str, defects: Validation, clean: Validation, suite: dict[str, Any]
) -> None:
    """The suite run in polars gives great-expectations' verdicts, counts and rows."""
    frame = _defect_frame() if frame_name == "defects" else complaints_frame(CLEAN_ROWS)
    by_gx = defects if frame_name == "defects" else clean
    ran = check_frame(frame, suite, parameters=PARAMS, examples=None).validation
    assert ran.results.equals(by_gx.results)
    order = ["check", "source_row"]
    assert ran.failures.sort(order).equals(by_gx.failures.sort(order))


def test_polars_engine_bounds_examples_not_counts(suite: dict[str, Any]) -> None:
    """Two example rows a check at most; the counts and the worst rows still see every row."""
    rows = [_clean(f"N{i}", stage1_outcome=None, tenure="Freehold") for i in range(7)]
    ran = check_frame(complaints_frame(rows), suite, parameters=PARAMS, examples=2)
    counts = dict(ran.validation.results.select("check", "failing_rows").iter_rows())
    assert counts["stage1_outcome_recorded"] == counts["tenure_allowed"] == 7
    listed = ran.validation.failures.group_by("check").len()
    assert dict(listed.iter_rows()) == {"stage1_outcome_recorded": 2, "tenure_allowed": 2}
    assert ran.rows_failing == 7
    assert ran.worst.height == 2
    assert ran.worst.row(0, named=True) | {"checks": None} == {
        "source_row": 2,
        "complaint_id": "N0",
        "critical": 1,
        "checks_failed": 2,
        "checks": None,
    }


def test_polars_engine_skips_checks_on_absent_columns(suite: dict[str, Any]) -> None:
    """A column the extract lacks is one finding (columns_present); its checks are not run."""
    frame = complaints_frame([_clean("A1", stage1_handler_id=None, channel=None)])
    found = [c for c in frame.columns if c not in ("stage1_handler_id", "channel")]
    results = check_frame(frame, suite, parameters=PARAMS, found=found).validation.results
    by_check = {r["check"]: r for r in results.iter_rows(named=True)}
    assert by_check["columns_present"]["success"] is False
    assert by_check["columns_present"]["observed"] == "stage1_handler_id, channel"
    for check in ("stage1_handler_recorded", "channel_recorded", "channel_allowed"):
        assert by_check[check]["success"] is None, check
        assert by_check[check]["failing_rows"] is None, check
    assert by_check["tenure_recorded"]["success"] is True


@pytest.mark.parametrize("bound", ["not a date", "2020-01-01", 5])
def test_polars_engine_reports_a_bad_bound_as_could_not_run(bound: Any) -> None:
    """A bound of the wrong type on a date column is an exception, never a pass."""
    broken = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "stage1_received_date", "min_value": bound},
                "meta": {"check": "broken", "severity": "critical"},
            }
        ]
    }
    results = check_frame(complaints_frame(CLEAN_ROWS[:3]), broken).validation.results
    assert results["success"].to_list() == [False]
    assert "is not a date" in results["exception"][0]
