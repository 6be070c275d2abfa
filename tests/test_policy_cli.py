"""``auditlib policy extract`` and ``auditlib policy check`` from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import yaml

from auditlib.cli import main
from auditlib.policy import PROFILE_KEYS, load_profile
from auditlib.policy.cli import register

FIXTURES = Path(__file__).parent / "fixtures" / "policies"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_register_adds_policy_with_handlers():
    """register() works on a fresh parser and sets a handler on each action."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["policy", "extract", "p.txt", "--format", "json"])
    assert callable(args.handler)
    assert (args.policy, args.format, args.out) == ("p.txt", "json", None)
    args = parser.parse_args(["policy", "check", "p.yaml"])
    assert callable(args.handler)
    assert args.format == "md"


@pytest.mark.parametrize("argv", [["policy", "--help"], ["policy", "extract", "--help"],
                                  ["policy", "check", "--help"]])
def test_help(capsys, argv):
    """Each level has --help and exits 0."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_extract_yaml_to_stdout(capsys):
    """The YAML draft on stdout is a valid profile with every key."""
    code, out, err = run(capsys, "policy", "extract", str(FIXTURES / "compliant.md"),
                         "--format", "yaml")
    assert (code, err) == (0, "")
    data = yaml.safe_load(out)
    assert list(data) == ["meta", *PROFILE_KEYS]
    assert data["stage1_ack_working_days"]["value"] == 5


def test_extract_json_to_file(capsys, tmp_path):
    """--format json --out FILE writes JSON that loads as a profile."""
    target = tmp_path / "profile.json"
    code, out, _ = run(capsys, "policy", "extract", str(FIXTURES / "drifting.txt"),
                       "--format", "json", "--out", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["stages"]["value"] == 3
    assert load_profile(target)["stage2_response_clock"]["value"] == "original_complaint"


def test_check_markdown_from_a_policy(capsys):
    """Checking a policy document prints the Markdown table with its gaps."""
    code, out, _ = run(capsys, "policy", "check", str(FIXTURES / "drifting.txt"))
    assert code == 0
    assert out.startswith("## drifting.txt against the Complaint Handling Code (2024)")
    assert "| 5.3 | Gap | three stages described" in out


def test_check_json_from_a_reviewed_profile(capsys, tmp_path):
    """A profile (extracted, then edited by a person) is checked without re-reading."""
    target = tmp_path / "profile.yaml"
    assert main(["policy", "extract", str(FIXTURES / "drifting.txt"), "--out",
                 str(target)]) == 0
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["stage2_ack_working_days"]["value"] = 5  # the person corrects the draft
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, _ = run(capsys, "policy", "check", str(target), "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["code_edition"] == "2024"
    statuses = {f["provision"]: f["status"] for f in payload["findings"]}
    assert statuses["6.11"] == "complies"
    assert statuses["5.3"] == "gap"
    assert payload["summary"]["gap"] == sum(s == "gap" for s in statuses.values())


def test_check_writes_markdown_file(capsys, tmp_path):
    """--out writes the report to a file and nothing to stdout."""
    target = tmp_path / "gaps.md"
    code, out, _ = run(capsys, "policy", "check", str(FIXTURES / "compliant.md"),
                       "--format", "md", "--out", str(target))
    assert (code, out) == (0, "")
    assert "| 6.3 | Complies |" in target.read_text(encoding="utf-8")


BAD_POLICIES = [
    ("empty.txt", b"", "empty"),
    ("garbage.pdf", b"\x00\x01" * 500, "PDF"),
    ("garbage.docx", b"\x00\x01" * 500, "Word"),
    ("garbage.txt", b"\x00\x01" * 500, "binary"),
    ("policy.odt", b"text", "unknown document type"),
]
BAD_PROFILES = [
    ("profile.yaml", b"stages: [", "not valid YAML"),
    ("profile.yml", b"stagez: 2\n", "unknown profile key"),
]
BAD_INPUT = [("extract", *case) for case in BAD_POLICIES] + [
    ("check", *case) for case in BAD_POLICIES + BAD_PROFILES
]


@pytest.mark.parametrize(("action", "name", "content", "message"), BAD_INPUT)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, action, name, content, message):
    """Unusable input: exit 2 and one line on stderr, never a traceback."""
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "policy", action, str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("auditlib: error: ")
    assert message in err
    assert "Traceback" not in err


def test_fifty_megabyte_document_exits_2(capsys, tmp_path):
    """A 50 MB file is refused with a clear message."""
    path = tmp_path / "huge.docx"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    code, _, err = run(capsys, "policy", "check", str(path))
    assert code == 2
    assert "MB limit" in err
