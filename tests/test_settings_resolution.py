"""No borrowed settings: a run uses only the configuration it was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditlib.cli import main
from auditlib.config import AuditConfig, Homes, command_line_homes
from auditlib.errors import ConfigError

# Eight complaints received in 2025/26; two LCRA, one LCHO, the rest without a tenure.
_EXTRACT = """complaint_id,stage1_received_date,stage1_response_date,tenure
C1,02/06/2025,09/06/2025,LCRA
C2,03/06/2025,10/06/2025,LCRA
C3,04/06/2025,,LCHO
C4,05/06/2025,,
C5,06/06/2025,,
C6,09/06/2025,,
C7,10/06/2025,,
C8,11/06/2025,,
"""
_SAMPLE_CONFIG = """landlord: Example Homes (synthetic sample)
extract: ../sample.csv
homes:
  LCRA: 800
  LCHO: 200
landlord_targets:
  stage1_ack_working_days: 3
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder laid out like the project: config/auditlib.yaml names sample.csv."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "auditlib.yaml").write_text(_SAMPLE_CONFIG, encoding="utf-8")
    (tmp_path / "sample.csv").write_text(_EXTRACT, encoding="utf-8")
    (tmp_path / "theirs.csv").write_text(_EXTRACT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _metrics(capsys, *args: str) -> tuple[dict, str]:
    code = main(["metrics", *args, "--period-start", "2025-04-01", "--period-end",
                 "2026-03-31", "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out), out.err


def test_another_extract_gets_none_of_the_default_configs_settings(project, capsys):
    """Naming an extract the default config is not for: no homes, split or targets borrowed."""
    metrics, err = _metrics(capsys, "theirs.csv", "--homes", "30000")
    assert metrics["homes"] == 30000
    assert metrics["ch01_stage1_per_1000"] == round(8 / 30000 * 1000, 2) == 0.27
    assert "by_tenure" not in metrics
    assert "landlord_targets" not in metrics
    assert "config/auditlib.yaml is not used" in err
    assert "theirs.csv" in err
    assert len(err.strip().splitlines()) == 1


def test_the_extract_the_default_config_names_uses_it(project, capsys):
    """The default config applies to its own extract, named or not."""
    for args in (("sample.csv",), (str(project / "sample.csv"),)):
        metrics, err = _metrics(capsys, *args)
        assert err == ""
        assert metrics["homes"] == 1000
        # hand-worked: LCRA 2 complaints / 800 homes, LCHO 1 / 200
        assert metrics["by_tenure"]["LCRA"]["ch01_stage1_per_1000"] == 2.5
        assert metrics["by_tenure"]["LCHO"]["ch01_stage1_per_1000"] == 5.0
        assert "landlord_targets" in metrics


def test_run_with_no_extract_uses_the_default_config(project, capsys):
    """`auditlib run` with no arguments (as `make audit`) audits the configured extract."""
    assert main(["run", "--figures-only", "--out", str(project / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Example Homes (synthetic sample): complaint handling")
    written = json.loads((project / "out" / "metrics.json").read_text())
    assert written["homes"] == 1000


def test_run_on_another_extract_prints_no_other_landlords_name(project, capsys):
    """The title of a run on another extract is not the sample landlord's."""
    args = ["run", "theirs.csv", "--figures-only", "--homes", "30000", "--out", str(project / "o")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Example Homes" not in out
    assert "LCRA" not in out


def test_homes_flag_leaves_a_configured_split_out_and_says_why(project, capsys):
    """--homes with a config that has a split: the split is left out, with the reason."""
    metrics, err = _metrics(capsys, "sample.csv", "--homes", "30000")
    assert metrics["homes"] == 30000
    assert "by_tenure" not in metrics
    assert "not split by tenure" in err
    metrics, _ = _metrics(
        capsys, "sample.csv", "--homes-lcra", "400", "--homes-lcho", "100"
    )
    assert metrics["homes"] == 500
    assert metrics["by_tenure"]["LCRA"]["ch01_stage1_per_1000"] == 5.0


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--homes-lcra", "400"], "together"),
        (["--homes-lcho", "100"], "together"),
        (["--homes", "300", "--homes-lcra", "400", "--homes-lcho", "100"], "fewer than"),
    ],
)
def test_contradictory_homes_are_refused_in_one_line(project, capsys, flags, fragment):
    """Flags that would give a mixed figure are refused: exit 2, one line."""
    code = main(["metrics", "theirs.csv", *flags])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err


def test_an_explicit_config_is_always_used(project, tmp_path):
    """--config names the file to use, whatever extract is named."""
    config, note = AuditConfig.for_extract(project / "config" / "auditlib.yaml", "theirs.csv")
    assert note is None
    assert config.homes.total == 1000


def test_no_default_config_no_note(tmp_path, monkeypatch):
    """Where there is no config/auditlib.yaml there is nothing to set aside."""
    monkeypatch.chdir(tmp_path)
    config, note = AuditConfig.for_extract(None, "x.csv")
    assert (config, note) == (AuditConfig(), None)


def test_command_line_homes_rules():
    """Command-line homes replace the config's; never merged with its split."""
    split = Homes(by_tenure={"LCRA": 800, "LCHO": 200})
    assert command_line_homes(None, None, None, split) == (None, None)
    homes, note = command_line_homes(None, 300, 100, split)
    assert (homes.total, homes.by_tenure, note) == (400, {"LCRA": 300, "LCHO": 100}, None)
    homes, note = command_line_homes(5000, 300, None, split)
    assert (homes.total, homes.by_tenure, note) == (5000, {"LCRA": 300}, None)
    homes, note = command_line_homes(5000, None, None, Homes(total=10))
    assert (homes.total, note) == (5000, None)
    with pytest.raises(ConfigError, match="together"):
        command_line_homes(None, None, 100, split)


def test_one_tenures_homes_alone_in_a_config_is_refused(tmp_path):
    """homes: {LCRA: 800} would make the total 800: one line naming the file and key."""
    path = tmp_path / "auditlib.yaml"
    path.write_text("homes:\n  LCRA: 800\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="give both LCRA and LCHO") as info:
        AuditConfig.load(path)
    assert "'homes'" in str(info.value)
    path.write_text("homes:\n  LCRA: 800\n  total: 1000\n", encoding="utf-8")
    assert AuditConfig.load(path).homes == Homes(total=1000, by_tenure={"LCRA": 800})


def test_from_any_folder_the_projects_own_files_are_found(tmp_path, monkeypatch, capsys, root):
    """The suite, the data-quality settings and the notebooks ship with the project; a
    command run from another folder finds them (the landlord configuration it does not)."""
    from auditlib import project

    monkeypatch.chdir(tmp_path)
    assert project.project_file(project.SUITE) == root / "expectations/complaints_extract.json"
    assert project.project_file(project.QUALITY_SETTINGS) == root / "config/quality.yaml"
    assert project.project_file(project.NOTEBOOKS) == root / "notebooks"
    assert project.project_file(Path("config/nothing.yaml")) == Path("config/nothing.yaml")
    (tmp_path / "notebooks").mkdir()  # a landlord's own copy, here, comes first
    assert project.project_file(project.NOTEBOOKS) == Path("notebooks")

    (tmp_path / "theirs.csv").write_text(_EXTRACT, encoding="utf-8")
    code = main(["validate", "theirs.csv", "--out", "dq", "--as-of", "2026-03-31"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    assert (tmp_path / "dq" / "data_quality.html").is_file()
