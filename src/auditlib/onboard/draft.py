"""Writing a new landlord folder from what :func:`~auditlib.onboard.match.discover` found.

The folder holds ``auditlib.yaml`` (the configuration, pointing at the export and the
mapping), ``mapping.yaml`` (every match with its confidence, every label with its
row count and suggested canonical label), ``quality.yaml`` (the project's data-quality
settings, to adjust), and the self-assessment's
``attestations.yaml`` and ``overrides.yaml``: the project's commented templates
(``config/``) with the sample landlord's entries left out, so they start empty.
Whatever is uncertain is written commented out with its candidates: nothing is guessed
silently. The configuration and the mapping read back through
:class:`~auditlib.config.AuditConfig` and :class:`~auditlib.mapping.Mapping` before
``auditlib init`` says it is done.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from auditlib import project, schema
from auditlib.config import AuditConfig, Homes
from auditlib.errors import ConfigError
from auditlib.onboard.match import Discovery, LabelFinding

CONFIG_FILE = "auditlib.yaml"
MAPPING_FILE = "mapping.yaml"
#: the self-assessment's files people keep, and the list each holds
PEOPLES_FILES = {"attestations.yaml": "attestations", "overrides.yaml": "overrides"}
QUALITY_FILE = "quality.yaml"
#: where the project keeps the commented examples of those files (config/ at its root)
PROJECT_CONFIG = project.ROOT / "config"
PROJECT_NOTEBOOKS = project.ROOT / project.NOTEBOOKS
_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark (Excel's CSV UTF-8)",
    "cp1252": "Windows-1252 (Excel's plain CSV)",
}
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as the same string.

    Examples
    --------
    >>> scalar("Case Ref"), scalar("No"), scalar("Compensation: £"), scalar("01/02")
    ('Case Ref', '"No"', '"Compensation: £"', '01/02')
    """
    try:
        plain = yaml.safe_load(text) == text and "#" not in text and text == text.strip()
    except yaml.YAMLError:
        plain = False
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def describe(discovery: Discovery) -> list[str]:
    """What was found about the file itself, one finding a line."""
    export = discovery.export
    lines = []
    if export.kind == "csv":
        encoding = _ENCODINGS.get(export.encoding or "", export.encoding or "")
        separator = _SEPARATORS.get(export.separator or "", repr(export.separator))
        lines.append(f"CSV, {encoding}, {separator} separated")
    else:
        lines.append(f"{export.kind.upper()} (first sheet)" if export.kind == "xlsx" else "Parquet")
    lines.append(f"{discovery.rows:,} rows, {len(export.frame.columns)} columns")
    styles = discovery.date_styles()
    if styles:
        lines.append(
            "dates: "
            + "; ".join(
                f"{style} ({n} column{'s' * (n != 1)})" for style, n in styles.items()
            )
        )
    month_first = [h for h in discovery.mapped.values() if discovery.profiles[h].month_first]
    if month_first:
        lines.append(
            f"dates read only month first (US style) in {', '.join(map(repr, month_first))}: "
            "the audit refuses them; export dates day first (dd/mm/yyyy) or ISO"
        )
    return lines


def mapping_yaml(discovery: Discovery) -> str:
    """The mapping file: columns with their confidence, labels with counts."""
    export = discovery.export
    lines = [
        f"# How {Path(export.source).name} maps onto auditlib's canonical layout, drafted by",
        "# `auditlib init` from the file's headers and content. Found: "
        + "; ".join(describe(discovery))
        + ".",
        "#",
        "# Each match says how sure it is. A line starting with '#' is not used: where a",
        "# match is uncertain its candidates are listed; take the '# ' off the right one.",
        "# Check the result with: auditlib check-mapping --config <this folder>/auditlib.yaml",
        "columns:",
    ]
    for column in schema.COLUMNS:
        match = discovery.matches[column.name]
        need = "required" if column.required else "optional"
        if match.chosen is not None:
            how = "confirmed by you" if match.confirmed else f"{match.chosen.score:.0f}%"
            lines.append(
                f"  {column.name}: {scalar(match.chosen.header)}"
                f"  # {how}: {match.chosen.because}"
            )
        elif match.candidates:
            lines.append(f"  # {column.name}: uncertain ({need}); candidates, best first:")
            lines += [
                f"  # {column.name}: {scalar(c.header)}  # {c.score:.0f}%: {c.because}"
                for c in match.candidates
            ]
        else:
            lines.append(f"  # {column.name}: not found in this export ({need})")
    lines.append("labels:")
    for name, findings in discovery.labels.items():
        allowed = ", ".join(schema.BY_NAME[name].labels)
        lines.append(f"  {name}:  # one of {allowed}")
        lines += [_label_line(f) for f in findings]
        if name in discovery.more_labels:
            labels, rows = discovery.more_labels[name]
            lines.append(f"    # ... and {labels:,} more labels on {rows:,} rows: map them here")
        if not findings:
            lines.append("    {}")
    return "\n".join(lines) + "\n"


