"""The ``init`` and ``check-mapping`` sub-commands."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``init`` and ``check-mapping`` to the ``auditlib`` parser."""
    init = subparsers.add_parser(
        "init",
        help="draft a landlord's configuration and mapping from its own export",
        description="Read a housing system's complaint export and write a new landlord "
        "folder: auditlib.yaml (configuration) and mapping.yaml (every header matched to a "
        "canonical column with its confidence, every outcome, tenure and channel label with "
        "its row count and a suggested canonical label). Uncertain matches are written "
        "commented out with their candidates. Then it prints what to check, in order.",
    )
    init.add_argument("export", type=Path, help="the export (CSV, XLSX or Parquet)")
    init.add_argument(
        "--dir", type=Path, default=Path("landlord"), help="folder to write (default: landlord)"
    )
    init.add_argument("--landlord", help="your organisation's name, as it heads every output")
    init.add_argument("--homes", type=int, help="homes owned, for CH01")
    init.add_argument("--homes-lcra", type=int, help="low-cost rental homes (LCRA)")
    init.add_argument("--homes-lcho", type=int, help="low-cost home ownership homes (LCHO)")
    init.add_argument("--force", action="store_true", help="overwrite files in an existing folder")
    init.add_argument(
        "--interactive",
        action="store_true",
        help="on a terminal, ask which header to use for each uncertain match",
    )
    init.set_defaults(handler=_init)

    check = subparsers.add_parser(
        "check-mapping",
        help="which columns and labels a mapping covers, and which provisions it cannot evidence",
        description="Check a mapping against an export: the canonical columns mapped and from "
        "which header, required columns missing, labels not yet understood (with row counts), "
        "optional columns absent and the Code provisions they evidence, headers not used. "
        "Exit 0 when the audit can run with every label understood, 1 when something is "
        "left to map, 2 when a file cannot be read.",
    )
    check.add_argument(
        "extract", nargs="?", type=Path, help="the export (default: 'extract' in the config)"
    )
    check.add_argument("--config", type=Path, help="configuration file (written by auditlib init)")
    check.add_argument("--mapping", type=Path, help="mapping file (overrides the config's)")
    check.set_defaults(handler=_check)


def _init(args: argparse.Namespace) -> int:
    from auditlib.commands import add_note
    from auditlib.config import Homes as ConfiguredHomes
    from auditlib.config import command_line_homes
    from auditlib.onboard.draft import describe, next_steps, write_folder
    from auditlib.onboard.match import discover, rediscover_labels

    homes, _ = command_line_homes(
        args.homes, args.homes_lcra, args.homes_lcho, ConfiguredHomes()
    )
    discovery = discover(str(args.export))
    if args.interactive:
        if sys.stdin.isatty():
            matches = _ask(discovery.matches)
            if matches != discovery.matches:
                discovery = rediscover_labels(discovery, matches)
        else:
            add_note(args, "--interactive needs a terminal; nothing was asked")
    paths = write_folder(
        discovery, args.dir, landlord=args.landlord, homes=homes, force=args.force
    )
    statuses = [m.status for m in discovery.matches.values()]
    labels = [f for fs in discovery.labels.values() for f in fs]
    print(f"Read {args.export}: " + "; ".join(describe(discovery)))
    print(
        f"Columns: {statuses.count('matched')} matched, {statuses.count('uncertain')} "
        f"uncertain, {statuses.count('absent')} not found. Labels: {len(labels)} found, "
        f"{sum(not f.certain for f in labels)} to check."
    )
    print("Wrote:")
    for path in paths.values():
        print(f"  {path}")
    print("Check next, in order:")
    steps = next_steps(discovery, paths, landlord=bool(args.landlord), homes=homes is not None)
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
    return 0


def _ask(matches: dict[str, Any]) -> dict[str, Any]:
    """Ask, for each uncertain match, which candidate to use (Enter leaves it for later)."""
    chosen = dict(matches)
    taken = {m.chosen.header for m in matches.values() if m.chosen is not None}
    for column, match in matches.items():
        offered = [c for c in match.candidates if c.header not in taken]
        if match.status != "uncertain" or not offered:
            continue
        print(f"{column}: which header?")
        for number, candidate in enumerate(offered, start=1):
            print(f"  {number}. {candidate.header!r} ({candidate.score:.0f}%: {candidate.because})")
        answer = input("  number, or Enter to leave it for later: ").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(offered):
            pick = offered[int(answer) - 1]
            chosen[column] = replace(match, status="matched", chosen=pick, confirmed=True)
            taken.add(pick.header)
    return chosen


def _check(args: argparse.Namespace) -> int:
    from auditlib.commands import add_note
    from auditlib.config import AuditConfig
    from auditlib.errors import ConfigError
    from auditlib.mapping import Mapping
    from auditlib.onboard.check import check_mapping

    config, note = AuditConfig.for_extract(args.config, args.extract)
    if note:
        add_note(args, note)
    extract = args.extract or config.extract
    if extract is None:
        msg = "no extract given: name one on the command line or as 'extract' in the config"
        raise ConfigError(str(config.path or "(no configuration file)"), msg)
    mapping = Mapping.from_yaml(args.mapping) if args.mapping else config.load_mapping()
    result = check_mapping(str(extract), mapping)
    print(result.text())
    return result.exit_code
