"""The core sub-commands: metrics, timeliness, sample (``run`` is the evidence pack's).

Each handler parses nothing itself and holds no logic: it calls :mod:`auditlib.audit`
(or :mod:`auditlib.sample`) and prints. Names and output keys here are a contract that
other tools script against; keep them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from auditlib.errors import ConfigError

_CLI = "(command line)"


def register(subparsers: Any) -> None:
    """Add the core sub-commands to the ``auditlib`` parser."""
    metrics = subparsers.add_parser(
        "metrics",
        help="CH01 and CH02 for a period",
        description="Tenant Satisfaction Measures CH01 (complaints per 1,000 homes) and CH02 "
        "(share answered within the Code's timescales) for stage 1 and stage 2.",
    )
    metrics.add_argument("extract", type=Path, help="the complaint extract (CSV, XLSX or Parquet)")
    add_extract_options(metrics)
    metrics.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    metrics.set_defaults(handler=_metrics)

    timeliness = subparsers.add_parser(
        "timeliness",
        help="one row per complaint with its Code timeliness",
        description="Write each complaint's working days to acknowledge and respond, its limit "
        "and whether it was within the Code (and the landlord's own targets if configured).",
    )
    timeliness.add_argument(
        "extract", type=Path, help="the complaint extract (CSV, XLSX or Parquet)"
    )
    add_extract_options(timeliness)
    timeliness.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    timeliness.add_argument(
        "--quarantine", type=Path, help="also write the quarantined rows to this CSV"
    )
    timeliness.set_defaults(handler=_timeliness)

    sample = subparsers.add_parser(
        "sample",
        help="write a realistic synthetic extract",
        description="Write a synthetic complaint extract with realistic volumes, seasonality, "
        "lateness and a small controlled share of defects. The format follows the extension "
        "of --out: .csv (UK dates), .xlsx or .parquet.",
    )
    sample.add_argument(
        "--rows", type=int, default=1400, help="number of complaints (default 1400)"
    )
    sample.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    sample.add_argument("--out", type=Path, required=True, help="the file to write")
    sample.add_argument(
        "--as-of", type=iso_date, default=date(2026, 10, 31), help="extract date (ISO)"
    )
    sample.add_argument(
        "--defect-rate", type=float, default=0.01, help="share of rows with a defect"
    )
    sample.add_argument(
        "--defects-out", type=Path, help="also write the list of planted defects (CSV)"
    )
    sample.set_defaults(handler=_sample)


def iso_date(text: str) -> date:
    """An argparse type: an ISO date, or a usage error naming the text."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date in the form YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """The configuration and mapping files, as every command that reads an extract takes them."""
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: config/auditlib.yaml)"
    )
    parser.add_argument(
        "--mapping", type=Path, help="column and label mapping file (overrides the config)"
    )


def add_extract_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads an extract shares (config, mapping, period)."""
    add_config_options(parser)
    parser.add_argument("--homes", type=int, help="homes owned, for CH01 (overrides the config)")
    parser.add_argument("--homes-lcra", type=int, help="low-cost rental homes, for the LCRA split")
    parser.add_argument(
        "--homes-lcho", type=int, help="low-cost home ownership homes, for the LCHO split"
    )
    parser.add_argument("--period-start", type=iso_date, help="first day of the period, YYYY-MM-DD")
    parser.add_argument("--period-end", type=iso_date, help="last day of the period, YYYY-MM-DD")
    parser.add_argument("--as-of", type=iso_date, help="the date the extract was taken, YYYY-MM-DD")


def add_note(args: argparse.Namespace, line: str) -> None:
    """A line for stderr once the command has succeeded (an error stays one line)."""
    args.notes = [*getattr(args, "notes", []), line]


def run_inputs(args: argparse.Namespace, extract: Path | None = None) -> Any:
    """The configuration, extract, period and homes the parsed options describe.

    Returns ``(AuditConfig, extract path, Period or None, Homes or None)``.
    """
    from dataclasses import replace

    from auditlib.config import AuditConfig, command_line_homes
    from auditlib.tsm import Period

    config, note = AuditConfig.for_extract(args.config, extract or args.extract)
    if args.mapping:
        config = replace(config, mapping=args.mapping)
    extract = extract or args.extract or config.extract
    if extract is None:
        msg = "no extract given: name one on the command line or as 'extract' in the config"
        raise ConfigError(str(config.path or "(no configuration file)"), msg)
    homes, homes_note = command_line_homes(
        args.homes, args.homes_lcra, args.homes_lcho, config.homes
    )
    for line in (note, homes_note):
        if line:
            add_note(args, line)
    period = None
    if args.period_start or args.period_end:
        if not (args.period_start and args.period_end):
            msg = "give both --period-start and --period-end, or neither"
            raise ConfigError(_CLI, msg)
        try:
            period = Period(args.period_start, args.period_end)
        except ValueError as exc:
            raise ConfigError(_CLI, str(exc)) from None
    return config, extract, period, homes


