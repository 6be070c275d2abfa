"""Draft a policy profile from a landlord's own complaints policy.

Each profile key gets a value and the sentences that support it. The drafter reads
rather than guesses:

* a fact the document does not state is null;
* a timescale in calendar days, weeks or months keeps its words (``as_written``) and
  leaves the working-day value null; a bare "days" is reported the same way unless the
  policy says its days are working days;
* where sentences disagree, every one is quoted, the value is null and ``review`` is
  true, so a person decides.

A timescale is read from the words around its number: the nearest cue before it
(acknowledge, respond, a further..., escalate) says what it times, the words after it
("of receipt", "of the acknowledgement", "of the initial complaint") say when its
clock starts, and the stage comes from a stage named just before the number or from
the stage heading the sentence sits under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditlib.policy._text import (
    DURATION,
    INFORMAL,
    STAGE_LABEL,
    Sentence,
    number_value,
    sentences_of,
    stage_of,
    unit_kind,
)
from auditlib.policy.profile import PROFILE_KEYS, PROFILE_VERSION, empty_entry
from auditlib.policy.readers import PolicyDocument, read_policy

# ------------------------------------------------------------------------- cues

_I = re.IGNORECASE
_SKIP = re.compile(
    r"ombudsman|designated person|councillor|\bMPs?\b|tribunal|\bcourts?\b|"
    r"no further contact|\bclos(?:e|ed|ing|ure)\b|retain|destroy|tenancy|"
    r"compensation|pay(?:ment)?s?\b|hearing|panel",
    _I,
)
_NOT_DEADLINE = re.compile(
    r"\b(?:after|at least|wait(?:ing)?|minimum of|over|"
    r"(?<!no later )(?<!no more )(?<!not more )(?<!no longer )than)\s*$",
    _I,
)
#: "10 to 20 working days": a range, not one target
_RANGE = re.compile(r"\b\d{1,3}\s*(?:to|-|–|or)\s*$", _I)
#: an extension named just before its number ("another 10", "a further ten", "up to an
#: additional 20") or anywhere before it (extend, extension)
_EXT_NEAR = re.compile(
    r"\b(?:another|(?:a\s+)?further|(?:an\s+)?additional|extra|more)\s*$", _I
)
_EXT = re.compile(r"\bextend|\bextension|\blonger\b", _I)
_EXT_AFTER = re.compile(r"^\W*(?:extension|extra\b|more\b|longer\b)", _I)
#: acknowledgement by meaning: acknowledge, log, register, record, or telling the
#: resident that the complaint has been received
_ACK = re.compile(
    r"acknowledg|\blog(?:ged|s)?\b|\bregister|\brecord(?:ed|s)?\b|"
    r"(?:confirm\w*|let\s+you\s+know|tell\s+you|inform\s+you)\s+(?:that\s+)?"
    r"(?:we|they|it)(?:'ve|’ve|\s+have|\s+has)?\s+(?:received|got)|"
    r"confirmation\s+(?:that\s+)?we(?:'ve|’ve|\s+have)?\s+received",
    _I,
)
_ACK_AFTER = re.compile(
    r"^\W*(?:to|and)\s+(?:confirm|acknowledge|let\s+you\s+know\s+(?:that\s+)?we|tell\s+you\s+we)"
    r"(?!\w*\s+(?:the\s+)?(?:outcome|decision|findings))",
    _I,
)
_RESP = re.compile(
    r"respon[sd]|\brepl(?:y|ies)\b|decision|outcome|resol(?:ve|ution)|\bwrite\b|"
    r"\bwritten\b|\banswer|investigat|conclu|determin|\bdecide|\bdealt? with|complete|"
    r"\bhear\s+(?:back\s+)?from\s+us|\bfindings",
    _I,
)
_RESP_AFTER = re.compile(
    r"^[^.;]{0,70}?\b(?:investigat|respon[sd]|repl(?:y|ies)|decid|decision|resolve|review)", _I
)
#: a contact to introduce or discuss: not a deadline this profile records
_CONTACT = re.compile(
    r"\bcontact(?:ed)?\b(?!\s+details)|\bin\s+touch\b|\bintroduc|\bcall\s+you\b|"
    r"\bspeak\s+(?:to|with)\s+you\b",
    _I,
)
_WITH_RESPONSE = re.compile(
    r"^\W*(?:with|to\s+(?:give|provide|explain|tell\s+you|let\s+you\s+know))\b[^.;]{0,30}"
    r"(?:respon|decision|outcome|findings)",
    _I,
)
#: "if we cannot resolve it within ten working days ...": restates a target, weakly
_CONDITIONAL = re.compile(
    r"\bif\b[^.;]{0,50}\b(?:can(?:no|'|’)?t|cannot|unable|not\s+able)\b[^.;]{0,60}$", _I
)
#: a start point named a little after the number ("a 10-working day response time for a
#: full investigation from the date of receipt")
_LATE_ANCHOR = re.compile(
    r"^[^.;,]{0,50}?\b(?:from|of)\s+(?P<rest>(?:the\s+)?(?:date\s+(?:of|on)\s+)?"
    r"(?:receipt|receiving|acknowledg)\w*.{0,40})",
    _I,
)
#: the first thing done in a clause after a leading number ("Within five working days,
#: your case will be logged, reviewed, and acknowledged"): logging comes before review
_ACK_CLAUSE = re.compile(r"\b(?:acknowledg|logged|registered|recorded)", _I)
_RESP_CLAUSE = re.compile(
    r"\b(?:investigat|respon[sd]|repl(?:y|ies)|decid|decision|resolve|review|outcome)", _I
)
#: a row that is only a stage's name and its time ("Review stage (maximum duration 25
#: working days)", "Stage 1 - 10 working days"): how long that stage takes to answer
_STAGE_ROW_PRE = re.compile(
    r"^[\W\d.]*(?:stage[\s-]*(?:\d|one|two|three)|(?:first|second|final)\s+stage|"
    r"(?:investigation|review|appeal)\s+stage)\b[^.;:]{0,30}?(?:\(|[-–—:|])\s*"
    r"(?:(?:maximum|max\.?|target|total|normal|usual)\s+)?"
    r"(?:duration|timescale|time\s*frame|target|response\s+time)?\s*(?:of|is|:)?\s*"
    r"(?:up\s+to|within)?\s*$",
    _I,
)
#: "do this", "do so": the action is in the sentence before
_DO_THIS = re.compile(r"\b(?:do|doing)\s+(?:this|so|that)\b", _I)
_SEND_THIS = re.compile(
    r"\b(?:provide|send|give|issue|expect|receive)\s+(?:you\s+)?(?:this|it|these)\b", _I
)
#: a review the resident asks for, told without naming a stage: that is stage 2
_REVIEW_REQUEST = re.compile(
    r"\bask\w*\s+(?:us\s+|the\s+\w+(?:\s+team)?\s+)?(?:for\s+)?(?:a\s+|an\s+|your\s+complaint\s+"
    r"to\s+be\s+|us\s+to\s+|to\s+)?(?:internal\s+|senior\s+)?review|"
    r"\brequest\w*\s+(?:a\s+|an\s+|that\s+\w+\s+)?(?:internal\s+)?review|"
    r"\b(?:this|the|your)\s+review\b(?!\s+(?:of\b|stage))|"
    r"\breview(?:ed)?\s+by\s+(?:a|an|the|our)\s+(?:senior|different|independent|director|"
    r"head\s+of|executive)",
    _I,
)
#: where a resident's window leads outside the landlord: not a stage 2 request
_EXTERNAL = re.compile(
    r"ombudsman|designated person|councillor|\bMPs?\b|tribunal|\bcourts?\b", _I
)
#: sentences about another service (email, calls, repairs) that give their own times
_OTHER_SERVICE = re.compile(
    r"\b(?:e-?mails?|(?:phone\s+|telephone\s+)?calls?|voicemails?|live\s+chats?|texts?|"
    r"enquir(?:y|ies)|repairs?|mediation|neighbours?|applications?)\b",
    _I,
)
_COMPLAINT_WORD = re.compile(r"complain", _I)
_WINDOW_AFTER = re.compile(
    r"^\W*(?:to|in\s+which\s+to)\s+(?:request|ask|escalate|appeal|tell\s+us|let\s+us\s+know)",
    _I,
)
_ESC_ANY = re.compile(
    r"escalat|review request|request(?:ing)? (?:a |an |for |that )?(?:review|stage|escalation)|"
    r"\bappeal|second stage|stage\s*(?:2|two)\b",
    _I,
)
_ESC_RESIDENT = re.compile(
    r"\b(?:you|customers?|residents?|tenants?|complainants?|they)\b[^.;]{0,60}?"
    r"\b(?:can|may|should|must|need to|will need to|(?:have|has)(?!\s+(?:received|got|been))|"
    r"are able to)\b[^.;]{0,60}?"
    r"(?:escalat|request|ask|appeal|review|move|progress|refer|let us know|tell us)"
    r"|(?:request|escalation|appeal)s?\b[^.;]{0,30}\b(?:must|should|needs? to) be "
    r"(?:made|received|submitted|sent)",
    _I,
)
_ANCHOR_PREP = re.compile(
    r"^[\s,*]*(?:\([^)]*\)\s*)?(?:of|from|after|following|since|starting (?:on|from)|"
    r"beginning(?: on| from)?)\b(?P<rest>.{0,90})",
    _I,
)
_A_ORIGINAL = re.compile(
    r"initial complaint|original complaint|first complaint|complaint (?:was|being|is) first|"
    r"first (?:made|raised|received)|(?:stage\s*(?:1|one)|first stage) complaint",
    _I,
)
_A_ACK = re.compile(
    r"acknowledg|\blogged\b|\bregistered\b|\brecorded\b|"
    r"confirm\w*\s+(?:that\s+)?we(?:'ve|’ve|\s+have)?\s+received",
    _I,
)
_A_PRIOR = re.compile(
    r"^\W*(?:(?:receiving|receipt of|the date of|the date on)\s+)?"
    r"(?:the |our |your |a |its |their )?"
    r"(?:(?:stage\s*(?:1|one|2|two)|first(?:\s+stage)?|final|full|written|initial|formal)\s+)*"
    r"(?:response|decision|reply|outcome|letter|answer)",
    _I,
)
#: "once we've acknowledged your complaint, you'll get a response within ..."
_ONCE_ACK = re.compile(
    r"\b(?:once|after|when|following)\s+(?:we(?:'ve|’ve|\s+have)?\s+|it\s+(?:has\s+been|is)\s+|"
    r"your complaint (?:has\s+been|is)\s+)?(?:acknowledged|logged|registered|recorded|"
    r"confirmed)\b",
    _I,
)
_A_REQUEST = re.compile(r"escalat|request|appeal|\bask|review", _I)
_A_RECEIPT = re.compile(
    r"receipt|receiv|\b(?:made|raised|submitted|lodged)\b|date (?:of|on which) (?:the|your)",
    _I,
)
_DAYS_ARE_WORKING = re.compile(
    r"[\"'‘“]?\bdays\b[\"'’”]?\s+(?:(?:in|within|throughout|used in) this "
    r"(?:policy|procedure|document)\s+)?(?:means?|refers? to|are)\s+(?:to\s+)?"
    r"(?:working|business) days"
    r"|\b(?:all|any)\s+(?:references to\s+)?(?:days|time\s*scales|timeframes|deadlines|"
    r"response times)\b[^.]{0,40}?\b(?:are|mean|refer to)\b[^.]{0,20}?(?:working|business) days",
    _I,
)
_LIMIT_BEFORE = re.compile(
    r"(?:(?:within|in|during|over|for)\s+(?:the\s+)?(?:last|previous|past|preceding)|"
    r"(?:more|longer|older|over)\s+than|over|up to)\s*$",
    _I,
)
_LIMIT_AFTER = re.compile(
    r"^\s*(?:ago|old)\b|^[\s,]*(?:of|from|after|since)\s+(?:the\s+|when\s+|an?\s+|it\s+|you\s+|"
    r"they\s+|we\s+|your\s+|their\s+)*(?:date\s+|time\s+|day\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:(?!our\b|your\b|response|decision|reply|tenancy|lease)[\w’']+\s+){0,5}?"
    r"(?:issue|problem|incident|events?|matter|service|act|action|failure|occurr|happen|aris|"
    r"became|become|becoming|aware|circumstances|cause|thing)",
    _I,
)
_COMPLAINT_MADE = re.compile(
    r"complain\w*\b[^.;]{0,60}\b(?:made|raised|submitted|brought|received|lodged|reported)\b"
    r"|\b(?:make|raise|submit|bring|report|log)\s+(?:a\s+|your\s+|the\s+|any\s+)?complaint",
    _I,
)
_STAGE_COUNT = re.compile(
    r"(?<![\d.])\b(?P<n>one|two|three|four|2|3|4)[\s-]+(?:(?:prescribed|formal|distinct|separate|"
    r"internal|main|complaints?)\s+)?(?:stage|tier|level)s?\b(?!\s+of\b)(?!d)", _I
)
#: a count of stages that belongs to another process ("if your complaint is not about
#: the housing service it will fall under the council's three-stage process")
_OTHER_PROCESS = re.compile(
    r"\bnot about\b|\bnon[\s-]housing\b|\bcorporate\b|"
    r"\bother (?:council )?(?:complaints|services)\b|\bused to\b|\bprevious(?:ly)?\b",
    _I,
)
#: a step described before stage 1 under a name of its own ('at "Front line Resolution"')
_PRE_STAGE = re.compile(
    r"[\"“‘'](?:front[\s-]*line|early|local|informal|quick)\s+resolution[\"”’']|"
    r"\bat\s+(?:front[\s-]*line|early|local|informal)\s+resolution\b(?=.*\bstage\s*(?:1|one)\b)|"
    # a numbered or labelled step of its own: "2. Initial Resolution: our staff will try..."
    r"^\W*(?:\d{1,2}[.)]\s*)?(?:initial|early|local|informal|quick|front[\s-]*line|"
    r"first[\s-]+(?:point[\s-]+of[\s-]+)?contact)\s+resolution\s*[:\-–—]",
    _I,
)
_FINAL_IS_TWO = re.compile(
    r"(?:stage\s*(?:2|two|II)\b|second stage)\W+(?:\w+\W+){0,5}?(?:final|last)\b|"
    r"(?:final|last) stage\W+(?:\w+\W+){0,4}?(?:stage\s*(?:2|two|II)\b|second)",
    _I,
)
_NEGATED = re.compile(r"\b(?:no|not|never|nor|without|don't|doesn't|cannot)\b", _I)
#: a stage said not to exist ("there will be no stage 3", "we no longer have a stage 3")
_NO_SUCH_STAGE = re.compile(
    r"\b(?:no|not\s+(?:a|an|any)|no\s+longer\s+(?:have\s+)?(?:a|an|any)|without\s+(?:a|an|any))"
    r"\s+(?:further\s+|separate\s+|formal\s+)?$",
    _I,
)
_DEFINITION_HINT = re.compile(
    r"\b(?:an?|any) (?:expression|statement) of (?:dis)?satisfaction(?! (?:is|has been) "
    r"(?:received|made|expressed))|\bdefin\w* (?:of )?a complaint|\ba complaint would be\b|"
    r"(?<!your )(?<!the )(?<!this )\ba complaint (?:is|means|shall be defined as|is defined as)\b"
    r"(?=\s*(?:an?\b|any\b|defined\b|when\b|where\b|:))"
    r"(?! made\b| received\b| closed\b| upheld\b| escalated\b)|"
    r"\bwe define a complaint\b",
    _I,
)
_DEF_PARTS = {
    "however made": re.compile(r"however (?:made|expressed)|in any (?:form|way)|any means|"
                               r"expressed in any", _I),
    "standard of service": re.compile(r"standard of (?:the )?service|quality of service", _I),
    "actions or lack of action": re.compile(
        r"lack of action|inaction|failure to act|(?:did|does) (?:or|and) (?:failed|fails) to|"
        r"action(?:s)? or (?:lack|omission)|acts or omissions|failed to do", _I),
    "staff or those acting for the landlord": re.compile(
        r"\bstaff\b|employees|acting on (?:its|our|their) behalf|contractors|agents", _I),
    "affecting residents": re.compile(
        r"affect\w*[^.]{0,60}(?:resident|customer|tenant|individual|person|group|household)", _I),
}
#: the Code's definition adopted by reference ("we have adopted the Housing Ombudsman's
#: definition", "the definition of a complaint as defined by the ... Code")
_DEFINITION_ADOPTED = re.compile(
    r"\b(?:adopt|use|follow|appl(?:y|ies))\w*\s+(?:the\s+)?(?:Housing\s+)?Ombudsman(?:'s|’s|s)?\s+"
    r"(?:\w+\s+){0,3}?definition|"
    r"\bdefinition of a complaint\s+(?:as\s+)?(?:defined|set out|given)\s+(?:in|by)\s+the\s+"
    r"(?:Housing\s+)?Ombudsman",
    _I,
)
_OMBUDSMAN = re.compile(r"\bombudsman\b", _I)
_SELF_ASSESS = re.compile(
    r"self[\s-]*assess|\b(?:internal|annual|yearly)\s+assessment\b[^.]{0,60}\bcode\b|"
    r"\bassess\w*\s+(?:ourselves|our\s+(?:complaint handling|compliance|performance))\s+"
    r"against\s+the\s+(?:\w+\s+){0,3}?code\b",
    _I,
)
_BEHAVIOUR = re.compile(
    r"behaviou?r\s+(?:as|is|to be)\s+(?:unreasonable|unacceptable)|"
    r"unacceptable (?:behaviou?r|conduct|actions)|unreasonabl[ey] (?:complainant )?"
    r"(?:behaviou?r|conduct|persistent|demands)|persistent (?:or unreasonable )?complainants?|"
    r"unreasonable (?:or|and) persistent|vexatious|abusive behaviou?r",
    _I,
)
_COMP_POLICY = re.compile(
    r"compensation (?:policy|procedure|scheme|guidance)|(?:redress|remedies|remedy) policy|"
    r"goodwill payments? (?:policy|procedure)",
    _I,
)
_COMP_ANY = re.compile(r"compensation|goodwill payment|financial (?:remedy|redress)", _I)


# --------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Timescale:
    """One duration read from a sentence and what it was judged to time."""

    kind: str  # ack / response / extension / escalation
    stage: int | str | None
    number: int | None
    unit: str
    as_written: str
    clock: str | None
    sentence: Sentence
    stage_from_context: bool
    window: str | None = None
    weak: bool = False  # stated under a condition ("if we cannot ... within 10 days")
    to_stage_two: bool = False  # the sentence (or the one before) asks for stage 2 / a review
    about_complaints: bool = True  # False: about emails, calls or repairs, not complaints


#: a window that names where it leads: "request a Stage 2 review", "to stage two", or is
#: measured from the stage 1 response
_TO_STAGE_TWO = re.compile(
    r"\b(?:to|a|for|request\w*|into)\s+(?:a\s+|the\s+)?stage\s*(?:2|two)\b"
    r"(?!\s+(?:response|decision|outcome|reply))|\bstage\s*(?:1|one)\b|"
    r"\b(?:first|initial)\s+(?:stage\s+)?(?:response|answer|decision|reply|outcome)",
    _I,
)


def _nearest(pattern: re.Pattern[str], text: str) -> int:
    """End position of the last match of ``pattern`` in ``text`` (-1 when none)."""
    last = -1
    for m in pattern.finditer(text):
        last = m.end()
    return last


def _clock(anchor: str | None) -> str | None:
    """Classify the start point named after a duration."""
    if not anchor:
        return None
    if _A_ORIGINAL.search(anchor):
        return "original_complaint"
    if _A_PRIOR.search(anchor):
        return "prior_response"
    if _A_ACK.search(anchor[:60]):
        return "acknowledgement"
    if _A_REQUEST.search(anchor[:60]):
        return "request"
    if _A_RECEIPT.search(anchor[:50]):
        return "receipt"
    return None


def _timescales(sentence: Sentence, previous: Sentence | None = None) -> list[_Timescale]:
    """Every timescale in a sentence with what it times and its stage.

    What a number times is read from the nearest cue before it (a verb such as
    acknowledge, respond or contact, or "another" / "a further" for an extension),
    else from the words after it ("... to confirm we've received your complaint",
    "... to investigate and respond"), else from the heading of a timetable, else (for
    "do this" or "provide this") from ``previous``, the sentence before it in the same
    section.
    """
    text = sentence.text
    matches = list(DURATION.finditer(text))
    out: list[_Timescale] = []
    if not matches:
        return out
    # facts about the whole sentence, read once (a long paragraph may hold many numbers)
    about_complaints = _about_complaints(sentence)
    previous_asks_review = previous is not None and bool(_REVIEW_REQUEST.search(previous.text))
    asks_stage_two = bool(
        _TO_STAGE_TWO.search(text) or _REVIEW_REQUEST.search(text) or previous_asks_review
    )
    seg_start = 0
    last_stage: tuple[int | str | None, bool] | None = None
    last_kind: str | None = None
    for i, m in enumerate(matches):
        pre = text[seg_start : m.start()]
        if seg_start and _ANCHOR_PREP.match(pre) and "," in pre:
            pre = pre.split(",", 1)[1]  # the previous number's start point is not a cue
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        post = re.split(r"[;(]|\bthen\b", text[m.end() : nxt], maxsplit=1)[0]
        seg_start = m.end()
        number = number_value(m.group("num"))
        unit = unit_kind(m.group("unit"))
        if number is None or (unit == "years" and number > 5):
            continue
        anchor_m = _ANCHOR_PREP.match(post)
        anchor = anchor_m.group("rest") if anchor_m else None
        clock = _clock(anchor)
        if clock is None and _ONCE_ACK.search(pre):
            clock = "acknowledgement"
        as_written = " ".join(m.group(0).split())
        if _NOT_DEADLINE.search(pre[-20:]) or _RANGE.search(pre[-12:]):
            continue
        kind = _kind(sentence, pre, post, m, clock, anchored=anchor_m is not None)
        if kind is None and last_kind and re.match(r"^\W*(?:or|and)\b.{0,30}$", pre, _I):
            kind = last_kind  # "within 20 working days of ..., or ... within 20 of ..."
        if kind is None and previous is not None and not i:
            kind = _from_previous(pre, previous.text)
        if kind is None:
            continue
        last_kind = kind
        if kind == "response" and clock is None:
            late = _LATE_ANCHOR.match(post)
            clock = _clock(late.group("rest")) if late else None
        if kind == "extension" and re.match(r"\s*(?:in total|altogether|overall)\b", post, _I):
            continue  # a total, not the length of the extension
        stage, from_context = _stage_for(sentence, pre, kind, previous_asks_review)
        if from_context and last_stage is not None and kind != "escalation":
            stage, from_context = last_stage  # "... stage 2 within 10, or another 10"
        elif not from_context:
            last_stage = (stage, from_context)
        window = None
        if kind == "escalation" and anchor_m:
            phrase = re.split(r",|\b(?:and|detailing|to|so|if|or)\b", post)[0]
            window = " ".join(f"{as_written} {phrase.strip()}".split()).rstrip(".:")
        to_stage_two = kind == "escalation" and asks_stage_two
        out.append(
            _Timescale(kind, stage, number, unit, as_written, clock, sentence, from_context,
                       window, weak=bool(_CONDITIONAL.search(pre)), to_stage_two=to_stage_two,
                       about_complaints=about_complaints)
        )
    return out


def _kind(
    sentence: Sentence, pre: str, post: str, m: re.Match[str], clock: str | None,
    *, anchored: bool,
) -> str | None:
    """What a duration times: ack, response, extension, escalation, or None (not a target)."""
    resident_window = clock == "prior_response" or bool(
        _ESC_RESIDENT.search(pre) or _WINDOW_AFTER.match(post)
    )
    if resident_window:
        # "refer it to the Ombudsman ... 8 weeks after": a route outside the landlord
        return None if _EXTERNAL.search(pre[-90:]) else "escalation"
    if m.group("extra") or _EXT_NEAR.search(pre[-25:]) or _EXT_AFTER.match(post):
        return "extension"
    if _ACK_AFTER.match(post):
        return "ack"
    cues = {
        "extension": _nearest(_EXT, pre[-45:]) + max(0, len(pre) - 45),
        "ack": _nearest(_ACK, pre),
        "response": _nearest(_RESP, pre),
        "contact": _nearest(_CONTACT, pre),
        "skip": _nearest(_SKIP, pre),
    }
    if cues["extension"] < max(0, len(pre) - 45):
        cues["extension"] = -1
    best = max(cues, key=lambda k: cues[k])
    if cues[best] < 0:
        if _SKIP.search(post[:40]):
            return None
        # "..., within 10 working days of the acknowledgement being sent, your complaint
        # will be investigated": the verb after the start point
        tail = post if not anchored else (post.split(",", 1)[1] if "," in post else "")
        first = _first_clause_cue(tail) if not pre.strip(" ,") or re.fullmatch(
            r"\W*(?:then\W+)?(?:within|in|after)\W*", pre, _I) else None
        if first:
            return first
        if _RESP_AFTER.match(tail):
            return "response"
        if _ESC_ANY.search(pre):
            return "response"
        heading_kind = _from_heading(sentence)
        if heading_kind is None and _STAGE_ROW_PRE.match(pre):
            return "response"
        return heading_kind
    if best == "skip":
        return None
    if best == "contact":
        return "response" if _WITH_RESPONSE.match(post) else None
    return best


def _from_heading(sentence: Sentence) -> str | None:
    """A timetable row with no verb ("Stage one - 10 working days") read from its heading."""
    heading = sentence.section
    if not heading:
        return None
    found = [k for k, rx in (("extension", _EXT), ("ack", _ACK), ("response", _RESP))
             if rx.search(heading)]
    return found[0] if len(found) == 1 else None


def _first_clause_cue(tail: str) -> str | None:
    """What the clause after a leading number does first: acknowledge or respond."""
    clause = re.split(r"[.;]", tail, maxsplit=1)[0][:120]
    ack = _ACK_CLAUSE.search(clause)
    resp = _RESP_CLAUSE.search(clause)
    if ack and (resp is None or ack.start() < resp.start()):
        return "ack"
    return "response" if resp else None


def _from_previous(pre: str, previous: str) -> str | None:
    """A number whose action is in the sentence before ("You'll need to do this in ...")."""
    if _DO_THIS.search(pre) and (_ESC_ANY.search(previous) or _REVIEW_REQUEST.search(previous)):
        return "escalation"
    if _SEND_THIS.search(pre):
        cues = {"ack": _nearest(_ACK, previous), "response": _nearest(_RESP, previous)}
        best = max(cues, key=lambda k: cues[k])
        return best if cues[best] >= 0 else None
    return None


def _stage_for(
    sentence: Sentence, pre: str, kind: str, previous_asks_review: bool = False
) -> tuple[int | str | None, bool]:
    """Stage a timescale belongs to: named just before it, else the heading context.

    ``previous_asks_review`` is true when the sentence before (same section) is the
    resident asking for a review of our answer, which makes an unnamed stage stage 2.
    """
    labels = list(STAGE_LABEL.finditer(pre))
    if INFORMAL.search(pre) and not labels:
        return "informal", False
    if kind != "escalation" and labels:
        return stage_of(labels[-1]), False
    if kind != "escalation" and re.search(r"escalat|review request", pre, _I):
        return 2, False
    if kind != "escalation" and sentence.stage in (None, 1) and (
        previous_asks_review or _REVIEW_REQUEST.search(pre)
    ):
        return 2, False  # "... you can ask us to review it. We'll reply within 20 ..."
    return sentence.stage, True


# ------------------------------------------------------------------------ drafting


def extract_profile(path: str | Path) -> dict[str, Any]:
    """Read a policy document and draft its profile.

    Parameters
    ----------
    path
        Policy document (.txt, .md, .docx or .pdf).

    Returns
    -------
    dict
        The profile: ``meta`` plus one entry per key in :data:`PROFILE_KEYS`.
    """
    return draft_profile(read_policy(path))


def draft_profile(document: PolicyDocument) -> dict[str, Any]:
    """Draft a profile from a document already read into paragraphs."""
    sentences = sentences_of(document)
    profile: dict[str, Any] = {
        "meta": {
            "profile_version": PROFILE_VERSION,
            "code_edition": "2024",
            "source": Path(document.source).name,
            "source_kind": document.kind,
            "drafted_by": "auditlib policy extract",
            "reviewed": False,
        }
    }
    days_are_working = [s for s in sentences if _DAYS_ARE_WORKING.search(s.text)]
    found = [
        t
        for prev, s in zip([None, *sentences], sentences, strict=False)
        for t in _timescales(s, prev if prev and prev.section == s.section and not prev.heading
                             else None)
    ]
    stages = _stages(sentences)
    profile["stages"] = stages
    profile["has_informal_stage"] = _informal(sentences, stages["value"])
    for stage in (1, 2):
        prefix = f"stage{stage}_"
        for kind, key in (("ack", "ack_working_days"), ("response", "response_working_days"),
                          ("extension", "extension_working_days")):
            picked = _pick(found, kind, stage)
            profile[prefix + key] = _working_days_entry(picked, days_are_working)
        picked = _pick(found, "response", stage)
        profile[prefix + "response_clock"] = _clock_entry(picked, stage)
    profile["complaint_time_limit_months"] = _time_limit(sentences)
    profile["escalation_request_window"] = _escalation_window(found)
    profile["uses_code_definition"] = _definition(sentences)
    profile["mentions_ombudsman"] = _mention(sentences, _OMBUDSMAN, "the Ombudsman")
    profile["mentions_self_assessment"] = _mention(
        sentences, _SELF_ASSESS, "a self-assessment against the Code"
    )
    profile["unacceptable_behaviour_policy"] = _mention(
        sentences, _BEHAVIOUR, "unacceptable or unreasonable behaviour"
    )
    profile["compensation_policy"] = _compensation(sentences)
    return {"meta": profile["meta"], **{k: profile[k] for k in PROFILE_KEYS}}


def _pick(found: list[_Timescale], kind: str, stage: int) -> list[_Timescale]:
    """Candidates for one key: stage from the text first, bare sentences for stage 1."""
    exact = [t for t in found if t.kind == kind and t.stage == stage]
    if not exact and stage == 1:
        # no stage named anywhere near it: a policy's first description is stage 1, but
        # only when the document names no stages at all around these sentences
        exact = [t for t in found if t.kind == kind and t.stage is None and t.about_complaints]
    strong = [t for t in exact if not t.weak]
    # "if we cannot resolve it within N days" restates a target: it counts only when
    # nothing states the target plainly
    return strong or exact


def _about_complaints(sentence: Sentence) -> bool:
    """False for a sentence about emails, calls or repairs that never mentions complaints."""
    if not _OTHER_SERVICE.search(sentence.text):
        return True
    return bool(_COMPLAINT_WORD.search(sentence.text + " " + (sentence.section or "")))


def _evidence(sentences: list[Sentence], limit: int = 6) -> list[dict[str, object]]:
    """Evidence items for sentences, each quoted once, in document order."""
    seen: set[int] = set()
    out = []
    for s in sorted(sentences, key=lambda s: s.index):
        if s.index in seen:
            continue
        seen.add(s.index)
        out.append(s.evidence())
    return out[:limit]


def _disagree(
    entry: dict[str, Any], readings: list[str], sentences: list[Sentence]
) -> dict[str, Any]:
    """Flag a key whose sentences give different values: null, every quote, review."""
    entry["review"] = True
    entry["candidates"] = sorted(set(readings))
    entry["note"] = "sentences disagree: " + "; ".join(entry["candidates"])
    entry["evidence"] = _evidence(sentences)
    return entry


def _working_days_entry(
    picked: list[_Timescale], days_are_working: list[Sentence]
) -> dict[str, Any]:
    """A working-day key from its candidate timescales."""
    entry = empty_entry(duration=True)
    if not picked:
        return entry
    readings = []
    for t in picked:
        unit = t.unit
        if unit == "days" and days_are_working:
            unit = "working_days"
        readings.append((t.number, unit, t.as_written))
    distinct = {(n, u) for n, u, _ in readings}
    sentences = [t.sentence for t in picked]
    if len(distinct) > 1:
        return _disagree(entry, [w for _, _, w in readings], sentences)
    number, unit, as_written = readings[0]
    entry["as_written"] = as_written
    entry["unit"] = unit
    entry["evidence"] = _evidence(sentences)
    if unit == "working_days":
        entry["value"] = number
        if picked[0].unit == "days":
            entry["note"] = "the policy says its days are working days"
            entry["evidence"] += _evidence(days_are_working, 1)
    else:
        entry["review"] = unit == "days"
        entry["note"] = (
            f"stated as {as_written!r}, not in working days; not converted"
            if unit != "days"
            else f"stated as {as_written!r}: working or calendar days is not said"
        )
    if all(t.stage_from_context and t.stage is None for t in picked):
        entry["note"] = ((entry["note"] + "; ") if entry["note"] else "") + (
            "no stage is named near the sentence; read as stage 1"
        )
    return entry


def _clock_entry(picked: list[_Timescale], stage: int) -> dict[str, Any]:
    """Where a stage's response clock starts, from the words after its timescale."""
    entry = empty_entry()
    allowed = {1: {"receipt", "acknowledgement"},
               2: {"request", "acknowledgement", "original_complaint"}}[stage]
    clocks: dict[str, list[Sentence]] = {}
    for t in picked:
        clock = t.clock
        if stage == 1 and clock == "original_complaint":
            clock = "receipt"
        if clock in allowed:
            clocks.setdefault(clock, []).append(t.sentence)
    if not clocks:
        if picked:
            entry["note"] = "a response time is given but not the point it runs from"
            entry["evidence"] = _evidence([t.sentence for t in picked], 3)
        return entry
    if len(clocks) > 1:
        entry["review"] = True
        entry["candidates"] = sorted(clocks)
        entry["note"] = "sentences disagree on when the clock starts: " + ", ".join(
            sorted(clocks)
        )
        entry["evidence"] = _evidence([s for v in clocks.values() for s in v])
        return entry
    (clock, sentences), = clocks.items()
    entry["value"] = clock
    entry["evidence"] = _evidence(sentences)
    return entry


