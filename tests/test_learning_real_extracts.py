"""Learning on extracts shaped like real ones: a year of data, optional columns absent.

Each case runs ``auditlib learning`` end to end (charts included, so every chart slot
renders) and checks what the command, the tables and the plan say. The notebook runs
end to end once, on the extract with only the required columns.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from auditlib.audit import run_audit
from auditlib.cli import main
from auditlib.config import AuditConfig
from auditlib.learning import analyse, charts, trends
from auditlib.learning.actionplan import PLAN_COLUMNS, WIDTHS, read_plan, write_plan
from auditlib.reports.render import save_chart
from auditlib.sample import generate_sample
from auditlib.tsm import Period
from tests.test_learning_builders import YEAR, assessed, monthly_counts

ROOT = Path(__file__).resolve().parents[1]
#: optional columns dropped for each case (the extract starts on 20 April: a partial month)
CASES: dict[str, tuple[str, ...]] = {
    "no_vulnerability": ("vulnerability",),
    "no_refs": ("tenant_ref", "property_ref"),
    "no_root_cause": ("root_cause",),
    "no_description": ("description",),
}
MINIMAL = ("complaint_id", "stage1_received_date")


@pytest.fixture(scope="module")
def year_extract(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """A year of complaints from 20 April 2025, every column, as text (no defects)."""
    sample = generate_sample(700, seed=11, first_date=date(2025, 4, 20), as_of=YEAR.end,
                             defect_rate=0.0)  # fmt: skip
    return sample.text


def _write(frame: pl.DataFrame, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    frame.write_csv(path)
    return path


def _run(extract: Path, out: Path, *extra: str) -> int:
    return main(["learning", str(extract), "--config", str(ROOT / "config" / "auditlib.yaml"),
                 "--period-start", "2025-04-01", "--period-end", "2026-03-31",
                 "--out", str(out), *extra])  # fmt: skip


def _statuses(out: Path) -> dict[str, tuple[str, str]]:
    table = pl.read_csv(out / "tables" / "analyses.csv")
    return {r["analysis"]: (r["status"], r["detail"]) for r in table.iter_rows(named=True)}


@pytest.mark.parametrize("case", [*CASES, "minimal"])
def test_absent_columns_say_not_available_and_the_rest_runs(
    case: str, year_extract: pl.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0; the analysis needing the column says so in its table, chart and plan."""
    dropped = CASES.get(case, tuple(c for c in year_extract.columns if c not in MINIMAL))
    extract = _write(year_extract.drop(dropped), tmp_path, case)
    out = tmp_path / "out"
    # charts as files once (PNG is the slow part); every case renders its slot below
    assert _run(extract, out, *(() if case == "no_vulnerability" else ("--no-charts",))) == 0
    printed = capsys.readouterr().out
    statuses = _statuses(out)
    expected = {
        "no_vulnerability": ("vulnerability", "not available: column vulnerability not in the extract"),
        "no_refs": ("repeats", "not available: columns tenant_ref and property_ref not in the extract"),
        "no_root_cause": ("root_causes", "not available: column root_cause not in the extract"),
        "no_description": ("themes", "not available: column description not in the extract"),
        "minimal": ("vulnerability", "not available: column vulnerability not in the extract"),
    }[case]  # fmt: skip
    analysis, detail = expected
    assert statuses[analysis] == ("not available", detail)
    assert detail in printed
    # the table of that analysis holds the statement
    table = {"vulnerability": "vulnerability", "repeats": "repeats",
             "root_causes": "root_causes", "themes": None}[analysis]  # fmt: skip
    if table:
        assert pl.read_csv(out / "tables" / f"{table}.csv")["detail"].to_list() == [detail]
    # the chart slot renders, and says it
    chart = {"root_causes": None, "themes": "themes"}.get(analysis, analysis)
    if chart:
        config = AuditConfig.load(ROOT / "config" / "auditlib.yaml")
        learning = analyse(run_audit(extract, config=config, period=YEAR), settings=config.learning)
        svg = save_chart(charts(learning)[chart], tmp_path / f"{chart}.svg").read_text()
        assert detail.split(": ", 1)[1] in svg
    if case == "no_vulnerability":
        assert (out / "charts" / "vulnerability.png").stat().st_size > 0
        assert len(list((out / "charts").glob("*.png"))) == 7
    # the plan has a row for the gap
    plan = read_plan(out / "learning_action_plan.xlsx")
    gap = plan.filter(pl.col("finding_id") == f"not-available:{analysis.replace('_', '-')}")
    assert gap.height == 1
    assert detail in gap["evidence"].item()
    # everything else ran
    ran = {a for a, (s, _) in statuses.items() if s == "ran"}
    assert "trends" in ran
    if case != "minimal":
        assert {"pareto", "lateness", "escalation"} <= ran
        assert len(ran) >= 7


