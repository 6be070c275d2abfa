"""A landlord's own column names and labels, mapped onto the canonical extract.

A mapping file is YAML that a landlord edits (see ``config/mapping.yaml``)::

    columns:                      # canonical name: header(s) in your extract
      complaint_id: Case Reference
      stage1_received_date: [Date Received, Received]
    labels:                       # canonical column: {your label: canonical label}
      stage1_outcome:
        Justified: upheld
      tenure:
        General Needs: LCRA
        Shared Ownership: LCHO

Headers and labels are matched ignoring case, spaces and punctuation, so a header
``Complaint ID`` already matches ``complaint_id`` with no mapping at all.

Common labels are understood with no mapping at all (``Partly Upheld`` is
``partially_upheld``, ``General Needs Rented`` is ``LCRA``, ``Website`` is ``online``):
the table is data, ``auditlib/data/label_synonyms.yaml``, and a mapping file overrides
it. ``auditlib/data/header_synonyms.yaml`` lists the headers housing systems use for
each column, which ``auditlib init`` matches an export's headers against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from auditlib import schema
from auditlib.errors import ConfigError

_BUILTIN_FOR_COLUMN = {
    "stage1_outcome": "outcome",
    "stage2_outcome": "outcome",
    "tenure": "tenure",
    "channel": "channel",
}


_LABEL_SYNONYMS = "label_synonyms.yaml"
_HEADER_SYNONYMS = "header_synonyms.yaml"


@cache
def _data_file(name: str) -> dict[str, Any]:
    """A synonyms table shipped with the package (trusted data, read once)."""
    import yaml

    text = resources.files("auditlib.data").joinpath(name).read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict), name
    return data


def builtin_labels(column: str) -> dict[str, str]:
    """The labels understood for a label column without a mapping: normalised label to
    canonical label.

    Examples
    --------
    >>> table = builtin_labels("channel")
    >>> table["website"], table["face_to_face"], table["sms"]
    ('online', 'in_person', 'other')
    """
    return dict(_builtin_table(_BUILTIN_FOR_COLUMN[column]))


@cache
def _builtin_table(kind: str) -> tuple[tuple[str, str], ...]:
    table: dict[str, str] = {}
    for canonical, synonyms in _data_file(_LABEL_SYNONYMS)[kind].items():
        table[normalise(canonical)] = canonical
        table |= {normalise(str(s)): canonical for s in synonyms}
    return tuple(table.items())


def header_synonyms() -> dict[str, tuple[str, ...]]:
    """Headers housing systems use, by canonical column (the canonical name first).

    Examples
    --------
    >>> header_synonyms()["complaint_id"][:2]
    ('complaint_id', 'case ref')
    """
    listed = _data_file(_HEADER_SYNONYMS)
    return {
        c.name: (c.name, *(str(h) for h in listed.get(c.name) or ())) for c in schema.COLUMNS
    }


def normalise(text: str) -> str:
    """Lower case, with runs of anything but letters and digits turned into one ``_``.

    Examples
    --------
    >>> normalise("  Partly Upheld ")
    'partly_upheld'
    """
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


@dataclass(frozen=True)
class Mapping:
    """Where each canonical column comes from, and how labels translate."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = "(built-in)"

    @classmethod
    def from_yaml(cls, path: str | Path) -> Mapping:
        """Read a mapping file; a clear :class:`ConfigError` when it is unusable."""
        from auditlib.inputs import safe_yaml

        data = safe_yaml(path, what="mapping file") or {}
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "(mapping)") -> Mapping:
        """Build a mapping from already-parsed YAML."""
        if not isinstance(data, dict):
            msg = "expected 'columns:' and 'labels:' sections"
            raise ConfigError(source, msg)
        unknown = set(data) - {"columns", "labels"}
        if unknown:
            msg = f"unknown section(s) {', '.join(sorted(unknown))}; expected columns, labels"
            raise ConfigError(source, msg)
        columns: dict[str, tuple[str, ...]] = {}
        for name, headers in (data.get("columns") or {}).items():
            if name not in schema.BY_NAME:
                msg = f"{name!r} is not a canonical column; see the README's extract layout"
                raise ConfigError(source, msg, column=str(name))
            as_list = [headers] if isinstance(headers, str) else list(headers or [])
            columns[name] = tuple(str(h) for h in as_list)
        labels: dict[str, dict[str, str]] = {}
        for name, table in (data.get("labels") or {}).items():
            column = schema.BY_NAME.get(name)
            if column is None or not column.labels:
                msg = f"labels can be mapped only for {', '.join(_BUILTIN_FOR_COLUMN)}"
                raise ConfigError(source, msg, column=str(name))
            for theirs, ours in (table or {}).items():
                if ours not in column.labels:
                    msg = (
                        f"{theirs!r} maps to {ours!r}, which is not one of "
                        f"{', '.join(column.labels)}"
                    )
                    raise ConfigError(source, msg, column=name)
            labels[name] = {normalise(str(k)): str(v) for k, v in (table or {}).items()}
        return cls(columns=columns, labels=labels, source=source)

    def header_renames(self, headers: Iterable[str], *, source: str) -> dict[str, str]:
        """Map the file's headers to canonical names; refuse two headers for one column."""
        wanted: dict[str, str] = {normalise(c.name): c.name for c in schema.COLUMNS}
        for name, theirs in self.columns.items():
            for header in theirs:
                wanted[normalise(header)] = name
        renames: dict[str, str] = {}
        taken: dict[str, str] = {}
        for header in headers:
            match = wanted.get(normalise(header))
            if match is None:
                continue
            name = match
            if name in taken:
                msg = (
                    f"both {taken[name]!r} and {header!r} map to {name!r}; "
                    f"keep one in {self.source}"
                )
                raise ConfigError(source, msg, column=header)
            taken[name] = header
            renames[header] = name
        return renames

    def canonical_label(self, column: str, label: str) -> str:
        """One label translated; an unknown label is returned as written (stripped).

        Examples
        --------
        >>> Mapping().canonical_label("stage1_outcome", " Partly Upheld")
        'partially_upheld'
        """
        table = builtin_labels(column) | self.labels.get(column, {})
        return table.get(normalise(label), label.strip())
