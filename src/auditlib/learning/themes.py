"""Themes in free text: TF-IDF and non-negative matrix factorisation, offline.

Where ``root_cause`` is blank or too coarse ("other"), the descriptions still say what
went wrong. :func:`find_themes` groups them into themes without labels, each named by
its top terms. It runs on the local machine (scikit-learn, no model download), on at
most ``n_jobs`` threads, and is deterministic: the same texts, settings and seed give
the same themes.

Personal details are removed before vectorising (:func:`strip_personal`); a term is
kept only if it occurs in the complaints of at least ``min_residents`` different
residents and the name recogniser does not read it as a person's name
(:mod:`auditlib.privacy`). The board-facing output (:meth:`Themes.table`) holds theme
names built from those terms and counts only: never a resident's sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from auditlib.privacy import (
    DEFAULT_MIN_COUNT,
    mask_contact_details,
    name_words,
    resident_frequency,
)

#: words so common in complaint text that they name no theme
STOP_WORDS: tuple[str, ...] = (
    "resident",
    "residents",
    "landlord",
    "landlords",
    "tenant",
    "tenants",
    "told",
    "said",
    "asked",
    "ask",
    "want",
    "wants",
    "would",
    "like",
    "also",
    "still",
    "since",
    "weeks",
    "week",
    "months",
    "month",
    "days",
    "day",
    "years",
    "year",
    "time",
    "times",
    "please",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "accordance",
    "paragraph",
    "scheme",
    "ombudsman",
    "housing",
    "maladministration",
    "severe",
    "redress",
    "reasonable",
    "determination",
    "finding",
    "findings",
    "respect",
    "relation",
    "regard",
    "regarding",
    "way",
)

#: words a complaint log uses to tell the story (impact, chasing, what is asked for)
#: rather than to say what went wrong; used for landlords' own descriptions
NARRATIVE_STOP_WORDS: tuple[str, ...] = (
    "ago", "job", "raised", "reported", "reporting", "says", "affecting", "health", "asking",
    "asks", "requests", "wants", "call", "called", "caller", "rang", "manager", "apology",
    "compensation", "know", "came", "nobody", "distressed", "wait", "soon", "possible",
    "date", "moved", "elderly", "parent", "household", "lives", "children", "asthma",
    "sleep", "belongings", "damaged", "ongoing", "going", "winter", "first", "again",
    "several", "nothing", "done", "complain", "complaining", "dissatisfied", "unhappy",
    "making", "wrote", "home", "room", "living", "works", "work", "cannot", "use",
    "resident", "tenant", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "start", "tenancy",
    "condition", "repair", "reports", "problem",
)  # fmt: skip

#: boilerplate of the Ombudsman's published determinations, for use as ``extra_stop_words``
DECISION_BOILERPLATE: tuple[str, ...] = (
    "handling",
    "handled",
    "handle",
    "response",
    "respond",
    "responded",
    "reports",
    "reported",
    "report",
    "service",
    "failure",
    "issues",
    "issue",
    "concerns",
    "concern",
    "request",
    "requests",
    "requested",
    "related",
    "decision",
    "ombudsmans",
    "opinion",
    "resolves",
    "satisfactorily",
    "associated",
    "following",
    "offered",
    "formal",
)

def strip_personal(texts: pl.Series) -> pl.Series:
    """Remove contact details, addresses and titled names (:mod:`auditlib.privacy`) and numbers.

    Examples
    --------
    >>> s = pl.Series(["Mrs A Sample of 12 Example Road, AB1 2CD rang from 07700 900123"])
    >>> strip_personal(s).item()
    'of, rang from'
    """
    out = mask_contact_details(texts.cast(pl.String).fill_null(""), replacement=" ")
    out = out.str.replace_all(r"\b\d+\b", " ")  # references, dates, amounts
    return out.str.replace_all(r"\s+", " ").str.strip_chars().str.replace_all(r" ,", ",")


@dataclass(frozen=True)
class Themes:
    """Themes found in a set of texts.

    Attributes
    ----------
    terms
        One row per theme: ``theme`` (1..k), ``name`` (its top three terms),
        ``top_terms`` (the top ``n_terms``, joined with commas) and ``texts`` (how many
        texts it is the strongest theme of).
    assignment
        One value per input text: the number of its strongest theme, or null when the
        text has no usable words.
    weight
        The strength of that theme in the text (0 when unassigned).
    settings
        What was run: the number of themes, seed, vocabulary size, and so on.
    """

    terms: pl.DataFrame
    assignment: pl.Series
    weight: pl.Series
    settings: dict[str, Any]

    def names(self) -> pl.Series:
        """The theme name of each text (``"no usable words"`` where unassigned)."""
        lookup = dict(zip(self.terms["theme"], self.terms["name"], strict=True))
        return self.assignment.replace_strict(
            lookup, default="no usable words", return_dtype=pl.String
        ).alias("theme_name")

    def table(self, by: pl.Series | None = None) -> pl.DataFrame:
        """Board-facing counts: texts per theme (and per value of ``by`` if given).

        Only the theme names (frequent terms) and counts appear, never the texts.
        """
        frame = pl.DataFrame({"theme": self.assignment, "theme_name": self.names()})
        keys = ["theme", "theme_name"]
        if by is not None:
            frame = frame.with_columns(by.alias(by.name or "group"))
            keys.append(by.name or "group")
        total = max(frame.height, 1)
        return (
            frame.group_by(keys)
            .agg(pl.len().cast(pl.Int64).alias("texts"))
            .with_columns((pl.col("texts") / total * 100).round(1).alias("share_pct"))
            .sort(["texts", "theme"], descending=[True, False], nulls_last=True)
        )


def find_themes(
    texts: pl.Series,
    *,
    n_themes: int = 8,
    seed: int = 2026,
    n_terms: int = 8,
    max_features: int = 5000,
    min_df: int | float = 3,
    max_df: float = 0.5,
    extra_stop_words: tuple[str, ...] = (),
    n_jobs: int = 2,
    residents: pl.Series | None = None,
    min_residents: int = DEFAULT_MIN_COUNT,
) -> Themes:
    """Find ``n_themes`` themes in ``texts`` with TF-IDF and NMF.

    Parameters
    ----------
    texts
        The free text, one entry per complaint (nulls allowed).
    n_themes
        How many themes to find; fewer are found when there are too few distinct words.
    seed
        Seeds NMF, so the same input gives the same themes.
    n_terms
        Top terms kept per theme.
    max_features, min_df, max_df
        Vocabulary limits for :class:`sklearn.feature_extraction.text.TfidfVectorizer`
        (words and two-word phrases; English stop words and :data:`STOP_WORDS` removed).
    extra_stop_words
        Further words to ignore (boilerplate of a particular source).
    n_jobs
        Most threads the numerical libraries may use.
    residents
        Whose complaint each text is (tenant reference, else property reference); by
        default every text counts as a different resident.
    min_residents
        A term is kept only if the texts of at least this many residents hold it, so
        one resident's name or street can never become a theme word.

    Returns
    -------
    Themes
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from threadpoolctl import threadpool_limits

    masked = strip_personal(texts)
    cleaned = masked.str.to_lowercase().str.replace_all("[’']", "")
    docs = cleaned.to_list()
    stop = sorted(ENGLISH_STOP_WORDS | set(STOP_WORDS) | set(extra_stop_words))
    n_docs = len(docs)
    effective_min_df = min_df if isinstance(min_df, float) or n_docs >= 20 else 1
    effective_max_df = max_df if n_docs >= 20 else 1.0
    vectoriser = TfidfVectorizer(
        stop_words=stop,
        token_pattern=r"(?u)\b[a-z][a-z]+\b",
        ngram_range=(1, 2),
        min_df=effective_min_df,
        max_df=effective_max_df,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float64,
    )
    with threadpool_limits(limits=n_jobs):
        matrix = vectoriser.fit_transform(docs)
        vocabulary = np.asarray(vectoriser.get_feature_names_out())
        matrix, vocabulary = _publishable(
            matrix, vocabulary, masked, residents, min_residents=min_residents
        )
        if matrix.shape[1] == 0:
            return _no_themes(n_docs, seed)
        k = max(1, min(n_themes, matrix.shape[1], n_docs))
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
        doc_topic = model.fit_transform(matrix)
    components = model.components_
    top = np.argsort(-components, axis=1, kind="stable")[:, :n_terms]
    top_terms = [
        [str(vocabulary[j]) for j in row if components[i, j] > 0] for i, row in enumerate(top)
    ]
    strongest = doc_topic.argmax(axis=1)
    weight = doc_topic.max(axis=1)
    assigned = weight > 0
    assignment = pl.Series("theme", np.where(assigned, strongest + 1, 0), dtype=pl.Int64)
    assignment = pl.select(pl.when(assignment > 0).then(assignment)).to_series().alias("theme")
    counts = np.bincount(strongest[assigned], minlength=k)
    terms = pl.DataFrame(
        {
            "theme": np.arange(1, k + 1),
            "name": [", ".join(_name_terms(t)) or "(no terms)" for t in top_terms],
            "top_terms": [", ".join(t) for t in top_terms],
            "texts": counts.astype(np.int64),
        }
    )
    settings = {
        "method": "TF-IDF (words and pairs, sublinear) + NMF (nndsvda)",
        "n_themes": k,
        "seed": seed,
        "texts": n_docs,
        "vocabulary": int(matrix.shape[1]),
        "min_df": effective_min_df,
        "min_residents": min_residents,
        "max_df": effective_max_df,
        "reconstruction_error": round(float(model.reconstruction_err_), 4),
        "iterations": int(model.n_iter_),
    }
    return Themes(terms, assignment, pl.Series("weight", weight.round(6)), settings)


