"""Themes on the Ombudsman's 33,000 findings: time and agreement with their categories.

Run from the project root: ``.venv/bin/python benchmarks/bench_learning.py``. Reads
``../shared/data/ombudsman-findings.csv`` (skips when absent), times
:func:`auditlib.learning.themes.find_themes` on all texts on two threads, and scores the
themes against the categories (normalised mutual information, adjusted Rand index,
purity), with shuffled categories as the chance baseline and several seeds for spread.
Also times a full learning run on the bundled sample. Prints a Markdown table.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
FINDINGS = ROOT.parent / "shared" / "data" / "ombudsman-findings.csv"


def purity(labels: pl.Series, themes: pl.Series) -> float:
    """Share of texts whose theme's most common category is their own."""
    frame = pl.DataFrame({"c": labels, "t": themes})
    best = frame.group_by("t", "c").len().group_by("t").agg(pl.col("len").max())
    return float(best["len"].sum() / frame.height)


def main() -> int:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from auditlib.learning.themes import DECISION_BOILERPLATE, find_themes

    if not FINDINGS.is_file():
        print(f"skipped: {FINDINGS} not found")
        return 0
    findings = pl.read_csv(FINDINGS, columns=["category", "complaint"]).drop_nulls("complaint")
    labels = findings["category"]
    print(f"{findings.height:,} findings with text, {labels.n_unique()} categories\n")
    print("| run | texts | themes | seed | seconds | NMI | ARI | purity | NMI shuffled |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, seed in ((10, 2026), (10, 1), (10, 7), (12, 2026), (8, 2026)):
        start = time.perf_counter()
        themes = find_themes(
            findings["complaint"], n_themes=k, seed=seed, extra_stop_words=DECISION_BOILERPLATE
        )
        seconds = time.perf_counter() - start
        got = themes.assignment.fill_null(0)
        nmi = normalized_mutual_info_score(labels, got)
        ari = adjusted_rand_score(labels, got)
        null = normalized_mutual_info_score(labels.shuffle(seed=3), got)
        print(
            f"| all | {findings.height:,} | {k} | {seed} | {seconds:.2f} | {nmi:.3f} | "
            f"{ari:.3f} | {purity(labels, got):.3f} | {null:.4f} |"
        )
    sub = findings.sample(4000, seed=11)
    themes = find_themes(
        sub["complaint"], n_themes=10, seed=2026, extra_stop_words=DECISION_BOILERPLATE
    )
    got = themes.assignment.fill_null(0)
    print(
        f"| test subsample | 4,000 | 10 | 2026 | - | "
        f"{normalized_mutual_info_score(sub['category'], got):.3f} | "
        f"{adjusted_rand_score(sub['category'], got):.3f} | "
        f"{purity(sub['category'], got):.3f} | - |"
    )
    print("\nThemes on all texts (k=10, seed 2026):\n")
    themes = find_themes(
        findings["complaint"], n_themes=10, seed=2026, extra_stop_words=DECISION_BOILERPLATE
    )
    table = themes.table(by=labels.alias("category"))
    top = table.sort("texts", descending=True).unique("theme", keep="first").sort("theme")
    for row in themes.terms.join(top.select("theme", "category"), on="theme").iter_rows(named=True):
        print(f"- {row['theme']}: {row['name']} ({row['texts']:,}; mostly {row['category']})")

    from auditlib.audit import run_audit
    from auditlib.config import AuditConfig
    from auditlib.learning import analyse

    start = time.perf_counter()
    audit = run_audit(ROOT / "data/sample/complaints.csv", config=AuditConfig.load(
        ROOT / "config/auditlib.yaml"))  # fmt: skip
    analyse(audit)
    print(f"\nsample audit + learning analyses: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
