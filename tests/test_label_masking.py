"""Masking labels typed by people: names and contact details go, common labels stay."""

from __future__ import annotations

import polars as pl

from auditlib.privacy import COMMON_LABEL, mask_columns


def test_title_case_labels_shared_by_many_complaints_keep_their_words():
    labels = ["Complaint Handling", "Damp And Mould", "Anti-Social Behaviour"]
    frame = pl.DataFrame({"category": [v for v in labels for _ in range(COMMON_LABEL)]})
    assert mask_columns(frame, ["category"])["category"].unique().sort().to_list() == sorted(labels)


def test_a_name_in_a_rare_label_is_masked_and_contact_details_always():
    frame = pl.DataFrame(
        {
            "category": ["Neighbour Daniel Whitfield plays loud music"] * 2
            + ["Repairs: call 07700 900123"] * COMMON_LABEL
        }
    )
    masked = mask_columns(frame, ["category"])["category"].unique().sort().to_list()
    assert masked == ["Repairs: call [phone]", "[name] plays loud music"]
