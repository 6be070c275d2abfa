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

#: the module that registers each sub-command, so that running one imports only its own
#: module (``auditlib metrics`` then never loads the learning, policy or pack code). This
#: table is the whole command line: each capability registers its commands beside its code
SUBCOMMANDS: dict[str, str] = {
    "metrics": "auditlib.commands",
    "timeliness": "auditlib.commands",
    "sample": "auditlib.commands",
    "run": "auditlib.pack.cli",
    "policy": "auditlib.policy.cli",
    "learning": "auditlib.learning.cli",
    "validate": "auditlib.quality.cli",
    "self-assess": "auditlib.selfassess.cli",
    "ombudsman": "auditlib.ombudsman.cli",
    "init": "auditlib.onboard.cli",
    "check-mapping": "auditlib.onboard.cli",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the parser: with every sub-command, or only ``command``'s module's."""
    parser = argparse.ArgumentParser(
        prog="auditlib",
        description="Evidence of complaint handling against the Housing Ombudsman's Code.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # each module defines ``register(subparsers)``; one module may register several commands
    every = tuple(dict.fromkeys(SUBCOMMANDS.values()))
    modules = (SUBCOMMANDS[command],) if command in SUBCOMMANDS else every
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    command = next((word for word in words if not word.startswith("-")), None)
    args = build_parser(command).parse_args(words)
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