def test_minimal_extract_is_one_group_and_needs_no_optional_column(
    year_extract: pl.DataFrame, tmp_path: Path
) -> None:
    """Only the two required columns: trends run on all complaints; measures are blank."""
    extract = _write(year_extract.select(MINIMAL), tmp_path, "minimal")
    out = tmp_path / "out"
    assert _run(extract, out, "--no-charts") == 0
    assert not (out / "charts").exists()  # --no-charts builds no chart
    summary = pl.read_csv(out / "tables" / "summary_by_category.csv")
    assert summary["category"].to_list() == ["All complaints"]
    # no response dates: lateness is blank, not "every complaint overdue"
    assert summary["late_pct"].to_list() == [None]
    assert summary["escalated_pct"].to_list() == [None]
    statuses = _statuses(out)
    assert statuses["lateness"][1] == "not available: column stage1_response_date not in the extract"


def test_a_blank_column_is_not_the_same_as_an_absent_one(
    year_extract: pl.DataFrame, tmp_path: Path
) -> None:
    """A vulnerability column present but empty says so."""
    extract = _write(year_extract.with_columns(vulnerability=pl.lit("")), tmp_path, "blank")
    out = tmp_path / "out"
    assert _run(extract, out, "--no-charts") == 0
    assert _statuses(out)["vulnerability"] == (
        "not available", "not available: column vulnerability blank in every row"
    )  # fmt: skip


def _counts(rows: list[dict[str, object]]) -> pl.DataFrame:
    return assessed(rows)


def test_steady_rise_inside_one_year_is_found() -> None:
    """4 a month rising steadily to 12 is flagged by the within-period test; flat is not."""
    rises = [4, 5, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12]  # 94 complaints, x3 across the year
    rows = monthly_counts("Damp and mould", rises, first=YEAR.start)
    rows += monthly_counts("Repairs", [8] * 12, first=YEAR.start)
    result = trends.rising(_counts(rows), YEAR, as_of=YEAR.end)
    flags = dict(result.select("category", "rising").iter_rows())
    assert flags == {"Damp and mould": True, "Repairs": False}
    damp = result.filter(pl.col("category") == "Damp and mould").row(0, named=True)
    assert damp["method"] == "within period"
    assert damp["rate_ratio"] > 2
    assert "no earlier" not in damp["reason"]
    assert "0 of the 365 days" in damp["reason"]
    assert "Poisson regression" in damp["test"]


def test_one_month_of_data_is_not_tested_with_the_reason() -> None:
    """A single month cannot show a trend: 'not tested', never 'none rising'."""
    rows = monthly_counts("Repairs", [30], first=YEAR.start)
    result = trends.rising(_counts(rows), YEAR, as_of=date(2025, 4, 30))
    assert result["method"].to_list() == ["not tested"]
    assert result["tested"].to_list() == [False]
    assert "1 month(s) of the period" in result["reason"][0]
    assert "at least 6 months" in result["reason"][0]


