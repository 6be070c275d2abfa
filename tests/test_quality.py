"""The quality run: the suite and the loader's quarantine in one report, the CLI, outputs.

Validations are shared per module (each costs 1-3 s after the 3-5 s GX import).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from auditlib import schema
from auditlib.cli import main
from auditlib.errors import ConfigError
from auditlib.expectations import read_suite
from auditlib.loader import load_complaints
from auditlib.quality import QualityReport, QualitySettings, quarantine_failures, validate_extract
from auditlib.sample import generate_sample, write_sample

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "config" / "quality.yaml"
CONFIG = ROOT / "config" / "auditlib.yaml"
AS_OF = date(2026, 10, 31)

#: the generator's defect codes and the check that must catch each
DEFECT_CHECK = {
    "missing_id": "complaint_id_present",
    "duplicate_id": "complaint_id_unique",
    "missing_received_date": "stage1_received_date_present",
    "unreadable_date": "dates_readable",
    "ack_before_receipt": "stage1_acknowledged_after_received",
    "response_before_receipt": "stage1_response_after_received",
    "stage2_before_stage1": "stage2_requested_after_received",
    "stage2_ack_before_request": "stage2_acknowledged_after_requested",
    "non_whole_number": "extension_days_whole",
    "negative_compensation": "compensation_not_negative",
    "unknown_label": "stage1_outcome_allowed",
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[QualityReport, pl.DataFrame]:
    sample = generate_sample(3000, 11, as_of=AS_OF, defect_rate=0.03)
    path = tmp_path_factory.mktemp("planted") / "complaints.csv"
    defects = write_sample(sample, path)
    report = validate_extract(path, settings=SETTINGS, config=CONFIG, as_of=AS_OF)
    return report, defects


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("sample_out")
    code = main(
        [
            "validate",
            str(ROOT / "data" / "sample" / "complaints.csv"),
            "--out",
            str(out),
            "--config",
            str(CONFIG),
            "--quality",
            str(SETTINGS),
            "--as-of",
            "2026-10-31",
        ]
    )
    return code, out


def test_every_planted_defect_is_caught_by_its_check(
    planted: tuple[QualityReport, pl.DataFrame],
) -> None:
    """Each of the generator's defects fails the right check, on exactly its rows."""
    report, defects = planted
    assert set(DEFECT_CHECK) <= set(defects["defect"]) | {"label_variant"}
    for code, check in DEFECT_CHECK.items():
        planted_rows = set(defects.filter(pl.col("defect") == code)["source_row"])
        found = report.failures.filter(pl.col("check") == check)
        found_rows = set(found["source_row"])
        if code == "duplicate_id":  # the loader sets aside the copy and the original
            assert planted_rows <= found_rows
            assert len(found_rows) == 2 * len(planted_rows)
        else:
            assert found_rows == planted_rows, code
        row = report.checks.filter(pl.col("check") == check).row(0, named=True)
        assert row["failing_rows"] == len(found_rows), code
        assert not row["passed"], code


def test_label_variants_are_mapped_not_failed(planted: tuple[QualityReport, pl.DataFrame]) -> None:
    """'Partly Upheld' and 'lcra' are recognised labels: no failure on those rows."""
    report, defects = planted
    variants = set(defects.filter(pl.col("defect") == "label_variant")["source_row"])
    assert variants
    assert not variants & set(report.failures["source_row"])


def test_no_expectation_raised_and_counts_reconcile(
    planted: tuple[QualityReport, pl.DataFrame],
) -> None:
    """No check raised; rows read = used + quarantined; every quarantined row is reported."""
    report, _ = planted
    assert report.checks["exception"].null_count() == report.checks.height
    assert report.rows_read == report.rows_used + report.rows_quarantined == 3000
    loader_rows = report.failures.filter(pl.col("found_by") == "loader")
    assert loader_rows["source_row"].n_unique() == report.rows_quarantined
    assert "quarantined_other" not in set(report.failures["check"])
    assert report.exit_code == 1


def test_failing_rows_hold_no_personal_data(planted: tuple[QualityReport, pl.DataFrame]) -> None:
    """Failures name rows by source row and complaint_id only."""
    report, _ = planted
    assert not set(report.failures.columns) & set(schema.PERSONAL_COLUMNS)
    assert not set(report.worst_rows().columns) & set(schema.PERSONAL_COLUMNS)


def test_messages_are_actionable(planted: tuple[QualityReport, pl.DataFrame]) -> None:
    """Each failed check says how many rows, what to do and names no template field."""
    report, _ = planted
    for row in report.failed.iter_rows(named=True):
        assert row["message"], row["check"]
        assert "{" not in row["message"], row["check"]
        assert f"{row['failing_rows']:,}" in row["message"], row["check"]
    ack = report.checks.filter(pl.col("check") == "stage1_acknowledged_recorded").row(0, named=True)
    if not ack["passed"]:
        assert "record the date the acknowledgement was sent" in ack["message"]
        assert "Code 6.2 cannot be evidenced" in ack["message"]


