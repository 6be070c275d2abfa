"""The ``auditlib`` command: the contract other tools script against, and its errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditlib.audit import run_audit
from auditlib.cli import build_parser, main
from auditlib.config import AuditConfig
from auditlib.tsm import METRIC_KEYS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "complaints.csv"
CONFIG = ROOT / "config" / "auditlib.yaml"
EXE = Path(sys.executable).parent / "auditlib"


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, cwd=cwd, check=False)


def _subcommands() -> list[list[str]]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    found = []
    for name, sub in action.choices.items():
        found.append([name])
        for a in sub._actions:
            if getattr(a, "choices", None) and isinstance(a.choices, dict):
                found += [[name, inner] for inner in a.choices]
    return found


@pytest.mark.parametrize("words", _subcommands(), ids=" ".join)
def test_every_subcommand_has_help(words, capsys):
    """``--help`` works on every sub-command and says what it does."""
    with pytest.raises(SystemExit) as info:
        main([*words, "--help"])
    assert info.value.code == 0
    assert "usage: auditlib" in capsys.readouterr().out


def test_core_subcommands_are_registered():
    """The names other tools rely on exist."""
    names = {w[0] for w in _subcommands()}
    assert {"run", "metrics", "timeliness", "sample"} <= names


def test_metrics_json_contract(capsys):
    """metrics --format json prints one object with every contract key, consistent figures."""
    code = main(
        [
            "metrics",
            str(SAMPLE),
            "--config",
            str(CONFIG),
            "--homes",
            "10000",
            "--period-start",
            "2025-04-01",
            "--period-end",
            "2026-03-31",
            "--format",
            "json",
        ]
    )
    assert code == 0
    m = json.loads(capsys.readouterr().out)
    for key in (*METRIC_KEYS, "rows_read", "rows_used", "rows_quarantined"):
        assert key in m
    assert m["rows_read"] == m["rows_used"] + m["rows_quarantined"]
    assert m["ch01_stage1_per_1000"] == round(m["stage1_received"] / 10, 2)
    assert m["ch02_stage1_pct"] == round(
        m["stage1_responded_within"] / m["stage1_responded"] * 100, 2
    )
    assert 0 <= m["ch02_stage2_pct"] <= 100
    expected = run_audit(SAMPLE, config=AuditConfig.load(CONFIG)).metrics
    assert {k: m[k] for k in METRIC_KEYS} == {k: expected[k] for k in METRIC_KEYS}


def test_metrics_table_is_readable(capsys):
    """Without --format json the measures print as a table with the reconciliation."""
    assert main(["metrics", str(SAMPLE), "--homes", "10000", "--config", str(CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "CH01 per 1,000 homes" in out
    assert "CH02 % within timescales" in out
    assert "rows read 1,400 = rows used" in out


def test_timeliness_csv_contract(tmp_path):
    """timeliness --out writes one row per complaint with the contract's columns."""
    out = tmp_path / "t.csv"
    result = _cli("timeliness", str(SAMPLE), "--out", str(out), "--config", str(CONFIG))
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns = set(rows[0])
    for stage in (1, 2):
        for name in (
            "ack_working_days",
            "ack_within_code",
            "response_working_days",
            "limit_working_days",
            "within_code",
        ):
            assert f"stage{stage}_{name}" in columns
    assert "complaint_id" in columns
    assert "description" not in columns
    assert "tenant_ref" not in columns
    metrics = run_audit(SAMPLE, config=AuditConfig.load(CONFIG)).metrics
    assert len(rows) == metrics["rows_used"]
    no_stage2 = [r for r in rows if r["stage2_limit_working_days"] == ""]
    assert no_stage2
    assert all(r["stage2_within_code"] == "" for r in no_stage2)


def test_sample_is_deterministic(tmp_path):
    """The same rows and seed write the same bytes."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert _cli("sample", "--rows", "300", "--seed", "7", "--out", str(a)).returncode == 0
    assert _cli("sample", "--rows", "300", "--seed", "7", "--out", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_run_prints_headlines_and_where_outputs_went(tmp_path):
    """The quick run prints the figures and the output paths it wrote."""
    result = _cli(
        "run", "--figures-only", "--config", str(CONFIG), "--out", str(tmp_path / "out")
    )
    assert result.returncode == 0, result.stderr
    assert "CH02 % within timescales" in result.stdout
    for name in ("metrics.json", "timeliness.csv", "quarantine.csv"):
        assert (tmp_path / "out" / name).is_file()
        assert name in result.stdout


@pytest.mark.parametrize(
    ("content", "extra", "fragment"),
    [
        (
            "complaint_id,stage1_received_date\nC1,01/02/2026\nC2,12/25/2025\n",
            [],
            "row 3, column 'stage1_received_date'",
        ),
        ("complaint_id,tenure\nC1,LCRA\n", [], "column 'stage1_received_date'"),
        (
            "complaint_id,stage1_received_date\nC1,01/02/2026\n",
            ["--period-start", "2026-01-01"],
            "give both",
        ),
        (
            "complaint_id,stage1_received_date\nC1,01/02/2026\n",
            ["--as-of", "2101-01-05"],
            "outside the bank holidays",
        ),
    ],
)
def test_errors_are_one_line_with_exit_2(tmp_path, content, extra, fragment):
    """Bad input: exit code 2, one line on stderr naming the problem, no traceback."""
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = _cli("metrics", str(path), "--homes", "100", *extra, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_config_is_one_line(tmp_path):
    """An unknown setting in the configuration file names the file and the setting."""
    config = tmp_path / "auditlib.yaml"
    config.write_text("homes: 100\nhomez: 3\n", encoding="utf-8")
    result = _cli("metrics", str(SAMPLE), "--config", str(config))
    assert result.returncode == 2
    assert "homez" in result.stderr
    assert str(config) in result.stderr
    assert "Traceback" not in result.stderr


def test_metrics_does_not_import_heavy_modules(tmp_path):
    """auditlib metrics never pays for great-expectations, pandas, altair or scikit-learn."""
    probe = (
        "import sys, json\n"
        "from auditlib.cli import main\n"
        f"main(['metrics', {str(SAMPLE)!r}, '--homes', '10000', '--format', 'json'])\n"
        "heavy = ('great_expectations', 'pandas', 'altair', 'sklearn', 'scipy', 'docx', 'pypdf', 'papermill', 'vl_convert')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_each_listed_subcommand_is_registered_by_its_module() -> None:
    """SUBCOMMANDS names, for each command it lists, the module that registers it."""
    import argparse
    import importlib

    from auditlib.cli import SUBCOMMANDS

    for command, module in SUBCOMMANDS.items():
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(subparsers)
        assert command in subparsers.choices, command


def test_metrics_imports_only_the_core() -> None:
    """Parsing 'metrics' and reading the configuration load none of the learning analyses,
    policy, pack or self-assessment code (the learning settings module only)."""
    import subprocess
    import sys

    code = (
        "import sys; from auditlib.cli import build_parser; build_parser('metrics'); "
        "from auditlib.config import AuditConfig; AuditConfig.load('config/auditlib.yaml'); "
        "heavy = [m for m in sys.modules if m.split('.')[1:2] and m.split('.')[1] in "
        "('learning', 'policy', 'pack', 'selfassess', 'ombudsman', 'board') "
        "and m not in ('auditlib.learning', 'auditlib.learning.settings')]; "
        "print(heavy); "
        "sys.exit(len(heavy))"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], check=False, cwd=root).returncode == 0
