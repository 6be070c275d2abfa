"""Drafting a policy profile: each key, each phrasing, disagreements, real policies."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditlib.policy import PROFILE_KEYS, draft_profile, extract_profile, profile_values
from auditlib.policy.readers import PolicyDocument, paragraphs_from_lines

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"


def profile_of(text: str, *, markdown: bool = False) -> dict:
    """Draft a profile from policy text given inline."""
    paragraphs = paragraphs_from_lines(text.strip("\n").splitlines(), markdown=markdown)
    return draft_profile(PolicyDocument("inline.txt", "txt", tuple(paragraphs)))


def values(text: str) -> dict[str, object]:
    return profile_values(profile_of(text))


# ------------------------------------------------------------------ fixture files

FIXTURE_VALUES = {
    "compliant.md": {
        "stages": 2, "has_informal_stage": False,
        "stage1_ack_working_days": 5, "stage1_response_working_days": 10,
        "stage1_response_clock": "acknowledgement", "stage1_extension_working_days": 10,
        "stage2_ack_working_days": 5, "stage2_response_working_days": 20,
        "stage2_response_clock": "acknowledgement", "stage2_extension_working_days": 20,
        "complaint_time_limit_months": 12, "escalation_request_window": "one month",
        "uses_code_definition": True, "mentions_ombudsman": True,
        "mentions_self_assessment": True, "unacceptable_behaviour_policy": True,
        "compensation_policy": True,
    },
    "drifting.txt": {
        "stages": 3, "has_informal_stage": True,
        "stage1_ack_working_days": 2, "stage1_response_working_days": 10,
        "stage1_response_clock": "receipt", "stage1_extension_working_days": 15,
        "stage2_ack_working_days": 7, "stage2_response_working_days": 20,
        "stage2_response_clock": "original_complaint", "stage2_extension_working_days": None,
        "complaint_time_limit_months": 6, "escalation_request_window": "14 calendar days",
        "uses_code_definition": False, "mentions_ombudsman": False,
        "mentions_self_assessment": False, "unacceptable_behaviour_policy": False,
        "compensation_policy": False,
    },
    "words.md": {
        "stages": 2, "has_informal_stage": False,
        "stage1_ack_working_days": 3, "stage1_response_working_days": 10,
        "stage1_response_clock": "acknowledgement", "stage1_extension_working_days": None,
        "stage2_ack_working_days": 5, "stage2_response_working_days": 20,
        "stage2_response_clock": "request", "stage2_extension_working_days": None,
        "complaint_time_limit_months": None, "escalation_request_window": "twenty-eight days",
        "uses_code_definition": True, "mentions_ombudsman": False,
        "mentions_self_assessment": False, "unacceptable_behaviour_policy": True,
        "compensation_policy": False,
    },
    "calendar.txt": {
        "stages": 2, "stage1_ack_working_days": None, "stage1_response_working_days": None,
        "stage1_response_clock": "receipt", "stage2_response_working_days": None,
        "stage2_response_clock": "request", "complaint_time_limit_months": 12,
    },
    "silent.txt": {
        **dict.fromkeys(PROFILE_KEYS),
        "mentions_ombudsman": False, "mentions_self_assessment": False,
        "unacceptable_behaviour_policy": False, "compensation_policy": False,
    },
}


@pytest.mark.parametrize("name", sorted(FIXTURE_VALUES))
def test_fixture_policy_values(name):
    """Each synthetic policy yields the values written into it."""
    got = profile_values(extract_profile(FIXTURES / name))
    expected = FIXTURE_VALUES[name]
    assert {k: got[k] for k in expected} == expected


def test_profile_has_every_key_with_value_and_evidence():
    """Every key is an object with value, evidence and review."""
    profile = extract_profile(FIXTURES / "compliant.md")
    assert list(profile) == ["meta", *PROFILE_KEYS]
    for key in PROFILE_KEYS:
        assert {"value", "evidence", "review"} <= set(profile[key]), key


def test_stated_values_are_quoted_with_line_and_section():
    """A value comes with the sentence that states it, its line and its heading."""
    entry = extract_profile(FIXTURES / "compliant.md")["stage1_ack_working_days"]
    (evidence,) = entry["evidence"]
    assert "within five working days" in evidence["quote"]
    assert evidence["line"] == 33
    assert evidence["section"] == "Stage 1"
    assert entry["as_written"] == "five working days"


def test_calendar_units_are_reported_as_written_not_converted():
    """Calendar days, weeks and months keep their words; the working-day value is null."""
    profile = extract_profile(FIXTURES / "calendar.txt")
    ack = profile["stage1_ack_working_days"]
    assert (ack["value"], ack["as_written"], ack["unit"]) == (None, "5 calendar days",
                                                             "calendar_days")
    response = profile["stage1_response_working_days"]
    assert (response["value"], response["as_written"], response["unit"]) == (
        None, "two weeks", "weeks")
    assert profile["stage2_response_working_days"]["as_written"] == "one month"
    limit = profile["complaint_time_limit_months"]
    assert (limit["value"], limit["as_written"]) == (12, "one year")


def test_bare_days_need_review_unless_the_policy_defines_them():
    """'within five days' is unsure (working or calendar?) unless days are defined."""
    unsure = profile_of("Stage 1\n\nWe will acknowledge your complaint within five days.")
    entry = unsure["stage1_ack_working_days"]
    assert (entry["value"], entry["review"], entry["unit"]) == (None, True, "days")
    defined = profile_of(
        "All timescales in this policy are in working days.\n\nStage 1\n\n"
        "We will acknowledge your complaint within five days."
    )
    assert defined["stage1_ack_working_days"]["value"] == 5
    assert defined["stage1_ack_working_days"]["review"] is False


# ------------------------------------------------------------- phrasing variants


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stage 1\nWe will acknowledge your complaint within 5 working days.", 5),
        ("Stage One\nComplaints are acknowledged within five business days.", 5),
        ("First stage\nWe aim to acknowledge complaints within two working days.", 2),
        ("Stage 1: acknowledgement within three (3) working days of receipt.", 3),
        ("We will log and acknowledge a stage 1 complaint within 5 working days.", 5),
        ("Stage 1 - we register every complaint within ten work days.", 10),
    ],
)
def test_stage1_acknowledgement_phrasings(text, expected):
    """Digits, words, '(3)', business/work days and stage labels all read."""
    assert values(text)["stage1_ack_working_days"] == expected


@pytest.mark.parametrize(
    ("text", "days", "clock"),
    [
        ("Stage 1\nWe will respond within 10 working days of acknowledging your complaint.",
         10, "acknowledgement"),
        ("Stage One\nA full response will be sent within ten working days from the date "
         "we acknowledged the complaint.", 10, "acknowledgement"),
        ("Stage 1\nWe will reply within 10 working days of receiving your complaint.",
         10, "receipt"),
        ("Stage 1\nDecision: 15 working days from receipt of the complaint.", 15, "receipt"),
        ("Stage 1\nWe aim to resolve your complaint within twelve working days.", 12, None),
        ("Stage 1\nWe will write to you with our decision within 10 working days of the "
         "complaint being logged.", 10, "acknowledgement"),
    ],
)
def test_stage1_response_phrasings(text, days, clock):
    """The response time and the point its clock starts from are read from the wording."""
    got = values(text)
    assert (got["stage1_response_working_days"], got["stage1_response_clock"]) == (days, clock)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Stage 1\nIf we need longer we may extend this by up to 10 working days.", 10),
        ("Stage 1\nThis can be extended by a further ten working days.", 10),
        ("Stage 1\nAn extension of no more than an additional 15 working days may be agreed.",
         15),
    ],
)
def test_stage1_extension_phrasings(text, days):
    """'a further', 'extend by up to', 'an additional' all mark an extension."""
    assert values(text)["stage1_extension_working_days"] == days


@pytest.mark.parametrize(
    ("text", "ack", "days", "clock"),
    [
        ("Stage 2\nWe will acknowledge your escalation within 5 working days and respond "
         "within 20 working days of acknowledging it.", 5, 20, "acknowledgement"),
        ("Stage Two\nYour review request is acknowledged within five working days. A final "
         "response follows within twenty working days of your request.", 5, 20, "request"),
        ("Final stage (stage 2)\nWe will reply within 20 working days from receipt of the "
         "initial complaint.", None, 20, "original_complaint"),
        ("Second stage\nThe panel will decide within 25 working days of receiving your "
         "escalation request.", None, 25, "request"),
    ],
)
def test_stage2_phrasings(text, ack, days, clock):
    """Stage 2 acknowledgement, response and clock, whatever the stage is called."""
    got = values(text)
    assert (
        got["stage2_ack_working_days"], got["stage2_response_working_days"],
        got["stage2_response_clock"],
    ) == (ack, days, clock)


def test_stages_named_in_one_sentence_are_kept_apart():
    """'Stage 1 ... 10 days; stage 2 ... 20 days' assigns each number to its stage."""
    got = values("We respond to Stage 1 complaints within 10 working days and to Stage 2 "
                 "complaints within 20 working days.")
    assert (got["stage1_response_working_days"], got["stage2_response_working_days"]) == (10, 20)


def test_escalated_complaints_are_stage_2_without_a_heading():
    """'escalated complaints' in the sentence puts a timescale on stage 2."""
    got = values("We will respond to escalated complaints within 20 working days.")
    assert got["stage2_response_working_days"] == 20
    assert got["stage1_response_working_days"] is None


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We have a two-stage complaints process.", 2),
        ("Our complaints procedure has two stages.", 2),
        ("Stage 1\nWe investigate.\n\nStage 2\nA manager reviews.", 2),
        ("Stage 1\nWe investigate.\n\nStage 2\nA manager reviews.\n\nStage 3\nThe board.", 3),
        ("Stage 1 - we investigate.\n\nStage 2 - a manager reviews.\n\n"
         "Final Stage - the Chief Executive reviews.", 3),
        ("Stage 1 - we investigate.\n\nFinal stage - a director reviews.", 2),
        ("Stage 1 - we investigate.\n\nStage 2 (our final stage) - a director reviews.", 2),
        ("Stage 1 - we investigate.\n\nStage 2 - a director reviews. Stage 2 is the final "
         "stage of our process.\n\nFinal stage\nYou may then go to the Ombudsman.", 2),
        ("We try to put things right quickly.", None),
    ],
)
def test_number_of_stages(text, count):
    """Stated counts and named stages; a 'Final Stage' after stage 2 is a third stage."""
    assert values(text)["stages"] == count


def test_three_stage_labels_are_listed_for_the_reason():
    """The stage names found are kept so the gap can say which stages were described."""
    profile = profile_of("Stage 1 - we investigate.\n\nStage 2 - a manager reviews.\n\n"
                         "Final Stage - the Chief Executive reviews.")
    assert profile["stages"]["labels"] == ["Stage 1", "Stage 2", "Final Stage"]


@pytest.mark.parametrize(
    ("text", "informal"),
    [
        ("Informal complaints\nWe resolve these on the day.\n\nStage 1\nWe investigate.", True),
        ("Stage 0 - early resolution by the officer you speak to.\n\nStage 1\nWe investigate.",
         True),
        ("Stage 1\nWe log it as an informal complaint if fixed the same day.", True),
        ("We do not have an informal stage.\n\nStage 1\nWe investigate.", False),
        ("Stage 1\nWe investigate.\n\nStage 2\nWe review.", False),
        ("We may resolve your complaint informally or formally.", None),
        ("We issue an apology (whether informally or formally).\n\nStage 1\nWe investigate."
         "\n\nStage 2\nWe review.", False),
    ],
)
def test_informal_stage(text, informal):
    """A named informal step or stage 0 is found; 'informally' alone is not a stage."""
    assert values(text)["has_informal_stage"] is informal


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Complaints must be made within 12 months of the issue occurring.", 12),
        ("We will consider complaints about events in the last twelve months.", 12),
        ("We will not accept complaints about matters that happened over six months ago.", 6),
        ("Please complain within one year of becoming aware of the problem.", 12),
        ("Former tenants may complain within six months of their tenancy ending.", None),
        ("You may contact the Ombudsman within 12 months of our final response.", None),
    ],
)
def test_complaint_time_limit(text, months):
    """The time limit is tied to the issue, not to a tenancy or the Ombudsman."""
    assert values(text)["complaint_time_limit_months"] == months


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("Stage 1\nIf you are unhappy you can request escalation within 28 days of our "
         "Stage 1 response.", "28 days"),
        ("Stage 2\nThe Stage 2 request must be made within 20 working days of the Stage 1 "
         "decision.", "20 working days"),
        ("You should ask for a review within one month of receiving our response.",
         "one month"),
        ("Stage 2\nWe respond within 20 working days of your request.", None),
        ("Stage 3\nYou may appeal within 10 working days of the stage 2 response.", None),
    ],
)
def test_escalation_request_window(text, window):
    """The resident's time to ask for stage 2, as written; a third-stage window is not it."""
    assert values(text)["escalation_request_window"] == window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A complaint is an expression of dissatisfaction, however made, about the standard "
         "of service, actions or lack of action by the landlord, its own staff, or those "
         "acting on its behalf, affecting a resident or group of residents.", True),
        ("A complaint is an expression of dissatisfaction about the standard of service we "
         "provide.", False),
        ("We welcome feedback of all kinds.", None),
    ],
)
def test_code_definition(text, expected):
    """The Code's definition has each of its parts; a partial one is false with a note."""
    profile = profile_of(text)
    assert profile["uses_code_definition"]["value"] is expected
    if expected is False:
        assert "however made" in profile["uses_code_definition"]["note"]


