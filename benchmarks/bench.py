"""Cost of ``auditlib metrics`` against reading the same file, measured in one run.

Writes a synthetic extract of ``--rows`` complaints as Parquet (and CSV), then times,
best of ``--repeat``:

* reading the file alone with polars (the floor: nothing can be faster than reading);
* each step of the audit in-process: load (read, map, parse, quarantine), assess
  (both stage clocks), measures (CH01/CH02);
* the whole ``auditlib metrics`` command and a bare ``python -c 'read the file'`` as
  fresh processes, so interpreter start and imports are counted on both sides;
* the slow reference implementation (one complaint at a time in plain Python) on a
  slice, scaled up, to show what vectorising buys.

Results go to stdout and to ``benchmarks/RESULTS.md``. Exit 1 when the command costs
more than ``--max-ratio`` times reading the file.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import reference  # noqa: E402

from auditlib.calendar import WorkingCalendar, bank_holidays_england_wales  # noqa: E402
from auditlib.config import Homes  # noqa: E402
from auditlib.loader import load_complaints  # noqa: E402
from auditlib.sample import generate_sample, write_sample  # noqa: E402
from auditlib.timeliness import assess  # noqa: E402
from auditlib.tsm import Period, measures  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=4.0)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    parquet = args.work / f"complaints-{args.rows}.parquet"
    csv = args.work / f"complaints-{args.rows}.csv"
    t0 = time.perf_counter()
    sample = generate_sample(args.rows, 1, as_of=date(2026, 10, 31))
    write_sample(sample, parquet)
    write_sample(sample, csv)
    generate_s = time.perf_counter() - t0

    cal = WorkingCalendar.england_and_wales()
    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    as_of = date(2026, 10, 31)
    rows = {}
    rows["read parquet (polars)"] = best(lambda: pl.read_parquet(parquet), args.repeat)
    rows["load parquet (map, cast, quarantine)"] = best(lambda: load_complaints(parquet), args.repeat)
    extract = load_complaints(parquet)
    rows["assess both stage clocks"] = best(
        lambda: assess(extract.complaints, calendar=cal, as_of=as_of), args.repeat
    )
    assessed = assess(extract.complaints, calendar=cal, as_of=as_of)
    rows["CH01 and CH02"] = best(
        lambda: measures(assessed, period=period, homes=Homes(total=10_000)), args.repeat
    )
    rows["read CSV (polars, all text)"] = best(
        lambda: pl.read_csv(csv, infer_schema=False), args.repeat
    )
    rows["load CSV (parse UK dates, cast, quarantine)"] = best(lambda: load_complaints(csv), args.repeat)

    exe = Path(sys.executable).parent / "auditlib"
    command = [str(exe), "metrics", str(parquet), "--homes", "10000", "--format", "json",
               "--period-start", "2025-04-01", "--period-end", "2026-03-31", "--config", "/dev/null"]
    floor = [sys.executable, "-c", f"import polars as pl; pl.read_parquet({str(parquet)!r})"]
    rows["process: python -c read parquet"] = best(lambda: subprocess.run(floor, check=True), args.repeat)
    out = {}

    def metrics_command() -> None:
        out["json"] = subprocess.run(command, check=True, capture_output=True, text=True).stdout

    rows["process: auditlib metrics --format json"] = best(metrics_command, args.repeat)
    figures = json.loads(out["json"])

    # the slow reference, one complaint at a time, on a slice; scaled to the full size
    slice_rows = min(5_000, extract.complaints.height)
    holidays = set(bank_holidays_england_wales())
    records = extract.complaints.head(slice_rows).to_dicts()
    start = time.perf_counter()
    for record in records:
        reference.assess(record, holidays, as_of)
    per_row_s = (time.perf_counter() - start) / slice_rows * extract.complaints.height

    ratio = rows["process: auditlib metrics --format json"] / rows["process: python -c read parquet"]
    vector_s = rows["assess both stage clocks"]
    lines = [
        "# Benchmark results",
        "",
        f"`python benchmarks/bench.py --rows {args.rows}` (`make bench`), best of {args.repeat}, "
        f"on {platform.machine()} with {platform.python_implementation()} {platform.python_version()}, "
        f"polars {pl.__version__}, {date.today().isoformat()}.",
        "",
        f"Extract: {args.rows:,} synthetic complaints ({figures['rows_used']:,} used, "
        f"{figures['rows_quarantined']:,} quarantined), generated and written in {generate_s:.1f} s.",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {secs:.3f} |" for name, secs in rows.items()),
        f"| per-row Python reference clocks (scaled from {slice_rows:,} rows) | {per_row_s:.1f} |",
        "",
        f"`auditlib metrics` costs **{ratio:.2f}x** a bare process that only reads the file "
        f"(limit {args.max_ratio}x); the command reads only the columns the measures and the "
        "quarantine rules need, the in-process load above reads them all. "
        f"The vectorised clocks are **{per_row_s / vector_s:.0f}x** faster "
        "than the per-row reference.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.results.write_text(text, encoding="utf-8")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