def test_sample_run_exits_1_and_writes_the_four_outputs(sample_run: tuple[int, Path]) -> None:
    """The bundled sample has planted critical defects: exit 1, files written."""
    code, out = sample_run
    assert code == 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 1
    assert summary["rows_read"] == 1400
    assert summary["rows_quarantined"] == 12
    failing = pl.read_csv(out / "failing_rows.csv")
    assert failing.columns[:3] == ["source_row", "complaint_id", "check"]
    assert not set(failing.columns) & set(schema.PERSONAL_COLUMNS)
    assert (out / "failures.svg").read_text(encoding="utf-8").startswith("<svg")


def test_html_report_reads_offline(sample_run: tuple[int, Path]) -> None:
    """No scripts, no external styles or fonts: only the SVG namespaces mention http."""
    _, out = sample_run
    page = (out / "data_quality.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<link" not in page
    urls = {
        part.split('"')[0] for part in page.split("http")[1:] if not part.startswith("://www.w3")
    }
    assert not urls
    assert "FAIL" in page
    assert "complaint_id_unique" in page
    assert "<svg" in page


def test_clean_extract_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no planted defects every critical check passes (warnings may remain)."""
    sample = generate_sample(400, 3, as_of=AS_OF, defect_rate=0)
    path = tmp_path / "clean.csv"
    write_sample(sample, path)
    args = ["validate", str(path), "--out", str(tmp_path / "out"), "--quality", str(SETTINGS)]
    code = main([*args, "--config", str(CONFIG), "--as-of", "2026-10-31"])
    assert code == 0, capsys.readouterr().out
    assert "PASS" in capsys.readouterr().out


def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file is unusable input: one line on stderr, exit 2."""
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert main(["validate", str(empty), "--out", str(tmp_path), "--config", str(CONFIG)]) == 2
    assert "the file is empty" in capsys.readouterr().err


def test_list_prints_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    """--list shows each check with severity and provision, without running anything."""
    assert main(["validate", "--list", "--quality", str(SETTINGS)]) == 0
    out = capsys.readouterr().out
    assert "critical  complaint_id_unique" in out
    assert "warning   stage1_acknowledged_recorded" in out


def test_severity_and_thresholds_come_from_the_settings(tmp_path: Path) -> None:
    """A landlord can demote a check to a warning and change a completeness threshold."""
    path = tmp_path / "quality.yaml"
    path.write_text(
        f"suite: {ROOT / 'expectations' / 'complaints_extract.json'}\n"
        "severity:\n  compensation_not_negative: warning\n  dates_readable: warning\n"
        "thresholds:\n  tenure_recorded: 0.5\n",
        encoding="utf-8",
    )
    settings = QualitySettings.load(path)
    catalogue = settings.catalogue()
    severity = dict(catalogue.select("check", "severity").iter_rows())
    assert severity["compensation_not_negative"] == "warning"
    assert severity["dates_readable"] == "warning"
    assert dict(catalogue.select("check", "threshold").iter_rows())["tenure_recorded"] == 0.5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("severity:\n  no_such_check: warning\n", "not a check"),
        ("severity:\n  complaint_id_unique: fatal\n", "critical or warning"),
        ("thresholds:\n  complaint_id_unique: 0.9\n", "not a completeness check"),
        ("thresholds:\n  tenure_recorded: 98\n", "between 0 and 1"),
        ("date_floor: last year\n", "not an ISO date"),
        ("colour: red\n", "unknown setting"),
    ],
)
def test_bad_settings_are_config_errors(tmp_path: Path, text: str, words: str) -> None:
    """Each mistake in quality.yaml is named."""
    path = tmp_path / "quality.yaml"
    suite = ROOT / "expectations" / "complaints_extract.json"
    path.write_text(f"suite: {suite}\n{text}", encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        QualitySettings.load(path).read_suite()


def test_each_loader_reason_is_named_by_a_check(tmp_path: Path) -> None:
    """Every kind of quarantine reason maps to a named check, none to 'other'."""
    path = tmp_path / "bad.csv"
    header = (
        "complaint_id,stage1_received_date,stage1_acknowledged_date,stage1_extension_days,"
        "stage1_extension_good_reason,stage1_response_date,stage2_requested_date,"
        "stage2_acknowledged_date,stage2_response_date,compensation_gbp"
    )
    rows = [
        ",02/06/2025,,,,,,,,",  # blank id
        "D1,02/06/2025,,,,,,,,",
        "D1,03/06/2025,,,,,,,,",  # duplicate
        "R1,,,,,,,,,",  # blank received
        "R2,31/02/2025,,,,,,,,",  # unreadable date
        "R3,02/06/2025,,2.5,,,,,,",  # not whole
        "R4,02/06/2025,,,maybe,,,,,",  # unreadable flag
        "R5,02/06/2025,,,,,,,,ten pounds",  # unreadable amount
        "R6,10/06/2025,05/06/2025,,,,,,,",  # ack before receipt
        "R7,10/06/2025,,,,,,01/07/2025,,",  # stage 2 ack without request
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    quarantine = load_complaints(path).quarantine
    found = quarantine_failures(
        quarantine, read_suite(ROOT / "expectations/complaints_extract.json")
    )
    by_id = dict(found.select(pl.col("complaint_id").fill_null("(blank)"), "check").iter_rows())
    assert by_id == {
        "(blank)": "complaint_id_present",
        "D1": "complaint_id_unique",
        "R1": "stage1_received_date_present",
        "R2": "dates_readable",
        "R3": "extension_days_whole",
        "R4": "flags_readable",
        "R5": "numbers_readable",
        "R6": "stage1_acknowledged_after_received",
        "R7": "stage2_acknowledged_needs_request",
    }
    assert found.filter(pl.col("check") == "complaint_id_unique").height == 2


def test_an_unknown_channel_is_a_warning_and_website_is_online(tmp_path: Path) -> None:
    """Critical means a Code figure would be wrong: no figure reads the channel label."""
    text = generate_sample(300, 5, as_of=AS_OF, defect_rate=0).text
    channel = (
        pl.when(pl.int_range(pl.len()) % 10 == 0)
        .then(pl.lit("Carrier pigeon"))
        .when(pl.col("channel").str.strip_chars().str.to_lowercase() == "online")
        .then(pl.lit("Website"))
        .otherwise(pl.col("channel"))
    )
    path = tmp_path / "channels.csv"
    text.with_columns(channel.alias("channel")).write_csv(path)
    report = validate_extract(path, settings=SETTINGS, config=CONFIG, as_of=AS_OF)
    failed = report.failed.row(by_predicate=pl.col("check") == "channel_allowed", named=True)
    assert failed["severity"] == "warning"
    assert failed["failing_rows"] == 30
    assert report.passed
    assert report.exit_code == 0


def test_absent_optional_columns_are_one_finding_not_a_failure_per_row(tmp_path: Path) -> None:
    """An extract with only the required columns and an outcome: one warning names what is
    not recorded and the provisions at risk; the checks on absent columns are not run."""
    path = tmp_path / "minimal.csv"
    rows = [f"C{i},0{1 + i % 9}/06/2025,upheld" for i in range(40)]
    path.write_text(
        "complaint_id,stage1_received_date,stage1_outcome\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    report = validate_extract(path, settings=SETTINGS, config=CONFIG, as_of=AS_OF)
    by_check = {r["check"]: r for r in report.checks.iter_rows(named=True)}
    present = by_check["columns_present"]
    assert present["status"] == "failed"
    assert present["severity"] == "warning"
    assert "not recorded in this extract: stage1_acknowledged_date" in present["message"]
    assert "6.13" in present["message"]  # the handler columns' provision
    assert by_check["stage1_handler_recorded"]["status"] == "not_checked"
    assert by_check["stage1_handler_recorded"]["failing_rows"] is None
    assert by_check["tenure_recorded"]["status"] == "not_checked"
    assert by_check["stage1_outcome_allowed"]["status"] == "passed"
    assert report.failures.height == 0
    assert report.summary()["rows_with_failures"] == 0
    assert report.exit_code == 0
    assert "not checked, their column is not in the extract" in report.text()


def test_failing_rows_are_bounded_unless_all_are_asked_for(tmp_path: Path) -> None:
    """Every row counted; failing_rows.csv lists --examples rows a check, or all of them."""
    path = tmp_path / "houseboat.csv"
    rows = [f"C{i},02/06/2025,Houseboat" for i in range(30)]
    path.write_text(
        "complaint_id,stage1_received_date,tenure\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    base = ["validate", str(path), "--config", str(CONFIG), "--quality", str(SETTINGS)]
    base += ["--as-of", "2026-10-31"]
    assert main([*base, "--out", str(tmp_path / "few"), "--examples", "5"]) == 1
    few = pl.read_csv(tmp_path / "few" / "failing_rows.csv")
    assert few.filter(pl.col("check") == "tenure_allowed").height == 5
    summary = json.loads((tmp_path / "few" / "summary.json").read_text(encoding="utf-8"))
    tenure = next(c for c in summary["checks"] if c["check"] == "tenure_allowed")
    assert tenure["failing_rows"] == 30
    assert summary["rows_with_failures"] == 30
    assert summary["failing_rows_listed"] == 5
    assert main([*base, "--out", str(tmp_path / "all"), "--all-failing-rows"]) == 1
    every = pl.read_csv(tmp_path / "all" / "failing_rows.csv")
    assert every.filter(pl.col("check") == "tenure_allowed").height == 30
