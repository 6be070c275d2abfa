"""The built-in header and label synonyms: data a person extends, checked for clashes."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from auditlib import schema
from auditlib.mapping import Mapping, builtin_labels, header_synonyms, normalise


def _data(name: str) -> dict:
    return yaml.safe_load(resources.files("auditlib.data").joinpath(name).read_text("utf-8"))


def test_no_label_means_two_things():
    """Within each kind, a label (normalised) is listed under one canonical label only."""
    for kind, table in _data("label_synonyms.yaml").items():
        seen: dict[str, str] = {}
        for canonical, synonyms in table.items():
            for label in [canonical, *synonyms]:
                key = normalise(str(label))
                assert seen.setdefault(key, canonical) == canonical, (kind, label)


def test_labels_map_only_to_allowed_labels():
    """Every canonical label in the file is one the schema allows."""
    data = _data("label_synonyms.yaml")
    assert set(data["outcome"]) == set(schema.STAGE1_OUTCOMES)
    assert set(data["tenure"]) == set(schema.TENURES)
    assert set(data["channel"]) == set(schema.CHANNELS)


def test_no_header_is_listed_for_two_columns():
    """A header (normalised) names one canonical column only; every key is canonical."""
    data = _data("header_synonyms.yaml")
    assert set(data) <= set(schema.BY_NAME)
    seen: dict[str, str] = {}
    for column, headers in header_synonyms().items():
        for header in headers:
            assert seen.setdefault(normalise(header), column) == column, header


@pytest.mark.parametrize(
    ("column", "label", "expected"),
    [
        ("stage1_outcome", "Partly Upheld", "partially_upheld"),
        ("stage2_outcome", "NOT JUSTIFIED", "not_upheld"),
        ("tenure", "General Needs Rented", "LCRA"),
        ("tenure", "Shared Ownership", "LCHO"),
        ("tenure", "Leaseholder", "other"),
        ("channel", "Website", "online"),
        ("channel", "Web form", "online"),
        ("channel", "Portal", "online"),
        ("channel", "Text/SMS", "other"),
        ("channel", "SMS", "other"),
        ("channel", "Face to face", "in_person"),
        ("channel", "E-mail", "email"),
    ],
)
def test_common_labels_need_no_mapping(column, label, expected):
    """The labels the issue names are understood with the built-in table alone."""
    assert Mapping().canonical_label(column, label) == expected


def test_a_mapping_overrides_the_builtin_labels():
    """A landlord whose 'Portal' is a staff system maps it elsewhere; others stay."""
    mapping = Mapping.from_dict({"labels": {"channel": {"Portal": "other"}}})
    assert mapping.canonical_label("channel", "portal") == "other"
    assert mapping.canonical_label("channel", "Website") == "online"
    assert builtin_labels("channel")["portal"] == "online"


def test_unknown_labels_are_kept_as_written():
    """A label nobody has mapped passes through for the data-quality check to report."""
    assert Mapping().canonical_label("tenure", " Intermediate Rent ") == "Intermediate Rent"
