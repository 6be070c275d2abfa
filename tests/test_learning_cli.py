"""``auditlib learning`` end to end on the bundled sample, and its errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from auditlib.cli import main
from auditlib.schema import PERSONAL_COLUMNS
from tests.test_learning_suppression import assert_no_small_counts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "complaints.csv"
CONFIG = ROOT / "config" / "auditlib.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SAMPLE.is_file():
        pytest.skip("data/sample/complaints.csv is not generated yet")
    out = tmp_path_factory.mktemp("learning")
    code = main(["learning", str(SAMPLE), "--config", str(CONFIG), "--out", str(out),
                 "--no-charts"])  # fmt: skip
    assert code == 0
    return out


def test_writes_the_plan_and_tables(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The plan comes out as XLSX and CSV with the plan's columns, and the tables as CSV."""
    plan = pl.read_csv(run / "learning_action_plan.csv")
    assert plan.height > 0
    assert plan["finding_id"].is_unique().all()
    assert (run / "learning_action_plan.xlsx").stat().st_size > 0
    names = {p.stem for p in (run / "tables").glob("*.csv")}
    assert {"summary_by_category", "pareto", "trends", "repeats", "vulnerability"} <= names


def test_board_facing_outputs_hold_no_personal_data(run: Path) -> None:
    """No personal column, reference or description sentence in anything written."""
    sample = pl.read_csv(SAMPLE, infer_schema=False)
    refs = set(sample["tenant_ref"].drop_nulls()) | set(sample["property_ref"].drop_nulls())
    sentences = {
        s.strip() for d in sample["description"].drop_nulls() for s in d.split(".") if len(s) > 30
    }
    for path in [*run.glob("*.csv"), *(run / "tables").glob("*.csv")]:
        frame = pl.read_csv(path, infer_schema=False)
        assert not set(frame.columns) & set(PERSONAL_COLUMNS), path.name
        text = path.read_text(encoding="utf-8")
        assert not any(ref in text for ref in refs), path.name
        assert not any(sentence in text for sentence in sentences), path.name


def test_no_small_count_is_written(run: Path) -> None:
    """The sample's tables and plan: every count 0, "fewer than 5" or 5 and more."""
    assert_no_small_counts(run)
    summary = pl.read_csv(run / "tables" / "summary_by_category.csv", infer_schema=False)
    assert "fewer than 5" in set(summary["escalated"])


def test_previous_plan_is_carried_forward(run: Path, tmp_path: Path) -> None:
    """Running again with last plan, edited, keeps the edit and adds nothing twice."""
    first = pl.read_csv(run / "learning_action_plan.csv", infer_schema=False)
    edited = first.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("in progress")).otherwise("status")
        .alias("status")
    )  # fmt: skip
    edited.write_csv(tmp_path / "previous.csv")
    code = main(["learning", str(SAMPLE), "--config", str(CONFIG), "--out", str(tmp_path / "o"),
                 "--no-charts", "--previous-plan", str(tmp_path / "previous.csv")])  # fmt: skip
    assert code == 0
    again = pl.read_csv(tmp_path / "o" / "learning_action_plan.csv", infer_schema=False)
    assert again.height == first.height
    assert again["status"][0] == "in progress"


def test_missing_previous_plan_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A previous plan that is not there is an input error, not a traceback."""
    if not SAMPLE.is_file():
        pytest.skip("data/sample/complaints.csv is not generated yet")
    code = main(["learning", str(SAMPLE), "--config", str(CONFIG), "--out", str(tmp_path),
                 "--previous-plan", str(tmp_path / "nope.xlsx")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "previous action plan not found" in err[0]
