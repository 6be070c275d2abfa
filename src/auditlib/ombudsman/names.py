"""Finding a landlord in the Ombudsman's data by name, as people and scrapers write it.

The same landlord appears under several spellings: ``London & Quadrant Housing Trust
(L&Q)``, ``L&Q``; ``London Borough of Hackney``, ``Hackney Council``, ``Hackney``;
``Moat Homes Limited``, ``Moat``; ``Stoke On Trent``, ``Stokeontrent``. Each name is
reduced to a few *keys* and two names match when they share one:

1. **normalised**: lower case; ``&`` and ``+`` read as "and"; apostrophes (straight
   or curly) dropped; any other run of punctuation is a space; "saint" is "st";
2. **core**: the normalised name without the words that describe what kind of body
   it is, at the start (``the``, ``london borough of``, ``royal borough of``, ``city
   of``) or at the end (``limited``, ``ltd``, ``council``, ``borough``, ``housing
   association``, ``housing``, ``homes``, ``group``, ``trust``, ...), repeatedly, never
   down to nothing; a last word that is the initials of the words before it (``Mtv``
   after ``Metropolitan Thames Valley Housing``) goes too;
3. each key also without spaces (``54 North`` is ``54North``);
4. what stands in brackets is a name of its own (``(L&Q)``, ``(NHG)``).

Matching on whole keys is strict on purpose: ``Leeds`` does not take ``Leeds
Federated``, ``Stonewater`` does not take ``Stonewater 2`` (a separate registered body).
Names that come close without matching are scored with rapidfuzz and listed as *near
misses* so that a person can confirm; a near miss that is the same landlord is added
as a former or other name in the configuration, and a match that is not is excluded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

#: words and phrases at the start of a name that say what kind of body it is
PREFIXES: tuple[str, ...] = (
    "the",
    "london borough of",
    "royal borough of",
    "city and county of",
    "city of",
    "borough of",
    "county of",
)
#: words and phrases at the end of a name that say what kind of body it is
SUFFIXES: tuple[str, ...] = (
    "limited",
    "ltd",
    "plc",
    "llp",
    "cic",
    "community interest company",
    "council",
    "london borough",
    "metropolitan borough",
    "metropolitan",
    "borough",
    "district",
    "city",
    "county",
    "housing association",
    "housing trust",
    "housing group",
    "housing society",
    "h a",
    "ha",
    "housing",
    "homes",
    "group",
    "trust",
    "association",
    "society",
    "and",
    "of",
)
#: scores (0-100) at or above which an unmatched name is shown as a near miss
NEAR_MISS_SCORE = 85.0
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_WORDS_OF = {
    kind: tuple(sorted((tuple(p.split()) for p in phrases), key=len, reverse=True))
    for kind, phrases in (("prefix", PREFIXES), ("suffix", SUFFIXES))
}
_FILLER = frozenset({"and", "of", "the"})


def normalise_name(name: str) -> str:
    """Lower case, "and" for ``&``, no apostrophes, single spaces between words.

    Examples
    --------
    >>> normalise_name("Women’S Pioneer Housing")
    'womens pioneer housing'
    >>> normalise_name("Brighton & Hove City Council")
    'brighton and hove city council'
    >>> normalise_name("Saint Mungo's")
    'st mungos'
    """
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES).lower()
    text = text.replace("'", "")
    text = re.sub(r"[&+]", " and ", text)
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join("st" if w == "saint" else w for w in words)


def core_name(normalised: str) -> str:
    """A normalised name without the words that describe the kind of body.

    Examples
    --------
    >>> core_name("haringey london borough council")
    'haringey'
    >>> core_name("london borough of haringey")
    'haringey'
    >>> core_name("metropolitan thames valley housing mtv")
    'metropolitan thames valley'
    >>> core_name("metropolitan")
    'metropolitan'
    """
    words = normalised.split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for phrase in _WORDS_OF["prefix"]:
            if len(words) > len(phrase) and tuple(words[: len(phrase)]) == phrase:
                words, changed = words[len(phrase) :], True
                break
        for phrase in _WORDS_OF["suffix"]:
            if len(words) > len(phrase) and tuple(words[-len(phrase) :]) == phrase:
                words, changed = words[: -len(phrase)], True
                break
        if len(words) > 2 and _initials_of(words[-1], words[:-1]):
            words, changed = words[:-1], True
    return " ".join(words)


def _initials_of(word: str, before: Sequence[str]) -> bool:
    """``word`` is the initials of the words before it, or of their first few (2+)."""
    initials = "".join(w[0] for w in before if w not in _FILLER)
    return word.isalpha() and len(word) >= 2 and initials.startswith(word)


def name_keys(name: str) -> frozenset[str]:
    """Every key a name can match on (see the module's description).

    Examples
    --------
    >>> sorted(name_keys("London & Quadrant Housing Trust (L&Q)"))
    ['l and q', 'landq', 'london and quadrant', 'london and quadrant housing trust', \
'londonandquadrant', 'londonandquadranthousingtrust']
    """
    bracketed = re.findall(r"\(([^()]*)\)", name)
    outside = re.sub(r"\([^()]*\)", " ", name)
    keys: set[str] = set()
    for part in (outside, *bracketed):
        full = normalise_name(part)
        if not full:
            continue
        for key in (full, core_name(full)):
            keys |= {key, key.replace(" ", "")}
    return frozenset(keys)


@dataclass(frozen=True)
class NameMatch:
    """Which of a file's landlord names were taken as the landlord, and which nearly were.

    ``matched``, ``near_misses`` and ``excluded`` have one row per distinct name in the
    file: ``name``, ``findings`` (rows with that name), ``matched_as`` (the configured
    name it matched) or ``score`` (0-100, near misses only).
    """

    landlord: str
    names: tuple[str, ...]
    matched: pl.DataFrame
    near_misses: pl.DataFrame
    excluded: pl.DataFrame

    @property
    def display_name(self) -> str:
        """The matched name with the most findings (the given name if none matched)."""
        return str(self.matched["name"][0]) if self.matched.height else self.landlord

    @property
    def matched_names(self) -> list[str]:
        """The file's names taken as the landlord."""
        return self.matched["name"].to_list()

    def report(self) -> str:
        """Plain lines for a person to confirm: matched names, then near misses not taken."""
        lines = [f"Names taken as {self.landlord!r}:"]
        lines += [
            f"  {r['name']} ({_findings(r['findings'])}; matched {r['matched_as']!r})"
            for r in self.matched.iter_rows(named=True)
        ] or ["  (none)"]
        if self.excluded.height:
            lines.append("Names excluded by the configuration:")
            lines += [
                f"  {r['name']} ({_findings(r['findings'])})"
                for r in self.excluded.iter_rows(named=True)
            ]
        lines.append("Near misses not taken (add one as a former name if it is the same landlord):")
        lines += [
            f"  {r['name']} ({_findings(r['findings'])}; similarity {r['score']:.0f})"
            for r in self.near_misses.iter_rows(named=True)
        ] or ["  (none)"]
        return "\n".join(lines)


def _findings(count: int) -> str:
    return f"{count:,} finding" + ("" if count == 1 else "s")


def match_landlord(
    counts: pl.DataFrame,
    landlord: str,
    *,
    other_names: Iterable[str] = (),
    exclude: Iterable[str] = (),
    near_miss_score: float = NEAR_MISS_SCORE,
    max_near_misses: int = 10,
) -> NameMatch:
    """Match a landlord's names against the distinct names of a findings file.

    Parameters
    ----------
    counts
        One row per distinct name: ``landlord`` and ``findings`` (rows with it).
    landlord
        The landlord's name, as the Ombudsman writes it or as people say it.
    other_names
        Former names and other names the landlord is known by (from the configuration).
    exclude
        Names in the file that match but are not the landlord (compared normalised).
    near_miss_score
        The similarity (rapidfuzz, 0-100) from which an unmatched name is a near miss.
    max_near_misses
        How many near misses to list at most, closest first.

    Examples
    --------
    >>> counts = pl.DataFrame({"landlord": ["London Borough of Hackney", "Hackney",
    ...     "Hackney Council", "Hackney Housing Co-op"], "findings": [40, 3, 2, 1]})
    >>> m = match_landlord(counts, "Hackney Council")
    >>> m.matched_names, m.near_misses["name"].to_list()
    (['London Borough of Hackney', 'Hackney', 'Hackney Council'], ['Hackney Housing Co-op'])
    """
    from rapidfuzz import fuzz

    names = tuple(dict.fromkeys(n for n in (landlord, *other_names) if n and n.strip()))
    if not names:
        msg = "no landlord name given"
        raise ValueError(msg)
    wanted = {key: name for name in reversed(names) for key in name_keys(name)}
    excluded = {normalise_name(n) for n in exclude}
    rows = counts.drop_nulls("landlord").sort(["findings", "landlord"], descending=[True, False])
    taken, near, dropped = [], [], []
    ours = [_fuzzy_form(name) for name in names]
    for name, findings in rows.select("landlord", "findings").iter_rows():
        hit = next((wanted[k] for k in sorted(name_keys(name)) if k in wanted), None)
        if hit is not None and normalise_name(name) in excluded:
            dropped.append({"name": name, "findings": findings})
        elif hit is not None:
            taken.append({"name": name, "findings": findings, "matched_as": hit})
        else:
            theirs = _fuzzy_form(name)
            score = max(
                max(fuzz.token_set_ratio(theirs, mine), fuzz.ratio(theirs, mine)) for mine in ours
            )
            if score >= near_miss_score:
                near.append({"name": name, "findings": findings, "score": round(score, 1)})
    near.sort(key=lambda r: (-r["score"], -r["findings"], r["name"]))
    return NameMatch(
        landlord=names[0],
        names=names,
        matched=pl.DataFrame(
            taken, schema={"name": pl.String, "findings": pl.Int64, "matched_as": pl.String}
        ),
        near_misses=pl.DataFrame(
            near[:max_near_misses],
            schema={"name": pl.String, "findings": pl.Int64, "score": pl.Float64},
        ),
        excluded=pl.DataFrame(dropped, schema={"name": pl.String, "findings": pl.Int64}),
    )


def _fuzzy_form(name: str) -> str:
    """The core name without filler words, brackets read as words: what similarity scores."""
    words = core_name(normalise_name(name.replace("(", " ").replace(")", " "))).split()
    return " ".join(w for w in words if w not in _FILLER) or normalise_name(name)
