"""Is the rep ready to escalate? The playbook's checklist and gotchas as code.

Each warning carries the playbook section it comes from. Unknown is not false: a checklist answer
of `None` only raises a warning when the case's own facts do not answer the question either.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from coach.domain.casefile import CaseFile
from coach.domain.signals import immediate

WarningCode = Literal[
    "not_tried_yourself",
    "root_cause_unknown",
    "not_communicated",
    "no_clear_ask",
    "no_plan",
    "manager_not_briefed",
    "too_early",
    "too_late",
]


class ReadinessWarning(BaseModel):
    code: WarningCode
    message: str
    section: str


RULES: dict[str, tuple[str, str]] = {
    # code: (section, message)
    "not_tried_yourself": (
        "Pre-Escalation Checklist",
        "You have not tried to resolve this yourself yet (the playbook's first question; "
        "\"Don't Escalate If: you haven't tried to resolve it yourself\"). List what you tried.",
    ),
    "root_cause_unknown": (
        "Pre-Escalation Checklist",
        "The root cause of their frustration is not understood yet. Step 1 asks for the actual "
        "problem, not the symptoms.",
    ),
    "not_communicated": (
        "Pre-Escalation Checklist",
        "You have not communicated transparently with the customer about the situation yet "
        "(\"Don't Escalate If: you haven't communicated with customer about it\").",
    ),
    "no_clear_ask": (
        "Pre-Escalation Checklist",
        "There is no clear ask for leadership. Decide what you need: a decision, an approval, or "
        "someone to join the call.",
    ),
    "no_plan": (
        "Gotchas",
        "Escalating without a plan: there are no proposed next steps. Step 2 says to have a "
        "proposed solution or path forward.",
    ),
    "manager_not_briefed": (
        "Gotchas",
        'Your manager has not been briefed ("Not briefing your manager - they need context"). '
        "Brief them first: this brief is how.",
    ),
    "too_early": (
        "Gotchas",
        "Escalating too early: try to resolve it yourself first, unless the customer is "
        "threatening to leave or the issue is beyond your control.",
    ),
    "too_late": (
        "Gotchas",
        "Escalating too late: don't wait until the customer has checked out. When you escalate, "
        "expect to repair the relationship as well as the issue.",
    ),
}

CHECKED_OUT = re.compile(
    r"""\b(?:(?:already\s+|have\s+|has\s+|just\s+)?signed\s+(?:a\s+\w+\s+)?with\s+
    (?:a\s+|another\s+|the\s+|our\s+)?(?:competitor|rival|other\s+vendor|\w+\s+instead)
    |(?:gave|given|served|handed\s+in|sent(?:\s+us)?)\s+(?:us\s+)?(?:their\s+|formal\s+|written\s+)?
    (?:notice|termination\s+notice|notice\s+of\s+(?:termination|non-renewal|cancellation))
    |(?:stopped|stop)\s+(?:responding|replying|answering|returning)|(?:gone|went)\s+(?:silent|dark|quiet)
    |already\s+(?:cancell?ed|terminated|churned|left|moved|switched|migrated|chosen|chose|decided)
    |(?:has|have)\s+(?:cancell?ed|terminated|churned)\s+(?:the|their|our)\s+(?:contract|subscription|account)
    |(?:moved|switched|migrated|churned)\s+to\s+(?:a\s+|another\s+|the\s+)?(?:competitor|rival|other\s+vendor)
    |(?:decided|chose|chosen)\s+(?:not\s+to\s+renew|to\s+leave|to\s+cancel|a\s+competitor|another\s+vendor)
    |no\s+longer\s+(?:responding|replying|answering|engaged|returning))""",
    re.IGNORECASE | re.VERBOSE,
)


def has_tried(case: CaseFile) -> bool:
    """For "too late": the checklist says yes, or the case lists something tried."""
    return case.checklist.tried_yourself is True or bool(case.tried)


def has_not_tried(case: CaseFile) -> bool:
    """For "not tried" and "too early": the checklist says no, or is silent with nothing listed."""
    tried = case.checklist.tried_yourself
    return tried is False or (tried is None and not case.tried)


# "if they stop responding", "they haven't signed with a competitor", "they may give notice".
_NOT_YET = re.compile(
    r"(?:\b(?:not|never|if|before|unless|until|may|might|could|would|will|to|risk|threat\w*)|n't)"
    r"(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)


def checked_out(case: CaseFile) -> bool:
    """The customer has already left: signed elsewhere, gave notice, stopped responding."""
    text = "\n".join((case.problem, case.notes, case.customer_wants))
    for m in CHECKED_OUT.finditer(text):
        before = re.split(r"[.;!?\n]", text[max(0, m.start() - 40) : m.start()])[-1]
        if not _NOT_YET.search(before):
            return True
    return False


def warning_codes(case: CaseFile) -> list[str]:
    """The codes that apply, in the order a rep should deal with them."""
    cl = case.checklist
    urgent = bool(immediate().intersection(case.signals))
    fired = {
        "not_tried_yourself": has_not_tried(case),
        "too_early": (cl.right_time is False and has_not_tried(case))
        or (
            case.days_open is not None
            and case.days_open <= 1
            and has_not_tried(case)
            and not urgent
        ),
        "root_cause_unknown": cl.root_cause_understood is False
        or (cl.root_cause_understood is None and not case.problem),
        "not_communicated": cl.communicated_transparently is False,
        "no_clear_ask": cl.clear_ask is False or not case.ask,
        "no_plan": not case.proposed_next_steps,
        "too_late": (cl.right_time is False and has_tried(case))
        or (case.days_open is not None and case.days_open > 30)
        or checked_out(case),
        "manager_not_briefed": cl.manager_briefed is False,
    }
    return [code for code, on in fired.items() if on]


def assess(case: CaseFile) -> list[ReadinessWarning]:
    return [
        ReadinessWarning(code=code, section=RULES[code][0], message=RULES[code][1])  # type: ignore[arg-type]
        for code in warning_codes(case)
    ]