def _label_line(finding: LabelFinding) -> str:
    rows = f"{finding.rows:,} row{'s' if finding.rows != 1 else ''}"
    if finding.suggestion is None:
        return f"    # {scalar(finding.label)}: ?  # {rows}; no suggestion: give one of the above"
    line = f"{scalar(finding.label)}: {finding.suggestion}  # {rows}; {finding.because}"
    return f"    {line}" if finding.certain else f"    # {line}: check"


def config_yaml(
    discovery: Discovery, folder: Path, *, landlord: str | None, homes: Homes | None
) -> str:
    """The configuration file for the new folder: this export, this mapping, no borrowing."""
    extract = Path(os.path.relpath(Path(discovery.export.source).resolve(), folder.resolve()))
    name = scalar(landlord) if landlord else "null"
    quality = (
        f"data_quality: {QUALITY_FILE}"
        if (PROJECT_CONFIG / QUALITY_FILE).is_file()
        else "# data_quality: quality.yaml"
    )
    if PROJECT_NOTEBOOKS.is_dir():
        where = os.path.relpath(PROJECT_NOTEBOOKS, folder.resolve())
        notebooks = f"notebooks: {scalar(Path(where).as_posix())}"
    else:
        notebooks = "# notebooks: path/to/auditlib/notebooks"
    if homes is not None and homes.total is not None:
        home_lines = ["homes:", f"  total: {homes.total}"]
        home_lines += [f"  {k}: {v}" for k, v in homes.by_tenure.items()]
    else:
        home_lines = ["# homes:", "#   LCRA: 0", "#   LCHO: 0"]
    return "\n".join(
        [
            f"# auditlib configuration for {Path(discovery.export.source).name}, drafted by",
            "# `auditlib init`. Paths are relative to this file; every setting is optional.",
            "# Run with: auditlib run --config <this folder>/auditlib.yaml",
            "",
            "# Your organisation's name, as it heads every output.",
            f"landlord: {name}",
            "",
            "# The extract to audit.",
            f"extract: {scalar(extract.as_posix())}",
            "",
            "# Homes owned, for CH01 (complaints per 1,000 homes). Give LCRA (low-cost rental)",
            "# and LCHO (low-cost home ownership) to have them reported separately, as the",
            "# Regulator asks; the total defaults to their sum. Without homes, CH01 is left out.",
            *home_lines,
            "",
            "# First month of the reporting year (4 = April, the TSM year).",
            "reporting_year_start_month: 4",
            "",
            "# Days the office was closed (ISO dates), besides England and Wales bank holidays.",
            "closure_days: []",
            "",
            "# Bank holidays the installed `holidays` package does not know yet.",
            "extra_holidays: []",
            "",
            "# How the export's headers and labels map onto the canonical layout.",
            f"mapping: {MAPPING_FILE}",
            "",
            "# Your own published targets, checked beside the Code's; leave one out to leave it",
            "# unchecked. Or point to a policy profile drafted by `auditlib policy extract`.",
            "# policy_profile: policy_profile.yaml",
            "# landlord_targets:",
            "#   stage1_ack_working_days: 5",
            "#   stage1_response_working_days: 10",
            "#   stage1_response_clock: acknowledgement",
            "#   stage2_ack_working_days: 5",
            "#   stage2_response_working_days: 20",
            "#   stage2_response_clock: acknowledgement",
            "",
            "# Where the Code leaves room for reading (see docs/rules.md); defaults first.",
            "rules:",
            "  response_clock_without_acknowledgement: receipt  # or not_assessed",
            "  excess_extension: cap                            # or disallow",
            "  late_extension_notice: disallow                  # or allow",
            "",
            "# The date the extract was taken. Default: the latest date in it (never after today).",
            "# as_of: 2026-03-31",
            "",
            "# The annual self-assessment against the Code (`auditlib self-assess`).",
            "self_assessment:",
            "  # Your complaints policy (.docx, .pdf, .md, .txt) or a reviewed policy profile.",
            "  # policy: complaints-policy.docx",
            "  # What only people can evidence, and answers a person sets (see each file).",
            "  attestations: attestations.yaml",
            "  overrides: overrides.yaml",
            "  # An attestation older than this is stale.",
            "  attestation_max_age_months: 12",
            "",
            "# Published tables show counts below this as 'fewer than N'.",
            "privacy:",
            "  min_count: 5",
            "",
            "# The data-quality settings: severities, completeness thresholds, date floor.",
            quality,
            "",
            "# The evidence pack (`auditlib run`): the numbered notebooks it runs, in order,",
            "# and the folder that receives one pack per run.",
            notebooks,
            "packs_dir: packs",
            "",
            "# Where `auditlib run --figures-only` writes its three files.",
            "output_dir: output",
            "",
        ]
    )


