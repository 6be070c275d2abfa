"""auditlib init and check-mapping on exports shaped as housing systems write them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl
import pytest

from auditlib import schema
from auditlib.audit import run_audit
from auditlib.cli import main
from auditlib.config import AuditConfig, Homes
from auditlib.mapping import Mapping
from auditlib.onboard.check import check_mapping
from auditlib.onboard.match import Candidate, _assign, discover
from tests import exports

HOMES = ("--homes-lcra", "2000", "--homes-lcho", "300")


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return exports.complaints()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.mark.parametrize("shape", exports.SHAPES, ids=lambda s: s.name)
def test_init_maps_every_column_and_the_figures_equal_the_canonical_files(
    shape, frame, folder, capsys
):
    """Every column of the export is mapped to its own header, every label understood,
    and the audit through the drafted mapping equals the audit of the canonical file."""
    export = exports.write(frame, shape, folder)
    landlord = folder / f"{shape.name}-landlord"
    assert main(["init", str(export), "--dir", str(landlord), "--landlord", "Test", *HOMES]) == 0
    out = capsys.readouterr().out
    assert f"auditlib run --config {landlord / 'auditlib.yaml'}" in out
    config = AuditConfig.load(landlord / "auditlib.yaml")
    assert config.extract is not None
    assert config.extract.resolve() == export.resolve()
    mapping = config.load_mapping()
    check = check_mapping(str(export), mapping)
    assert check.mapped == {c: h for c, h in shape.headers.items()}
    assert check.exit_code == 0, check.text()
    drafted = run_audit(export, config=config)
    canonical = run_audit(
        exports.canonical(frame, shape, folder),
        config=AuditConfig(homes=Homes(by_tenure={"LCRA": 2000, "LCHO": 300})),
    )
    assert drafted.extract.rows_used == frame.height
    assert {k: v for k, v in drafted.metrics.items() if k != "source"} == {
        k: v for k, v in canonical.metrics.items() if k != "source"
    }
    assert drafted.timeliness_table().equals(canonical.timeliness_table())


def test_the_issues_export_reads_as_the_issue_asks(frame, folder):
    """Windows-1252, day-first dates, and each label listed with its row count."""
    shape = exports.SHAPES[0]
    export = exports.write(frame, shape, folder)
    found = discover(str(export))
    assert (found.export.encoding, found.export.separator) == ("cp1252", ",")
    assert found.date_styles() == {"day first, dd/mm/yyyy": 6}
    by_label = {(f.column, f.label): f for fs in found.labels.values() for f in fs}
    partly = by_label[("stage1_outcome", "Partly Upheld")]
    expected = frame.filter(pl.col("stage1_outcome") == "partially_upheld").height
    assert (partly.suggestion, partly.rows, partly.certain) == ("partially_upheld", expected, True)
    assert by_label[("tenure", "General Needs Rented")].suggestion == "LCRA"
    assert by_label[("channel", "Website")].suggestion == "online"
    assert sum(f.rows for f in found.labels["tenure"]) == frame.height


def test_uncertain_matches_are_written_commented_with_their_candidates(tmp_path, capsys):
    """Two headers equally good for the date received: neither is guessed."""
    export = tmp_path / "two_dates.csv"
    export.write_text(
        "Case Ref,Date Received,Received Date,Outcome\n"
        "A1,02/06/2025,03/06/2025,Upheld\nA2,04/06/2025,05/06/2025,Not Upheld\n",
        encoding="utf-8",
    )
    assert main(["init", str(export), "--dir", str(tmp_path / "l")]) == 0
    out = capsys.readouterr().out
    assert "choose the header for stage1_received_date" in out
    text = (tmp_path / "l" / "mapping.yaml").read_text()
    assert "# stage1_received_date: uncertain (required)" in text
    assert "# stage1_received_date: Date Received  #" in text
    assert "# stage1_received_date: Received Date  #" in text
    assert "stage1_received_date" not in Mapping.from_yaml(tmp_path / "l" / "mapping.yaml").columns
    config = str(tmp_path / "l" / "auditlib.yaml")
    assert main(["check-mapping", "--config", config]) == 1
    assert "stage1_received_date           MISSING" in capsys.readouterr().out
    assert main(["metrics", "--config", config, str(export)]) == 2
    text = text.replace("  # stage1_received_date: Date Received", "  stage1_received_date: Date Received")
    (tmp_path / "l" / "mapping.yaml").write_text(text)
    assert main(["check-mapping", "--config", config]) == 0


def test_unknown_labels_are_listed_with_counts_until_mapped(tmp_path, capsys):
    """A label with no built-in meaning is written commented, and check-mapping counts it."""
    export = tmp_path / "labels.csv"
    rows = ["C1,02/06/2025,Intermediate Rent", "C2,03/06/2025,Intermediate Rent",
            "C3,04/06/2025,General Needs", "C4,05/06/2025,Gen. Needs Rented"]
    export.write_text("Case Ref,Date Logged,Tenure Type\n" + "\n".join(rows) + "\n")
    assert main(["init", str(export), "--dir", str(tmp_path / "l")]) == 0
    capsys.readouterr()
    mapping_file = tmp_path / "l" / "mapping.yaml"
    text = mapping_file.read_text()
    assert "    # Intermediate Rent: ?  # 2 rows; no suggestion" in text
    assert "    General Needs: LCRA  # 1 row; built-in" in text
    assert re.search(r"    # Gen\. Needs Rented: LCRA  # 1 row; like 'general needs rented' \(\d+%\): check", text)
    config = str(tmp_path / "l" / "auditlib.yaml")
    assert main(["check-mapping", "--config", config]) == 1
    out = capsys.readouterr().out
    assert "tenure: 'Intermediate Rent' (2 rows), 'Gen. Needs Rented' (1 row)" in out
    text = text.replace("    # Intermediate Rent: ?", "    Intermediate Rent: other  #")
    text = text.replace("    # Gen. Needs Rented: LCRA", "    Gen. Needs Rented: LCRA")
    mapping_file.write_text(text)
    assert main(["check-mapping", "--config", config]) == 0


def test_check_mapping_names_the_provisions_an_absent_column_leaves_unevidenced(frame, folder):
    """The minimal export evidences no acknowledgement (6.2), response (6.3, CH02) or tenure."""
    shape = exports.SHAPES[-1]
    export = exports.write(frame, shape, folder)
    mapping = Mapping.from_dict({"columns": {"complaint_id": "Reference",
                                             "stage1_received_date": "Date Raised"}})
    check = check_mapping(str(export), mapping)
    assert check.missing_required == ()
    assert len(check.absent) == len(schema.COLUMNS) - 2
    provisions = check.provisions_not_evidenced()
    for expected in ("3.1", "6.2", "6.3", "6.4", "6.11", "6.13", "6.14", "7.1", "CH02"):
        assert expected in provisions
    assert provisions.index("6.2") < provisions.index("6.11") < provisions.index("CH01")
    assert "Code 6.3, CH02: date the stage 1 response was sent" in check.text()
    assert check.unused == ("Tenant Name", "Property UPRN")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b"Case Ref,Date Logged\n", "header but no complaint rows"),
        (b"A1,02/06/2025,Upheld\nA2,03/06/2025,Upheld\n", "looks like data, not column names"),
        (b"Case Ref,Outcome\nA1,Upheld\nA2,Upheld\n", "no column holds dates"),
    ],
)
def test_bad_input_to_init_is_one_line_exit_2(tmp_path, capsys, content, fragment):
    """Nothing usable to write: one line naming the file, exit 2, no folder left behind."""
    export = tmp_path / "bad.csv"
    export.write_bytes(content)
    assert main(["init", str(export), "--dir", str(tmp_path / "l")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert str(export) in err
    assert not (tmp_path / "l").exists()


def test_init_never_overwrites_without_force(frame, folder, tmp_path, capsys):
    """An existing folder is refused; --force writes over init's own files."""
    export = exports.write(frame, exports.SHAPES[3], folder)
    target = tmp_path / "l"
    target.mkdir()
    (target / "auditlib.yaml").write_text("landlord: Mine\n")
    assert main(["init", str(export), "--dir", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (target / "auditlib.yaml").read_text() == "landlord: Mine\n"
    assert main(["init", str(export), "--dir", str(target), "--force"]) == 0
    assert "mapping: mapping.yaml" in (target / "auditlib.yaml").read_text()


def test_interactive_asks_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    """--interactive confirms an uncertain match on a terminal; elsewhere it asks nothing."""
    export = tmp_path / "two_dates.csv"
    export.write_text(
        "Case Ref,Date Received,Received Date\nA1,02/06/2025,03/06/2025\nA2,04/06/2025,05/06/2025\n"
    )
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["init", str(export), "--dir", str(tmp_path / "a"), "--interactive"]) == 0
    assert "needs a terminal" in capsys.readouterr().err
    answers = iter(["2"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers, ""))
    assert main(["init", str(export), "--dir", str(tmp_path / "b"), "--interactive"]) == 0
    mapping = Mapping.from_yaml(tmp_path / "b" / "mapping.yaml")
    assert mapping.columns["stage1_received_date"] == ("Received Date",)
    assert "confirmed by you" in (tmp_path / "b" / "mapping.yaml").read_text()


def test_a_deadline_column_is_not_the_event(tmp_path):
    """'Response Due Date' is when the answer was due, not when it was sent."""
    export = tmp_path / "due.csv"
    export.write_text(
        "Case Ref,Date Logged,Response Due Date,Response Date\n"
        "A1,02/06/2025,16/06/2025,12/06/2025\nA2,03/06/2025,17/06/2025,20/06/2025\n"
    )
    found = discover(str(export))
    assert found.mapped["stage1_response_date"] == "Response Date"
    assert "Response Due Date" in found.unused


def test_month_first_dates_are_reported(tmp_path, capsys):
    """A file whose dates read only month first is said to be so before any run."""
    export = tmp_path / "us.csv"
    export.write_text("Case Ref,Date Logged\nA1,06/13/2025\nA2,06/14/2025\n")
    assert main(["init", str(export), "--dir", str(tmp_path / "l")]) == 0
    assert "month first (US style)" in capsys.readouterr().out


def test_a_header_that_suits_two_columns_is_not_guessed(tmp_path):
    """'Stage 1 Closed Date' is the response, not the receipt; a header as good for two
    columns is offered to both, taken by neither."""
    export = tmp_path / "closed.csv"
    export.write_text(
        "Complaint Identifier,Stage 1 Closed Date,Complaint Received On,Escalation Ack\n"
        "A1,12/06/2025,02/06/2025,\nA2,20/06/2025,03/06/2025,24/06/2025\n"
    )
    found = discover(str(export))
    assert found.mapped["stage1_received_date"] == "Complaint Received On"
    assert found.mapped["stage1_response_date"] == "Stage 1 Closed Date"
    assert found.mapped["stage2_acknowledged_date"] == "Escalation Ack"
    scores = {c.name: [] for c in schema.COLUMNS}
    scores["stage1_response_date"] = [Candidate("Closed", 90.0, "name")]
    scores["stage2_response_date"] = [Candidate("Closed", 88.0, "name")]
    scores["complaint_id"] = [Candidate("Ref", 95.0, "name"), Candidate("Tenant Ref", 93.0, "n")]
    matches = _assign(scores)
    for column in ("stage1_response_date", "stage2_response_date", "complaint_id"):
        assert matches[column].status == "uncertain"
        assert matches[column].chosen is None
    assert [c.header for c in matches["complaint_id"].candidates] == ["Ref", "Tenant Ref"]


def test_init_writes_empty_attestations_and_overrides_from_the_projects_templates(tmp_path):
    """The commented templates of config/, none of the sample landlord's entries; the
    self-assessment reads them; --force leaves what people wrote."""
    from datetime import date

    from auditlib.policy.catalogue import load_catalogue
    from auditlib.selfassess.inputs import SelfAssessSettings, load_attestations, load_overrides

    export = tmp_path / "x.csv"
    export.write_text("Case Ref,Date Logged\nA1,02/06/2025\nA2,03/06/2025\n")
    target = tmp_path / "l"
    assert main(["init", str(export), "--dir", str(target)]) == 0
    for name in ("attestations.yaml", "overrides.yaml"):
        text = (target / name).read_text()
        template = (exports.ROOT / "config" / name).read_text()
        assert text.splitlines()[:5] == template.splitlines()[:5]
        assert "Example Homes" not in text
        assert "Example Homes" in template
    config = AuditConfig.load(target / "auditlib.yaml")
    assert config.notebooks is not None
    assert config.notebooks.resolve() == (exports.ROOT / "notebooks").resolve()
    assert config.packs_dir == target / "packs"
    assert config.data_quality == target / "quality.yaml"
    from auditlib.quality import QualitySettings

    quality = QualitySettings.load(config.data_quality)
    assert quality.suite.resolve() == (exports.ROOT / "expectations" / "complaints_extract.json").resolve()
    settings = SelfAssessSettings.from_config(config)
    catalogue = load_catalogue()
    assert settings.attestations == target / "attestations.yaml"
    assert load_attestations(settings.attestations, catalogue=catalogue,
                             assessed_on=date(2026, 11, 30)) == ()
    assert load_overrides(settings.overrides, catalogue=catalogue) == {}
    (target / "overrides.yaml").write_text("overrides: []  # ours\n")
    assert main(["init", str(export), "--dir", str(target), "--force"]) == 0
    assert (target / "overrides.yaml").read_text() == "overrides: []  # ours\n"
