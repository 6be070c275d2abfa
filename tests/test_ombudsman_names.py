"""Finding a landlord under the names the Ombudsman's data gives it, and only those."""

from __future__ import annotations

import polars as pl
import pytest

from auditlib.ombudsman.names import core_name, match_landlord, name_keys, normalise_name


def _counts(names: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"landlord": list(names), "findings": list(names.values())})


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("L&Q", "London & Quadrant Housing Trust (L&Q)"),
        ("London and Quadrant", "London & Quadrant Housing Trust (L&Q)"),
        ("London Borough of Hackney", "Hackney Council"),
        ("Hackney", "Hackney London Borough Council"),
        ("Moat Homes Limited", "Moat"),
        ("Moat Homes Ltd", "Moat Homes Limited"),
        ("Clarion", "Clarion Housing Association"),
        ("Stoke-on-Trent City Council", "Stokeontrent"),
        ("54 North", "54North"),
        ("Women's Pioneer Housing", "Women’S Pioneer Housing"),
        ("Brighton and Hove City Council", "Brighton & Hove"),
        ("Royal Borough of Greenwich", "Greenwich"),
        ("Metropolitan Thames Valley Housing", "Metropolitan Thames Valley Housing Mtvh"),
        ("St Mungo's", "Saint Mungos"),
    ],
)
def test_variants_of_one_name_match(given, written):
    """Suffixes, boroughs, ampersands, brackets, punctuation and spacing do not matter."""
    found = match_landlord(_counts({written: 3, "Another Landlord": 2}), given)
    assert found.matched_names == [written]


@pytest.mark.parametrize(
    ("given", "other"),
    [
        ("Leeds City Council", "Leeds Federated"),
        ("Stonewater", "Stonewater 2"),
        ("L&Q", "L & Q Beacon"),
        ("Westminster City Council", "Westminster Community"),
        ("Nottingham City Council", "Nottingham Community"),
    ],
)
def test_a_longer_name_is_a_near_miss_not_a_match(given, other):
    """A name that only contains the landlord's is shown for a person to judge, not taken."""
    found = match_landlord(_counts({other: 4}), given)
    assert found.matched_names == []
    assert found.near_misses["name"].to_list() == [other]
    assert found.near_misses["score"][0] >= 85


def test_a_misspelling_is_a_near_miss():
    """'Westminister' scores high but is left for a person to confirm.

    Indel similarity: 11 letters in common, 2 x 11 / (12 + 11) = 95.7%.
    """
    found = match_landlord(_counts({"Westminster": 20, "Westminister": 2}), "Westminster")
    assert found.matched_names == ["Westminster"]
    assert found.near_misses.rows() == [("Westminister", 2, pytest.approx(95.7, abs=0.1))]


def test_former_names_are_taken_and_say_which_name_matched():
    """A former name from the configuration brings in the findings written under it."""
    counts = _counts({"Riverside Vale": 10, "Old Vale Housing Society": 5, "Vale Homes": 1})
    found = match_landlord(counts, "Riverside Vale", other_names=["Old Vale Housing Society"])
    assert found.matched.select("name", "matched_as").rows() == [
        ("Riverside Vale", "Riverside Vale"),
        ("Old Vale Housing Society", "Old Vale Housing Society"),
    ]


def test_excluded_names_are_listed_and_not_taken():
    """A name that matches but is another body is set aside when the configuration says so."""
    counts = _counts({"Nottingham City Council": 30, "Nottingham": 12})
    found = match_landlord(counts, "Nottingham City Council", exclude=["nottingham"])
    assert found.matched_names == ["Nottingham City Council"]
    assert found.excluded.rows() == [("Nottingham", 12)]
    assert "Names excluded by the configuration:\n  Nottingham (12 findings)" in found.report()


def test_report_lists_matches_and_near_misses_for_a_person():
    """The printed report names every match with its count, then the near misses."""
    counts = _counts({"Alpha Homes": 1, "Alpha Homes Ltd": 7, "Alpha Homes North": 2})
    report = match_landlord(counts, "Alpha Homes").report()
    assert report.splitlines() == [
        "Names taken as 'Alpha Homes':",
        "  Alpha Homes Ltd (7 findings; matched 'Alpha Homes')",
        "  Alpha Homes (1 finding; matched 'Alpha Homes')",
        "Near misses not taken (add one as a former name if it is the same landlord):",
        "  Alpha Homes North (2 findings; similarity 100)",
    ]


def test_normalising_and_core_names():
    """Hand-checked reductions of names seen in the published data."""
    assert normalise_name("‘Johnnie’ Johnson H A") == "johnnie johnson h a"
    assert core_name(normalise_name("‘Johnnie’ Johnson H A")) == "johnnie johnson"
    assert core_name("st albans city and") == "st albans"
    assert core_name("the guinness partnership") == "guinness partnership"
    assert core_name("housing 21") == "housing 21"
    assert "nhg" in name_keys("Notting Hill Genesis (NHG)")


def test_blank_landlord_name_is_refused():
    """There is nothing to match without a name."""
    with pytest.raises(ValueError, match="no landlord name"):
        match_landlord(_counts({"A": 1}), "  ")


def test_real_file_finds_lq_and_a_london_borough(shared):
    """On the published data, L&Q and Hackney are found through their variants."""
    path = shared / "data" / "ombudsman-findings.csv"
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    counts = (
        pl.read_csv(path, columns=["landlord"], infer_schema=False)
        .group_by("landlord")
        .agg(pl.len().cast(pl.Int64).alias("findings"))
    )
    lq = match_landlord(counts, "L&Q")
    assert lq.matched_names == ["London & Quadrant Housing Trust (L&Q)"]
    assert "L & Q Beacon" in lq.near_misses["name"].to_list()
    hackney = match_landlord(counts, "Hackney Council")
    assert hackney.matched_names == ["London Borough of Hackney"]
    westminster = match_landlord(counts, "Westminster City Council")
    assert set(westminster.matched_names) == {"Westminster", "City Of Westminster"}
    assert "Westminister" in westminster.near_misses["name"].to_list()