def test_mention_keys():
    """Ombudsman, self-assessment, behaviour and compensation mentions are found and quoted."""
    profile = profile_of(
        "You can contact the Housing Ombudsman.\n\nWe self-assess against the Code each year."
        "\n\nWe manage unreasonably persistent complainants fairly.\n\n"
        "Payments follow our compensation procedure."
    )
    for key in ("mentions_ombudsman", "mentions_self_assessment",
                "unacceptable_behaviour_policy", "compensation_policy"):
        assert profile[key]["value"] is True, key
        assert profile[key]["evidence"], key


def test_compensation_mentioned_without_a_policy_is_false_with_a_note():
    """Saying compensation may be paid is not a compensation policy."""
    entry = profile_of("We may pay compensation in some cases.")["compensation_policy"]
    assert entry["value"] is False
    assert "no compensation policy" in entry["note"]


def test_ombudsman_and_closure_timescales_are_not_response_times():
    """Waiting eight weeks for the Ombudsman or closing after 28 days is not a target."""
    got = values("Stage 2\nYou can go to the Ombudsman eight weeks after our final response. "
                 "We close a complaint if there is no further contact after 28 days.")
    assert got["stage2_response_working_days"] is None
    assert got["escalation_request_window"] is None


# ------------------------------------------------------------------ disagreement