def _stages(sentences: list[Sentence]) -> dict[str, Any]:
    """Number of formal stages: counts stated ("two-stage") and stages named."""
    entry = empty_entry()
    named: dict[int, tuple[str, Sentence]] = {}
    final_sites: list[Sentence] = []
    final_is_numbered = False
    stated: dict[int, list[Sentence]] = {}
    for s in sentences:
        found = [(m, stage_of(m)) for m in STAGE_LABEL.finditer(s.text)]
        has_number = any(isinstance(stage, int) for _, stage in found)
        for m, stage in found:
            if isinstance(stage, int) and stage > 2 and _OMBUDSMAN.search(s.text):
                continue  # "Stage 4 - take it up with the Housing Ombudsman"
            if _NO_SUCH_STAGE.search(s.text[max(0, m.start() - 30) : m.start()]):
                continue  # "there will be no stage 3"
            if isinstance(stage, int) and stage > 0 and stage not in named:
                named[stage] = (" ".join(m.group(0).split()).title(), s)
            if stage == "final" and s.stage == "final" and not has_number:
                opening = s.text[:80].lower().lstrip(" 0123456789.")
                if s.heading or opening.startswith(m.group(0).lower()):
                    final_sites.append(s)
        if _FINAL_IS_TWO.search(s.text):
            final_is_numbered = True
        for m in _STAGE_COUNT.finditer(s.text):
            before = s.text[max(0, m.start() - 25) : m.start()]
            if _NEGATED.search(before) or _OTHER_PROCESS.search(s.text):
                continue
            if re.search(r"\b(?:than|any|each|every|at|per)\s*$", before, _I):
                continue  # "more than one stage", "at any one stage"
            n = number_value(m.group("n"))
            if n is not None:
                stated.setdefault(n, []).append(s)
    labels = [named[k][0] for k in sorted(named)]
    count = max(named) if named else 0
    sites = [named[k][1] for k in sorted(named)]
    if final_sites and not final_is_numbered and named:
        count += 1
        labels.append("Final Stage")
        sites.append(final_sites[0])
    entry["labels"] = labels
    if stated:
        counts = set(stated)
        # naming fewer stages than the count states is not a disagreement: a page cut off
        # after "Stage 1", or a second stage called "the review", names only one
        if count and count not in counts and (count >= 2 or len(counts) > 1):
            counts.add(count)
        evidence = [s for v in stated.values() for s in v]
        if len(counts) > 1:
            entry["review"] = True
            entry["candidates"] = sorted(counts)
            entry["note"] = (
                f"the policy states {' and '.join(str(c) for c in sorted(stated))} "
                f"stage(s) but names {count} ({', '.join(labels)})"
            )
            entry["evidence"] = _evidence(evidence + sites)
            return entry
        entry["value"] = counts.pop()
        entry["evidence"] = _evidence(evidence)
        if count and count < entry["value"]:
            entry["note"] = f"only {', '.join(labels)} is named; the stated count is used"
        return entry
    if len(labels) >= 2:
        entry["value"] = count
        entry["evidence"] = _evidence(sites)
        entry["note"] = f"counted from the stages named: {', '.join(labels)}"
    elif labels:
        entry["note"] = f"only {labels[0]} is named and no number of stages is stated"
        entry["evidence"] = _evidence(sites)
    return entry


