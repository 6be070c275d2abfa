"""Reading the Housing Ombudsman's published findings: the layout, the mapping, the loader.

One row per finding (a case usually has several: one per complaint element, and one on
how the landlord handled the complaint). The canonical layout is the one the published
data set uses; other layouts are read through the ``columns`` section of the mapping
file (``config/ombudsman_mapping.yaml``), whose other sections say how findings count
and how the Ombudsman's categories line up with the landlord's own.

| column | type | required | meaning |
| --- | --- | --- | --- |
| ``case_id`` | text | no | the Ombudsman's case reference (shared by a case's findings) |
| ``landlord`` | text | yes | the landlord's name as the decision gives it |
| ``landlord_type`` | text | no | housing association, local authority / ALMO, ... |
| ``decision_date`` | date | yes | date of the determination |
| ``category`` | text | no | what the finding is about (damp and mould, complaint handling...) |
| ``complaint`` | text | no | the finding's text (public, but never in a board table) |
| ``finding`` | label | yes | maladministration, service failure, reasonable redress... |
| ``stock_size`` | whole number | no | the landlord's homes, where known |

Rows that cannot be counted (blank landlord, blank or unreadable date, a finding label
nobody mapped, an unreadable stock size) go to a quarantine table with their source row
(the header is row 1) and every reason; ``rows_read == rows_used + rows_quarantined``.
The file is only ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from auditlib.dates import parse_date_series
from auditlib.errors import ConfigError, InputError, MonthFirstDatesError
from auditlib.loader import Reconciled, read_table
from auditlib.mapping import normalise

COLUMNS: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "landlord": pl.String(),
    "landlord_type": pl.String(),
    "decision_date": pl.Date(),
    "category": pl.String(),
    "complaint": pl.String(),
    "finding": pl.String(),
    "stock_size": pl.Int64(),
}
REQUIRED = ("landlord", "decision_date", "finding")
SOURCE_ROW = "source_row"
#: the Ombudsman's findings, most to least serious (canonical labels)
FINDINGS: tuple[str, ...] = (
    "severe_maladministration",
    "maladministration",
    "service_failure",
    "reasonable_redress",
    "no_maladministration",
    "outside_jurisdiction",
)
FINDING_NAMES = {
    "severe_maladministration": "Severe maladministration",
    "maladministration": "Maladministration",
    "service_failure": "Service failure",
    "reasonable_redress": "Reasonable redress",
    "no_maladministration": "No maladministration",
    "outside_jurisdiction": "Outside jurisdiction",
}
NOT_RECORDED = "Not recorded"
NOT_KNOWN = "Not known"
#: the published file's landlord types (normalised) and the group each is compared in
LANDLORD_TYPES = {
    "housing_association": "Housing association",
    "local_authority_almo_or_tmo": "Local authority or ALMO",
    "local_authority": "Local authority or ALMO",
    "local": "Local authority or ALMO",
    "for_profit": "For-profit provider",
    "voluntary": "Voluntary or charitable",
}


@dataclass(frozen=True)
class FindingsMapping:
    """How a findings file is laid out and how its findings and categories count.

    The defaults are the published data set's layout and the readings documented in
    ``docs/ombudsman.md``; ``config/ombudsman_mapping.yaml`` states them for a landlord
    to change.
    """

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    upheld: tuple[str, ...] = ("severe_maladministration", "maladministration", "service_failure")
    not_counted: tuple[str, ...] = ("outside_jurisdiction",)
    complaint_handling: tuple[str, ...] = ("Complaint Handling",)
    landlord_types: dict[str, str] = field(default_factory=lambda: dict(LANDLORD_TYPES))
    size_bands: tuple[int, ...] = (10_000, 25_000, 50_000)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "(built-in)"

    @classmethod
    def from_yaml(cls, path: str | Path) -> FindingsMapping:
        """Read the mapping file; a one-line :class:`ConfigError` when it is unusable."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        except FileNotFoundError:
            raise ConfigError(str(path), "Ombudsman mapping file not found") from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            msg = f"not valid YAML: {str(exc).splitlines()[0]}"
            raise ConfigError(str(path), msg) from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "(mapping)") -> FindingsMapping:
        """Build from parsed YAML, checking every name against what the code knows."""
        sections = {
            "columns",
            "labels",
            "upheld",
            "not_counted",
            "complaint_handling",
            "landlord_types",
            "size_bands",
            "categories",
        }
        if not isinstance(data, dict):
            raise ConfigError(source, f"expected the sections {', '.join(sorted(sections))}")
        unknown = set(data) - sections
        if unknown:
            expected = ", ".join(sorted(sections))
            msg = f"unknown section(s) {', '.join(sorted(unknown))}; expected {expected}"
            raise ConfigError(source, msg)
        columns = {}
        for name, headers in (data.get("columns") or {}).items():
            if name not in COLUMNS:
                msg = f"{name!r} is not a findings column; expected one of {', '.join(COLUMNS)}"
                raise ConfigError(source, msg, column=str(name))
            columns[name] = tuple(
                str(h) for h in ([headers] if isinstance(headers, str) else headers)
            )
        labels = {}
        for theirs, ours in (data.get("labels") or {}).items():
            labels[normalise(str(theirs))] = _known_finding(ours, source, "labels")
        chosen = {}
        for key in ("upheld", "not_counted"):
            if key in data:
                chosen[key] = tuple(_known_finding(v, source, key) for v in data[key] or ())
        overlap = set(chosen.get("upheld", cls.upheld)) & set(
            chosen.get("not_counted", cls.not_counted)
        )
        if overlap:
            msg = f"{', '.join(sorted(overlap))} cannot be both upheld and not counted"
            raise ConfigError(source, msg)
        bands = tuple(int(b) for b in data.get("size_bands") or cls.size_bands)
        if list(bands) != sorted(set(bands)) or bands[0] <= 0:
            msg = f"size_bands must be increasing whole numbers of homes, not {list(bands)}"
            raise ConfigError(source, msg, column="size_bands")
        categories = {
            str(k): tuple(str(c) for c in ([v] if isinstance(v, str) else (v or ())))
            for k, v in (data.get("categories") or {}).items()
        }
        owner: dict[str, str] = {}
        for ombudsman, own in categories.items():
            for name in own:
                if normalise(name) in owner and owner[normalise(name)] != ombudsman:
                    msg = (
                        f"{name!r} is mapped to both {owner[normalise(name)]!r} and "
                        f"{ombudsman!r}; give each of your categories one Ombudsman category"
                    )
                    raise ConfigError(source, msg, column="categories")
                owner[normalise(name)] = ombudsman
        return cls(
            columns=columns,
            labels=labels,
            complaint_handling=tuple(
                str(c) for c in data.get("complaint_handling") or cls.complaint_handling
            ),
            landlord_types={
                normalise(str(k)): str(v)
                for k, v in (data.get("landlord_types") or LANDLORD_TYPES).items()
            },
            size_bands=bands,
            categories=categories,
            source=source,
            **chosen,
        )

    def finding_label(self, label: str) -> str | None:
        """The canonical finding for a label as written, or ``None`` if it is unknown.

        Examples
        --------
        >>> FindingsMapping().finding_label("Severe Maladministration")
        'severe_maladministration'
        >>> FindingsMapping().finding_label("Partly upheld") is None
        True
        """
        key = normalise(label)
        if key in self.labels:
            return self.labels[key]
        return key if key in FINDINGS else None

    def landlord_type(self, label: str | None) -> str:
        """The landlord-type group a label belongs to (``Not known`` for blank or unknown)."""
        if label is None or normalise(label) in ("", "unknown", "not_known"):
            return NOT_KNOWN
        return self.landlord_types.get(normalise(label), label.strip())

    def band_labels(self) -> list[str]:
        """The size bands' names, smallest first.

        Examples
        --------
        >>> FindingsMapping(size_bands=(1000, 10000)).band_labels()
        ['under 1,000', '1,000 to 9,999', '10,000 or more']
        """
        bands = self.size_bands
        labels = [f"under {bands[0]:,}"]
        labels += [f"{a:,} to {b - 1:,}" for a, b in pairwise(bands)]
        labels.append(f"{bands[-1]:,} or more")
        return labels

    def size_band(self, homes: pl.Expr) -> pl.Expr:
        """The size band of a number of homes (``Not known`` where there is none)."""
        labels = self.band_labels()
        band = pl.lit(labels[0])
        for bound, label in zip(self.size_bands, labels[1:], strict=True):
            band = pl.when(homes >= bound).then(pl.lit(label)).otherwise(band)
        return pl.when(homes.is_null()).then(pl.lit(NOT_KNOWN)).otherwise(band)

    def own_to_ombudsman(self) -> dict[str, str]:
        """Each of the landlord's own categories (normalised) to its Ombudsman category."""
        return {normalise(own): omb for omb, owns in self.categories.items() for own in owns}