def test_disagreeing_sentences_are_all_quoted_and_flagged():
    """Two acknowledgement times: value null, both quoted, review true."""
    profile = extract_profile(FIXTURES / "conflicting.txt")
    ack = profile["stage1_ack_working_days"]
    assert ack["value"] is None
    assert ack["review"] is True
    assert ack["candidates"] == ["5 working days", "three working days"]
    assert [e["line"] for e in ack["evidence"]] == [9, 21]


def test_disagreeing_clock_and_stage_count_are_flagged():
    """A clock from acknowledgement and from receipt, or 'two-stage' with a Stage 3."""
    profile = extract_profile(FIXTURES / "conflicting.txt")
    clock = profile["stage1_response_clock"]
    assert (clock["value"], clock["review"], clock["candidates"]) == (
        None, True, ["acknowledgement", "receipt"])
    assert profile["stage1_response_working_days"]["value"] == 10
    stages = profile["stages"]
    assert (stages["value"], stages["review"], stages["candidates"]) == (None, True, [2, 3])
    limit = profile["complaint_time_limit_months"]
    assert (limit["value"], limit["review"]) == (None, True)


# --------------------------------------------------------------- speed and order


def test_twenty_page_policy_extracts_well_under_a_second(tmp_path):
    """A long policy (about 20 pages of text) drafts in well under a second."""
    block = (FIXTURES / "compliant.md").read_text(encoding="utf-8")
    path = tmp_path / "long.md"
    path.write_text(block * 12, encoding="utf-8")
    start = time.perf_counter()
    profile = extract_profile(path)
    assert time.perf_counter() - start < 1.0
    assert profile["stage1_ack_working_days"]["value"] == 5


