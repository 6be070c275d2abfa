"""The ``validate`` sub-command: check an extract's data quality before any figure.

Exit codes: 0 every critical check passed (warnings may remain), 1 a critical check
failed, 2 the extract or a settings file is unusable. Nothing heavy is imported until
the handler runs; great-expectations only for a suite entry polars does not evaluate.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditlib.commands import add_config_options, add_note, iso_date
from auditlib.errors import ConfigError

DEFAULT_OUT = Path("build") / "data_quality"


def register(subparsers: Any) -> None:
    """Add ``auditlib validate`` to the parser."""
    validate = subparsers.add_parser(
        "validate",
        help="check an extract's data quality (the great-expectations suite)",
        description="Load the extract as the audit does, run the expectation suite on it, "
        "fold in the rows the loader set aside, print what to fix and write a JSON "
        "summary, a CSV of failing rows and an HTML report that works offline. Exit 0 when "
        "every critical check passes, 1 when one fails, 2 when the input is unusable.",
    )
    validate.add_argument(
        "extract", nargs="?", type=Path, help="the extract (default: 'extract' in the config)"
    )
    validate.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    add_config_options(validate)
    validate.add_argument(
        "--quality",
        type=Path,
        help="data-quality settings: severities, thresholds, date floor "
        "(default: config/quality.yaml)",
    )
    validate.add_argument(
        "--as-of",
        type=iso_date,
        help="the date the extract was taken, YYYY-MM-DD; no date may be later "
        "(default: the settings, the config, else today)",
    )
    validate.add_argument(
        "--examples",
        type=_count,
        default=1000,
        metavar="N",
        help="failing rows listed per check in failing_rows.csv (default 1000); every "
        "check is still counted on every row",
    )
    validate.add_argument(
        "--all-failing-rows",
        action="store_true",
        help="list every failing row of every check (the file can be large)",
    )
    validate.add_argument(
        "--list", action="store_true", help="list every check with its provision and stop"
    )
    validate.set_defaults(handler=_validate)


def _count(text: str) -> int:
    """An argparse type: a whole number of rows, zero or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        msg = f"{text!r} is not a number of rows (0 or more)"
        raise argparse.ArgumentTypeError(msg)
    return value


def _validate(args: argparse.Namespace) -> int:
    from auditlib.config import AuditConfig
    from auditlib.quality.report import QualitySettings, validate_extract, write_report

    settings = QualitySettings.load(args.quality)
    if args.list:
        for row in settings.catalogue().iter_rows(named=True):
            print(f"{row['severity']:<9} {row['check']:<45} Code {row['provision']}")
        return 0
    config, note = AuditConfig.for_extract(args.config, args.extract)
    if note:
        add_note(args, note)
    extract = args.extract or config.extract
    if extract is None:
        msg = "no extract given: name one on the command line or as 'extract' in the config"
        raise ConfigError(str(config.path or "(no configuration file)"), msg)
    report = validate_extract(
        extract,
        settings=settings,
        config=config,
        mapping=args.mapping,
        as_of=args.as_of,
        examples=None if args.all_failing_rows else args.examples,
    )
    paths = write_report(report, args.out)
    print(report.text())
    print("\nWritten:")
    for name, path in paths.items():
        print(f"  {name:<13} {path}")
    return report.exit_code
