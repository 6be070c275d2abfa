"""``auditlib check-mapping``: what an existing mapping makes of an export.

Which canonical columns are mapped and from which header, which required column is
still missing, which labels are still not understood (with their row counts), which
optional columns are absent and so which Code provisions the extract cannot evidence,
and which headers are read but not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from auditlib import schema
from auditlib.loader import read_export
from auditlib.mapping import Mapping


@dataclass(frozen=True)
class MappingCheck:
    """The result of checking a mapping against an export."""

    source: str
    mapping_source: str
    rows: int
    mapped: dict[str, str]
    unmapped_labels: dict[str, tuple[tuple[str, int], ...]]
    unused: tuple[str, ...]

    @property
    def missing_required(self) -> tuple[str, ...]:
        """Required columns no header maps to: the audit cannot run."""
        return tuple(c for c in schema.REQUIRED if c not in self.mapped)

    @property
    def absent(self) -> tuple[str, ...]:
        """Optional columns not in the extract."""
        return tuple(c.name for c in schema.COLUMNS if not c.required and c.name not in self.mapped)

    def provisions_not_evidenced(self) -> list[str]:
        """Provisions (and TSMs) that an absent column leaves without data, in order.

        Examples
        --------
        >>> check = MappingCheck("x.csv", "m.yaml", 1, {"complaint_id": "Ref"}, {}, ())
        >>> check.provisions_not_evidenced()[:5]
        ['2.1', '2.4', '3.1', '5.6', '5.10']
        """
        found = {
            p.strip()
            for name in (*self.absent, *self.missing_required)
            for p in schema.BY_NAME[name].provision.split(",")
        }
        return sorted(found, key=_provision_order)

    @property
    def exit_code(self) -> int:
        """0 when every required column is mapped and every label understood, else 1."""
        unmapped = any(self.unmapped_labels.values())
        return 1 if self.missing_required or unmapped else 0

    def text(self) -> str:
        """The report the command prints."""
        lines = [
            f"Mapping {self.mapping_source} against {self.source} ({self.rows:,} rows)",
            "",
            f"Mapped: {len(self.mapped)} of {len(schema.COLUMNS)} canonical columns",
        ]
        width = max(len(c.name) for c in schema.COLUMNS)
        for column in schema.COLUMNS:
            if column.name in self.mapped:
                need = " (required)" if column.required else ""
                lines.append(f"  {column.name:<{width}} <- {self.mapped[column.name]!r}{need}")
        for name in self.missing_required:
            lines.append(f"  {name:<{width}} MISSING: required; map a header to it")
        lines += ["", "Labels not understood (map them under labels: in the mapping file):"]
        unmapped = [(c, found) for c, found in self.unmapped_labels.items() if found]
        if not unmapped:
            lines.append("  none: every outcome, tenure and channel label is understood")
        for name, found in unmapped:
            allowed = ", ".join(schema.BY_NAME[name].labels)
            listed = ", ".join(
                f"{label!r} ({rows:,} row{'s' * (rows != 1)})" for label, rows in found
            )
            lines.append(f"  {name}: {listed}; one of {allowed}")
        lines += ["", "Not in this extract (optional), and what they evidence:"]
        for name in self.absent:
            column = schema.BY_NAME[name]
            lines.append(f"  {name:<{width}} Code {column.provision}: {column.meaning}")
        if not self.absent:
            lines.append("  none")
        if self.absent or self.missing_required:
            lines.append(
                "Provisions that cannot be evidenced from this extract, in whole or in part: "
                + ", ".join(self.provisions_not_evidenced())
            )
        if self.unused:
            lines += ["", f"Headers read but not used: {', '.join(map(repr, self.unused))}"]
        verdict = "OK: the audit can run" if self.exit_code == 0 else "To do: see above"
        if self.missing_required:
            verdict = "FAIL: a required column is missing; the audit cannot run"
        lines += ["", verdict]
        return "\n".join(lines)


def _provision_order(text: str) -> tuple[int, tuple[int, ...], str]:
    numbers = tuple(int(n) for n in re.findall(r"\d+", text.split(" ")[0]))
    return (0 if text[0].isdigit() else 1, numbers, text)


def check_mapping(extract: str, mapping: Mapping) -> MappingCheck:
    """Check ``mapping`` against the export at ``extract``.

    Raises
    ------
    InputError
        The export cannot be read, or two of its headers map to one column.
    """
    export = read_export(extract)
    renames = mapping.header_renames(export.frame.columns, source=export.source)
    mapped = {canonical: header for header, canonical in renames.items()}
    unmapped: dict[str, tuple[tuple[str, int], ...]] = {}
    for name, header in mapped.items():
        column = schema.BY_NAME[name]
        if not column.labels:
            continue
        counts = (
            export.frame.select(pl.col(header).cast(pl.String).str.strip_chars().alias("label"))
            .filter(pl.col("label").is_not_null() & (pl.col("label") != ""))
            .group_by("label")
            .len()
            .sort(["len", "label"], descending=[True, False])
        )
        unmapped[name] = tuple(
            (label, rows)
            for label, rows in counts.iter_rows()
            if mapping.canonical_label(name, label) not in column.labels
        )
    unused = tuple(h for h in export.frame.columns if h not in renames)
    rows = export.frame.height
    return MappingCheck(export.source, mapping.source, rows, mapped, unmapped, unused)
