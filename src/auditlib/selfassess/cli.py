"""``auditlib self-assess``: every provision of the Code answered, with the annual figures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("build") / "self_assessment"


def register(subparsers: Any) -> None:
    """Add ``self-assess`` to the ``auditlib`` parser."""
    from auditlib.commands import add_extract_options, iso_date

    parser = subparsers.add_parser(
        "self-assess",
        help="the annual self-assessment against the Code, with the annual report's figures",
        description="Answer every provision of the Complaint Handling Code (Yes, Partly, No or "
        "Needs evidence) from the complaint data, the policy check and dated attestations, by "
        "written rules; keep any answer a person sets in the overrides file beside the "
        "suggestion; and write the workbook (laid out like the Ombudsman's form), an HTML page "
        "and JSON, with the figures of the annual complaints performance report (Code 8.1).",
    )
    parser.add_argument(
        "extract", nargs="?", type=Path, help="the extract (default: 'extract' in the config)"
    )
    add_extract_options(parser)
    parser.add_argument(
        "--policy",
        type=Path,
        help="complaints policy document or reviewed "
        "profile (default: self_assessment.policy in the config)",
    )
    parser.add_argument(
        "--attestations",
        type=Path,
        help="attestations file (default: self_assessment.attestations in the config)",
    )
    parser.add_argument(
        "--overrides",
        type=Path,
        help="overrides file (default: self_assessment.overrides in the config)",
    )
    quality = parser.add_mutually_exclusive_group()
    quality.add_argument(
        "--quality",
        type=Path,
        metavar="SUMMARY_JSON",
        help="summary.json from 'auditlib validate' of the same extract",
    )
    quality.add_argument(
        "--validate",
        action="store_true",
        help="run the data-quality checks now (needs great-expectations)",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="JSON",
        help="last year's self_assessment.json: what changed and regressed",
    )
    parser.add_argument(
        "--assessed-on",
        type=iso_date,
        help="the day of the assessment, YYYY-MM-DD (default: the config, else today)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    parser.add_argument("--no-charts", action="store_true", help="leave the charts out of the HTML")
    parser.set_defaults(handler=_self_assess)


def _self_assess(args: argparse.Namespace) -> int:
    from auditlib.commands import audit_from_args
    from auditlib.selfassess.render import write_self_assessment
    from auditlib.selfassess.run import COLUMNS, self_assess

    result, config = audit_from_args(args, columns=COLUMNS)
    quality: Any = args.quality
    if args.validate:
        from auditlib.quality import validate_extract

        quality = validate_extract(
            result.extract.source, config=config, mapping=args.mapping, as_of=result.as_of
        )
    assessment = self_assess(
        result,
        config=config,
        policy=args.policy,
        attestations=args.attestations,
        overrides=args.overrides,
        quality=quality,
        previous=args.previous,
        assessed_on=args.assessed_on,
    )
    paths = write_self_assessment(assessment, args.out, charts=not args.no_charts)
    counts = assessment.counts()
    print(
        f"{assessment.landlord}: self-assessment against the Complaint Handling Code "
        f"({assessment.catalogue.edition}), {assessment.period.label}"
    )
    print("  " + ", ".join(f"{label}: {n}" for label, n in counts.items()))
    noes = [a for a in assessment.answers if a.answer == "no"]
    for a in noes:
        why = a.shortfalls[0] if a.shortfalls else (a.override.reason if a.override else "")
        print(f"  No  {a.provision.number:<5} {why[:110]}")
    if assessment.changes is not None:
        regressed = assessment.changes.filter(assessment.changes["change"] == "regressed")
        print(f"  regressed since last year: {', '.join(regressed['provision']) or 'none'}")
    overridden = sum(a.override is not None for a in assessment.answers)
    if overridden:
        print(f"  answers set by a person (overrides): {overridden}")
    for note in assessment.notes:
        print(f"  note: {note}")
    print("Written:")
    for name, path in paths.items():
        print(f"  {name:<9} {path}")
    return 0
