"""The scan's search for personal values, against a plain word-by-word reference."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditlib.privacy import PASSAGE_WORDS, scan_outputs
from tests.reference_scan import value_hits

# a small vocabulary, so that values share words and passages overlap
WORDS = ["the", "boiler", "Repair", "leak", "Smith", "flat", "3b", "café", "o'neil",
         "1234567", "12", "T000123", "p-0042", "damp", "MOULD", "not", "fixed"]  # fmt: skip
GAPS = [" ", ", ", "\n", "  ", " - ", ". "]

word_runs = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=14).map(
    lambda pairs: "".join(w + g for w, g in pairs).strip()
)
personal = st.fixed_dictionaries(
    {
        "tenant_ref": st.lists(
            st.sampled_from(["T000123", "T9", "t000123", "1234567"]), max_size=3
        ),
        "description": st.lists(word_runs, max_size=4),
        "remedy": st.lists(word_runs, max_size=3),
    }
)


@settings(max_examples=60, deadline=None)
@given(values=personal, files=st.lists(st.lists(word_runs, max_size=5), min_size=1, max_size=3),
       quoted=st.lists(st.integers(0, 20), max_size=4), joiner=st.sampled_from([" ", " | "]))  # fmt: skip
def test_the_scan_finds_what_the_reference_finds(values, files, quoted, joiner):
    # plant whole values and pieces of them in the files
    pool = [v for vs in values.values() for v in vs]
    texts = []
    for parts in files:
        if joiner == " ":
            parts = [*parts, *pool]  # every value, side by side in the order given
        for q in quoted:
            if pool:
                value = pool[q % len(pool)]
                parts = [*parts, value, value[q % max(len(value), 1) :]]
        texts.append(joiner.join(parts))  # " ": values side by side, as in a table row
    with tempfile.TemporaryDirectory() as folder:
        for i, text in enumerate(texts):
            (Path(folder) / f"f{i}.txt").write_text(text, encoding="utf-8")
        found = scan_outputs(folder, values)
    got = {
        (row["file"], row["kind"]): row["count"]
        for row in found.iter_rows(named=True)
        if row["kind"].startswith(("value from", "text from"))
    }
    expected = {
        (f"f{i}.txt", kind): count
        for i, text in enumerate(texts)
        for kind, count in value_hits(text, values).items()
    }
    assert got == expected


def test_a_passage_is_found_across_a_line_break_and_a_fragment_is_not(tmp_path):
    description = "the boiler in the back bedroom has leaked since the first of june"
    words = description.split()
    (tmp_path / "wrapped.txt").write_text(
        " ".join(words[:5]) + "\n" + " ".join(words[5:]), encoding="utf-8"
    )
    (tmp_path / "fragment.txt").write_text(" ".join(words[: PASSAGE_WORDS - 1]), encoding="utf-8")
    found = scan_outputs(tmp_path, {"description": [description]})
    assert found.rows() == [
        ("wrapped.txt", "text from description", len(words) - PASSAGE_WORDS + 1)
    ]


def test_a_value_is_not_pieced_together_across_two_files(tmp_path):
    (tmp_path / "a.txt").write_text("rows ending with flat", encoding="utf-8")
    (tmp_path / "b.txt").write_text("3b then more", encoding="utf-8")
    assert scan_outputs(tmp_path, {"property_ref": ["Flat 3B"]}).is_empty()
    (tmp_path / "c.txt").write_text("at FLAT\n3b", encoding="utf-8")
    assert scan_outputs(tmp_path, {"property_ref": ["Flat 3B"]}).rows() == [
        ("c.txt", "value from property_ref", 1)
    ]