def test_one_month_extract_prints_not_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command says 'not tested' and why, not 'none'."""
    dates = [f"{d:02d}/04/2025" for d in range(1, 29)] * 2
    frame = pl.DataFrame({"complaint_id": [f"C{i}" for i in range(len(dates))],
                          "stage1_received_date": dates, "category": ["Repairs"] * len(dates)})  # fmt: skip
    assert _run(_write(frame, tmp_path, "april"), tmp_path / "out", "--no-charts") == 0
    printed = capsys.readouterr().out
    assert "rising beyond noise: not tested" in printed
    assert "trends: not tested: the extract covers 01 Apr 2025 to 28 Apr 2025" in printed


def test_one_category_only_runs(tmp_path: Path, year_extract: pl.DataFrame) -> None:
    """Every complaint in one category: tables, test and charts still come out."""
    frame = year_extract.with_columns(category=pl.lit("Repairs"))
    out = tmp_path / "out"
    assert _run(_write(frame, tmp_path, "one"), out) == 0
    trend = pl.read_csv(out / "tables" / "trends.csv")
    assert trend["category"].to_list() == ["Repairs"]
    assert trend["tested"].to_list() == [True]
    assert (out / "charts" / "pareto.svg").stat().st_size > 0


def test_previous_period_is_compared_when_the_extract_covers_it() -> None:
    """Two years of data: this year against last, on days covered."""
    rows = monthly_counts("Repairs", [10] * 24, first=date(2024, 4, 1))
    result = trends.rising(_counts(rows), YEAR, as_of=YEAR.end)
    assert result["method"].to_list() == ["previous period"]
    assert "365 of the 365 days of the previous period" in result["reason"][0]


def test_exposure_is_days_covered_not_months_touched() -> None:
    """An extract from 20 April counts 11 days of April (and 346 of the earlier year)."""
    assert trends.days_covered(Period(date(2025, 4, 1), date(2025, 4, 30)),
                               date(2025, 4, 20), date(2026, 3, 31)) == 11  # fmt: skip
    rows = [{"category": "Repairs", "stage1_received_date": date(2024, 4, 20)}]
    rows += monthly_counts("Repairs", [10] * 23, first=date(2024, 5, 1))
    result = trends.rising(_counts(rows), YEAR, as_of=YEAR.end).row(0, named=True)
    # 20 Apr 2024 to 31 Mar 2025 is 346 days
    assert (result["earlier_days"], result["recent_days"]) == (346, 365)
    assert result["earlier_per_month"] == pytest.approx(111 / 346 * 365.25 / 12, abs=0.01)


def _no_change(rng: np.random.Generator, first: date, rates: np.ndarray) -> pl.DataFrame:
    """Complaints at constant daily rates per category from ``first`` to the period's end."""
    days = (YEAR.end - first).days + 1
    counts = rng.poisson(rates[:, None], size=(len(rates), days)).ravel()
    category = np.repeat(np.repeat(np.arange(len(rates)), days), counts)
    day = np.repeat(np.tile(np.arange(days), len(rates)), counts)
    return pl.DataFrame({"category": category.astype(str), "day": day}).select(
        "category", (pl.lit(first) + pl.duration(days=pl.col("day"))).alias("stage1_received_date")
    )


@pytest.mark.parametrize(
    ("first", "method"),
    [(date(2025, 4, 20), "within period"), (date(2024, 4, 20), "previous period")],
    ids=["one-year", "two-years"],
)
def test_partial_first_month_gives_no_false_flags(first: date, method: str) -> None:
    """No real change, first month partial: flags in at most 5% of 200 seeded draws.

    Counting the whole of a partly covered month (as before) flagged three categories
    in a typical no-change extract.
    """
    rates = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 4.0])  # complaints a day
    flagged = raw = tested = 0
    for seed in range(200):
        result = trends.rising(_no_change(np.random.default_rng(seed), first, rates), YEAR,
                               as_of=YEAR.end)  # fmt: skip
        assert result["method"][0] == method
        flagged += bool(result["rising"].any())
        raw += int((result["p_value"] < 0.05).sum())
        tested += int(result["tested"].sum())
    assert flagged / 200 <= 0.05
    assert raw / tested <= 0.06  # each test near or under its nominal 5%


