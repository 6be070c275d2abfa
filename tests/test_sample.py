"""The synthetic extract: deterministic, realistic in its rates, and honest about its defects."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from auditlib.calendar import WorkingCalendar
from auditlib.dates import parse_dates
from auditlib.errors import CalendarRangeError
from auditlib.mapping import Mapping
from auditlib.sample import DEFECT_CODES, Sample, generate_sample, write_sample
from auditlib.schema import CHANNELS, SCHEMA, STAGE1_OUTCOMES, TENURES

ROWS = 6000
FIRST, AS_OF = date(2024, 4, 1), date(2026, 10, 31)
c = pl.col


@pytest.fixture(scope="module")
def sample() -> Sample:
    return generate_sample(ROWS, seed=7)


@pytest.fixture(scope="module")
def clocks(sample: Sample) -> pl.DataFrame:
    """Working days on each clock and the Code's limits, computed independently here."""
    cal = WorkingCalendar.england_and_wales()
    ext1 = c("stage1_extension_days").fill_null(0)
    ext2 = c("stage2_extension_days").fill_null(0)
    good1 = c("stage1_extension_good_reason").fill_null(False)
    good2 = c("stage2_extension_good_reason").fill_null(False)
    return sample.frame.with_columns(
        ack1=cal.working_days(c("stage1_received_date"), c("stage1_acknowledged_date")),
        resp1=cal.working_days(
            pl.coalesce("stage1_acknowledged_date", "stage1_received_date"),
            c("stage1_response_date"),
        ),
        limit1=10 + pl.when(good1).then(ext1).otherwise(ext1.clip(0, 10)),
        ack2=cal.working_days(c("stage2_requested_date"), c("stage2_acknowledged_date")),
        resp2=cal.working_days(
            pl.coalesce("stage2_acknowledged_date", "stage2_requested_date"),
            c("stage2_response_date"),
        ),
        limit2=20 + pl.when(good2).then(ext2).otherwise(ext2.clip(0, 20)),
        vulnerable=c("vulnerability").is_not_null(),
    )


def _share(frame: pl.DataFrame, condition: pl.Expr, among: pl.Expr) -> float:
    return float(frame.filter(among).select(condition.mean()).item())


# --- determinism and shape ----------------------------------------------------------


def test_same_arguments_give_identical_csv_bytes(tmp_path: Path) -> None:
    """Two runs with the same rows and seed write byte-identical CSV files."""
    write_sample(generate_sample(800, seed=11), tmp_path / "a.csv")
    write_sample(generate_sample(800, seed=11), tmp_path / "b.csv")
    write_sample(generate_sample(800, seed=12), tmp_path / "c.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()


def test_shapes_and_types(sample: Sample) -> None:
    """The frame has the canonical schema, the text frame the same columns as text."""
    assert sample.frame.height == sample.text.height == ROWS
    assert sample.frame.schema == pl.Schema(SCHEMA)
    assert sample.text.columns == list(SCHEMA)
    assert set(sample.text.dtypes) == {pl.String}
    assert sample.defects.columns == ["complaint_id", "source_row", "defect", "column"]


@pytest.mark.parametrize("rows", [0, 1, 7])
def test_tiny_samples(rows: int) -> None:
    """Very small samples still come out whole (too few rows for any defect)."""
    sample = generate_sample(rows, seed=1)
    assert sample.frame.height == rows
    assert sample.defects.height == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": -1},
        {"defect_rate": 0.9},
        {"first_date": date(2026, 1, 1), "as_of": date(2025, 1, 1)},
        {"first_date": date(1985, 1, 1)},  # before the calendar (1990 to 2100)
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object]) -> None:
    """Impossible arguments, and dates the holiday table does not cover, are refused."""
    arguments: dict[str, object] = {"rows": 10, "seed": 1} | kwargs
    with pytest.raises((ValueError, CalendarRangeError), match=r"rows|defect_rate|after|1985"):
        generate_sample(**arguments)  # type: ignore[arg-type]


def test_generating_1000_rows_is_fast() -> None:
    """A thousand rows take a small fraction of a second."""
    start = time.perf_counter()
    generate_sample(1000, seed=3)
    assert time.perf_counter() - start < 1.5


# --- the clean frame ----------------------------------------------------------------


