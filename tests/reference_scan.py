"""A deliberately plain re-implementation of the personal-data scan's value search.

Word by word in Python, with dictionaries of every value and every passage: slow on a
million descriptions, obvious to read. It shares only the tokeniser's pattern and the
constants with ``auditlib.privacy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from auditlib.privacy import MIN_VALUE_LENGTH, PASSAGE_WORDS

WORD = re.compile(r"\w+(?:[/.'’-]\w+)*")


def value_hits(text: str, personal_values: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """For one file's text: how many runs of its words are a personal value, by kind."""
    exact: dict[int, dict[str, str]] = {}
    passages: dict[str, str] = {}
    for column, values in personal_values.items():
        for value in values:
            words = WORD.findall(str(value).lower())
            whole = " ".join(words)
            if len(words) >= PASSAGE_WORDS:
                for i in range(len(words) - PASSAGE_WORDS + 1):
                    passages.setdefault(" ".join(words[i : i + PASSAGE_WORDS]), column)
            elif len(whole) >= MIN_VALUE_LENGTH and not (whole.isdigit() and len(whole) < 7):
                exact.setdefault(len(words), {}).setdefault(whole, column)
    words = WORD.findall(text.lower())
    found: dict[str, int] = {}
    for n, known in exact.items():
        for i in range(len(words) - n + 1):
            column = known.get(" ".join(words[i : i + n]))
            if column is not None:
                found[f"value from {column}"] = found.get(f"value from {column}", 0) + 1
    for i in range(len(words) - PASSAGE_WORDS + 1):
        column = passages.get(" ".join(words[i : i + PASSAGE_WORDS]))
        if column is not None:
            found[f"text from {column}"] = found.get(f"text from {column}", 0) + 1
    return found
