"""What each learning analysis needs from the extract, and whether it ran.

Most first extracts lack some optional columns (no vulnerability, no tenant or property
references, no root cause). Every analysis states, in one machine-readable
:class:`AnalysisStatus`, whether it ran, and if not why: ``not available: column
vulnerability not in the extract``. The tables, the chart slots and the action plan all
show that statement, and every analysis that can run does.

A column counts as available when the extract has it and at least one row fills it in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import polars as pl

#: what an analysis status can be
RAN, NOT_AVAILABLE, NOT_TESTED = "ran", "not available", "not tested"

#: each analysis: the optional columns it needs, whether any one of them will do, what
#: it shows, and the Code provisions it evidences
NEEDS: dict[str, tuple[tuple[str, ...], bool, str, str]] = {
    "pareto": (("category",), False, "where complaints concentrate by category", "9.7(a)"),
    "upheld": (
        ("stage1_outcome", "stage2_outcome"),
        True,
        "upheld rates by category",
        "9.7(a)",
    ),
    "escalation": (("stage2_requested_date",), False, "escalation rates by category", "9.1"),
    "lateness": (("stage1_response_date",), False, "stage 1 lateness by category", "6.3, 9.1"),
    "compensation": (("compensation_gbp",), False, "compensation by category", "7.2, 9.1"),
    "root_causes": (("root_cause",), False, "root causes by category", "9.1"),
    "learning_notes": (
        ("learning_note",),
        False,
        "learning recorded against each complaint",
        "9.1",
    ),
    "trends": ((), False, "categories rising beyond noise", "9.4, 9.7(b)"),
    "repeats": (
        ("tenant_ref", "property_ref"),
        True,
        "repeat complaints from the same resident or home",
        "9.1",
    ),
    "vulnerability": (
        ("vulnerability",),
        False,
        "residents with a vulnerability against others",
        "5.10, 6.1, 9.1",
    ),
    "themes": (("description",), False, "themes where no specific root cause is recorded", "9.1"),
}


@dataclass(frozen=True)
class AnalysisStatus:
    """Whether one analysis ran, in a form a board paper can show as it is.

    Attributes
    ----------
    analysis
        The analysis (a key of :data:`NEEDS`).
    status
        ``ran``, ``not available`` (a column it needs is absent or blank) or ``not
        tested`` (the data are too few for its test).
    detail
        One line for people: ``not available: column vulnerability not in the extract``,
        or what ran (for trends: which test and why).
    missing
        The columns it needed and did not find.
    """

    analysis: str
    status: str
    detail: str
    missing: tuple[str, ...] = ()

    @property
    def ran(self) -> bool:
        """True when the analysis ran."""
        return self.status == RAN

    def __str__(self) -> str:
        return self.detail


def column_problems(frame: pl.DataFrame, found: Collection[str] | None = None) -> dict[str, str]:
    """Optional columns that cannot be used, with why: not in the extract, or all blank.

    Parameters
    ----------
    frame
        The loaded complaints (absent columns arrive as nulls).
    found
        The canonical columns the source file had (``Extract.found_columns``); when not
        known, an all-blank column counts as not in the extract.

    Examples
    --------
    >>> f = pl.DataFrame({"category": ["Repairs"], "root_cause": [None]},
    ...                  schema={"category": pl.String, "root_cause": pl.String})
    >>> problems = column_problems(f, found=["category", "root_cause"])
    >>> {k: problems[k] for k in ("root_cause", "vulnerability")}
    {'root_cause': 'blank in every row', 'vulnerability': 'not in the extract'}
    """
    wanted = sorted({c for columns, _, _, _ in NEEDS.values() for c in columns})
    present = [c for c in wanted if c in frame.columns]
    filled = frame.select(pl.col(present).is_not_null().any()).row(0, named=True) if present else {}
    problems = {}
    for column in wanted:
        if filled.get(column):
            continue
        known = found is not None and column in found and column in frame.columns
        problems[column] = "blank in every row" if known else "not in the extract"
    return problems


def describe(problems: dict[str, str], columns: Iterable[str]) -> str:
    """``not available: column X not in the extract`` for the columns given.

    Examples
    --------
    >>> describe({"tenant_ref": "not in the extract", "property_ref": "not in the extract"},
    ...          ["tenant_ref", "property_ref"])
    'not available: columns tenant_ref and property_ref not in the extract'
    """
    by_reason: dict[str, list[str]] = {}
    for column in columns:
        by_reason.setdefault(problems[column], []).append(column)
    parts = []
    for reason, names in by_reason.items():
        word = "column" if len(names) == 1 else "columns"
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{word} {joined} {reason}")
    return f"{NOT_AVAILABLE}: " + "; ".join(parts)


def status_of(analysis: str, problems: dict[str, str]) -> AnalysisStatus:
    """Whether ``analysis`` has the columns it needs (not yet whether its test could run).

    Examples
    --------
    >>> status_of("repeats", {"tenant_ref": "not in the extract"}).status
    'ran'
    >>> print(status_of("vulnerability", {"vulnerability": "not in the extract"}))
    not available: column vulnerability not in the extract
    """
    columns, any_will_do, what, _ = NEEDS[analysis]
    missing = tuple(c for c in columns if c in problems)
    usable = len(missing) < len(columns) if any_will_do else not missing
    if usable or not columns:
        gone = describe(problems, missing).removeprefix(f"{NOT_AVAILABLE}: ") if missing else ""
        note = f"; {gone}" if gone else ""
        return AnalysisStatus(analysis, RAN, f"{RAN}: {what}{note}", missing)
    return AnalysisStatus(analysis, NOT_AVAILABLE, describe(problems, missing), missing)


def placeholder(status: AnalysisStatus) -> pl.DataFrame:
    """The one-row table shown in place of an analysis that did not run."""
    return pl.DataFrame(
        {"analysis": [status.analysis], "status": [status.status], "detail": [status.detail]}
    )


def status_table(statuses: Iterable[AnalysisStatus]) -> pl.DataFrame:
    """One row per analysis: ``analysis``, ``status``, ``detail``, ``missing_columns``."""
    rows = [
        {
            "analysis": s.analysis,
            "status": s.status,
            "detail": s.detail,
            "missing_columns": ", ".join(s.missing),
        }
        for s in statuses
    ]
    schema = dict.fromkeys(("analysis", "status", "detail", "missing_columns"), pl.String)
    return pl.DataFrame(rows, schema=schema)
