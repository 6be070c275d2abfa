"""``auditlib ombudsman``: a landlord's Ombudsman findings against the sector."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``ombudsman`` sub-command to the ``auditlib`` parser."""
    from auditlib.commands import iso_date

    parser = subparsers.add_parser(
        "ombudsman",
        help="the Ombudsman's published findings about a landlord, against the sector",
        description="Find the landlord in a file of the Housing Ombudsman's findings (name "
        "variants and former names matched; near misses listed for you to confirm), then "
        "show its findings over time and by category, its upheld rate with an interval, its "
        "complaint-handling findings, where they disagree with its own complaint categories, "
        "and its place among all landlords (per 1,000 homes and upheld rate). Writes tables, "
        "charts and the figures for the self-assessment.",
    )
    parser.add_argument(
        "findings",
        nargs="?",
        type=Path,
        help="the findings file (default: 'ombudsman.findings' in the config)",
    )
    parser.add_argument(
        "--landlord", help="the landlord's name (default: 'ombudsman.landlord' in the config)"
    )
    parser.add_argument(
        "--former-name",
        action="append",
        default=[],
        metavar="NAME",
        help="another name the landlord has had (repeat for more)",
    )
    parser.add_argument(
        "--exclude-name",
        action="append",
        default=[],
        metavar="NAME",
        help="a name that matches but is another body (repeat for more)",
    )
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: config/auditlib.yaml)"
    )
    parser.add_argument(
        "--mapping", type=Path, help="Ombudsman mapping file (default: 'ombudsman.mapping')"
    )
    parser.add_argument(
        "--extract",
        type=Path,
        help="the landlord's complaint extract, for the category comparison "
        "(default: 'extract' in the config when the landlord is the configured one)",
    )
    parser.add_argument("--homes", type=int, help="homes owned, if the file gives no stock size")
    parser.add_argument("--period-start", type=iso_date, help="first day of the period, YYYY-MM-DD")
    parser.add_argument("--period-end", type=iso_date, help="last day of the period, YYYY-MM-DD")
    parser.add_argument(
        "--out", type=Path, default=Path("build") / "ombudsman", help="output folder"
    )
    parser.add_argument("--no-charts", action="store_true", help="write the tables only")
    parser.add_argument("--png", action="store_true", help="also write the charts as PNG")
    parser.set_defaults(handler=_ombudsman)


def _ombudsman(args: argparse.Namespace) -> int:
    from auditlib.config import AuditConfig
    from auditlib.ombudsman.view import analyse_configured, headline, write_view

    view = analyse_configured(
        AuditConfig.load(args.config),
        findings_path=args.findings,
        landlord=args.landlord,
        extract_path=args.extract,
        period_start=args.period_start,
        period_end=args.period_end,
        former_names=tuple(args.former_name),
        exclude_names=tuple(args.exclude_name),
        mapping=args.mapping,
        homes=args.homes,
    )
    print(f"{view.source.source}: {view.source.reconciliation()}")
    print(view.names.report())
    print()
    print(headline(view))
    left, left_findings = view.left_out_of_per_1000()
    print(
        f"\nHomes: {view.homes:,} (from {view.homes_source})."
        if view.homes
        else "\nHomes not known: per-1,000 figures need --homes or 'homes' in the config."
    )
    print(
        f"Sector: {left:,} landlords ({left_findings:,} findings) in the period have no stock "
        "size: in the upheld rates, left out of the per-1,000 figures."
    )
    paths = write_view(view, args.out, images=_images(args))
    print(f"\nWrote {len(paths)} files under {args.out} (figures: {paths['figures']})")
    return 0


def _images(args: argparse.Namespace) -> tuple[str, ...]:
    if args.no_charts:
        return ()
    return ("svg", "png") if args.png else ("svg",)