def test_extraction_is_deterministic():
    """The same document always gives the same profile."""
    first = extract_profile(FIXTURES / "drifting.txt")
    assert extract_profile(FIXTURES / "drifting.txt") == first


# --------------------------------------------------------------- real policies

# Values worked out by reading each seed policy by hand.
SEED_VALUES = {
    # three stages (Stage 1, Stage 2, Final Stage) plus an "informal complaint" step;
    # acknowledgements "as soon as reasonably practicable" (no number); stage 1 reply in
    # 10 working days with no start point; stage 2 in 10 working days of the
    # acknowledgement; stage 2 to be asked for within 20 working days of the stage 1
    # response; no time limit for complaining (the twelve months is for the Ombudsman).
    "000_51dc9267e4b4cb66.txt": {
        "stages": 3, "has_informal_stage": True,
        "stage1_ack_working_days": None, "stage1_response_working_days": 10,
        "stage1_response_clock": None, "stage1_extension_working_days": None,
        "stage2_ack_working_days": None, "stage2_response_working_days": 10,
        "stage2_response_clock": "acknowledgement", "stage2_extension_working_days": None,
        "complaint_time_limit_months": None, "escalation_request_window": "20 working days",
        "uses_code_definition": True, "mentions_ombudsman": True,
        "mentions_self_assessment": False, "unacceptable_behaviour_policy": True,
        "compensation_policy": True,
    },
    # two stages; 5 + 10 working days (from acknowledgement) at stage 1, no number for
    # the stage 1 extension; stage 2: 5 days to acknowledge, 20 working days "from
    # receipt of the initial complaint", extension a further 10 working days; 12 months;
    # escalate within 28 days; "HO Self Assessment" in the document history.
    "002_e3cd89f8e037b9bb.txt": {
        "stages": 2, "has_informal_stage": False,
        "stage1_ack_working_days": 5, "stage1_response_working_days": 10,
        "stage1_response_clock": "acknowledgement", "stage1_extension_working_days": None,
        "stage2_ack_working_days": 5, "stage2_response_working_days": 20,
        "stage2_response_clock": "original_complaint", "stage2_extension_working_days": 10,
        "complaint_time_limit_months": 12, "escalation_request_window": "28 days",
        "uses_code_definition": True, "mentions_ombudsman": True,
        "mentions_self_assessment": True, "unacceptable_behaviour_policy": True,
        "compensation_policy": True,
    },
    # two-stage table: stage 1 decision in 10 working days from receipt, extendable by a
    # further 10; stage 2 in 20 working days after the escalation is acknowledged; no
    # acknowledgement times; twelve months (the six months is for former tenants).
    "004_eeda7720ef30d927.txt": {
        "stages": 2, "has_informal_stage": False,
        "stage1_ack_working_days": None, "stage1_response_working_days": 10,
        "stage1_response_clock": "receipt", "stage1_extension_working_days": 10,
        "stage2_ack_working_days": None, "stage2_response_working_days": 20,
        "stage2_response_clock": "acknowledgement", "stage2_extension_working_days": None,
        "complaint_time_limit_months": 12, "escalation_request_window": None,
        "uses_code_definition": True, "mentions_ombudsman": True,
        "mentions_self_assessment": True, "unacceptable_behaviour_policy": True,
        "compensation_policy": True,
    },
}