def quality_file(folder: Path) -> str | None:
    """The project's data-quality settings for a new folder, the suite's path made
    relative to it; None where the project's ``config/`` is not beside the package."""
    template = PROJECT_CONFIG / QUALITY_FILE
    if not template.is_file():
        return None
    lines = template.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("suite:"):
            value = line.split(":", 1)[1].split("#")[0].strip()
            suite = (PROJECT_CONFIG / value).resolve()
            where = Path(os.path.relpath(suite, folder.resolve())).as_posix()
            lines[index] = f"suite: {scalar(where)}"
    return "\n".join(lines) + "\n"


def peoples_file(name: str) -> str:
    """The project's commented template for a self-assessment file, with no entries.

    The comments of ``config/<name>`` down to where the sample landlord's own entries
    begin, then an empty list. Where the project's ``config/`` is not beside the
    package (an installed wheel), a short pointer to the documentation instead.

    Examples
    --------
    >>> peoples_file("overrides.yaml").rstrip().splitlines()[-1]
    'overrides: []'
    """
    top = PEOPLES_FILES[name]
    template = PROJECT_CONFIG / name
    kept = []
    if template.is_file():
        for line in template.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#") or "sample landlord" in line:
                break
            kept.append(line)
    if not kept:
        kept = [f"# {top.capitalize()} for the self-assessment: see docs/self-assessment.md."]
    while kept and kept[-1].strip() == "#":
        kept.pop()
    return "\n".join([*kept, f"{top}: []", ""])


def write_folder(
    discovery: Discovery,
    folder: str | Path,
    *,
    landlord: str | None = None,
    homes: Homes | None = None,
    force: bool = False,
) -> dict[str, Path]:
    """Write the landlord folder; refuse an existing, non-empty one unless ``force``.

    Returns the paths, by name (``config``, ``mapping``, ``quality``, ``attestations``,
    ``overrides``). Each file is read back as the audit reads it, so a file init writes
    is never one the audit refuses. With ``force``, existing attestations and overrides
    are kept: people wrote them.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(str(folder), "exists and is not a folder; choose another --dir")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        msg = "already exists and is not empty; choose another --dir, or --force to overwrite"
        raise ConfigError(str(folder), msg)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"config": folder / CONFIG_FILE, "mapping": folder / MAPPING_FILE}
    quality = quality_file(folder)
    if quality is not None:
        paths["quality"] = folder / QUALITY_FILE
        paths["quality"].write_text(quality, encoding="utf-8")
    for name, top in PEOPLES_FILES.items():
        paths[top] = folder / name
        if force and paths[top].exists():
            continue  # what people have written is theirs: --force keeps it
        paths[top].write_text(peoples_file(name), encoding="utf-8")
    paths["mapping"].write_text(mapping_yaml(discovery), encoding="utf-8")
    paths["config"].write_text(
        config_yaml(discovery, folder, landlord=landlord, homes=homes), encoding="utf-8"
    )
    AuditConfig.load(paths["config"]).load_mapping()
    return paths


def next_steps(
    discovery: Discovery, paths: dict[str, Path], *, landlord: bool = False, homes: bool = False
) -> list[str]:
    """What to check next, in the order a person does it, ending with the command to run.

    ``landlord`` and ``homes`` say whether the name and the homes were given to init.
    """
    config, mapping = paths["config"], paths["mapping"]
    steps = []
    uncertain = [m for m in discovery.matches.values() if m.status == "uncertain"]
    required = [m.column for m in uncertain if schema.BY_NAME[m.column].required]
    if required:
        steps.append(
            f"{mapping}: choose the header for {', '.join(required)} (required; the "
            "candidates are listed there): take the '# ' off the right line"
        )
    optional = [m.column for m in uncertain if not schema.BY_NAME[m.column].required]
    if optional:
        steps.append(f"{mapping}: check the uncertain matches for {', '.join(optional)}")
    unknown = [f for fs in discovery.labels.values() for f in fs if not f.certain]
    if unknown:
        sample = ", ".join(f"{f.label!r} ({f.rows:,} rows)" for f in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        steps.append(f"{mapping}: give a canonical label to {sample}{more}")
    missing = [
        words
        for given, words in (
            (landlord, "your organisation's name"),
            (homes, "your homes (LCRA and LCHO) for CH01"),
        )
        if not given
    ]
    if missing:
        steps.append(f"{config}: {' and '.join(missing)}")
    steps.append(f"auditlib check-mapping --config {config}")
    steps.append(f"auditlib run --config {config}")
    return steps
