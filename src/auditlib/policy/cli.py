"""``auditlib policy``: draft a profile from a policy, and check it against the Code.

Argument parsing and output only; the work is in :mod:`auditlib.policy`. Document
readers (python-docx, pypdf) are imported by the handlers, never at import time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


def register(subparsers: Any) -> None:
    """Add the ``policy`` sub-command and its ``extract`` and ``check`` actions."""
    policy = subparsers.add_parser(
        "policy",
        help="draft a policy profile from a complaints policy, and check it against the Code",
        description=(
            "Read a landlord's complaints policy (.txt, .md, .docx or .pdf with a text "
            "layer): draft its profile with quoted evidence, or check it against the "
            "Complaint Handling Code provision by provision."
        ),
    )
    actions = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)

    extract = actions.add_parser(
        "extract",
        help="draft a policy profile (YAML or JSON) from a policy document",
        description=(
            "Draft a policy profile from POLICY. Every value comes with the sentence that "
            "states it; facts the policy does not state are null; disagreements are "
            "flagged 'review: true'. Check the draft by hand before using it."
        ),
    )
    extract.add_argument("policy", metavar="POLICY", help="policy document (.txt .md .docx .pdf)")
    extract.add_argument("--format", choices=("yaml", "json"), default="yaml",
                         help="output format (default: yaml)")
    extract.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    extract.set_defaults(handler=_extract)

    check = actions.add_parser(
        "check",
        help="check a policy or profile against the Complaint Handling Code",
        description=(
            "For every provision a policy can evidence: complies, gap, not stated, review "
            "or read by hand, with the quote and a one-line reason. POLICY_OR_PROFILE is a "
            "policy document or a profile (.yaml, .yml, .json) already reviewed."
        ),
    )
    check.add_argument("source", metavar="POLICY_OR_PROFILE",
                       help="policy document, or a profile file (.yaml .yml .json)")
    check.add_argument("--format", choices=("md", "json"), default="md",
                       help="output format (default: md)")
    check.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    check.add_argument("--edition", default="2024", help="edition of the Code (default: 2024)")
    check.set_defaults(handler=_check)


def _write(text: str, out: str | None) -> None:
    """Write to a file, or to standard output."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _extract(args: argparse.Namespace) -> int:
    """Handler of ``auditlib policy extract``."""
    from auditlib.policy.extract import extract_profile
    from auditlib.policy.profile import dump_profile

    profile = extract_profile(args.policy)
    _write(dump_profile(profile, args.format), args.out)
    return 0


def _check(args: argparse.Namespace) -> int:
    """Handler of ``auditlib policy check``."""
    from auditlib.policy.catalogue import load_catalogue
    from auditlib.policy.check import check_profile, render_markdown, summarise
    from auditlib.policy.extract import extract_profile
    from auditlib.policy.profile import load_profile, validate_profile

    source = Path(args.source)
    if source.suffix.lower() in PROFILE_SUFFIXES:
        profile = load_profile(source)
    else:
        profile = validate_profile(extract_profile(source), source=str(source))
    catalogue = load_catalogue(args.edition)
    findings = check_profile(profile, catalogue=catalogue)
    if args.format == "json":
        payload = {
            "source": source.name,
            "code_edition": catalogue.edition,
            "catalogue_version": catalogue.catalogue_version,
            "summary": summarise(findings),
            "findings": findings,
        }
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_markdown(
            findings,
            title=f"{source.name} against the Complaint Handling Code ({catalogue.edition})",
        )
    _write(text, args.out)
    return 0
