"""A realistic synthetic complaint extract, with the defects real extracts carry.

Everything is drawn with numpy from one seeded generator and assembled with polars, so
the same rows, seed and arguments give the same file, byte for byte. Working-day
placements go through :class:`~auditlib.calendar.WorkingCalendar`, so lateness is
controlled in working days with bank holidays and Christmas respected.

The numbers are those a performance team at a mid-sized housing association would
recognise (Housing Ombudsman and TSM returns for 2023-25 put most landlords in these
ranges); none of them is a benchmark.

Volumes
    Receipts spread over ``first_date``..``as_of``, rising about 12% a year, with a
    winter peak (about +15% in January for most categories; damp and mould and heating
    and hot water about +60%, leaks +30%; grounds maintenance, pests and anti-social
    behaviour peak in summer). Weekdays carry almost everything, Mondays most; weekends
    and bank holidays see a third of the usual email, online and social-media
    complaints and almost no others; the days between Christmas and New Year are quiet.
Categories and channels
    Repairs 30%, damp and mould 11%, leaks 8%, heating 8%, anti-social behaviour 7%,
    communication 7%, estate services 6%, staff conduct 5%, rent and service charges 5%
    (more among shared owners, who complain less about repairs), the rest 2-3% each.
    Channels: phone 42%, email 24%, online 18%, in person 5%, letter 4%, other 4%,
    social media 3%.
Residents
    A pool of residents with heavy-tailed complaint rates (Pareto weights), so about a
    third of complaints come from residents who complain more than once; a resident keeps
    one home and one tenure (LCRA 88%, LCHO 10%, other 2%). About 20% have a
    vulnerability recorded (mobility, mental health, older person, hearing, sight,
    learning disability, long-term illness), blank otherwise.
Stage 1
    About 90% acknowledged within 5 working days (2% not recorded); about 10% extended
    (mostly 5 or 10 working days, some over 10, half of those with a good reason), the
    resident usually told within the original 10 days; about 80% answered within the
    Code's limit. Vulnerable residents are late more often (about 1.5 times). Complaints
    whose response would fall after ``as_of`` are open; 0.3% are open long past due.
    Outcomes: upheld 35%, partially upheld 25%, not upheld 35%, withdrawn 5% (damp and
    mould, leaks and complaint handling upheld more, anti-social behaviour and lettings
    less).
Stage 2
    About 15% of answered, not withdrawn complaints escalate (more when upheld and for
    damp and mould), 1-30 days after the stage 1 response; about 88% acknowledged within
    5 working days and 75% answered within the Code's limit; 12% extended. A senior
    officer decides, except in about 2% where the stage 1 officer does (a 6.13 breach).
Remedies
    Compensation for 65% of upheld and 45% of partly upheld complaints, lognormal with a
    median of £120 (damp and mould £350, leaks £200), £25 to £1,500 in steps of £5,
    raised when stage 2 upholds. Root causes from a per-category list; 10% blank, 8%
    "other", half of not-upheld complaints "no service failure identified".
Free text
    Descriptions are put together from per-category issues, openings, durations,
    impacts and requests (thousands of distinct texts); about 8% carry fictitious
    personal details (``Mrs A Sample``, ``12 Example Road``, 07700 900xxx numbers,
    addresses at example.com or example.invalid) for privacy checks to catch.

Defects
    About ``defect_rate`` of the rows carry one defect each, listed in ``defects``
    (every kind at least once when there are enough rows); see :data:`DEFECT_CODES`.
    ``frame`` stays clean. A duplicated id copies the id of an earlier, clean row; the
    manifest names the later row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from auditlib.calendar import WorkingCalendar
from auditlib.outputs import workbook, write_csv
from auditlib.schema import CHANNELS, COLUMNS, SCHEMA, STAGE1_OUTCOMES, TENURES

#: defect code: what is planted (in the text export unless said otherwise)
DEFECT_CODES: dict[str, str] = {
    "missing_id": "complaint_id left blank",
    "duplicate_id": "complaint_id copied from an earlier row",
    "missing_received_date": "stage1_received_date left blank",
    "unreadable_date": "a date that is no date ('31/02/2025', 'TBC'); text files only",
    "ack_before_receipt": "stage 1 acknowledged before it was received",
    "response_before_receipt": "stage 1 answered before it was received",
    "stage2_before_stage1": "stage 2 requested before stage 1 was received",
    "stage2_ack_before_request": "stage 2 acknowledged before it was requested",
    "non_whole_number": "an extension of '2.5' working days; not in Parquet",
    "negative_compensation": "compensation below zero",
    "label_variant": "a recognisable variant of a label ('Partly Upheld', 'lcra')",
    "unknown_label": "a stage 1 outcome that is none of the canonical labels",
}
_DEFECT_WEIGHTS = {
    "missing_id": 7,
    "duplicate_id": 9,
    "missing_received_date": 4,
    "unreadable_date": 13,
    "ack_before_receipt": 8,
    "response_before_receipt": 6,
    "stage2_before_stage1": 4,
    "stage2_ack_before_request": 4,
    "non_whole_number": 5,
    "negative_compensation": 5,
    "label_variant": 25,
    "unknown_label": 6,
}
#: defects each typed format cannot hold (a date cell cannot hold '31/02/2025')
_NOT_IN = {
    "csv": frozenset(),
    "xlsx": frozenset({"unreadable_date"}),
    "parquet": frozenset({"unreadable_date", "non_whole_number"}),
}

# name, weight, weight among shared owners, seasonal amplitude (+ winter, - summer),
# share upheld, median compensation
_CATEGORY_TABLE: tuple[tuple[str, float, float, float, float, float], ...] = (
    ("Repairs", 30, 12, 0.15, 0.36, 120),
    ("Damp and mould", 11, 4, 0.6, 0.46, 350),
    ("Leaks and water ingress", 8, 6, 0.3, 0.42, 200),
    ("Heating and hot water", 8, 3, 0.6, 0.38, 150),
    ("Anti-social behaviour", 7, 7, -0.15, 0.25, 100),
    ("Estate services and cleaning", 6, 10, 0.05, 0.34, 75),
    ("Grounds maintenance", 3, 5, -0.4, 0.33, 50),
    ("Staff conduct", 5, 5, 0.0, 0.30, 100),
    ("Communication", 7, 9, 0.05, 0.38, 100),
    ("Rent and service charges", 5, 25, 0.0, 0.28, 100),
    ("Lettings and allocations", 3, 5, 0.0, 0.22, 100),
    ("Pests", 2, 2, -0.3, 0.35, 100),
    ("Adaptations", 2, 1, 0.0, 0.36, 150),
    ("Complaint handling", 3, 7, 0.05, 0.45, 100),
)
CATEGORIES: tuple[str, ...] = tuple(row[0] for row in _CATEGORY_TABLE)
_DAMP = CATEGORIES.index("Damp and mould")

_ISSUES: tuple[tuple[str, ...], ...] = (
    (
        "a broken front door lock",
        "a kitchen cupboard door hanging off",
        "a bathroom extractor fan that does not work",
        "a missed repair appointment",
        "a contractor who did not turn up",
        "a toilet that keeps running",
        "rotten window frames",
        "a cracked kitchen worktop",
        "a loose stair handrail",
        "works left unfinished by the contractor",
        "a window that will not close",
        "a repair that was marked complete but never done",
    ),
    (
        "black mould in the back bedroom",
        "damp patches on the living room wall",
        "condensation and mould around the windows",
        "mould coming back after a mould wash",
        "a damp smell throughout the flat",
        "mould on clothes in the wardrobe",
        "damp in the hallway",
        "mould in the bathroom ceiling",
        "mould in the child's bedroom",
    ),
    (
        "a leak from the flat above",
        "water coming through the bathroom ceiling",
        "a leaking roof over the landing",
        "water getting in around the balcony door",
        "a blocked gutter overflowing into the wall",
        "a leak under the kitchen sink",
        "a burst pipe in the loft",
    ),
    (
        "no heating",
        "no hot water",
        "a boiler that keeps losing pressure",
        "radiators that stay cold",
        "a missed gas safety appointment",
        "an engineer who left without fixing the boiler",
        "a noisy boiler",
    ),
    (
        "noise from a neighbour late at night",
        "drug dealing in the stairwell",
        "threats from a neighbour",
        "a neighbour's dog barking all day",
        "rubbish dumped by a neighbour",
        "how a report of anti-social behaviour was handled",
    ),
    (
        "communal areas not being cleaned",
        "a broken door entry system",
        "the lift out of order",
        "bins not emptied",
        "fly-tipping behind the block",
        "communal lights out on the stairs",
    ),
    (
        "grass not cut",
        "overgrown trees blocking light",
        "hedges not trimmed",
        "a fallen tree in the communal garden",
    ),
    (
        "the attitude of a housing officer",
        "a rude call handler",
        "an operative who was disrespectful in the home",
        "a contractor who left mess in the home",
    ),
    (
        "calls not returned",
        "emails not answered",
        "being passed between departments",
        "not being told about cancelled appointments",
        "letters sent to the wrong address",
    ),
    (
        "an incorrect rent statement",
        "an increase in service charges",
        "arrears shown in error",
        "a direct debit taken twice",
        "charges for services not received",
    ),
    (
        "the time taken to be offered a transfer",
        "the condition of the home at the start of the tenancy",
        "a refused management transfer",
        "a mutual exchange application",
    ),
    (
        "mice in the kitchen",
        "rats in the bin store",
        "cockroaches in the flat",
        "pigeons nesting on the balcony",
    ),
    (
        "a delay in fitting a level access shower",
        "a stair lift that is not repaired",
        "a ramp that was never installed",
        "an occupational therapist's recommendation not acted on",
    ),
    (
        "the handling of a previous complaint",
        "a complaint that was not acknowledged",
        "a promised call back about a complaint that never came",
        "a stage 1 response that did not answer the points raised",
    ),
)
_ROOT_CAUSES: tuple[tuple[str, ...], ...] = (
    (
        "contractor performance",
        "appointment missed",
        "job not raised",
        "parts delay",
        "poor workmanship",
    ),
    (
        "inadequate ventilation",
        "previous repair ineffective",
        "inspection delayed",
        "building defect",
    ),
    ("roof defect", "plumbing fault", "leak from neighbouring property", "delay tracing leak"),
    ("boiler fault", "parts delay", "contractor performance", "no access for gas safety"),
    ("case not progressed", "poor communication", "multi-agency delay"),
    ("contract performance", "inspection not carried out", "vandalism"),
    ("contract performance", "schedule not followed"),
    ("staff behaviour", "training need"),
    ("poor communication", "call not returned", "incorrect information given", "system error"),
    ("system error", "incorrect information given", "policy applied correctly"),
    ("policy applied correctly", "void standard not met", "delay in processing"),
    ("treatment delayed", "proofing works not done", "contractor performance"),
    ("funding delay", "contractor performance", "assessment delay"),
    ("complaint not logged", "response late", "poor investigation"),
)
_ACTIONS: tuple[tuple[str, ...], ...] = (
    (
        "repair completed",
        "contractor re-attended and finished the job",
        "new appointment made and kept",
    ),
    (
        "mould wash and treatment completed",
        "extractor fans fitted",
        "damp survey carried out and works ordered",
    ),
    (
        "leak traced and repaired",
        "roof repaired and ceiling made good",
        "decorating allowance paid",
    ),
    ("boiler repaired", "new boiler fitted", "temporary heaters supplied"),
    ("case reviewed and action plan agreed", "new officer assigned to the case"),
    ("cleaning schedule reinstated", "door entry system repaired", "lift repaired"),
    ("grounds contractor re-attended", "tree works ordered"),
    ("staff member spoken to", "staff feedback given"),
    ("named contact given", "call back made"),
    ("account corrected", "overpayment refunded", "charges explained and credited"),
    ("transfer application reviewed", "void works completed"),
    ("pest treatment completed", "proofing works completed"),
    ("adaptation fitted", "works expedited with the contractor"),
    ("complaint re-opened and answered", "process reviewed"),
)
_GENERAL_OPENINGS = (
    ("Resident reports ", "."),
    ("Complaint about ", "."),
    ("Resident unhappy with ", "."),
    ("Complaint raised regarding ", "."),
    ("Resident dissatisfied with ", "."),
)
# opening words by channel: phone, written (email, online, social media, letter), other
_OPENINGS: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        *_GENERAL_OPENINGS,
        ("Tenant called about ", "."),
        ("Caller dissatisfied with ", "."),
        ("Resident rang to complain about ", "."),
    ),
    (
        *_GENERAL_OPENINGS,
        ("I am making a complaint about ", "."),
        ("I have reported ", " several times and nothing has been done."),
        ("I want to complain about ", "."),
        ("Resident wrote in about ", "."),
    ),
    (*_GENERAL_OPENINGS, ("Resident came in to complain about ", ".")),
)
_WRITTEN = ("email", "online", "social_media", "letter")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DURATIONS = (
    "",
    "",
    " Ongoing for two weeks.",
    " This has been going on for over a month.",
    " Problem has been going on since last winter.",
    " Reported again this week.",
    *(f" First reported in {m}." for m in _MONTHS),
    *(f" Job raised {n} weeks ago." for n in range(2, 13)),
)
_IMPACTS = (
    "",
    "",
    "",
    " Children in the home have asthma.",
    " The resident works from home and cannot use the room.",
    " Says it is affecting their health.",
    " Has had to take time off work to wait in.",
    " Elderly parent lives in the household.",
    " Belongings have been damaged.",
    " Resident is very distressed.",
    " Has had to sleep in the living room.",
)
_ASKS = (
    "",
    " Wants the repair done as soon as possible.",
    " Asking for compensation.",
    " Requests a call back from a manager.",
    " Wants an apology.",
    " Asks for a date for the works.",
    " Wants to be moved.",
    " Wants to know why nobody came.",
)
_TITLES = ("Mrs", "Mr", "Ms", "Miss", "Mx")
_SURNAMES = ("Sample", "Example", "Specimen", "Testcase", "Placeholder", "Dummy")
_STREETS = ("Example Road", "Sample Street", "Test Lane", "Placeholder Avenue", "Fictional Close")
_APOLOGIES = ("Apology given", "Written apology sent", "Apology and explanation given")
_VULNERABILITIES = (
    "mobility",
    "mental health",
    "older person",
    "hearing",
    "sight",
    "learning disability",
    "long-term illness",
)
_VULNERABILITY_WEIGHTS = (22, 25, 20, 7, 6, 7, 13)
_CHANNEL_WEIGHTS = {
    "phone": 42,
    "email": 24,
    "online": 18,
    "letter": 4,
    "in_person": 5,
    "social_media": 3,
    "other": 4,
}
_DIGITAL = ("email", "online", "social_media")
_UNREADABLE_DATES = ("TBC", "31/02/{y}", "30/02/{y}", "unknown", "32/01/{y}", "?")
_LABEL_VARIANTS = {
    "stage1_outcome": {
        "upheld": ("Upheld", "UPHELD ", "Fully upheld"),
        "partially_upheld": ("Partly Upheld", "Partially Upheld", "part-upheld"),
        "not_upheld": ("Not Upheld ", "Not upheld", "NOT UPHELD"),
        "withdrawn": ("Withdrawn", " withdrawn", "WITHDRAWN"),
    },
    "tenure": {
        "LCRA": ("lcra", "LCRA ", "Lcra"),
        "LCHO": ("lcho", " LCHO", "Lcho"),
        "other": ("Other", "OTHER", "other "),
    },
    "channel": {c: (c.replace("_", " ").title(), c.upper(), f"{c} ") for c in CHANNELS},
}
_UNKNOWN_OUTCOMES = ("Resolved", "Closed - no further action", "Escalated", "Pending")


@dataclass(frozen=True)
class Sample:
    """A synthetic extract in three forms.

    Attributes
    ----------
    frame
        The clean extract: canonical columns and dtypes, no defects.
    text
        The same rows as a landlord's spreadsheet exports them, every column text, dates
        day first (``dd/mm/yyyy``), flags ``Yes``/``No``, with the defects planted.
    defects
        One row per planted defect: ``complaint_id`` (as written, blank for a missing
        id), ``source_row`` (header = row 1), ``defect`` (a key of
        :data:`DEFECT_CODES`) and ``column``.
    """

    frame: pl.DataFrame
    text: pl.DataFrame
    defects: pl.DataFrame


def generate_sample(
    rows: int,
    seed: int,
    *,
    first_date: date = date(2024, 4, 1),
    as_of: date = date(2026, 10, 31),
    defect_rate: float = 0.01,
) -> Sample:
    """Draw a synthetic complaint extract of ``rows`` complaints.

    Parameters
    ----------
    rows
        Number of complaints (rows).
    seed
        Seed of the random generator: the same arguments give the same sample.
    first_date, as_of
        Complaints are received from ``first_date`` to ``as_of``; nothing is dated after
        ``as_of``, so the latest complaints are still open.
    defect_rate
        Share of rows carrying one planted defect (0 for a clean text export).

    Examples
    --------
    >>> sample = generate_sample(200, seed=1)
    >>> sample.frame.height, sample.text.height, sample.frame.columns[0]
    (200, 200, 'complaint_id')
    """
    if rows < 0:
        msg = f"rows must be zero or more, not {rows}"
        raise ValueError(msg)
    if not 0 <= defect_rate <= 0.5:
        msg = f"defect_rate must be between 0 and 0.5, not {defect_rate}"
        raise ValueError(msg)
    if first_date > as_of:
        msg = f"first_date {first_date} is after as_of {as_of}"
        raise ValueError(msg)
    cal = WorkingCalendar.england_and_wales()
    cal.check_covers(first_date, as_of)
    rng = np.random.default_rng(seed)
    frame = _clean_frame(rng, rows, cal, first_date, as_of)
    text = _as_text(frame)
    text, defects = _plant_defects(rng, frame, text, round(rows * defect_rate))
    return Sample(frame=frame, text=text, defects=defects)


def write_sample(sample: Sample, path: Path, *, encoding: str = "utf-8") -> pl.DataFrame:
    """Write ``sample`` to ``path`` (``.csv``, ``.xlsx`` or ``.parquet``); return its defects.

    CSV is the text export with Windows line ends, in ``encoding`` (``utf-8``,
    ``utf-8-sig`` as Excel's "CSV UTF-8" writes it, or ``cp1252`` as its plain "CSV"
    does). XLSX has real date cells and Parquet canonical types, so the defects those
    cannot hold are left out; the returned manifest lists the defects in the file, with
    ``source_row`` as a reader counts it (Parquet has no header row: its first row is 1).
    Only ``path`` is written; it is replaced if it exists.
    """
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in _NOT_IN:
        msg = f"cannot write {path.name!r}; expected a .csv, .xlsx or .parquet file"
        raise ValueError(msg)
    if kind != "csv" and encoding != "utf-8":
        msg = f"encoding applies to CSV only, not {path.suffix}"
        raise ValueError(msg)
    defects = sample.defects.filter(~pl.col("defect").is_in(list(_NOT_IN[kind])))
    if kind == "csv":
        # an input extract, written as a housing system exports it: text kept verbatim
        write_csv(sample.text, path, encoding=encoding, line_terminator="\r\n", verbatim=True)
        return defects
    typed = _typed_with_defects(sample, defects, whole_numbers=kind == "parquet")
    if kind == "parquet":
        typed.write_parquet(path)
        return defects.with_columns(pl.col("source_row") - 1)
    if typed.height + 1 > 1_048_576:
        msg = f"{typed.height:,} rows do not fit on one Excel worksheet; write CSV or Parquet"
        raise ValueError(msg)
    with workbook(path) as book:
        typed.write_excel(
            book,
            worksheet="complaints",
            dtype_formats={pl.Date: "dd/mm/yyyy", pl.Float64: "0.00"},
            autofilter=False,
        )
    return defects


# --- drawing the clean extract -------------------------------------------------------


def _choice(rng: np.random.Generator, weights: object, size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(p.size, size=size, p=p / p.sum())


def _choice_by_group(rng: np.random.Generator, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One draw per row from the row's group's distribution (``probs`` is groups x options)."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(group.size)
    picked = np.zeros(group.size, dtype=np.int64)
    for k in range(probs.shape[1] - 1):
        picked += u >= cum[group, k]
    return picked


def _flat(lists: tuple[tuple[str, ...], ...]) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Per-category lists flattened: values, offsets and lengths."""
    lengths = np.array([len(x) for x in lists])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return pl.Series([v for x in lists for v in x], dtype=pl.String), offsets, lengths