@pytest.mark.parametrize("name", sorted(SEED_VALUES))
def test_seed_policy_values(name):
    """Real landlords' policies give the values read from them by hand."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed policy {name} not present")
    profile = extract_profile(path)
    assert profile_values(profile) == SEED_VALUES[name]
    assert not any(profile[k]["review"] for k in PROFILE_KEYS)


def test_seed_three_stage_policy_evidence():
    """The three-stage seed quotes the Final Stage paragraph, with its line and section."""
    path = SEEDS / "000_51dc9267e4b4cb66.txt"
    if not path.exists():
        pytest.skip("seed policy not present")
    stages = extract_profile(path)["stages"]
    assert stages["labels"] == ["Stage 1", "Stage 2", "Final Stage"]
    assert [e["line"] for e in stages["evidence"]] == [165, 218, 283]


def test_informal_first_stage_is_an_informal_stage():
    """'Stage 1 (informal)' is a named informal stage, counted among the stages."""
    got = values("Stage 1 (informal) - the officer tries to resolve it.\n\n"
                 "Stage 2 (formal) - we investigate.\n\nStage 3 - a director reviews.")
    assert (got["has_informal_stage"], got["stages"]) == (True, 3)


def test_steps_are_not_stages():
    """'follow these three steps' does not make a three-stage process."""
    got = values("To complain, follow these three steps. We have a two-stage process.")
    assert got["stages"] == 2


@pytest.mark.parametrize(
    ("text", "ack", "response"),
    [
        ("| Stage | Step | Timescale |\n|---|---|---|\n"
         "| Stage 1 | Acknowledge | 5 working days |\n"
         "| Stage 1 | Full response | 10 working days from acknowledgement |", 5, 10),
        ("Stage 1 complaints will be responded to within 10 working days.", None, 10),
        ("Stage 1\nThe investigation will be completed within a maximum of 10 working days.",
         None, 10),
        ("Stage 1\nWe will contact you within 2 working days to discuss your complaint.",
         None, None),
    ],
)
def test_tables_and_other_phrasings(text, ack, response):
    """Markdown table rows and passive phrasings; a phone call is not an acknowledgement."""
    paragraphs = paragraphs_from_lines(text.splitlines(), markdown=True)
    got = profile_values(draft_profile(PolicyDocument("t.md", "md", tuple(paragraphs))))
    assert (got["stage1_ack_working_days"], got["stage1_response_working_days"]) == (
        ack, response)


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("Our response times\n\nStage one - 10 working days\nStage two - 20 working days",
         "stage1_response_working_days", 10),
        ("Our response times\n\nStage one - 10 working days\nStage two - 20 working days",
         "stage2_response_working_days", 20),
        ("Complaints should normally be raised within 6 months.",
         "complaint_time_limit_months", 6),
        ("Please make your complaint as soon as possible and within 12 months.",
         "complaint_time_limit_months", 12),
        ("Stage 1\nWe respond within 10 working days. If it takes longer we will tell you "
         "and it will not exceed 20 working days in total.",
         "stage1_extension_working_days", None),
        ("Stage 1\nYou will receive a full response within 10 working days of the date we "
         "acknowledged your complaint.", "stage1_response_clock", "acknowledgement"),
    ],
)
def test_timetable_rows_time_limits_and_totals(text, key, expected):
    """Rows under a 'response times' heading; 'complaints raised within'; totals skipped."""
    assert values(text)[key] == expected


def test_a_single_named_stage_is_not_a_count():
    """Naming only 'Stage 1' says nothing about how many stages there are."""
    profile = profile_of("Stage 1\nWe acknowledge your complaint within 5 working days.")
    assert profile["stages"]["value"] is None
    assert "only Stage 1" in profile["stages"]["note"]
