"""``auditlib learning``: the learning analyses and the action plan for a period."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

_CLI = "(command line)"


def register(subparsers: Any) -> None:
    """Add the ``learning`` sub-command to the ``auditlib`` parser."""
    from auditlib.commands import add_extract_options

    parser = subparsers.add_parser(
        "learning",
        help="root causes, tested trends, repeats, themes and the learning action plan",
        description="Analyse why complaints happen in a period (volumes, upheld, escalation "
        "and lateness by category, rising categories tested against noise, repeat "
        "complaints, vulnerable residents, themes in descriptions without a root cause) and "
        "write the learning action plan (XLSX and CSV), the tables and the charts.",
    )
    parser.add_argument("extract", type=Path, help="the complaint extract (CSV, XLSX or Parquet)")
    add_extract_options(parser)
    parser.add_argument(
        "--previous-plan",
        type=Path,
        help="last period's plan (.xlsx or .csv): open actions and what people typed are kept",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("build") / "learning", help="output folder"
    )
    parser.add_argument(
        "--seed", type=int, help="seed for themes (default: learning.seed in the config, 2026)"
    )
    parser.add_argument(
        "--window-days",
        type=int,
        help="days within which a repeat counts (default: learning.window_days, 90)",
    )
    parser.add_argument(
        "--themes", type=int, help="themes to look for (default: learning.themes, 6)"
    )
    parser.add_argument("--no-charts", action="store_true", help="write the plan and tables only")
    parser.set_defaults(handler=_learning)


def _learning(args: argparse.Namespace) -> int:
    from auditlib.commands import audit_from_args
    from auditlib.errors import ConfigError
    from auditlib.learning.actionplan import read_plan
    from auditlib.learning.run import analyse, write_learning

    if any(v is not None and v < 1 for v in (args.window_days, args.themes)):
        msg = "--window-days and --themes must be at least 1"
        raise ConfigError(_CLI, msg)
    result, config = audit_from_args(args)
    previous = read_plan(args.previous_plan) if args.previous_plan else None
    learning = analyse(
        result,
        seed=args.seed,
        window_days=args.window_days,
        n_themes=args.themes,
        previous_plan=previous,
        settings=config.learning,
        min_count=config.min_published_count,
    )
    paths = write_learning(learning, args.out, images=() if args.no_charts else ("svg", "png"))
    rising = learning.rising_categories()
    plan = learning.plan
    trend = learning.analyses["trends"]
    print(f"Learning from complaints, {learning.period.label}: {learning.complaints:,} complaints")
    if trend.ran:
        print(f"  rising beyond noise: {', '.join(rising) if rising else 'none'}")
    else:
        print("  rising beyond noise: not tested")
    print(f"  trends: {trend.detail}")
    for status in learning.analyses.values():
        if not status.ran and status.analysis != "trends":
            print(f"  {status.analysis}: {status.detail}")
    print(f"  action plan: {plan.height} rows ({(plan['found_this_period'] == 'yes').sum()} "
          "found this period)")  # fmt: skip
    print(f"  plan: {paths['plan_xlsx']} and {paths['plan_csv']}")
    print(f"  {len(paths) - 2} tables and charts under {args.out}")
    return 0