def _known_finding(value: Any, source: str, section: str) -> str:
    key = normalise(str(value))
    if key not in FINDINGS:
        msg = f"{value!r} is not one of the Ombudsman's findings: {', '.join(FINDINGS)}"
        raise ConfigError(source, msg, column=section)
    return key


@dataclass(frozen=True)
class Findings(Reconciled):
    """A loaded findings file: the findings fit to count and the rows quarantined."""

    source: str
    findings: pl.DataFrame
    quarantine: pl.DataFrame
    rows_read: int

    def _used(self) -> pl.DataFrame:
        return self.findings


def load_findings(path: str | Path, *, mapping: FindingsMapping | None = None) -> Findings:
    """Read a findings file (CSV, XLSX or Parquet) into the canonical layout.

    Returns the findings with the canonical columns, ``source_row``, the canonical
    ``finding`` label and the flags ``upheld`` and ``counted`` (false for findings such
    as outside jurisdiction, which are left out of upheld rates). Unusable rows are
    quarantined with every reason.

    Raises
    ------
    InputError
        The file cannot be read, or a required column is missing.
    """
    mapping = mapping or FindingsMapping()
    source = str(path)
    renames: dict[str, str] = {}

    def choose(headers: list[str]) -> list[str] | None:
        wanted = {normalise(c): c for c in COLUMNS}
        for name, theirs in mapping.columns.items():
            wanted |= {normalise(h): name for h in theirs}
        for header in headers:
            found = wanted.get(normalise(header))
            if found is None:
                continue
            name = found
            if name in renames.values():
                first = next(h for h, n in renames.items() if n == name)
                msg = f"both {first!r} and {header!r} are {name!r}; keep one in the mapping"
                raise InputError(source, msg, column=header)
            renames[header] = name
        missing = [c for c in REQUIRED if c not in renames.values()]
        if missing:
            msg = (
                f"required column is missing; found {', '.join(headers)}. Name it "
                f"{missing[0]!r} or map it under 'columns' in the Ombudsman mapping file"
            )
            raise InputError(source, msg, column=missing[0])
        return list(renames)

    raw, kind = read_table(path, choose, what="findings file")
    if raw.height == 0:
        raise InputError(source, "the file has a header but no findings")
    first_row = 1 if kind == "parquet" else 2
    raw = raw.rename(renames).with_columns(
        pl.int_range(first_row, raw.height + first_row, dtype=pl.Int64).alias(SOURCE_ROW),
        *(pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in renames.values()),
    )
    typed = _typed(raw, mapping, source, excel=kind == "xlsx")
    return _split(typed, source)