def test_poisson_trend_matches_direct_maximisation() -> None:
    """The vectorised fit agrees with maximising the Poisson likelihood numerically."""
    from scipy.optimize import minimize

    y = np.array([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 9])
    e = np.array([11.0, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31])
    t = np.arange(12.0)

    def nll(ab: np.ndarray) -> float:
        mu = e * np.exp(ab[0] + ab[1] * (t - t.mean()))
        return float((mu - y * np.log(mu)).sum())

    best = minimize(nll, np.array([np.log(y.sum() / e.sum()), 0.0]), method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})  # fmt: skip
    a, b, se, phi = trends.poisson_trend(y[None, :], e, t)
    assert (a[0], b[0]) == pytest.approx(tuple(best.x), abs=1e-5)
    mu = e * np.exp(a[0] + b[0] * (t - t.mean()))
    pearson = float(((y - mu) ** 2 / mu).sum() / 10)
    assert phi[0] == pytest.approx(max(1.0, pearson))
    tc = t - t.mean()
    info = np.array([[mu.sum(), (mu * tc).sum()], [(mu * tc).sum(), (mu * tc * tc).sum()]])
    assert se[0] == pytest.approx(np.sqrt(phi[0] * np.linalg.inv(info)[1, 1]))


def test_late_rate_findings_are_tested_not_cut(tmp_path: Path) -> None:
    """12 of 25 late against 25% is a finding (p = 0.0107); 12 of 40 (30%) is not."""
    from auditlib.learning import rates

    summary = pl.DataFrame({"category": ["Communication", "Repairs"], "late": [12, 12],
                            "clock_judged": [25, 40]})  # fmt: skip
    result = rates.above_threshold(summary, "late", threshold_pct=25)
    by = {r["category"]: r for r in result.iter_rows(named=True)}
    # P(X >= 12), X ~ Binomial(25, 0.25), summed by hand from the binomial terms
    assert by["Communication"]["p_value"] == pytest.approx(0.010734, abs=1e-6)
    assert by["Communication"]["above"] is True
    assert by["Repairs"]["rate_pct"] == 30.0
    assert by["Repairs"]["above"] is False  # above 25% as observed, not beyond noise
    assert by["Communication"]["difference_pts"] == 23.0


def test_settings_come_from_the_config_and_flags_override(
    year_extract: pl.DataFrame, tmp_path: Path
) -> None:
    """learning: in the config sets owners and thresholds; --window-days overrides it."""
    config = tmp_path / "auditlib.yaml"
    config.write_text(
        "learning:\n  window_days: 30\n  late_pct: 1\n  default_owner: Quality team\n"
        "  owners:\n    Repairs: Property services\n",
        encoding="utf-8",
    )
    extract = _write(year_extract, tmp_path, "year")
    out = tmp_path / "out"
    code = main(["learning", str(extract), "--config", str(config), "--out", str(out),
                 "--no-charts", "--window-days", "45"])  # fmt: skip
    assert code == 0
    repeats = pl.read_csv(out / "tables" / "repeats.csv")
    assert repeats["window_days"].unique().to_list() == [45]
    plan = read_plan(out / "learning_action_plan.csv")
    late = plan.filter(pl.col("finding_id") == "late:category:repairs")
    assert late["owner"].to_list() == ["Property services"]
    assert plan.filter(pl.col("finding_id").str.starts_with("not-available"))["owner"].unique(
        ).to_list() == ["Quality team"]  # fmt: skip