def test_clean_frame_is_consistent(sample: Sample) -> None:
    """Unique ids, labels from the schema, dates in range and in order, nothing after as_of."""
    f = sample.frame
    assert f["complaint_id"].null_count() == 0
    assert f["complaint_id"].is_unique().all()
    assert f["stage1_received_date"].null_count() == 0
    assert f["stage1_received_date"].min() >= FIRST
    for name, dtype in SCHEMA.items():
        if dtype == pl.Date:
            assert f[name].max() <= AS_OF, name
    assert set(f["stage1_outcome"].drop_nulls()) <= set(STAGE1_OUTCOMES)
    assert set(f["stage2_outcome"].drop_nulls()) <= set(STAGE1_OUTCOMES)
    assert set(f["tenure"]) <= set(TENURES)
    assert set(f["channel"]) <= set(CHANNELS)
    order = [
        ("stage1_received_date", "stage1_acknowledged_date"),
        ("stage1_received_date", "stage1_response_date"),
        ("stage1_response_date", "stage2_requested_date"),
        ("stage2_requested_date", "stage2_acknowledged_date"),
        ("stage2_requested_date", "stage2_response_date"),
    ]
    for earlier, later in order:
        assert f.filter(c(later) < c(earlier)).height == 0, (earlier, later)
    money = f["compensation_gbp"].drop_nulls()
    assert money.min() >= 25
    assert money.max() <= 1500


def test_open_complaints_are_the_recent_ones(sample: Sample) -> None:
    """Complaints without a response are mostly the last few weeks' and have no outcome."""
    f = sample.frame
    open_ = f.filter(c("stage1_response_date").is_null())
    assert open_["stage1_outcome"].null_count() == open_.height
    recent = open_.filter(c("stage1_received_date") > date(2026, 9, 15)).height
    assert 0.6 < recent / open_.height < 1.0
    assert (
        f.filter(c("stage1_received_date") > date(2026, 10, 20))[
            "stage1_response_date"
        ].null_count()
        > 0
    )


# --- rates --------------------------------------------------------------------------


def test_stage1_rates(clocks: pl.DataFrame) -> None:
    """About 90% acknowledged in 5 working days, 80% answered in time, 10% extended."""
    assert 0.8 < _share(clocks, c("ack1") <= 5, c("ack1").is_not_null()) < 0.97
    assert 0.005 < _share(clocks, c("stage1_acknowledged_date").is_null(), pl.lit(True)) < 0.08
    assert 0.72 < _share(clocks, c("resp1") <= c("limit1"), c("resp1").is_not_null()) < 0.88
    extended = c("stage1_extension_days").is_not_null()
    assert 0.06 < _share(clocks, extended, pl.lit(True)) < 0.14
    over = clocks.filter(c("stage1_extension_days") > 10)
    assert over.height > 0
    assert over["stage1_extension_good_reason"].null_count() == 0
    assert 0 < over["stage1_extension_good_reason"].sum() < over.height
    assert clocks.filter(extended)["stage1_extension_notified_date"].null_count() == 0


def test_stage2_rates(clocks: pl.DataFrame) -> None:
    """About 15% escalate; 75% of stage 2 answers are in time; a few 6.13 breaches."""
    answered = c("stage1_response_date").is_not_null()
    escalated = _share(clocks, c("stage2_requested_date").is_not_null(), answered)
    assert 0.12 < escalated < 0.18
    assert 0.8 < _share(clocks, c("ack2") <= 5, c("ack2").is_not_null()) < 0.95
    assert 0.65 < _share(clocks, c("resp2") <= c("limit2"), c("resp2").is_not_null()) < 0.85
    stage2 = clocks.filter(c("stage2_handler_id").is_not_null())
    same = stage2.filter(c("stage2_handler_id") == c("stage1_handler_id")).height
    assert 0 < same < 0.05 * stage2.height
    withdrawn = clocks.filter(c("stage1_outcome") == "withdrawn")
    assert withdrawn["stage2_requested_date"].null_count() == withdrawn.height
    damp = _share(
        clocks,
        c("stage2_requested_date").is_not_null(),
        answered & (c("category") == "Damp and mould"),
    )
    assert damp > escalated


def test_outcome_tenure_and_vulnerability_shares(sample: Sample) -> None:
    """Outcomes about 35/25/35/5, tenure about 88/10/2, a fifth vulnerable."""
    f = sample.frame
    outcomes = f["stage1_outcome"].drop_nulls().value_counts(normalize=True)
    share = dict(zip(outcomes["stage1_outcome"], outcomes["proportion"], strict=True))
    assert 0.30 < share["upheld"] < 0.40
    assert 0.20 < share["partially_upheld"] < 0.30
    assert 0.30 < share["not_upheld"] < 0.40
    assert 0.02 < share["withdrawn"] < 0.08
    tenure = dict(zip(*f["tenure"].value_counts(normalize=True).get_columns(), strict=True))
    assert 0.83 < tenure["LCRA"] < 0.93
    assert 0.06 < tenure["LCHO"] < 0.14
    assert 0.005 < tenure["other"] < 0.04
    assert 0.15 < f["vulnerability"].is_not_null().mean() < 0.25  # type: ignore[operator]
    assert f["vulnerability"].n_unique() == 8  # seven types and blank