def _text(name: str) -> pl.Expr:
    text = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


def _typed(
    raw: pl.DataFrame, mapping: FindingsMapping, source: str, *, excel: bool
) -> pl.DataFrame:
    """Canonical columns plus one ``_bad_*`` flag per problem a row can have."""
    dates_raw = raw["decision_date"]
    if dates_raw.dtype == pl.Date:
        dates = dates_raw
    elif isinstance(dates_raw.dtype, pl.Datetime):
        dates = dates_raw.dt.date()
    else:
        text = raw.select(_text("decision_date")).to_series()
        dates, day_first, month_first_at = parse_date_series(text, excel_serials=excel)
        if month_first_at is not None and not day_first:
            msg = (
                f"{text[month_first_at]!r} reads only month first (US style) and no date in "
                "the file reads day first; export the dates as day-first or ISO"
            )
            row = int(raw[SOURCE_ROW][month_first_at])
            raise MonthFirstDatesError(source, msg, row=row, column="decision_date")
    distinct = raw.select(_text("finding")).to_series().drop_nulls().unique().to_list()
    finding_of = {label: mapping.finding_label(label) for label in distinct}
    finding = _text("finding").replace_strict(finding_of, default=None, return_dtype=pl.String)
    stock_text = _text("stock_size").str.replace_all(r"[,\s]", "")
    stock_number = stock_text.cast(pl.Float64, strict=False)
    stock = pl.when(stock_number == stock_number.round(0)).then(stock_number).cast(pl.Int64)
    return raw.with_columns(
        pl.Series("decision_date", dates, dtype=pl.Date),
        _text("case_id").alias("case_id"),
        _text("landlord").alias("landlord"),
        _text("landlord_type").alias("landlord_type"),
        _text("category").fill_null(pl.lit(NOT_RECORDED)).alias("category"),
        pl.col("complaint").cast(pl.String).alias("complaint"),
        finding.alias("finding"),
        stock.alias("stock_size"),
        _text("finding").alias("_finding_text"),
        _text("decision_date").alias("_date_text"),
        stock_text.alias("_stock_text"),
    ).with_columns(
        pl.col("landlord").is_null().alias("_bad_landlord"),
        pl.col("_date_text").is_null().alias("_bad_date_blank"),
        (pl.col("_date_text").is_not_null() & pl.col("decision_date").is_null()).alias(
            "_bad_date_unreadable"
        ),
        pl.col("_finding_text").is_null().alias("_bad_finding_blank"),
        (pl.col("_finding_text").is_not_null() & pl.col("finding").is_null()).alias(
            "_bad_finding_unknown"
        ),
        (
            (pl.col("_stock_text").is_not_null() & pl.col("stock_size").is_null())
            | (pl.col("stock_size") <= 0).fill_null(False)
        ).alias("_bad_stock"),
        pl.col("finding").is_in(mapping.upheld).fill_null(False).alias("upheld"),
        (~pl.col("finding").is_in(mapping.not_counted)).fill_null(False).alias("counted"),
    )


