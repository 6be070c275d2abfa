"""A written sample read back by the loader: every planted fault is caught, nothing else."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from auditlib.loader import load_complaints
from auditlib.sample import DEFECT_CODES, Sample, generate_sample, write_sample

#: the loader's quarantine reason for each planted defect; None: the row is used
QUARANTINE_REASON: dict[str, str | None] = {
    "missing_id": "missing_id",
    "duplicate_id": "duplicate_id",
    "missing_received_date": "missing_required",
    "unreadable_date": "unreadable_date",
    "ack_before_receipt": "order",
    "response_before_receipt": "order",
    "stage2_before_stage1": "order",
    "stage2_ack_before_request": "order",
    "non_whole_number": "unreadable_number",
    "negative_compensation": None,
    "label_variant": None,
    "unknown_label": None,
}
c = pl.col


def test_every_defect_code_has_an_expected_reason() -> None:
    """The table above covers every defect the generator plants."""
    assert set(QUARANTINE_REASON) == set(DEFECT_CODES)


@pytest.fixture(scope="module")
def sample() -> Sample:
    return generate_sample(1400, seed=2026, defect_rate=0.05)


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("extract.csv", "utf-8"),
        ("extract-bom.csv", "utf-8-sig"),
        ("extract-1252.csv", "cp1252"),
        ("extract.xlsx", "utf-8"),
        ("extract.parquet", "utf-8"),
    ],
)
def test_loader_quarantines_exactly_the_planted_faults(
    sample: Sample, tmp_path: Path, name: str, encoding: str
) -> None:
    """Planted faults are quarantined with the right code; other rows are used as written."""
    path = tmp_path / name
    planted = write_sample(sample, path, encoding=encoding)
    extract = load_complaints(path)

    assert extract.rows_read == sample.frame.height
    assert extract.rows_read == extract.rows_used + extract.rows_quarantined

    reasons = extract.quarantine.select("source_row", "reason_codes")
    expected = planted.with_columns(
        reason=c("defect").replace_strict(QUARANTINE_REASON, return_dtype=pl.String)
    )
    checked = expected.join(reasons, on="source_row", how="left")
    quarantine_worthy = checked.filter(c("reason").is_not_null())
    assert quarantine_worthy.height > 0
    missed = quarantine_worthy.filter(
        c("reason_codes").is_null() | ~c("reason_codes").list.contains(c("reason"))
    )
    assert missed.is_empty(), missed

    # the first occurrence of a duplicated id is quarantined too; nothing else is
    offset = 1 if path.suffix == ".parquet" else 2
    duplicated = planted.filter(c("defect") == "duplicate_id")["complaint_id"]
    originals = (
        sample.frame.with_row_index("i")
        .filter(c("complaint_id").is_in(duplicated.implode()))
        .select(source_row=c("i").cast(pl.Int64) + offset)
    )
    explained = pl.concat([quarantine_worthy.select("source_row"), originals])
    assert set(extract.quarantine["source_row"]) == set(explained["source_row"])

    # faults that do not stop a row from being used arrive as the loader reads them:
    # label variants as the canonical label, unknown labels as written, negative money kept
    clean = sample.frame.with_row_index("i").select(
        source_row=c("i").cast(pl.Int64) + offset,
        clean_outcome="stage1_outcome",
        clean_tenure="tenure",
        clean_channel="channel",
    )
    used = extract.complaints.join(clean, on="source_row")
    changed_outcome = used.filter(c("stage1_outcome").ne_missing(c("clean_outcome")))
    unknown = planted.filter(c("defect") == "unknown_label")["source_row"]
    assert sorted(changed_outcome["source_row"]) == sorted(unknown)
    assert used.filter(c("tenure") != c("clean_tenure")).is_empty()
    assert used.filter(c("channel") != c("clean_channel")).is_empty()
    negative = (extract.complaints["compensation_gbp"] < 0).sum()
    assert negative == (planted["defect"] == "negative_compensation").sum()
