"""``auditlib run``: the whole audit into an evidence pack, or the quick figures only."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``run`` to the ``auditlib`` parser."""
    from auditlib.commands import add_extract_options

    run = subparsers.add_parser(
        "run",
        help="the whole audit: every notebook, the board paper, one evidence pack",
        description="Audit the extract, run every numbered notebook with papermill (data "
        "quality, self-assessment, learning, and any added later) with one set of parameters, "
        "write the board paper (HTML, PDF, Word) and a manifest, into one evidence pack folder "
        "per run. Exit 0 done; 1 a check failed (the pack says so); 2 unusable input; 3 an "
        "internal error. With --figures-only: the headline figures and three files, quickly.",
    )
    run.add_argument(
        "extract", nargs="?", type=Path, help="the extract (default: 'extract' in the config)"
    )
    add_extract_options(run)
    run.add_argument(
        "--out",
        type=Path,
        help="folder that receives the pack (default: "
        "'packs_dir' in the config; with --figures-only, 'output_dir')",
    )
    run.add_argument(
        "--notebooks",
        type=Path,
        help="folder of numbered notebooks (default: 'notebooks' in the config)",
    )
    run.add_argument("--policy", type=Path, help="complaints policy or reviewed profile")
    run.add_argument("--attestations", type=Path, help="attestations file")
    run.add_argument("--overrides", type=Path, help="overrides file")
    run.add_argument(
        "--previous-self-assessment",
        type=Path,
        metavar="JSON",
        help="last year's self_assessment.json",
    )
    run.add_argument(
        "--previous-plan",
        type=Path,
        metavar="FILE",
        help="last year's learning_action_plan.xlsx or .csv",
    )
    run.add_argument(
        "--quality-settings",
        type=Path,
        metavar="YAML",
        help="data-quality settings (default: 'data_quality' in the config)",
    )
    run.add_argument(
        "--strict", action="store_true", help="exit 1 when a critical data-quality check fails"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress display")
    run.add_argument(
        "--figures-only",
        action="store_true",
        help="print CH01/CH02 and write metrics.json, timeliness.csv and quarantine.csv only",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from auditlib.commands import figures_only, headline_table, run_inputs
    from auditlib.pack.runner import build_pack, options_with

    if args.figures_only:
        return figures_only(args, args.out)
    config, extract, period, homes = run_inputs(args)
    options = options_with(
        config,
        extract=extract,
        period=period,
        homes=homes,
        as_of=args.as_of,
        out_root=args.out,
        notebooks=args.notebooks,
        policy=args.policy,
        attestations=args.attestations,
        overrides=args.overrides,
        previous_self_assessment=args.previous_self_assessment,
        previous_plan=args.previous_plan,
        quality_settings=args.quality_settings,
    )
    options = replace(options, strict=args.strict, progress=not args.no_progress)
    result = build_pack(options)
    if result.metrics:
        title = (
            f"{config.landlord}: complaint handling, {result.metrics['period_start']} to "
            f"{result.metrics['period_end']}"
        )
        print(headline_table(result.metrics, title=title))
    summary = result.path / "02_self_assessment" / "self_assessment.json"
    if summary.is_file():
        counts = json.loads(summary.read_text(encoding="utf-8"))["summary"]
        print("\nSelf-assessment: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    for note in result.notes:
        print(f"note: {note}")
    seconds = sum(s.seconds for s in result.steps)
    if result.failure:
        print(f"auditlib: error: {result.failure} (partial pack: {result.path})", file=sys.stderr)
        return result.exit_code
    print(f"\nEvidence pack ({result.status}, {seconds:.0f} s): {result.path}")
    print(f"  board paper: {result.path / 'board_paper.pdf'} (also .html, .docx)")
    return result.exit_code
