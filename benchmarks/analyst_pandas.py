"""CH01 and CH02 as an analyst would compute them with pandas and numpy.busday_count.

The alternative auditlib is measured against (``benchmarks/bench_scale.py``): a plain,
vectorised pandas script of the kind a performance analyst writes for the year-end
return. It reads the extract (Parquet, or CSV with day-first dates), drops the rows
that cannot be audited (blank or repeated reference, blank or unreadable date, a
number or yes/no that cannot be read, events out of order), applies the Code's clocks
with the same conventions as auditlib (working days after the event up to and
including the next, the response clock from the acknowledgement or else receipt, an
extension over the cap without a good reason counted up to the cap, an extension
notified after the original deadline not counted) and prints the ten figures as JSON.

It imports nothing from auditlib: the bank holidays come from the ``holidays`` package
(England and Wales), or from a CSV with a ``date`` column (``--holidays``). The
benchmark checks that its figures equal ``auditlib metrics`` on the same file before
timing either.

    python benchmarks/analyst_pandas.py EXTRACT --period-start 2025-04-01 \
        --period-end 2026-03-31 --homes 10000
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import pandas as pd

DATES = [
    "stage1_received_date",
    "stage1_acknowledged_date",
    "stage1_extension_notified_date",
    "stage1_response_date",
    "stage2_requested_date",
    "stage2_acknowledged_date",
    "stage2_extension_notified_date",
    "stage2_response_date",
]
WHOLE = ["stage1_extension_days", "stage2_extension_days"]
FLAGS = ["stage1_extension_good_reason", "stage2_extension_good_reason"]
COLUMNS = ["complaint_id", *DATES, *WHOLE, *FLAGS, "compensation_gbp"]
# stage: (start, ack, response, extension, good reason, notified, days, extension cap)
STAGES = {
    1: ("stage1_received_date", "stage1_acknowledged_date", "stage1_response_date",
        "stage1_extension_days", "stage1_extension_good_reason",
        "stage1_extension_notified_date", 10, 10),
    2: ("stage2_requested_date", "stage2_acknowledged_date", "stage2_response_date",
        "stage2_extension_days", "stage2_extension_good_reason",
        "stage2_extension_notified_date", 20, 20),
}  # fmt: skip
ORDER = [
    ("stage1_acknowledged_date", "stage1_received_date"),
    ("stage1_response_date", "stage1_received_date"),
    ("stage2_requested_date", "stage1_received_date"),
    ("stage2_acknowledged_date", "stage2_requested_date"),
    ("stage2_response_date", "stage2_requested_date"),
]


def read(path: str) -> tuple[pd.DataFrame, pd.Series]:
    """The extract with typed columns, and which rows hold a value that cannot be read."""
    if path.endswith(".parquet"):
        df = pd.read_parquet(path, columns=COLUMNS)
        for c in DATES:
            df[c] = pd.to_datetime(df[c])
        return df, pd.Series(False, index=df.index)
    raw = pd.read_csv(path, usecols=COLUMNS, dtype=str, keep_default_na=False)
    raw = raw.apply(lambda s: s.str.strip()).replace({"": None})
    df = pd.DataFrame(index=raw.index)
    unreadable = pd.Series(False, index=raw.index)
    df["complaint_id"] = raw["complaint_id"]
    for c in DATES:
        df[c] = pd.to_datetime(raw[c], format="%d/%m/%Y", errors="coerce")
        unreadable |= raw[c].notna() & df[c].isna()
    for c in WHOLE:
        number = pd.to_numeric(raw[c], errors="coerce")
        df[c] = number.where(number == number.round())
        unreadable |= raw[c].notna() & df[c].isna()
    for c in FLAGS:
        text = raw[c].str.lower()
        df[c] = text.map({"yes": True, "y": True, "true": True, "no": False, "n": False,
                          "false": False})  # fmt: skip
        unreadable |= raw[c].notna() & df[c].isna()
    money = pd.to_numeric(raw["compensation_gbp"].str.replace(r"[£,\s]", "", regex=True),
                          errors="coerce")  # fmt: skip
    unreadable |= raw["compensation_gbp"].notna() & money.isna()
    return df, unreadable


def figures(df: pd.DataFrame, start: str, end: str, homes: int, holidays: np.ndarray) -> dict:
    """The ten figures of the TSM return for one period."""
    first, last = np.datetime64(start, "D"), np.datetime64(end, "D")
    out: dict = {}
    for n, (begin, ack, resp, ext, good, notified, days, cap) in STAGES.items():
        begun = df[begin].notna()
        clock = df[ack].fillna(df[begin]).to_numpy("datetime64[D]")
        answered = df[resp].to_numpy("datetime64[D]")
        ok = begun.to_numpy() & ~np.isnat(answered)
        taken = np.full(len(df), -1, dtype=np.int64)
        # working days after the clock starts, up to and including the response
        taken[ok] = np.busday_count(clock[ok] + 1, answered[ok] + 1, holidays=holidays)
        agreed = df[ext].fillna(0).clip(lower=0).to_numpy()
        over = (agreed > cap) & ~df[good].fillna(False).astype(bool).to_numpy()
        credited = np.where(over, cap, agreed)
        due = np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]")
        has_clock = begun.to_numpy()
        due[has_clock] = np.busday_offset(clock[has_clock], days, roll="backward",
                                          holidays=holidays)  # fmt: skip
        told = df[notified].to_numpy("datetime64[D]")
        credited = np.where(~np.isnat(told) & (told > due), 0, credited)
        within = ok & (taken <= days + credited)
        received = df[begin].to_numpy("datetime64[D]")
        in_period = (received >= first) & (received <= last)
        answered_in = ok & (answered >= first) & (answered <= last)
        out[f"stage{n}_received"] = int(in_period.sum())
        out[f"stage{n}_responded"] = int(answered_in.sum())
        out[f"stage{n}_responded_within"] = int((answered_in & within).sum())
    result = {}
    for n in (1, 2):
        received, answered = out[f"stage{n}_received"], out[f"stage{n}_responded"]
        within = out[f"stage{n}_responded_within"]
        result[f"stage{n}_received"] = received
        result[f"ch01_stage{n}_per_1000"] = round(received / homes * 1000, 2)
        result[f"stage{n}_responded"] = answered
        result[f"stage{n}_responded_within"] = within
        result[f"ch02_stage{n}_pct"] = round(within / answered * 100, 2) if answered else None
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract")
    parser.add_argument("--period-start", required=True)
    parser.add_argument("--period-end", required=True)
    parser.add_argument("--homes", type=int, required=True)
    parser.add_argument("--holidays", help="CSV with a 'date' column (default: the package)")
    args = parser.parse_args()
    if args.holidays:
        holidays = pd.read_csv(args.holidays)["date"].to_numpy("datetime64[D]")
    else:
        import holidays as package

        found = package.country_holidays("GB", subdiv="ENG", years=range(2015, 2031))
        holidays = np.array(sorted(found), dtype="datetime64[D]")
    df, unreadable = read(args.extract)
    cid = df["complaint_id"]
    bad = cid.isna() | (cid.notna() & cid.duplicated(keep=False))
    bad |= df["stage1_received_date"].isna() | unreadable
    for later, earlier in ORDER:
        bad |= df[later] < df[earlier]
    bad |= df["stage2_requested_date"].isna() & (
        df["stage2_acknowledged_date"].notna() | df["stage2_response_date"].notna()
    )
    used = df[~bad.to_numpy()]
    result = figures(used, args.period_start, args.period_end, args.homes, holidays)
    result["rows_used"] = len(used)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