def test_vulnerable_residents_are_late_more_often(clocks: pl.DataFrame) -> None:
    """Something for the analysis to find: lateness is higher where a vulnerability is recorded."""
    answered = clocks.filter(c("resp1").is_not_null())
    late = answered.group_by("vulnerable").agg((c("resp1") > c("limit1")).mean().alias("late"))
    rate = dict(zip(late["vulnerable"], late["late"], strict=True))
    assert rate[True] > rate[False] + 0.03


def test_volumes_have_seasons_and_weekdays(sample: Sample) -> None:
    """Damp and mould peaks in winter; receipts are mostly on weekdays, weekends digital."""
    f = sample.frame.with_columns(
        winter=c("stage1_received_date").dt.month().is_in([11, 12, 1, 2]),
        summer=c("stage1_received_date").dt.month().is_in([5, 6, 7, 8]),
        weekend=c("stage1_received_date").dt.weekday() >= 6,
    )
    # both four-month windows occur twice in full between April 2024 and October 2026
    damp = f.filter(c("category") == "Damp and mould")
    assert damp["winter"].sum() > 1.5 * damp["summer"].sum()
    assert 0.01 < f["weekend"].mean() < 0.1  # type: ignore[operator]
    weekend_channels = f.filter(c("weekend"))["channel"].value_counts(normalize=True)
    digital = weekend_channels.filter(c("channel").is_in(["email", "online", "social_media"]))
    assert digital["proportion"].sum() > 0.8
    categories = f["category"].value_counts(normalize=True).sort("proportion")
    assert categories["category"][-1] == "Repairs"
    assert categories.height == 14


def test_repeat_complainants_keep_their_home(sample: Sample) -> None:
    """Some residents complain many times (heavy tail); each keeps one home and tenure."""
    per = sample.frame.group_by("tenant_ref").agg(
        n=pl.len(), homes=c("property_ref").n_unique(), tenures=c("tenure").n_unique()
    )
    assert per["homes"].max() == 1
    assert per["tenures"].max() == 1
    repeat_share = per.filter(c("n") > 1)["n"].sum() / ROWS
    assert 0.2 < repeat_share < 0.5
    assert per["n"].max() >= 5
    assert sample.frame["tenant_ref"].str.contains(r"^T\d{7}$").all()
    assert sample.frame["property_ref"].str.contains(r"^P\d{7}$").all()


def test_descriptions_vary_and_some_look_personal(sample: Sample) -> None:
    """Hundreds of distinct descriptions; some carry fictitious names, phones, emails."""
    text = sample.frame["description"]
    assert text.null_count() == 0
    assert text.n_unique() > 300
    phones = text.str.extract_all(r"07\d{3} ?\d{6}").explode().drop_nulls()
    emails = text.str.extract_all(r"[\w.]+@[\w.]+\w").explode().drop_nulls()
    names = text.str.contains(r"\b(Mrs|Mr|Ms|Miss|Mx) [A-Z] [A-Z][a-z]+")
    assert phones.len() > 0
    assert emails.len() > 0
    assert names.sum() > 0
    # only the Ofcom drama range and reserved domains, never anything real
    assert phones.str.contains(r"^07700 900\d{3}$").all()
    assert emails.str.contains(r"@example\.(com|invalid)$").all()
    personal = text.str.contains(r"07700 900|@example\.|Example Road|Sample Street| [A-Z] Sample")
    assert 0.03 < personal.mean() < 0.15  # type: ignore[operator]


def test_remedies_and_root_causes(sample: Sample) -> None:
    """Upheld complaints carry a remedy; root causes are mostly specific, some blank or coarse."""
    f = sample.frame
    upheld = f.filter(c("stage1_outcome").is_in(["upheld", "partially_upheld"]))
    assert upheld["remedy"].null_count() == 0
    answered = f.filter(c("stage1_outcome").is_in(["upheld", "partially_upheld", "not_upheld"]))
    assert 0.03 < answered["root_cause"].is_null().mean() < 0.15  # type: ignore[operator]
    assert 0.03 < (answered["root_cause"] == "other").mean() < 0.15  # type: ignore[operator]
    damp = upheld.filter(c("category") == "Damp and mould")["compensation_gbp"].median()
    other = upheld.filter(c("category") == "Communication")["compensation_gbp"].median()
    assert damp > other  # type: ignore[operator]


# --- defects ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def defective() -> Sample:
    return generate_sample(1400, seed=2026, defect_rate=0.05)


def test_defect_count_follows_the_rate(sample: Sample) -> None:
    """About defect_rate of the rows carry a defect, each kind at least once."""
    assert sample.defects.height == round(0.01 * ROWS)
    assert set(sample.defects["defect"]) == set(DEFECT_CODES)
    assert sample.defects["source_row"].is_unique().all()
    assert generate_sample(ROWS, seed=7, defect_rate=0).defects.height == 0


