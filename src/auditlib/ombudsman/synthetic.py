"""A small synthetic findings file in the published layout, for the sample and the tests.

Every landlord in it is fictitious, among them the bundled sample's ``Example Homes``
(written under its variants and a former name, with a fictitious near namesake,
``Exemplar Homes``, that must not be taken for it). Its findings lean towards damp and
mould, so that the category comparison with the sample extract has something to find.
A few rows carry the defects real files have: a blank decision date, a finding label
nobody mapped, a blank landlord. The same seed writes the same file byte for byte::

    from auditlib.ombudsman.synthetic import write_synthetic_findings
    write_synthetic_findings("data/sample/ombudsman_findings.csv")
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

#: the Ombudsman's categories, with how often each comes up and the words of a finding
CATEGORIES: tuple[tuple[str, float, str], ...] = (
    ("Repairs & Maintenance", 0.26, "The landlord’s handling of the resident’s reports of repairs"),
    ("Damp & Mould", 0.13, "The landlord’s response to reports of damp and mould"),
    ("Leaks & Water Ingress", 0.11, "The landlord’s handling of a leak into the property"),
    ("Anti-Social Behaviour (ASB)", 0.11, "The landlord’s response to reports of noise and ASB"),
    ("Estate Management", 0.08, "The landlord’s management of communal areas"),
    ("Rent & Service Charges", 0.06, "The landlord’s handling of service charge queries"),
    ("Pest Control", 0.03, "The landlord’s response to reports of pests"),
    ("Rehousing & Allocations", 0.03, "The landlord’s handling of a request to move"),
    ("Other", 0.19, "The landlord’s communication with the resident"),
)
_FINDINGS = (
    "Severe Maladministration",
    "Maladministration",
    "Service Failure",
    "Reasonable Redress",
    "No Maladministration",
    "Outside Jurisdiction",
)
# name, type, stock size (0: not given), cases a year, upheld tendency (0-1)
_LANDLORDS: tuple[tuple[str, str, int, float, float], ...] = (
    ("Northfield Housing Association", "Housing Association", 42000, 30, 0.62),
    ("Harbour & Vale Homes (HVH)", "Housing Association", 31000, 16, 0.55),
    ("London Borough of Eastmere", "Local Authority / ALMO or TMO", 24000, 20, 0.7),
    ("Westbrook City Council", "Local Authority / ALMO or TMO", 18000, 9, 0.66),
    ("Greenacre Living", "Housing Association", 15500, 6, 0.5),
    ("Millbrook Housing Trust", "Housing Association", 12000, 5, 0.58),
    ("Exemplar Homes", "Housing Association", 11000, 3, 0.4),
    ("Kingsmead District Council", "Local Authority", 6500, 2.5, 0.6),
    ("Ashdown Community Housing", "Housing Association", 0, 2, 0.55),
    ("Lowfield Homes", "Housing Association", 0, 1.5, 0.5),
    ("St Brides Housing Society", "Unknown", 0, 1, 0.6),
    ("Cobble Lane Co-operative", "Unknown", 0, 0.6, 0.5),
    ("Brightwater Rental Ltd", "For profit", 0, 0.8, 0.45),
    ("Fernhill Almshouses", "Voluntary", 0, 0.4, 0.5),
)
_EXAMPLE = "Example Homes"
_EXAMPLE_NAMES = (  # as the published decisions write it over the years
    ("Example Housing Association", date(2021, 4, 1)),  # its former name
    ("Example Homes Limited", date(2023, 1, 1)),
    ("Example Homes", date(2024, 1, 1)),
)
_FIRST, _LAST = date(2021, 4, 1), date(2026, 9, 30)


def _cases(
    rng: np.random.Generator, per_year: float, upheld: float, damp: float = 1.0
) -> list[tuple[int, list[tuple[str, str, str]]]]:
    """(day offset, [(category, finding, text)]) for each case of one landlord."""
    days = (_LAST - _FIRST).days
    count = rng.poisson(per_year * days / 365.25)
    weights = np.array([w for _, w, _ in CATEGORIES])
    weights[1] *= damp
    weights /= weights.sum()
    cases = []
    for offset in np.sort(rng.integers(0, days + 1, count)):  # builds a small file, once
        elements = []
        for index in rng.choice(len(CATEGORIES), size=rng.integers(1, 4), p=weights, replace=False):
            elements.append((CATEGORIES[index][0], _finding(rng, upheld), CATEGORIES[index][2]))
        if rng.random() < 0.8:
            text = "The landlord’s complaint handling"
            elements.append(("Complaint Handling", _finding(rng, upheld + 0.05), text))
        cases.append((int(offset), elements))
    return cases


def _finding(rng: np.random.Generator, upheld: float) -> str:
    roll = rng.random()
    if roll < 0.02:
        return "Outside Jurisdiction"
    if roll < 0.02 + upheld:
        return str(rng.choice(_FINDINGS[:3], p=[0.06, 0.54, 0.40]))
    return str(rng.choice(_FINDINGS[3:5], p=[0.45, 0.55]))


def synthetic_findings(seed: int = 2026) -> pl.DataFrame:
    """The synthetic findings as a frame of text columns in the published layout."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str | None]] = []
    case_number = 202100001
    plans = [(n, t, s, c, u, 1.0) for n, t, s, c, u in _LANDLORDS]
    plans.append((_EXAMPLE, "Housing Association", 0, 9.0, 0.68, 3.0))
    for name, kind, stock, per_year, upheld, damp in plans:
        for offset, elements in _cases(rng, per_year, upheld, damp):
            decided = _FIRST + timedelta(days=offset)
            written = name
            if name == _EXAMPLE:
                written = [n for n, since in _EXAMPLE_NAMES if since <= decided][-1]
            elif name == "London Borough of Eastmere" and rng.random() < 0.15:
                written = "Eastmere Council"
            for category, finding, text in elements:
                rows.append(
                    {
                        "case_id": str(case_number),
                        "landlord": written,
                        "landlord_type": kind,
                        "decision_date": decided.isoformat(),
                        "category": category,
                        "complaint": f"{text}.",
                        "finding": finding,
                        "stock_size": str(stock) if stock else None,
                    }
                )
            case_number += 1
    frame = pl.DataFrame(rows).sort("decision_date", "case_id", descending=[True, False])
    # the defects real files carry, at fixed places
    defects: dict[int, dict[str, str | None]] = {
        3: {"decision_date": None},
        40: {"finding": "Partly upheld"},
        77: {"landlord": None},
        150: {"decision_date": "31/02/2024"},
    }
    records = frame.to_dicts()
    for index, change in defects.items():
        records[index] |= change
    return pl.DataFrame(records, schema=frame.schema)


def write_synthetic_findings(path: str | Path, *, seed: int = 2026) -> Path:
    """Write :func:`synthetic_findings` as UTF-8 CSV; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_findings(seed).write_csv(path)
    return path