_REASONS = {
    "_bad_landlord": ("landlord", pl.lit("landlord is blank")),
    "_bad_date_blank": ("decision_date", pl.lit("decision_date is blank")),
    "_bad_date_unreadable": (
        "decision_date",
        pl.format("decision_date '{}' is not a day-first or ISO date", pl.col("_date_text")),
    ),
    "_bad_finding_blank": ("finding", pl.lit("finding is blank")),
    "_bad_finding_unknown": (
        "finding",
        pl.format(
            "finding '{}' is not one of the Ombudsman's findings; map it under 'labels' in "
            "the Ombudsman mapping file",
            pl.col("_finding_text"),
        ),
    ),
    "_bad_stock": (
        "stock_size",
        pl.format("stock_size '{}' is not a whole number of homes", pl.col("_stock_text")),
    ),
}


def _split(typed: pl.DataFrame, source: str) -> Findings:
    flags = list(_REASONS)
    bad = pl.any_horizontal(flags)
    findings = typed.filter(~bad).select(SOURCE_ROW, *COLUMNS, "upheld", "counted")
    rejected = typed.filter(bad)
    quarantine = rejected.select(
        SOURCE_ROW,
        "case_id",
        "landlord",
        pl.concat_list(pl.when(pl.col(f)).then(text) for f, (_, text) in _REASONS.items())
        .list.drop_nulls()
        .list.join("; ")
        .alias("reasons"),
        pl.concat_list(pl.when(pl.col(f)).then(pl.lit(col)) for f, (col, _) in _REASONS.items())
        .list.drop_nulls()
        .list.unique(maintain_order=True)
        .list.join(";")
        .alias("columns"),
    )
    return Findings(source, findings, quarantine, typed.height)


def landlords(findings: pl.DataFrame, mapping: FindingsMapping) -> pl.DataFrame:
    """One row per landlord name: findings, its type group, latest stock size and size band.

    The type is the commonest known type on the landlord's rows; the stock size is the
    one on its latest dated row that has one.
    """
    types = findings["landlord_type"].drop_nulls().unique().to_list()
    group_of = {t: mapping.landlord_type(t) for t in types}
    known_type = pl.col("type_group").filter(pl.col("type_group") != NOT_KNOWN)
    return (
        findings.with_columns(
            pl.col("landlord_type")
            .replace_strict(group_of, default=NOT_KNOWN, return_dtype=pl.String)
            .alias("type_group")
        )
        .sort("decision_date")
        .group_by("landlord")
        .agg(
            pl.len().alias("findings"),
            known_type.mode().sort().first().alias("landlord_type"),
            pl.col("stock_size").drop_nulls().last().alias("homes"),
        )
        .with_columns(
            pl.col("findings").cast(pl.Int64),
            pl.col("landlord_type").fill_null(pl.lit(NOT_KNOWN)),
            mapping.size_band(pl.col("homes")).alias("size_band"),
        )
        .sort("landlord")
    )


def mapping_from(value: FindingsMapping | str | Path | None) -> FindingsMapping:
    """A mapping from a path, an existing mapping or nothing (the built-in one)."""
    if isinstance(value, FindingsMapping):
        return value
    return FindingsMapping() if value is None else FindingsMapping.from_yaml(value)