def _informal(sentences: list[Sentence], stages: object) -> dict[str, Any]:
    """Whether an informal or "stage 0" step is described before the formal stages."""
    entry = empty_entry()
    positive, negative = [], []
    for s in sentences:
        m = INFORMAL.search(s.text) or _PRE_STAGE.search(s.text)
        if not m:
            continue
        if _NEGATED.search(s.text[max(0, m.start() - 40) : m.start()]):
            negative.append(s)
        else:
            positive.append(s)
    if positive:
        entry["value"] = True
        entry["evidence"] = _evidence(positive, 4)
        if negative:
            entry["review"] = True
            entry["note"] = "some sentences describe an informal stage, others deny one"
            entry["evidence"] = _evidence(positive + negative)
    elif negative:
        entry["value"] = False
        entry["evidence"] = _evidence(negative, 2)
    elif stages is not None:
        entry["value"] = False
        entry["note"] = "the stages are described and none is informal or a stage 0"
    return entry


def _time_limit(sentences: list[Sentence]) -> dict[str, Any]:
    """How long after the issue a resident may complain, in months where so written."""
    entry = empty_entry(duration=True)
    readings: list[tuple[int | None, str, str, Sentence]] = []
    for s in sentences:
        for m in DURATION.finditer(s.text):
            unit = unit_kind(m.group("unit"))
            before = s.text[max(0, m.start() - 80) : m.start()]
            after = s.text[m.end() : m.end() + 120]
            made_within = unit in ("months", "years") and bool(
                _COMPLAINT_MADE.search(before) and re.search(r"\b(?:within|in)\s*$", before)
                and not _ANCHOR_PREP.match(after)
            )
            if not (_LIMIT_BEFORE.search(before[-40:]) or _LIMIT_AFTER.match(after)
                    or made_within):
                continue
            if _OMBUDSMAN.search(before[-80:]) or re.search(r"tenancy|lease", after[:40], _I):
                continue
            if unit in ("working_days", "calendar_days", "days", "weeks") and not re.search(
                r"complain|dissatisf|unhappy|issue|problem", s.text, _I
            ):
                continue
            if unit in ("working_days", "days", "calendar_days") and (
                _LIMIT_AFTER.match(after) is None
            ):
                continue
            n = number_value(m.group("num"))
            months = n if unit == "months" else (n * 12 if unit == "years" and n else None)
            readings.append((months, unit, " ".join(m.group(0).split()), s))
    if not readings:
        return entry
    distinct = {(v if v is not None else w) for v, _, w, _ in readings}
    sentences = [r[3] for r in readings]
    if len(distinct) > 1:
        return _disagree(entry, [w for _, _, w, _ in readings], sentences)
    months, unit, written, _ = readings[0]
    entry["value"] = months
    entry["as_written"] = written
    entry["unit"] = unit
    entry["evidence"] = _evidence(sentences)
    if months is None:
        entry["note"] = f"stated as {written!r}, not in months; not converted"
    return entry