def test_manifest_names_every_changed_cell(defective: Sample) -> None:
    """The text differs from a clean export exactly in the cells the manifest names."""
    clean = generate_sample(1400, seed=2026, defect_rate=0)
    assert clean.frame.equals(defective.frame)
    changed = []
    for name in SCHEMA:
        differs = defective.text[name].ne_missing(clean.text[name])
        changed += [(int(i) + 2, name) for i in differs.arg_true()]
    named = list(defective.defects.select("source_row", "column").iter_rows())
    assert sorted(changed) == sorted(named)


def test_each_defect_is_what_its_code_says(defective: Sample) -> None:
    """Each planted value is the kind of fault its code names."""
    text = defective.text.with_row_index("i").with_columns(source_row=c("i") + 2)
    clean_ids = set(defective.frame["complaint_id"])
    for complaint_id, row, code, column in defective.defects.iter_rows():
        record = text.row(row - 2, named=True)
        value = record[column]
        assert complaint_id == record["complaint_id"]
        if code in ("missing_id", "missing_received_date"):
            assert value is None
        elif code == "duplicate_id":
            assert value in clean_ids
            assert value != defective.frame["complaint_id"][row - 2]
        elif code == "unreadable_date":
            assert pl.select(parse_dates(pl.lit(value))).item() is None
        elif code == "non_whole_number":
            assert float(value) != int(float(value))
        elif code == "negative_compensation":
            assert float(value) < 0
        elif code == "label_variant":
            clean = defective.frame[column][row - 2]
            assert value != clean
            assert Mapping().canonical_label(column, value) == clean
        elif code == "unknown_label":
            read = Mapping().canonical_label(column, value)
            assert read not in STAGE1_OUTCOMES
        else:  # the order defects: an earlier date than the event it follows
            earlier = {
                "ack_before_receipt": "stage1_received_date",
                "response_before_receipt": "stage1_received_date",
                "stage2_before_stage1": "stage1_received_date",
                "stage2_ack_before_request": "stage2_requested_date",
            }[code]
            written = date(*map(int, reversed(value.split("/"))))
            assert written < defective.frame[earlier][row - 2]


# --- writing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "left_out", "first_row"),
    [
        (".csv", set(), 2),
        (".xlsx", {"unreadable_date"}, 2),
        (".parquet", {"unreadable_date", "non_whole_number"}, 1),
    ],
)
def test_write_returns_the_defects_in_the_file(
    defective: Sample, tmp_path: Path, suffix: str, left_out: set[str], first_row: int
) -> None:
    """Each format keeps the defects it can hold and reports them with the reader's row numbers."""
    path = tmp_path / f"extract{suffix}"
    written = write_sample(defective, path)
    expected = defective.defects.filter(~c("defect").is_in(list(left_out)))
    assert written["defect"].to_list() == expected["defect"].to_list()
    assert (written["source_row"] - expected["source_row"] + 2).unique().to_list() == [first_row]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_typed_files_keep_types(defective: Sample, tmp_path: Path) -> None:
    """Parquet holds canonical types; XLSX real date cells; typed defects are there too."""
    write_sample(defective, tmp_path / "x.parquet")
    back = pl.read_parquet(tmp_path / "x.parquet")
    assert back.schema == pl.Schema(SCHEMA)
    assert back["complaint_id"].null_count() == (defective.defects["defect"] == "missing_id").sum()
    assert (back["compensation_gbp"] < 0).sum() == (
        defective.defects["defect"] == "negative_compensation"
    ).sum()
    write_sample(defective, tmp_path / "x.xlsx")
    sheet = pl.read_excel(tmp_path / "x.xlsx")
    assert sheet.schema["stage1_received_date"] in (pl.Date, pl.Datetime("ms"), pl.Datetime("us"))
    assert sheet.height == defective.frame.height


@pytest.mark.parametrize(
    ("encoding", "starts"),
    [("utf-8", b"complaint_id"), ("utf-8-sig", b"\xef\xbb\xbf"), ("cp1252", b"complaint_id")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, starts: bytes) -> None:
    """CSV as Excel writes it: Windows line ends, UTF-8 (with or without BOM) or Windows-1252."""
    sample = generate_sample(300, seed=5)
    path = tmp_path / "e.csv"
    write_sample(sample, path, encoding=encoding)
    data = path.read_bytes()
    assert data.startswith(starts)
    assert b"\r\n" in data
    assert "£".encode(encoding.replace("-sig", "")) in data
    assert re.search(rb"\d\d/\d\d/20\d\d", data)


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    """Only .csv, .xlsx and .parquet are written."""
    with pytest.raises(ValueError, match=r"expected a \.csv"):
        write_sample(generate_sample(5, seed=1), tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []
