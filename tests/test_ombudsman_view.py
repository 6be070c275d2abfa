"""Reading findings files and the Ombudsman view on a hand-built file with known answers.

The file (all decisions in 2025/26 unless said otherwise):

| landlord | homes | findings | counted | upheld | complaint handling |
| --- | --- | --- | --- | --- | --- |
| Alpha Homes Limited / Alpha Homes / Alpha Homes Ltd | 2,000 | 10 | 9 | 6 | 4 (3 upheld) |
| Beta Housing Association | 1,000 | 5 | 5 | 1 | 0 |
| London Borough of Gamma | 4,000 | 8 | 8 | 8 | 0 |
| Gamma Council (written another way) | none | 2 | 2 | 1 | 0 |
| Delta Trust | none | 4 | 4 | 2 | 0 |

Alpha also has 3 findings in 2024/25 (1 upheld). Per 1,000 homes a year: Alpha 10/2 = 5,
Beta 5/1 = 5, Gamma 8/4 = 2; pooled 23/7 = 3.286. Left out of per-1,000: Gamma Council
and Delta, 6 findings.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from auditlib.errors import ConfigError, InputError
from auditlib.ombudsman import (
    FindingsMapping,
    analyse,
    board_section,
    load_findings,
    self_assessment_figures,
    write_view,
)
from auditlib.tsm import Period

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "auditlib"
YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
HEADER = [
    "case_id", "landlord", "landlord_type", "decision_date", "category", "complaint",
    "finding", "stock_size",
]  # fmt: skip
MAL, SEV, SF = "Maladministration", "Severe Maladministration", "Service Failure"
NO, RR, OJ = "No Maladministration", "Reasonable Redress", "Outside Jurisdiction"
CH, DAMP, REP = "Complaint Handling", "Damp & Mould", "Repairs & Maintenance"


def _rows() -> list[list[str]]:
    rows = []
    alpha = [  # (name, category, finding)
        ("Alpha Homes Limited", DAMP, MAL), ("Alpha Homes Limited", DAMP, SEV),
        ("Alpha Homes", DAMP, SF), ("Alpha Homes Ltd", DAMP, NO),
        ("Alpha Homes Limited", REP, RR), ("Alpha Homes Limited", REP, OJ),
        ("Alpha Homes Limited", CH, MAL), ("Alpha Homes Limited", CH, SF),
        ("Alpha Homes", CH, SF), ("Alpha Homes Limited", CH, NO),
    ]  # fmt: skip
    for i, (name, category, finding) in enumerate(alpha):
        stock = "2,000" if name == "Alpha Homes Limited" else ""
        rows.append([f"A{i // 2}", name, "Housing Association", "2025-06-0" + str(1 + i % 9),
                     category, "The landlord’s handling of it.", finding, stock])  # fmt: skip
    for i, finding in enumerate([MAL, NO, NO]):
        rows.append([f"A9{i}", "Alpha Homes Limited", "Housing Association", "12/01/2025",
                     DAMP, "Earlier.", finding, "2000"])  # fmt: skip
    for i, finding in enumerate([MAL, NO, NO, RR, NO]):
        rows.append([f"B{i}", "Beta Housing Association", "Housing Association",
                     "2025-09-10", REP, "x", finding, "1000"])  # fmt: skip
    for i in range(8):
        rows.append([f"G{i}", "London Borough of Gamma", "Local Authority / ALMO or TMO",
                     "2026-03-31", REP, "x", SEV if i == 0 else MAL, "4000"])  # fmt: skip
    for i, finding in enumerate([MAL, NO]):
        rows.append([f"H{i}", "Gamma Council", "Unknown", "2025-04-01", REP, "x", finding, ""])
    for i, finding in enumerate([SF, SF, NO, RR]):
        rows.append([f"D{i}", "Delta Trust", "", "2025-12-01", DAMP, "x", finding, ""])
    return rows


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def findings_file(tmp_path) -> Path:
    return _write(tmp_path / "findings.csv", _rows())


@pytest.fixture
def view(findings_file):
    own = pl.DataFrame({"category": ["Damp and mould"] * 2 + ["Repairs"] * 38 + ["Other"] * 5})
    mapping = FindingsMapping(
        categories={"Damp & Mould": ("Damp and mould",), "Repairs & Maintenance": ("Repairs",)}
    )
    return analyse(findings_file, "Alpha Homes", mapping=mapping, period=YEAR, complaints=own)


def test_the_canonical_layout_reads_with_every_row_used(findings_file):
    """Every row of a clean file is used; dates ISO or day-first; stock with a comma."""
    loaded = load_findings(findings_file)
    assert (loaded.rows_read, loaded.rows_used, loaded.rows_quarantined) == (32, 32, 0)
    frame = loaded.findings
    assert frame.schema["decision_date"] == pl.Date
    assert frame.filter(pl.col("case_id") == "A90")["decision_date"][0] == date(2025, 1, 12)
    assert frame.filter(pl.col("case_id") == "A0")["stock_size"][0] == 2000
    assert frame.filter(pl.col("finding") == "outside_jurisdiction")["counted"].to_list() == [False]


def test_bad_rows_are_quarantined_with_row_column_and_reason(tmp_path):
    """Blank landlord, unreadable date, an unmapped finding: set aside, counts reconcile."""
    rows = _rows()[:4]
    rows[1][1] = ""
    rows[2][3] = "31/02/2025"
    rows[3][6] = "Partly upheld"
    loaded = load_findings(_write(tmp_path / "bad.csv", rows))
    assert loaded.rows_read == loaded.rows_used + loaded.rows_quarantined == 4
    assert loaded.quarantine.select("source_row", "columns").rows() == [
        (3, "landlord"),
        (4, "decision_date"),
        (5, "finding"),
    ]
    assert "decision_date '31/02/2025' is not a day-first or ISO date" in loaded.quarantine[
        "reasons"
    ].to_list()
    assert "map it under 'labels'" in loaded.quarantine["reasons"][2]


def test_another_layout_reads_through_the_mapping_file(tmp_path):
    """Headers and finding labels of another layout are mapped in the YAML file."""
    rows = [[r[1], r[3], r[6].replace("Maladministration", "Maladmin")] for r in _rows()[:3]]
    path = _write(tmp_path / "other.csv", rows, ["Landlord name", "Date of decision", "Outcome"])
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text(
        "columns: {landlord: Landlord name, decision_date: Date of decision, finding: Outcome}\n"
        "labels: {Maladmin: maladministration, Severe Maladmin: severe_maladministration}\n",
        encoding="utf-8",
    )
    loaded = load_findings(path, mapping=FindingsMapping.from_yaml(mapping_file))
    assert loaded.rows_used == 3
    assert loaded.findings["finding"].to_list() == [
        "maladministration", "severe_maladministration", "service_failure",
    ]  # fmt: skip
    assert loaded.findings["category"].to_list() == ["Not recorded"] * 3


def test_a_missing_required_column_names_the_file_and_column(tmp_path):
    """No finding column: one line naming the file and the column."""
    path = _write(tmp_path / "short.csv", [["x", "2025-01-01"]], ["landlord", "decision_date"])
    with pytest.raises(InputError) as caught:
        load_findings(path)
    assert "column 'finding'" in str(caught.value)
    assert "short.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("upheld: [maladministration]\nnot_counted: [maladministration]\n", "both upheld"),
        ("labels: {Bad: partly}\n", "not one of the Ombudsman's findings"),
        ("size_bands: [5000, 1000]\n", "increasing"),
        ("colours: {}\n", "unknown section"),
        ("categories: {A: [Repairs], B: [Repairs]}\n", "mapped to both"),
    ],
)
def test_a_wrong_mapping_file_is_a_one_line_error(tmp_path, text, message):
    """Each mistake in the mapping file names the file and what is wrong."""
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        FindingsMapping.from_yaml(path)


def test_the_landlords_findings_and_upheld_rate(view):
    """10 findings in 5 cases, 9 on the merits, 6 upheld: 66.7% (Wilson 35.4% to 87.9%)."""
    assert view.names.matched_names == ["Alpha Homes Limited", "Alpha Homes", "Alpha Homes Ltd"]
    assert view.landlord == "Alpha Homes Limited"
    s = view.summary
    assert (s["findings"], s["cases"], s["counted"], s["upheld"], s["severe"]) == (10, 5, 9, 6, 1)
    assert (s["upheld_pct"], s["upheld_low_pct"], s["upheld_high_pct"]) == (66.7, 35.4, 87.9)
    assert (s["complaint_handling_findings"], s["complaint_handling_failures"]) == (4, 3)
    assert view.homes == 2000
    assert view.homes_source == "the findings file"


def test_findings_over_time_and_by_category(view):
    """2024/25: 3 findings, 1 upheld; 2025/26: 10 and 6, against the sector's year."""
    years = view.by_year.select("year", "findings", "upheld", "sector_upheld_pct").rows()
    # sector 2025/26: upheld 6 + 1 + 8 + 1 + 2 = 18 of counted 9 + 5 + 8 + 2 + 4 = 28
    assert years == [("2024/25", 3, 1, 33.3), ("2025/26", 10, 6, 64.3)]
    damp = view.by_category.filter(pl.col("category") == DAMP).row(0, named=True)
    assert (damp["findings"], damp["upheld"], damp["share_pct"]) == (4, 3, 40.0)
    wide = view.category_by_finding.filter(pl.col("category") == REP).row(0, named=True)
    assert (wide["Reasonable redress"], wide["Outside jurisdiction"], wide["Total"]) == (1, 1, 2)
    handling = view.complaint_handling.row(0, named=True)
    assert (handling["year"], handling["findings"], handling["failures"]) == ("2025/26", 4, 3)


def test_sector_per_1000_and_what_is_left_out(view):
    """Pooled 23 findings over 7 thousand home-years; 2 landlords and 6 findings left out."""
    everyone = view.groups.filter(pl.col("landlord_type") == "All landlords").row(0, named=True)
    assert (everyone["landlords"], everyone["findings"]) == (5, 29)
    assert everyone["per_1000"] == pytest.approx(3.286, abs=1e-3)
    assert view.left_out_of_per_1000() == (2, 6)
    ours = view.sector.filter(pl.col("is_ours")).row(0, named=True)
    assert (ours["per_1000"], ours["size_band"]) == (5.0, "under 10,000")
    councils = view.groups.filter(
        (pl.col("landlord_type") == "Local authority or ALMO") & (pl.col("size_band") != "All landlords")
    )
    assert councils.select("size_band", "landlords").rows() == [("under 10,000", 1)]


def test_position_among_other_landlords(view):
    """Upheld 66.7% beats 20%, 50%, 50% of 100%: 75th percentile; per 1,000 ties 5 and beats 2."""
    upheld = view.position("upheld_pct")
    assert (upheld["value"], upheld["landlords"], upheld["percentile"]) == (66.667, 4, 75.0)
    assert upheld["sector"] == pytest.approx(18 / 28 * 100, abs=1e-3)
    assert upheld["percentile_low"] <= upheld["estimate_percentile"] <= upheld["percentile_high"]
    rate = view.position("per_1000")
    assert (rate["value"], rate["landlords"], rate["percentile"]) == (5.0, 2, 75.0)
    assert rate["sector"] == pytest.approx(23 / 7, abs=1e-3)
    same = view.position("per_1000", "same type")
    assert same["landlords"] == 1  # Beta only: Gamma is a council


def test_category_comparison_flags_damp(view):
    """Three years to the period: damp 7 of 9 compared findings (77.8%) against 2 of 40 (5%).

    Complaint handling is not compared; repairs 2 of 9 against 38 of 40.
    """
    damp = view.comparison.filter(pl.col("ombudsman_category") == DAMP).row(0, named=True)
    assert (damp["ombudsman_findings"], damp["ombudsman_share_pct"]) == (7, 77.8)
    assert (damp["window_start"], damp["window_end"]) == (date(2023, 4, 1), date(2026, 3, 31))
    assert (damp["own_complaints"], damp["own_share_pct"]) == (2, 5.0)
    assert damp["verdict"] == "more often before the Ombudsman"
    assert view.unmapped_categories.rows() == [("Other", 5)]


def test_board_section_suppresses_small_counts_and_carries_no_text(view):
    """Counts under 5 read 'fewer than 5'; no case reference or finding text anywhere."""
    section = board_section(view)
    handling = section.tables["Complaint handling findings"].row(0, named=True)
    assert (handling["findings"], handling["failures"], handling["failure_pct"]) == (
        "fewer than 5", "fewer than 5", None,
    )  # fmt: skip
    published = "\n".join(t.write_csv() for t in section.tables.values()) + section.headline
    for case in view.own["case_id"].to_list():
        assert f",{case}," not in published
    assert "handling of it" not in published
    assert "10 findings about Alpha Homes Limited in 5 cases" in section.headline
    assert "Fewer than 5 findings were about how complaints were handled" in section.headline
    assert set(section.charts) >= {"years", "funnel_upheld", "funnel_per_1000", "comparison"}


def test_self_assessment_figures(view):
    """The figures for Code 8.1(c), (e), (f) and 9.7(c), with the provisions they evidence."""
    figures = self_assessment_figures(view)
    assert figures["findings"] == 10
    assert figures["findings_by_outcome"] == {
        "maladministration": 2, "no_maladministration": 2, "outside_jurisdiction": 1,
        "reasonable_redress": 1, "service_failure": 3, "severe_maladministration": 1,
    }  # fmt: skip
    assert figures["complaint_handling_failures"] == 3
    assert set(figures["provisions"]) == {"8.1(c)", "8.1(e)", "8.1(f)", "9.7(c)"}
    json.dumps(figures)


def test_no_matching_name_is_a_clear_error(findings_file):
    """An unknown landlord: one line naming the file and the closest names."""
    with pytest.raises(InputError, match="no landlord name matches 'Alpha Homes North'") as caught:
        analyse(findings_file, "Alpha Homes North", period=YEAR)
    assert "closest: 'Alpha Homes Limited'" in str(caught.value)


def test_homes_from_the_configuration_when_the_file_has_none(findings_file):
    """Delta has no stock size in the file: 3,000 homes given make 4/3 findings per 1,000."""
    view = analyse(findings_file, "Delta Trust", homes=3000, period=YEAR)
    assert view.homes_source == "the configuration"
    assert view.position("per_1000")["value"] == pytest.approx(1.333, abs=1e-3)
    assert analyse(findings_file, "Delta Trust", period=YEAR).position("per_1000")["value"] is None


def test_write_view_writes_tables_findings_and_charts(view, tmp_path):
    """Tables and figures are written; formula-leading text is neutralised."""
    paths = write_view(view, tmp_path / "out", images=("svg",))
    assert paths["chart_funnel_upheld_svg"].read_text(encoding="utf-8").startswith("<svg")
    figures = json.loads(paths["figures"].read_text(encoding="utf-8"))
    assert figures["findings"] == 10
    assert figures["headline"]
    assert pl.read_csv(paths["landlord_findings"]).height == 13


