"""The learning action plan: findings with figures, carried forward without losing edits."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from auditlib.errors import InputError
from auditlib.learning import actionplan, rootcause, trends
from auditlib.learning.actionplan import (
    PLAN_COLUMNS,
    carry_forward,
    draft_findings,
    read_plan,
    write_plan,
)
from tests.test_learning_builders import EARLIER, YEAR, assessed, monthly_counts


@pytest.fixture
def extract() -> pl.DataFrame:
    rows = monthly_counts("Damp and mould", [2] * 12, first=EARLIER.start)
    rows += monthly_counts("Damp and mould", [5] * 12, first=YEAR.start)
    rows += monthly_counts("Repairs", [10] * 24, first=EARLIER.start)
    late = [{"category": "Communication", "stage1_status": "late"}] * 12
    late += [{"category": "Communication"}] * 13
    late += [{"category": "Communication", "stage1_received_date": "2024-06-03"}] * 25
    return assessed(rows + late)


@pytest.fixture
def plan(extract: pl.DataFrame) -> pl.DataFrame:
    prepared = rootcause.prepare(extract, YEAR)
    return draft_findings(
        YEAR,
        trends=trends.rising(extract, YEAR),
        summary=rootcause.summary(prepared, YEAR),
    )


def test_findings_show_their_figures_and_period(plan: pl.DataFrame) -> None:
    """A rising category and a late category become findings with counts, rates and dates."""
    assert plan.columns == list(PLAN_COLUMNS)
    ids = plan["finding_id"].to_list()
    assert ids == ["late:category:communication", "rising:category:damp-and-mould"]
    rising = plan.filter(pl.col("finding_id") == ids[1]).row(0, named=True)
    assert "60 complaints received 01 Apr 2025 to 31 Mar 2026" in rising["evidence"]
    assert "against 24" in rising["evidence"]
    assert rising["status"] == "open"
    assert rising["owner"] == "Repairs and maintenance (damp and mould team)"
    assert rising["due_date"] == "2026-09-30"
    late = plan.filter(pl.col("finding_id") == ids[0]).row(0, named=True)
    assert "12 of 25 Communication complaints" in late["evidence"]
    assert "48.0%" in late["evidence"]


def test_an_extract_taken_after_the_period_moves_the_due_date_on(extract: pl.DataFrame) -> None:
    """Six months from the period's end, or from the extract's date when that is later."""
    from datetime import date

    prepared = rootcause.prepare(extract, YEAR)

    def due(found_on: date | None) -> set[str]:
        plan = draft_findings(
            YEAR,
            trends=trends.rising(extract, YEAR),
            summary=rootcause.summary(prepared, YEAR),
            found_on=found_on,
        )
        return set(plan["due_date"].to_list())

    assert due(None) == due(date(2026, 3, 1)) == due(date(2026, 3, 31)) == {"2026-09-30"}
    assert due(date(2026, 11, 20)) == {"2027-05-20"}


def test_drafting_is_deterministic(extract: pl.DataFrame, plan: pl.DataFrame) -> None:
    """The same extract gives the same plan."""
    prepared = rootcause.prepare(extract, YEAR)
    again = draft_findings(
        YEAR, trends=trends.rising(extract, YEAR), summary=rootcause.summary(prepared, YEAR)
    )
    assert again.equals(plan)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_carry_forward_keeps_a_status_edited_by_hand(
    plan: pl.DataFrame, tmp_path: Path, suffix: str
) -> None:
    """Status, notes and owner typed into last year's file survive; no row is doubled."""
    paths = write_plan(plan, tmp_path / "last")
    edited = read_plan(paths[suffix]).with_columns(
        pl.when(pl.col("finding_id") == "rising:category:damp-and-mould")
        .then(pl.lit(value))
        .otherwise(pl.col(column))
        .alias(column)
        for column, value in (
            ("status", "in progress"),
            ("notes", "=SUM(A1) survey of 40 homes booked"),
            ("owner", "Asset team"),
        )
    )
    if suffix == "xlsx":
        edited.write_excel(tmp_path / "edited.xlsx", worksheet="Action plan")
    else:
        edited.write_csv(tmp_path / "edited.csv")
    previous = read_plan(tmp_path / f"edited.{suffix}")

    merged = carry_forward(plan, previous)
    assert merged["finding_id"].is_unique().all()
    assert merged.height == plan.height
    damp = merged.filter(pl.col("finding_id") == "rising:category:damp-and-mould").row(
        0, named=True
    )
    assert damp["status"] == "in progress"
    assert damp["notes"] == "=SUM(A1) survey of 40 homes booked"
    assert damp["owner"] == "Asset team"
    assert damp["found_this_period"] == "yes"


def test_closed_actions_drop_out_and_new_findings_are_added_once(plan: pl.DataFrame) -> None:
    """A closed action is not carried; an open one not found again stays, marked so."""
    previous = pl.concat(
        [
            plan.with_columns(
                pl.when(pl.col("finding_id").str.starts_with("late"))
                .then(pl.lit("Done"))
                .otherwise(pl.col("status"))
                .alias("status")
            ),
            plan.head(1).with_columns(
                finding_id=pl.lit("repeats:category:pests"),
                status=pl.lit("open"),
                evidence=pl.lit("old figures"),
                extra_column=pl.lit("kept"),
            ),
        ],
        how="diagonal",
    )
    this_year = plan.filter(pl.col("finding_id").str.starts_with("rising"))
    merged = carry_forward(this_year, previous)
    assert merged["finding_id"].sort().to_list() == [
        "repeats:category:pests",
        "rising:category:damp-and-mould",
    ]
    pests = merged.filter(pl.col("finding_id") == "repeats:category:pests").row(0, named=True)
    assert (pests["found_this_period"], pests["evidence"], pests["extra_column"]) == (
        "no",
        "old figures",
        "kept",
    )
    # the closed finding comes back when found again, as a new open row with a note
    back = carry_forward(plan, previous)
    late = back.filter(pl.col("finding_id") == "late:category:communication").row(0, named=True)
    assert late["status"] == "open"
    assert "after being closed" in late["notes"]
    assert back["finding_id"].is_unique().all()


def test_formula_like_text_stays_text_in_the_spreadsheet(tmp_path: Path) -> None:
    """A note starting with '=' is stored as a string, not a formula."""
    row = dict.fromkeys(PLAN_COLUMNS, "x") | {"finding_id": "a", "notes": "=1+1"}
    paths = write_plan(pl.DataFrame([row]), tmp_path)
    with __import__("zipfile").ZipFile(paths["xlsx"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert read_plan(paths["xlsx"])["notes"].item() == "=1+1"


def test_plan_without_finding_ids_is_refused(tmp_path: Path) -> None:
    """A previous plan that lost its key column cannot be merged safely."""
    path = tmp_path / "plan.csv"
    pl.DataFrame({"finding": ["x"], "status": ["open"]}).write_csv(path)
    with pytest.raises(InputError, match="finding_id"):
        read_plan(path)
    with pytest.raises(InputError, match="not found"):
        read_plan(tmp_path / "missing.xlsx")


def test_finding_ids_are_stable_slugs() -> None:
    """The key depends only on the kind and subject."""
    assert actionplan.finding_id("late:category", "Rent & service charges!") == (
        "late:category:rent-service-charges"
    )