def _publishable(
    matrix: Any,
    vocabulary: np.ndarray,
    masked: pl.Series,
    residents: pl.Series | None,
    *,
    min_residents: int,
) -> tuple[Any, np.ndarray]:
    """Only the terms that may be published: used by enough residents, not a name."""
    from sklearn.preprocessing import normalize

    who = residents if residents is not None else pl.Series(range(masked.len()))
    keep = resident_frequency(matrix, who.alias("resident")) >= min_residents
    words = {w for term in vocabulary[keep] for w in str(term).split()}
    names = name_words(masked, words) if words else frozenset()
    keep &= np.array([not (set(str(t).split()) & names) for t in vocabulary], dtype=bool)
    if not keep.any():
        return matrix[:, keep], vocabulary[keep]
    return normalize(matrix[:, keep]), vocabulary[keep]


def _no_themes(n_docs: int, seed: int) -> Themes:
    """No term is shared by enough residents: no themes, every text unassigned."""
    terms = pl.DataFrame(
        schema={"theme": pl.Int64, "name": pl.String, "top_terms": pl.String, "texts": pl.Int64}
    )
    assignment = pl.Series("theme", [None] * n_docs, dtype=pl.Int64)
    weight = pl.Series("weight", [0.0] * n_docs, dtype=pl.Float64)
    return Themes(terms, assignment, weight, {"n_themes": 0, "seed": seed, "texts": n_docs})


def _name_terms(terms: list[str], n: int = 3) -> list[str]:
    """The first ``n`` terms, skipping a word already inside an earlier phrase."""
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return chosen
