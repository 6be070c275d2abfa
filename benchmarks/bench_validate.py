"""Cost of ``auditlib validate`` on a large extract against loading the same file.

Writes a synthetic extract of ``--rows`` complaints (1% planted defects) as CSV with
the sample generator, then times, once each (these runs take tens of seconds):

* loading it through the core loader (read, map, parse dates, quarantine);
* the great-expectations import (paid once per process);
* the validation alone (``to_pandas`` of the columns the suite reads, then every
  expectation of ``expectations/complaints_extract.json``);
* folding in the quarantine and building the report;
* writing the summary, failing-rows CSV, chart and HTML page;
* each expectation alone, to show where the time goes.

Results go to stdout and to ``benchmarks/results-validate.md``.

    .venv/bin/python benchmarks/bench_validate.py --rows 1000000
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the measurements and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--per-expectation", action="store_true", help="time each one alone")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-validate.md")
    args = parser.parse_args()

    import polars as pl

    from auditlib.expectations import validate_frame
    from auditlib.loader import load_complaints
    from auditlib.quality import QualitySettings, validate_loaded, write_report
    from auditlib.sample import generate_sample, write_sample

    as_of = date(2026, 10, 31)
    settings = QualitySettings.load(ROOT / "config" / "quality.yaml")
    suite = settings.read_suite()
    timings: list[tuple[str, float]] = []

    def timed(label: str, func, *a, **k):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        value = func(*a, **k)
        timings.append((label, time.perf_counter() - start))
        print(f"{label:<55} {timings[-1][1]:8.2f} s", flush=True)
        return value

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "complaints.csv"
        sample = timed("generate the synthetic extract", generate_sample, args.rows, 7, as_of=as_of)
        defects = timed("write it as CSV", write_sample, sample, path)
        size_mb = path.stat().st_size / 1e6
        extract = timed("load (read, map, parse, quarantine)", load_complaints, path)
        timed("import great_expectations", __import__, "great_expectations")
        params = {"date_floor": settings.date_floor, "as_of": as_of}
        timed(
            f"validate: {len(suite['expectations'])} expectations",
            validate_frame,
            extract.complaints,
            suite,
            parameters=params,
        )
        report = timed(
            "validate + fold in quarantine + report (whole run)",
            validate_loaded,
            extract,
            suite=suite,
            date_floor=settings.date_floor,
            as_of=as_of,
        )
        timed("write summary, CSV, chart, HTML", write_report, report, Path(tmp) / "out")
        per: list[tuple[str, float]] = []
        if args.per_expectation:
            for expectation in suite["expectations"]:
                one = {"name": "one", "expectations": [expectation]}
                start = time.perf_counter()
                validate_frame(extract.complaints, one, parameters=params)
                per.append((expectation["meta"]["check"], time.perf_counter() - start))
            per.sort(key=lambda item: -item[1])

    load = dict(timings)["load (read, map, parse, quarantine)"]
    whole = dict(timings)["validate + fold in quarantine + report (whole run)"]
    lines = [
        "# auditlib validate: measured cost",
        "",
        f"Measured {date.today().isoformat()} with `benchmarks/bench_validate.py --rows "
        f"{args.rows}{' --per-expectation' if args.per_expectation else ''}` on "
        f"{platform.machine()}, Python {platform.python_version()}, polars {pl.__version__}, "
        f"great-expectations {__import__('great_expectations').__version__}.",
        "",
        f"Extract: {args.rows:,} rows, {size_mb:,.0f} MB of CSV, {defects.height:,} planted "
        f"defects; {extract.rows_quarantined:,} rows quarantined by the loader; "
        f"{report.failures.height:,} failing rows found in all.",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in timings),
        "",
        f"Validation and report cost {whole / load:.1f}x loading the file "
        f"({whole:.1f} s against {load:.1f} s).",
    ]
    if per:
        lines += [
            "",
            "Each expectation alone (includes about 0.1 s of context set-up and "
            "`to_pandas` each), slowest first:",
            "",
            "| check | seconds |",
            "| --- | ---: |",
            *(f"| {name} | {seconds:.2f} |" for name, seconds in per),
        ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