def audit_from_args(
    args: argparse.Namespace, extract: Path | None = None, *, columns: tuple[str, ...] | None = None
) -> Any:
    """Run the audit the parsed options describe; return ``(AuditResult, AuditConfig)``."""
    from auditlib.audit import run_audit

    config, extract, period, homes = run_inputs(args, extract)
    result = run_audit(
        extract, config=config, period=period, homes=homes, as_of=args.as_of, columns=columns
    )
    return result, config


def figures_only(args: argparse.Namespace, out: Path | None) -> int:
    """The quick run: print the headline figures, write metrics, timeliness, quarantine."""
    from auditlib.audit import MEASURE_COLUMNS, write_outputs

    result, config = audit_from_args(args, columns=MEASURE_COLUMNS)
    paths = write_outputs(result, out or config.output_dir)
    print(
        headline_table(
            result.metrics, title=f"{config.landlord}: complaint handling, {result.period.label}"
        )
    )
    print("\nWritten:")
    for name, path in paths.items():
        print(f"  {name:<11} {path}")
    return 0


def _metrics(args: argparse.Namespace) -> int:
    from auditlib.audit import audit_metrics

    config, path, period, homes = run_inputs(args)
    result = audit_metrics(path, config=config, period=period, homes=homes, as_of=args.as_of)
    if args.format == "json":
        print(json.dumps(result.metrics, indent=2))
    else:
        print(headline_table(result.metrics, title=f"Complaint TSMs, {result.period.label}"))
    return 0


def _timeliness(args: argparse.Namespace) -> int:
    from auditlib.audit import MEASURE_COLUMNS
    from auditlib.outputs import write_csv

    result, _ = audit_from_args(args, columns=MEASURE_COLUMNS)
    write_csv(result.timeliness_table(), args.out)
    print(f"{result.extract.reconciliation()}; wrote {result.assessed.height:,} rows to {args.out}")
    if args.quarantine:
        quarantine = result.extract.quarantine
        write_csv(quarantine, args.quarantine)
        print(f"wrote {quarantine.height:,} quarantined rows to {args.quarantine}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from auditlib.sample import generate_sample, write_sample

    if args.rows < 1:
        msg = "--rows must be at least 1"
        raise ConfigError(_CLI, msg)
    if args.out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        msg = f"cannot write {args.out.suffix or 'no extension'}; use .csv, .xlsx or .parquet"
        raise ConfigError(str(args.out), msg)
    try:
        sample = generate_sample(
            args.rows, args.seed, as_of=args.as_of, defect_rate=args.defect_rate
        )
    except ValueError as exc:
        raise ConfigError(_CLI, str(exc)) from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    defects = write_sample(sample, args.out)
    print(f"wrote {args.rows:,} complaints to {args.out} ({defects.height} planted defects)")
    if args.defects_out:
        from auditlib.outputs import write_csv

        write_csv(defects, args.defects_out)
        print(f"wrote the planted defects to {args.defects_out}")
    return 0


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def headline_table(m: dict[str, Any], *, title: str) -> str:
    """The readable form of the measures."""
    rows = [
        ("Complaints received", m["stage1_received"], m["stage2_received"], 0),
        ("CH01 per 1,000 homes", m["ch01_stage1_per_1000"], m["ch01_stage2_per_1000"], 2),
        ("Responses issued", m["stage1_responded"], m["stage2_responded"], 0),
        ("  within Code timescales", m["stage1_responded_within"], m["stage2_responded_within"], 0),
        ("CH02 % within timescales", m["ch02_stage1_pct"], m["ch02_stage2_pct"], 1),
    ]
    lines = [title, f"{m['period_start']} to {m['period_end']}, homes: {_fmt(m.get('homes'))}", ""]
    lines.append(f"{'':<28}{'Stage 1':>10}{'Stage 2':>10}")
    lines += [f"{label:<28}{_fmt(a, d):>10}{_fmt(b, d):>10}" for label, a, b, d in rows]
    for tenure, t in (m.get("by_tenure") or {}).items():
        lines.append(
            f"{tenure + ': CH01 / CH02':<28}"
            f"{_fmt(t['ch01_stage1_per_1000'], 2):>10}{_fmt(t['ch01_stage2_per_1000'], 2):>10}"
            f"   {_fmt(t['ch02_stage1_pct'])}% / {_fmt(t['ch02_stage2_pct'])}%"
        )
    if m.get("landlord_targets"):
        lt = m["landlord_targets"]
        lines.append(
            f"{'% within own targets':<28}{_fmt(lt['stage1_pct']):>10}{_fmt(lt['stage2_pct']):>10}"
        )
    lines += [
        "",
        f"rows read {m['rows_read']:,} = rows used {m['rows_used']:,} "
        f"+ rows quarantined {m['rows_quarantined']:,}",
    ]
    if m.get("homes") is None:
        lines.append("CH01 needs the number of homes: pass --homes or set 'homes' in the config")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the 'auditlib' command")