def test_a_bad_learning_setting_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown or out-of-range learning setting names itself."""
    config = tmp_path / "auditlib.yaml"
    config.write_text("learning:\n  late_pct: 140\n", encoding="utf-8")
    extract = _write(pl.DataFrame({"complaint_id": ["C1"], "stage1_received_date": ["01/05/2025"]}),
                     tmp_path, "x")  # fmt: skip
    assert main(["learning", str(extract), "--config", str(config), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "learning.late_pct" in err[0]
    assert "above 100" in err[0]


def test_learning_notes_beside_root_causes_are_counted_and_masked(
    year_extract: pl.DataFrame, tmp_path: Path
) -> None:
    """Notes show as counts and recurring words; a name in them never appears."""
    note = "Contractor now texts before each visit; agreed with Dave Okafor on 07700 900123"
    frame = year_extract.with_columns(
        learning_note=pl.when(pl.col("category") == "Repairs").then(pl.lit(note))
    )
    out = tmp_path / "out"
    assert _run(_write(frame, tmp_path, "notes"), out, "--no-charts") == 0
    root = pl.read_csv(out / "tables" / "root_causes.csv")
    repairs = root.filter(pl.col("category") == "Repairs")
    assert repairs["learning_notes"].sum() == frame.filter(pl.col("category") == "Repairs").height
    terms = " ".join(repairs["learning_note_terms"].drop_nulls())
    assert "contractor" in terms
    for path in out.rglob("*.csv"):
        text = path.read_text(encoding="utf-8").lower()
        for planted in ("dave", "okafor", "07700"):
            assert planted not in text, path.name
        assert "texts before each visit" not in text, path.name


def test_plan_xlsx_is_readable_in_excel(tmp_path: Path) -> None:
    """Widths in characters, wrapped cells, frozen header, validation, dates as dates."""
    row = dict.fromkeys(PLAN_COLUMNS, "x") | {
        "finding_id": "late:category:repairs", "due_date": "2026-09-30", "status": "open",
        "evidence": "adjusted p < 0.001 " * 10,
    }  # fmt: skip
    paths = write_plan(pl.DataFrame([row]), tmp_path)
    with zipfile.ZipFile(paths["xlsx"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    widths = {
        int(m["min"]): float(m["width"])
        for m in re.finditer(r'<col min="(?P<min>\d+)" max="\d+" width="(?P<width>[\d.]+)"', sheet)
    }
    # xlsxwriter stores a width of n characters as n plus its padding (under one character)
    for i, name in enumerate(PLAN_COLUMNS, start=1):
        if i in widths:
            assert WIDTHS[name] <= widths[i] < WIDTHS[name] + 1, name
    assert widths[PLAN_COLUMNS.index("due_date") + 1] >= 10  # a date fits
    assert widths[PLAN_COLUMNS.index("evidence") + 1] >= 60
    assert 'state="frozen"' in sheet
    assert 'ySplit="1"' in sheet
    assert 'type="list"' in sheet
    assert "<formula1>\"open,in progress,done,closed\"</formula1>" in sheet
    assert 'type="date"' in sheet
    assert 'wrapText="1"' in styles
    assert 'numFmtId="164"' in sheet or "yyyy-mm-dd" in styles
    # the evidence cell wraps onto several lines: the row is taller than one line
    heights = re.findall(r'<row r="2"[^>]* ht="([\d.]+)"', sheet)
    assert heights
    assert float(heights[0]) >= 45
    again = read_plan(paths["xlsx"])
    assert again["due_date"].item() == "2026-09-30"


def test_p_values_read_as_people_read_them() -> None:
    """Tiny p-values show as '< 0.001', never '0.0000'."""
    from auditlib.learning.actionplan import draft_findings

    rows = monthly_counts("Damp and mould", [2] * 12, first=date(2024, 4, 1))
    rows += monthly_counts("Damp and mould", [9] * 12, first=YEAR.start)
    frame = _counts(rows)
    plan = draft_findings(YEAR, trends=trends.rising(frame, YEAR, as_of=YEAR.end))
    evidence = plan.filter(pl.col("finding_id") == "rising:category:damp-and-mould")["evidence"]
    assert "adjusted p < 0.001" in evidence.item()
    assert "0.0000" not in evidence.item()


@pytest.mark.notebook
def test_notebook_runs_on_an_extract_with_only_the_required_columns(
    year_extract: pl.DataFrame, tmp_path: Path
) -> None:
    """Notebook 03 end to end on two columns: every cell runs and says what is missing."""
    import papermill as pm

    extract = _write(year_extract.select(MINIMAL), tmp_path, "minimal")
    out = tmp_path / "03.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "03_learning.ipynb"), str(out),
        parameters={"extract_path": str(extract), "output_dir": str(tmp_path / "out")},
        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    text = json.dumps(json.loads(out.read_text(encoding="utf-8"))["cells"])
    assert "not available: column vulnerability not in the extract" in text
    assert "trend within the period" in text
    assert (tmp_path / "out" / "learning_action_plan.xlsx").is_file()
    assert (tmp_path / "out" / "charts" / "vulnerability.svg").is_file()