def _escalation_window(found: list[_Timescale]) -> dict[str, Any]:
    """The time a resident has to ask for stage 2, as written."""
    entry = empty_entry(duration=True)
    picked = []
    for t in found:
        if t.kind != "escalation" or t.stage in ("final", "informal", 3):
            continue
        anchor_stage = STAGE_LABEL.search(t.window or "")
        if anchor_stage and stage_of(anchor_stage) not in (1,):
            continue
        if t.window and re.search(r"\breview", t.window, _I):
            continue  # measured from a review's answer: a window to a further level
        if t.stage == 2 and t.stage_from_context and not anchor_stage and not t.to_stage_two:
            # "within 20 days of our response" under a stage 2 heading: to a third stage,
            # unless the sentence (or the one before) says it is the request for stage 2
            # ("request a Stage 2 review within 28 days", "ask us to review ... do this")
            continue
        picked.append(t)
    if not picked:
        return entry
    distinct = {(t.number, t.unit) for t in picked}
    if len(distinct) > 1:
        return _disagree(entry, [t.as_written for t in picked], [t.sentence for t in picked])
    first = picked[0]
    entry["value"] = first.as_written
    entry["as_written"] = first.window or first.as_written
    entry["unit"] = first.unit
    entry["evidence"] = _evidence([t.sentence for t in picked])
    return entry


