"""The personal-data scan's patterns: real contact details found, table figures not."""

from __future__ import annotations

import re

import pytest

from auditlib.privacy import SCAN_PATTERNS

PATTERNS = dict(SCAN_PATTERNS)


@pytest.mark.parametrize(
    "text",
    ["07700 900123", "020 7946 0000", "+44 7700 900123", "+44 (0)20 7946 0000", "07700900123",
     "call 07700-900-123 today"],
)  # fmt: skip
def test_phone_numbers_as_people_write_them_are_found(text):
    assert re.search(PATTERNS["uk_phone"], text)


@pytest.mark.parametrize(
    "text",
    # a board paper's table row as PDF text gives runs of figures like these
    ["Stage 1 570 114.00 567 422 74.4", "0 0.00 0 0", "2026-09-30 10:00", "1,400 0 567 422 1 2"],
)
def test_runs_of_table_figures_are_not_phone_numbers(text):
    assert not re.search(PATTERNS["uk_phone"], text)


def test_an_email_in_a_long_run_of_letters_is_found_quickly():
    """The email pattern is linear: a megabyte of base64 is scanned in well under a second."""
    import time

    text = "A" * 1_000_000 + " jo.bloggs@example.invalid"
    began = time.perf_counter()
    found = re.findall(PATTERNS["email"], text)
    assert found == ["jo.bloggs@example.invalid"]
    assert time.perf_counter() - began < 2.0
