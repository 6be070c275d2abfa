"""Precision and recall of the policy drafter on real landlords' policies.

Run from the project root::

    .venv/bin/python benchmarks/policy_corpus.py [--set dev|holdout|all] [--errors]

The labels are in ``docs/policy-corpus.yaml``: for each document its source, landlord,
kind and the facts a careful reader finds. The texts themselves are not ours to keep
in the repository; they are read from the folder named by ``POLICY_CORPUS`` (default
``/work/policy-corpus``), ``<set>/<file>``. Documents whose text is absent are skipped
and counted. Prints a Markdown table per set.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml

from auditlib.policy import extract_profile
from auditlib.policy.measure import as_table, score

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "docs" / "policy-corpus.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--errors", action="store_true", help="list every miss and wrong value")
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("POLICY_CORPUS", "/work/policy-corpus"))
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    defaults = labels.get("defaults") or {}
    sets = ("dev", "holdout") if args.set == "all" else (args.set,)
    for name in sets:
        docs = [d for d in labels["documents"] if d["file"].startswith(name + "/")]
        cases, missing = [], 0
        for doc in docs:
            path = corpus / doc["file"]
            if not path.is_file():
                missing += 1
                continue
            facts = {**defaults, **(doc.get("facts") or {})}
            cases.append((doc["file"], extract_profile(path), facts, doc.get("unsure") or []))
        landlords = {d["landlord"].split(" (")[0] for d in docs}
        print(f"## {name}: {len(cases)} documents read, {missing} absent, "
              f"{len(landlords)} landlords\n")
        if not cases:
            continue
        tallies = score(cases)
        print(as_table(tallies))
        print()
        if args.errors:
            for error in tallies["all"].errors:
                print(f"- {error}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