def _labels(labels: tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(labels, dtype=pl.String).gather(index)


def _pick(rng: np.random.Generator, values: tuple[str, ...] | pl.Series, size: int) -> pl.Series:
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.String)
    return series.gather(rng.integers(0, series.len(), size))


def _pick_by_category(
    rng: np.random.Generator, lists: tuple[tuple[str, ...], ...], cat: np.ndarray
) -> pl.Series:
    values, offsets, lengths = _flat(lists)
    index = offsets[cat] + (rng.random(cat.size) * lengths[cat]).astype(np.int64)
    return values.gather(index)


def _day_weights(
    first_date: date, as_of: date, cal: WorkingCalendar, amplitude: float, *, digital: bool
) -> np.ndarray:
    days = np.arange(np.datetime64(first_date), np.datetime64(as_of) + 1, dtype="datetime64[D]")
    ordinal = days.astype(np.int64)
    weekday = (ordinal + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    day_of_year = (days - days.astype("datetime64[Y]")).astype(np.int64)
    holiday = np.isin(days, np.array(cal.holidays, dtype="datetime64[D]"))
    month = (days.astype("datetime64[M]") - days.astype("datetime64[Y]")).astype(np.int64)
    day_of_month = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    christmas_week = (month == 11) & (day_of_month >= 27)
    by_weekday = np.array([1.25, 1.12, 1.06, 1.02, 0.9, 0.0, 0.0])
    closed = 0.33 if digital else 0.02
    weight = np.where((weekday >= 5) | holiday, closed, by_weekday[weekday])
    weight = np.where(christmas_week & (weekday < 5) & ~holiday, weight * 0.5, weight)
    season = 1 + amplitude * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    growth = 1 + 0.12 * (ordinal - ordinal[0]) / 365.25
    return weight * season * growth


def _clean_frame(
    rng: np.random.Generator, rows: int, cal: WorkingCalendar, first_date: date, as_of: date
) -> pl.DataFrame:
    table = _CATEGORY_TABLE
    # residents: heavy-tailed complaint rates; each keeps one home, tenure and vulnerability
    per_resident = np.minimum(rng.zipf(3.1, rows + 1), 40)
    pool = int(np.searchsorted(np.cumsum(per_resident), rows)) + 1
    resident = rng.permutation(np.repeat(np.arange(pool), per_resident[:pool])[:rows])
    # distinct tenant and property numbers: random steps up from 1,000,000, shuffled
    step = max(2, 8_000_000 // (2 * pool))
    numbers = rng.permutation(1_000_000 + np.cumsum(rng.integers(1, step, 2 * pool)))
    pool_tenure = _choice(rng, (88, 10, 2), pool)
    pool_vulnerable = rng.random(pool) < 0.2
    pool_vulnerability = _choice(rng, _VULNERABILITY_WEIGHTS, pool)
    tenure = pool_tenure[resident]
    vulnerable = pool_vulnerable[resident]

    lcho = (tenure == TENURES.index("LCHO")).astype(np.int64)
    cat = _choice_by_group(rng, np.array([[r[1] for r in table], [r[2] for r in table]]), lcho)
    channel = _choice(rng, [_CHANNEL_WEIGHTS[c] for c in CHANNELS], rows)
    digital = np.isin(channel, [CHANNELS.index(c) for c in _DIGITAL])

    # received dates: one day distribution per (category, digital or not)
    group = cat * 2 + digital
    day = np.zeros(rows, dtype=np.int64)
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        weights = _day_weights(first_date, as_of, cal, table[g // 2][3], digital=bool(g % 2))
        day[members] = rng.choice(weights.size, size=members.size, p=weights / weights.sum())
    order = np.lexsort((rng.random(rows), day))
    resident, tenure, vulnerable, cat, channel, day = (
        a[order] for a in (resident, tenure, vulnerable, cat, channel, day)
    )
    received = np.datetime64(first_date) + day.astype("timedelta64[D]")

    # stage 1 timings, in working days
    ack_late = rng.random(rows) < np.where(vulnerable, 0.15, 0.085)
    n_ack = np.where(
        ack_late,
        np.minimum(5 + rng.geometric(0.3, rows), 30),
        _choice(rng, (10, 30, 22, 16, 12, 10), rows),
    )
    extended = rng.random(rows) < 0.10
    ext_values = np.array([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20])
    ext = ext_values[_choice(rng, (2, 3, 3, 22, 5, 7, 6, 4, 32, 4, 7, 5), rows)]
    resp_late = rng.random(rows) < np.where(vulnerable, 0.25, 0.165)
    n_resp, n_notify = _response_days(rng, rows, 10, np.where(extended, ext, 0), resp_late)

    p_outcome = np.array([[r[4], 0.25, 0.70 - r[4], 0.05] for r in table])
    outcome = _choice_by_group(rng, p_outcome, cat)
    upheldish = outcome <= 1
    p_escalate = np.array([0.17, 0.18, 0.13, 0.0])[outcome] * np.where(cat == _DAMP, 1.4, 1.0)
    escalated = rng.random(rows) < p_escalate

    # stage 2 timings
    n2_ack = np.where(
        rng.random(rows) < np.where(vulnerable, 0.16, 0.11),
        np.minimum(5 + rng.geometric(0.3, rows), 30),
        _choice(rng, (8, 28, 24, 18, 12, 10), rows),
    )
    extended2 = rng.random(rows) < 0.12
    ext2 = np.array([5, 10, 15, 20, 25, 30])[_choice(rng, (10, 30, 20, 30, 6, 4), rows)]
    resp2_late = rng.random(rows) < np.where(vulnerable, 0.30, 0.22)
    n2_resp, n2_notify = _response_days(rng, rows, 20, np.where(extended2, ext2, 0), resp2_late)
    outcome2 = _choice(rng, (25, 25, 47, 3), rows)

    # staff: stage 1 officers and (distinct) senior officers for stage 2
    n1, n2 = int(np.clip(rows // 120, 6, 300)), int(np.clip(rows // 1500, 3, 60))
    staff = rng.choice(9000, size=n1 + n2, replace=False) + 1000
    handler1 = staff[_choice(rng, rng.dirichlet(np.full(n1, 3.0)), rows)]
    handler2 = staff[n1 + _choice(rng, rng.dirichlet(np.full(n2, 3.0)), rows)]
    handler2 = np.where(rng.random(rows) < 0.02, handler1, handler2)

    # compensation, pounds in steps of 5
    median = np.array([r[5] for r in table])[cat]
    amount = np.clip(np.round(rng.lognormal(np.log(median), 0.8) / 5) * 5, 25, 1500)
    compensated = rng.random(rows) < np.where(outcome == 0, 0.65, 0.45)
    s2_extra = np.round(rng.lognormal(np.log(100), 0.7, rows) / 5) * 5

    root_kind = rng.random(rows)  # < 0.07 blank, < 0.15 "other", else the category's list
    no_fault = rng.random(rows) < 0.5

    w = pl.DataFrame(
        {
            "received": pl.Series(received, dtype=pl.Date),
            "n_ack": n_ack,
            "ack_missing": rng.random(rows) < 0.02,
            "extended": extended,
            "ext": ext,
            "good": rng.random(rows) < 0.5,
            "n_notify": n_notify,
            "n_resp": n_resp,
            "never": rng.random(rows) < 0.003,
            "outcome": _labels(STAGE1_OUTCOMES, outcome),
            "escalated": escalated,
            "gap": rng.integers(1, 31, rows),
            "n2_ack": n2_ack,
            "ack2_missing": rng.random(rows) < 0.02,
            "extended2": extended2,
            "ext2": ext2,
            "good2": rng.random(rows) < 0.5,
            "n2_notify": n2_notify,
            "n2_resp": n2_resp,
            "outcome2": _labels(STAGE1_OUTCOMES, outcome2),
            "upheldish": upheldish,
            "upheldish2": outcome2 <= 1,
            "compensated": compensated,
            "amount": amount,
            "s2_extra": s2_extra,
            "root_kind": root_kind,
            "no_fault": no_fault,
            "handler1": handler1,
            "handler2": handler2,
        }
    )
    add = cal.add_working_days
    limit = pl.lit(as_of)
    c = pl.col
    w = w.with_columns(ack=add(c("received"), c("n_ack")))
    w = w.with_columns(base=pl.when(c("ack_missing")).then(c("received")).otherwise(c("ack")))
    w = w.with_columns(
        notified=add(c("base"), c("n_notify")),
        response=add(c("base"), c("n_resp")),
    )
    w = w.with_columns(
        ack=pl.when(~c("ack_missing") & (c("ack") <= limit)).then(c("ack")),
        response=pl.when(~c("never") & (c("response") <= limit)).then(c("response")),
        notified=pl.when(c("extended") & (c("notified") <= limit)).then(c("notified")),
    )
    w = w.with_columns(
        outcome=pl.when(c("response").is_not_null()).then(c("outcome")),
        requested=pl.when(c("escalated") & c("response").is_not_null()).then(
            c("response") + pl.duration(days=c("gap"))
        ),
    )
    w = w.with_columns(requested=pl.when(c("requested") <= limit).then(c("requested")))
    w = w.with_columns(ack2=add(c("requested"), c("n2_ack")))
    w = w.with_columns(base2=pl.when(c("ack2_missing")).then(c("requested")).otherwise(c("ack2")))
    w = w.with_columns(
        notified2=add(c("base2"), c("n2_notify")),
        response2=add(c("base2"), c("n2_resp")),
    )
    w = w.with_columns(
        ack2=pl.when(~c("ack2_missing") & (c("ack2") <= limit)).then(c("ack2")),
        response2=pl.when(c("response2") <= limit).then(c("response2")),
        notified2=pl.when(c("extended2") & (c("notified2") <= limit)).then(c("notified2")),
    )
    decided = c("outcome").is_in(["upheld", "partially_upheld"])
    decided2 = c("response2").is_not_null() & c("upheldish2")
    stage1_money = pl.when(decided & c("compensated")).then(c("amount"))
    money = (
        pl.when(decided2)
        .then((stage1_money.fill_null(0) * 1.5 + c("s2_extra")).clip(25, 1500).round(0))
        .otherwise(stage1_money)
    )
    ext_days = pl.when(c("notified").is_not_null()).then(c("ext"))
    ext2_days = pl.when(c("notified2").is_not_null()).then(c("ext2"))
    staff_ref = pl.format("EMP{}", c("handler1").cast(pl.String))
    frame = w.select(
        stage1_received_date=c("received"),
        stage1_acknowledged_date=c("ack"),
        stage1_extension_days=ext_days,
        stage1_extension_good_reason=pl.when(ext_days > 10).then(c("good")),
        stage1_extension_notified_date=c("notified"),
        stage1_response_date=c("response"),
        stage1_outcome=c("outcome"),
        stage1_handler_id=pl.when(c("ack").is_not_null() | c("response").is_not_null()).then(
            staff_ref
        ),
        stage2_requested_date=c("requested"),
        stage2_acknowledged_date=c("ack2"),
        stage2_extension_days=ext2_days,
        stage2_extension_good_reason=pl.when(ext2_days > 20).then(c("good2")),
        stage2_extension_notified_date=c("notified2"),
        stage2_response_date=c("response2"),
        stage2_outcome=pl.when(c("response2").is_not_null()).then(c("outcome2")),
        stage2_handler_id=pl.when(c("ack2").is_not_null() | c("response2").is_not_null()).then(
            pl.format("EMP{}", c("handler2").cast(pl.String))
        ),
        compensation_gbp=money.cast(pl.Float64),
        _responded=c("response").is_not_null(),
        _root_kind=c("root_kind"),
        _no_fault=c("no_fault") & (c("outcome") == "not_upheld"),
        _withdrawn=c("outcome") == "withdrawn",
        _remedy=decided | decided2,
        _paid=money.is_not_null(),
        _money=money,
    )

    # text columns
    personal = _personal_details(rng, rows)
    written = np.isin(channel, [CHANNELS.index(c) for c in _WRITTEN])
    voice = np.where(channel == CHANNELS.index("phone"), 0, np.where(written, 1, 2))
    opening = _pick_by_category(
        rng, tuple(tuple(f"{a}|{b}" for a, b in o) for o in _OPENINGS), voice
    )
    description = pl.DataFrame(
        {
            "a": opening.str.split_exact("|", 1).struct[0],
            "b": _pick_by_category(rng, _ISSUES, cat),
            "c": opening.str.split_exact("|", 1).struct[1],
            "d": _pick(rng, _DURATIONS, rows),
            "e": _pick(rng, _IMPACTS, rows),
            "f": _pick(rng, _ASKS, rows),
            "g": personal,
        }
    ).select(pl.concat_str(pl.all(), ignore_nulls=True).alias("description"))
    root = _pick_by_category(rng, _ROOT_CAUSES, cat)
    action = _pick_by_category(rng, _ACTIONS, cat)
    apology = _pick(rng, _APOLOGIES, rows)
    numbers_t = pl.Series(numbers[resident], dtype=pl.Int64)
    numbers_p = pl.Series(numbers[pool + resident], dtype=pl.Int64)
    extra = pl.DataFrame(
        {
            "root": root,
            "action": action,
            "apology": apology,
            "tenant": numbers_t,
            "property": numbers_p,
            "vul": _labels(_VULNERABILITIES, pool_vulnerability[resident]),
            "vulnerable": vulnerable,
            "tenure": _labels(TENURES, tenure),
            "category": _labels(CATEGORIES, cat),
            "channel": _labels(CHANNELS, channel),
        }
    )
    frame = pl.concat([frame, description, extra], how="horizontal")
    pounds = c("_money").cast(pl.Int64).cast(pl.String)
    frame = frame.with_columns(
        complaint_id=pl.format("CMP{}", (pl.int_range(pl.len()) + 100_001).cast(pl.String)),
        root_cause=pl.when(~c("_responded") | c("_withdrawn") | (c("_root_kind") < 0.07))
        .then(None)
        .when(c("_no_fault"))
        .then(pl.lit("no service failure identified"))
        .when(c("_root_kind") < 0.15)
        .then(pl.lit("other"))
        .otherwise(c("root")),
        remedy=pl.when(c("_remedy")).then(
            pl.concat_str(
                c("apology"),
                pl.lit("; "),
                c("action"),
                pl.when(c("_paid")).then(pl.format("; £{} compensation offered", pounds)),
                ignore_nulls=True,
            )
        ),
        vulnerability=pl.when(c("vulnerable")).then(c("vul")),
        not_accepted_reason=_not_accepted(),
        tenant_ref=pl.format("T{}", c("tenant").cast(pl.String).str.zfill(7)),
        property_ref=pl.format("P{}", c("property").cast(pl.String).str.zfill(7)),
        learning_note=pl.lit(None, pl.String),  # not drawn: few systems record it yet
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items())


#: why a complaint was not taken into the process (Code 2.2's kinds of exclusion)
_NOT_ACCEPTED = (
    "raised more than 12 months after the issue",
    "legal proceedings already started",
    "already through the complaints process",
    "a request for service, not a complaint",
)


def _not_accepted() -> pl.Expr:
    """About 1 in 16 answered, unescalated, not-upheld complaints: refused, with a reason.

    Chosen by a multiplicative hash of the row number (Knuth's constant), not the random
    generator, so every other value of a sample is the same as before this column existed.
    """
    c = pl.col
    eligible = (
        c("_responded")
        & (c("stage1_outcome") == "not_upheld")
        & c("stage2_requested_date").is_null()
    )
    draw = (pl.int_range(pl.len(), dtype=pl.UInt64) * 2_654_435_761 % 2**32) // 2**8
    reason = pl.lit(pl.Series(_NOT_ACCEPTED)).get((draw // 16 % len(_NOT_ACCEPTED)).cast(pl.Int64))
    return pl.when(eligible & (draw % 16 == 0)).then(reason)


def _response_days(
    rng: np.random.Generator, rows: int, limit: int, ext: np.ndarray, late: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Working days to the response and to the extension notice, from the start of the clock.

    On time answers bunch towards the agreed date; late ones run a geometric tail past it.
    Extensions are usually notified within the original limit, about 10% after it.
    """
    agreed = limit + ext
    low = np.where(ext > 0, limit - 2, 2)
    on_time = low + np.floor((agreed - low + 1) * rng.random(rows) ** 0.6).astype(np.int64)
    on_time = np.minimum(on_time, agreed)
    overdue = agreed + np.minimum(rng.geometric(0.12, rows), 60)
    respond = np.where(late, overdue, on_time)
    notify = np.where(
        rng.random(rows) < 0.9,
        rng.integers(limit // 3, limit + 1, rows),
        limit + rng.integers(1, 5, rows),
    )
    return respond, np.clip(notify, 1, np.maximum(respond - 1, 1))


def _personal_details(rng: np.random.Generator, rows: int) -> pl.Series:
    """About 8% of rows: a fictitious name, address, phone number or email address."""
    parts = pl.DataFrame(
        {
            "kind": _choice(rng, (92, 2.5, 2, 1.5, 2), rows),  # none, phone, home, email, all
            "title": _pick(rng, _TITLES, rows),
            "initial": _pick(rng, tuple("ABCDEFGHJKLMNPRSTW"), rows),
            "surname": _pick(rng, _SURNAMES, rows),
            "phone": pl.Series(rng.integers(0, 1000, rows)).cast(pl.String).str.zfill(3),
            "house": pl.Series(rng.integers(1, 200, rows)).cast(pl.String),
            "street": _pick(rng, _STREETS, rows),
            "domain": _pick(rng, ("example.com", "example.invalid"), rows),
        }
    )
    c = pl.col
    name = pl.format("{} {} {}", c("title"), c("initial"), c("surname"))
    address = pl.format("{} {}", c("house"), c("street"))
    email = pl.format(
        "{}.{}@{}", c("initial").str.to_lowercase(), c("surname").str.to_lowercase(), c("domain")
    )
    return parts.select(
        pl.when(c("kind") == 1)
        .then(pl.format(" Contact {} on 07700 900{}.", name, c("phone")))
        .when(c("kind") == 2)
        .then(pl.format(" Lives at {}.", address))
        .when(c("kind") == 3)
        .then(pl.format(" Email {}.", email))
        .when(c("kind") == 4)
        .then(pl.format(" Spoke to {} at {}, 07700 900{}.", name, address, c("phone")))
        .alias("personal")
    ).to_series()


# --- the text export and its defects -------------------------------------------------


def _money_text(expr: pl.Expr) -> pl.Expr:
    pence = (expr * 100).round(0).cast(pl.Int64)
    sign = pl.when(pence < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = (pence.abs() // 100).cast(pl.String)
    return pl.format("{}{}.{}", sign, whole, (pence.abs() % 100).cast(pl.String).str.zfill(2))


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as a spreadsheet export writes it."""
    exprs = []
    for column in COLUMNS:
        col = pl.col(column.name)
        if column.dtype == pl.Date():
            col = col.dt.strftime("%d/%m/%Y")
        elif column.dtype == pl.Boolean():
            col = pl.when(col).then(pl.lit("Yes")).when(~col).then(pl.lit("No"))
        elif column.dtype == pl.Float64():
            col = _money_text(col)
        else:
            col = col.cast(pl.String)
        exprs.append(col.cast(pl.String).alias(column.name))
    return frame.select(exprs)


def _defect_rows(
    rng: np.random.Generator, frame: pl.DataFrame, total: int
) -> dict[str, np.ndarray]:
    """Rows for each defect, one defect per row, each kind on rows where it makes sense."""
    codes = list(_DEFECT_WEIGHTS)
    weights = np.array([_DEFECT_WEIGHTS[k] for k in codes], dtype=float)
    weights /= weights.sum()
    if total >= len(codes):  # every kind at least once
        counts = 1 + rng.multinomial(total - len(codes), weights)
    else:
        counts = rng.multinomial(total, weights)
    n = frame.height
    has = {name: frame[name].is_not_null().to_numpy() for name in frame.columns}
    anywhere = np.ones(n, dtype=bool)
    eligible = {
        "missing_id": anywhere,
        "duplicate_id": np.arange(n) >= 1,
        "missing_received_date": anywhere,
        "unreadable_date": anywhere,
        "ack_before_receipt": has["stage1_acknowledged_date"],
        "response_before_receipt": has["stage1_response_date"],
        "stage2_before_stage1": has["stage2_requested_date"],
        "stage2_ack_before_request": has["stage2_acknowledged_date"],
        "non_whole_number": has["stage1_extension_days"] | has["stage2_extension_days"],
        "negative_compensation": has["compensation_gbp"],
        "label_variant": anywhere,
        "unknown_label": has["stage1_outcome"],
    }
    shuffled = rng.permutation(n)
    used = np.zeros(n, dtype=bool)
    chosen: dict[str, np.ndarray] = {}
    for code, count in zip(codes, counts, strict=True):
        free = shuffled[eligible[code][shuffled] & ~used[shuffled]]
        chosen[code] = np.sort(free[:count])
        used[chosen[code]] = True
    return chosen


def _plant_defects(
    rng: np.random.Generator, frame: pl.DataFrame, text: pl.DataFrame, total: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Plant ``total`` defects, one per row; return the text frame and the manifest."""
    chosen = _defect_rows(rng, frame, total)
    used = np.zeros(frame.height, dtype=bool)
    for chosen_rows in chosen.values():
        used[chosen_rows] = True
    c = pl.col

    def rows_of(code: str) -> pl.DataFrame:
        rows = chosen[code]
        return frame.select(pl.all().gather(pl.lit(pl.Series(rows, dtype=pl.Int64)))).with_columns(
            _row=pl.lit(pl.Series(rows, dtype=pl.Int64)),
            _u=pl.lit(pl.Series(rng.random(rows.size))),
            _k=pl.lit(pl.Series(rng.integers(0, 1 << 30, rows.size))),
        )

    def days_before(name: str, most: int) -> pl.Expr:
        back = (c("_k") % most + 1).cast(pl.String)
        return c(name).dt.offset_by(pl.format("-{}d", back)).dt.strftime("%d/%m/%Y")

    def one_of(values: tuple[str, ...]) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=pl.String)).gather(c("_k") % len(values))

    # a duplicate copies the id of the nearest clean row some way above it
    duplicates = chosen["duplicate_id"]
    clean_before = np.maximum.accumulate(np.where(used, -1, np.arange(frame.height)))
    copied = clean_before[np.maximum(duplicates - rng.integers(1, 30, duplicates.size), 0)]
    chosen["duplicate_id"] = duplicates[copied >= 0]
    copied_ids = frame["complaint_id"].gather(copied[copied >= 0])

    year = c("stage1_received_date").dt.year().cast(pl.String)
    ack, response = c("stage1_acknowledged_date"), c("stage1_response_date")
    unreadable_column = (
        pl.when((c("_u") < 0.45) | ack.is_null())
        .then(pl.lit("stage1_received_date"))
        .when((c("_u") < 0.75) | response.is_null())
        .then(pl.lit("stage1_acknowledged_date"))
        .otherwise(pl.lit("stage1_response_date"))
    )
    variant_column = (
        pl.when((c("_u") < 0.5) & c("stage1_outcome").is_not_null())
        .then(pl.lit("stage1_outcome"))
        .when(c("_u") < 0.8)
        .then(pl.lit("tenure"))
        .otherwise(pl.lit("channel"))
    )
    variants = {
        f"{name}|{label}|{k}": value
        for name, labels in _LABEL_VARIANTS.items()
        for label, values in labels.items()
        for k, value in enumerate(values)
    }
    current_label = (
        pl.when(c("_column") == "stage1_outcome")
        .then(c("stage1_outcome"))
        .when(c("_column") == "tenure")
        .then(c("tenure"))
        .otherwise(c("channel"))
    )
    plans: dict[str, tuple[pl.Expr, pl.Expr]] = {
        "missing_id": (pl.lit("complaint_id"), pl.lit(None, pl.String)),
        "duplicate_id": (pl.lit("complaint_id"), c("_copied")),
        "missing_received_date": (pl.lit("stage1_received_date"), pl.lit(None, pl.String)),
        "unreadable_date": (
            unreadable_column,
            one_of(_UNREADABLE_DATES).str.replace("{y}", year, literal=True),
        ),
        "ack_before_receipt": (
            pl.lit("stage1_acknowledged_date"),
            days_before("stage1_received_date", 10),
        ),
        "response_before_receipt": (
            pl.lit("stage1_response_date"),
            days_before("stage1_received_date", 20),
        ),
        "stage2_before_stage1": (
            pl.lit("stage2_requested_date"),
            days_before("stage1_received_date", 30),
        ),
        "stage2_ack_before_request": (
            pl.lit("stage2_acknowledged_date"),
            days_before("stage2_requested_date", 10),
        ),
        "non_whole_number": (
            pl.when(c("stage1_extension_days").is_not_null())
            .then(pl.lit("stage1_extension_days"))
            .otherwise(pl.lit("stage2_extension_days")),
            one_of(("2.5", "7.5", "0.5", "10.5")),
        ),
        "negative_compensation": (
            pl.lit("compensation_gbp"),
            _money_text(-c("compensation_gbp")),
        ),
        "label_variant": (
            variant_column,
            pl.format("{}|{}|{}", c("_column"), current_label, c("_k") % 3).replace_strict(
                variants, return_dtype=pl.String
            ),
        ),
        "unknown_label": (pl.lit("stage1_outcome"), one_of(_UNKNOWN_OUTCOMES)),
    }
    parts = []
    for code, (column, value) in plans.items():
        planted = rows_of(code)
        if code == "duplicate_id":
            planted = planted.with_columns(_copied=copied_ids)
        parts.append(
            planted.with_columns(_column=column).select(
                row=c("_row"),
                defect=pl.lit(code),
                column=c("_column").cast(pl.String),
                value=value.cast(pl.String),
            )
        )
    manifest = pl.concat(parts).sort("row")
    text = text.clone()
    for (name,), group in manifest.group_by("column", maintain_order=True):
        series = text[str(name)].clone()
        series.scatter(group["row"].to_numpy(), group["value"])
        text = text.with_columns(series)
    defects = manifest.select(
        complaint_id=text["complaint_id"].gather(manifest["row"].to_numpy()),
        source_row=c("row") + 2,
        defect="defect",
        column="column",
    )
    return text, defects


def _typed_with_defects(
    sample: Sample, defects: pl.DataFrame, *, whole_numbers: bool
) -> pl.DataFrame:
    """The clean frame with ``defects`` planted in typed form (read back from the text)."""
    frame = sample.frame
    if not whole_numbers:
        frame = frame.with_columns(
            pl.col("stage1_extension_days", "stage2_extension_days").cast(pl.Float64)
        )
    for (name,), group in defects.group_by("column", maintain_order=True):
        column = str(name)
        rows = (group["source_row"] - 2).to_numpy()
        raw = sample.text[column].gather(rows)
        dtype = frame.schema[column]
        is_date = dtype == pl.Date
        values = raw.str.to_date("%d/%m/%Y", strict=True) if is_date else raw.cast(dtype)
        series = frame[column].clone()
        series.scatter(rows, values)
        frame = frame.with_columns(series)
    return frame