def test_command_on_the_bundled_sample(tmp_path):
    """`auditlib ombudsman` with the bundled configuration: names, headline, files; exit 0."""
    out = tmp_path / "ombudsman"
    result = subprocess.run(
        [str(EXE), "ombudsman", "--config", str(ROOT / "config" / "auditlib.yaml"), "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Example Housing Association" in result.stdout
    assert "rows quarantined 4" in result.stdout
    assert "Damp & Mould came before the Ombudsman more often" in result.stdout
    assert (out / "figures.json").is_file()
    assert (out / "charts" / "years.svg").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--landlord", "X"], "file not found"),
        (["{sample}", "--landlord", "Nobody Anywhere"], "no landlord name matches"),
        (["{sample}", "--landlord", "X", "--period-start", "2025-04-01"], "both"),
        (["{sample}", "--landlord", "X", "--homes", "0"], "positive"),
    ],
)
def test_command_errors_are_one_line_with_exit_2(tmp_path, args, message):
    """Bad input: exit 2 and one line on stderr, never a traceback."""
    sample = str(ROOT / "data" / "sample" / "ombudsman_findings.csv")
    argv = [a.replace("{sample}", sample) for a in args]
    (tmp_path / "empty.yaml").write_text("{}\n", encoding="utf-8")
    result = subprocess.run(
        [str(EXE), "ombudsman", *argv, "--config", str(tmp_path / "empty.yaml"), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    """data/sample/ombudsman_findings.csv is reproduced byte for byte from its seed."""
    from auditlib.ombudsman.synthetic import write_synthetic_findings

    written = write_synthetic_findings(tmp_path / "findings.csv")
    sample = ROOT / "data" / "sample" / "ombudsman_findings.csv"
    assert written.read_bytes() == sample.read_bytes()


def test_real_file_reads_and_gives_a_baseline(shared):
    """The published data: messy text read, L&Q and Islington placed against the sector."""
    path = shared / "data" / "ombudsman-findings.csv"
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    loaded = load_findings(path)
    assert loaded.rows_read == loaded.rows_used + loaded.rows_quarantined == 33_096
    assert loaded.quarantine["reasons"].str.contains("decision_date is blank").sum() > 0
    lq = analyse(loaded, "L&Q")
    assert lq.period == Period(date(2025, 4, 1), date(2026, 3, 31))
    assert lq.homes == 110_500
    assert lq.summary["findings"] > 100
    landlords, findings = lq.left_out_of_per_1000()
    assert landlords > 100
    assert findings > 1000
    assert lq.position("per_1000")["landlords"] > 20
    islington = analyse(loaded, "Islington Council")
    assert islington.names.matched_names == ["London Borough of Islington"]
    assert islington.position("upheld_pct")["estimate_percentile"] is not None


def test_configuration_section_paths_and_defaults(tmp_path):
    """Paths are relative to the configuration file; homes default to the config's total."""
    from auditlib.config import AuditConfig
    from auditlib.ombudsman import from_config
    from auditlib.ombudsman.settings import OmbudsmanSettings

    bundled = AuditConfig.load(ROOT / "config" / "auditlib.yaml")
    settings = OmbudsmanSettings.from_config(bundled)
    assert settings.findings == ROOT / "data" / "sample" / "ombudsman_findings.csv"
    assert settings.mapping == ROOT / "config" / "ombudsman_mapping.yaml"
    assert (settings.landlord, settings.homes) == ("Example Homes", 10_000)
    assert settings.former_names == ("Example Housing Association",)
    assert from_config(AuditConfig()) is None
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("ombudsman: {findings: x.csv, landlords: [A]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting"):
        from_config(AuditConfig.load(wrong))


def test_from_config_with_the_audit_period(tmp_path):
    """The board paper's call: the configured view for the audit's own period."""
    from auditlib.config import AuditConfig
    from auditlib.ombudsman import from_config

    config = AuditConfig.load(ROOT / "config" / "auditlib.yaml")
    complaints = pl.DataFrame({"category": ["Damp and mould", "Repairs", "Repairs"]})
    view = from_config(config, complaints=complaints, period=YEAR)
    assert view is not None
    assert view.period == YEAR
    assert view.homes_source == "the configuration"
    assert view.comparison is not None