def _definition(sentences: list[Sentence]) -> dict[str, Any]:
    """Whether the policy defines a complaint as the Code does (Code 1.2)."""
    entry = empty_entry()
    defs = [s for s in sentences if _DEFINITION_HINT.search(s.text)]
    adopted = [s for s in sentences if _DEFINITION_ADOPTED.search(s.text)]
    if adopted and not any(not _missing_parts(s) for s in defs):
        entry["value"] = True
        entry["evidence"] = _evidence(adopted[:1])
        entry["note"] = "the policy adopts the Code's definition by reference"
        return entry
    if not defs:
        return entry
    best, best_missing = defs[0], list(_DEF_PARTS)
    for s in defs:
        missing = _missing_parts(s)
        if len(missing) < len(best_missing):
            best, best_missing = s, missing
    entry["evidence"] = _evidence([best])
    entry["value"] = not best_missing
    if best_missing:
        entry["note"] = "the definition lacks: " + ", ".join(best_missing)
    return entry


def _missing_parts(sentence: Sentence) -> list[str]:
    """Parts of the Code's definition of a complaint a sentence does not have."""
    return [name for name, rx in _DEF_PARTS.items() if not rx.search(sentence.text)]


def _mention(sentences: list[Sentence], pattern: re.Pattern[str], what: str) -> dict[str, Any]:
    """True with quotes when the document mentions ``what``; false when it never does."""
    entry = empty_entry()
    hits = [s for s in sentences if pattern.search(s.text)]
    entry["value"] = bool(hits)
    if hits:
        headings = [s for s in hits if s.heading]
        entry["evidence"] = _evidence(headings[:1] + [s for s in hits if not s.heading][:2])
    else:
        entry["note"] = f"the document never mentions {what}"
    return entry


def _compensation(sentences: list[Sentence]) -> dict[str, Any]:
    """Whether the policy has or refers to a compensation policy or procedure."""
    entry = empty_entry()
    named = [s for s in sentences if _COMP_POLICY.search(s.text)]
    sections = [s for s in sentences if s.heading and re.search(r"compensation", s.text, _I)]
    if named or sections:
        entry["value"] = True
        entry["evidence"] = _evidence(sections[:1] + named[:2])
        return entry
    loose = [s for s in sentences if _COMP_ANY.search(s.text)]
    entry["value"] = False
    entry["note"] = (
        "compensation is mentioned but no compensation policy or procedure"
        if loose
        else "the document never mentions compensation"
    )
    entry["evidence"] = _evidence(loose, 2)
    return entry
