"""The README states the extract layout exactly as the code defines it."""

from __future__ import annotations

from pathlib import Path

from auditlib.schema import markdown_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_layout_table_matches_the_schema():
    """The column table in the README is the one ``schema.markdown_table`` renders."""
    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    """The install section gives the audit command and the test command, and .ci/run uses the latter."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make audit" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
