"""The ``auditlib`` command: argument parsing and exit codes, nothing else.

Every sub-command calls the same library functions the notebooks call. Heavy modules
(great-expectations, altair, scikit-learn, document readers) are imported inside the
handlers that need them, so ``auditlib metrics`` never pays for them.

Exit codes: 0 success; 1 the audit ran and found a failing check (``validate``);
2 unusable input (one line on stderr naming file, row and column); 3 an internal error.
Every message is printed through :func:`auditlib.errors.printable_line`: one line, no
control characters, never longer than a terminal can take in.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from auditlib.errors import AuditError, printable_line

# Modules that add sub-commands: each defines ``register(subparsers)``.
_SUBCOMMAND_MODULES: tuple[str, ...] = (
    "auditlib.commands",
    "auditlib.pack.cli",
    "auditlib.policy.cli",
    "auditlib.learning.cli",
    "auditlib.quality_cli",
    "auditlib.selfassess.cli",
    "auditlib.ombudsman.cli",
    "auditlib.onboard.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="auditlib",
        description="Evidence of complaint handling against the Housing Ombudsman's Code.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except AuditError as exc:
        _say(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as exc:  # the last line of defence: never a traceback for a user
        if os.environ.get("AUDITLIB_DEBUG"):
            raise
        _say(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set AUDITLIB_DEBUG=1 to see the traceback)"
        )
        return 3
    code = int(code or 0)
    if code in (0, 1):  # after the output, and never beside an error
        for note in getattr(args, "notes", ()):
            _say(note)
    return code


def _say(message: str) -> None:
    print(printable_line(f"auditlib: {message}"), file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
