"""What was learnt: the ``learning_note`` column beside the root causes (Code 9.1).

A learning note is free text typed by an investigator ("contractor now texts before each
visit"). It may name a resident, a member of staff or a home, so it is never shown as
written. Beside each root cause the board sees how many complaints have a note and the
words that recur in them, masked:

* contact details, addresses, titled names and numbers are removed first
  (:func:`auditlib.learning.themes.strip_personal`);
* any word written with a capital inside a sentence anywhere in the notes ("Dave",
  "Smith", "Croydon") is treated as a name and never shown;
* a word is shown only when at least ``min_notes`` notes of that root cause use it (5 by
  default, the small-count threshold), so no single note can be read back.
"""

from __future__ import annotations

import polars as pl

from auditlib.privacy import DEFAULT_MIN_COUNT

#: words of the trade too common to say what was learnt (English stop words go too)
STOP_WORDS: tuple[str, ...] = (
    "complaint", "complaints", "resident", "residents", "tenant", "tenants", "customer",
    "customers", "learning", "learnt", "lesson", "lessons", "note", "notes",
)  # fmt: skip


def note_terms(
    prepared: pl.DataFrame,
    *,
    by: tuple[str, ...] = ("category", "root_cause"),
    min_notes: int = DEFAULT_MIN_COUNT,
    n_terms: int = 3,
) -> pl.DataFrame:
    """Per group: complaints with a learning note, and the words most of them use (masked).

    Parameters
    ----------
    prepared
        Complaints of the period with ``learning_note`` and the ``by`` columns.
    by
        The columns to group by (those of the root-cause table).
    min_notes
        A word is shown only when at least this many notes in the group use it.
    n_terms
        Words shown per group, most used first.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns, ``learning_notes`` (complaints with a note) and
        ``learning_note_terms`` (words joined with commas; blank when none qualifies).

    Examples
    --------
    >>> f = pl.DataFrame({"category": ["Repairs"] * 5, "root_cause": ["missed visit"] * 5,
    ...     "learning_note": ["Contractor now texts before each visit, agreed with Dave"] * 5})
    >>> note_terms(f).row(0)
    ('Repairs', 'missed visit', 5, 'agreed, contractor, texts')
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from auditlib.learning.themes import strip_personal

    stop = sorted(ENGLISH_STOP_WORDS | set(STOP_WORDS))

    keys = list(by)
    notes = prepared.select(*keys, pl.col("learning_note")).filter(
        pl.col("learning_note").str.strip_chars().str.len_chars().fill_null(0) > 0
    )
    counts = notes.group_by(keys).agg(pl.len().cast(pl.Int64).alias("learning_notes"))
    words = (
        notes.with_columns(
            pl.int_range(pl.len()).alias("_note"),
            strip_personal(notes["learning_note"]).str.split(" ").alias("_word"),
        )
        .with_columns(pl.int_ranges(pl.col("_word").list.len()).alias("_at"))
        .explode("_word", "_at")
        .with_columns(
            pl.col("_word").str.replace_all(r"^[^\w]+|[^\w]+$", "").alias("_clean"),
            pl.col("_word").shift(1).over("_note").fill_null(".").alias("_before"),
        )
    )
    names = (
        words.filter(
            pl.col("_clean").str.contains(r"^[A-Z]")
            & (pl.col("_at") > 0)
            & ~pl.col("_before").str.contains(r"[.!?:;]$")
        )
        .select(pl.col("_clean").str.to_lowercase().unique())
        .to_series()
    )
    terms = (
        words.with_columns(pl.col("_clean").str.to_lowercase())
        .filter(
            pl.col("_clean").str.contains(r"^[a-z][a-z'-]{2,}$")
            & ~pl.col("_clean").is_in(stop)
            & ~pl.col("_clean").is_in(names.implode())
        )
        .group_by(*keys, "_clean")
        .agg(pl.col("_note").n_unique().alias("_notes"))
        .filter(pl.col("_notes") >= min_notes)
        .sort([*keys, "_notes", "_clean"], descending=[False] * len(keys) + [True, False])
        .group_by(keys, maintain_order=True)
        .agg(pl.col("_clean").head(n_terms).str.join(", ").alias("learning_note_terms"))
    )
    return counts.join(terms, on=keys, how="left").with_columns(
        pl.col("learning_note_terms").fill_null("")
    )
