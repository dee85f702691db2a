"""The one verdict: whether to escalate, why, and what to do first.

Triage's decision, the chat's recommendation, the brief's badge and the UI's status all come from
`verdict(case)`, so they cannot disagree. Every reason and every first step names its playbook rule.

The decision table (the playbook's words in quotes):

| what the case holds                          | the rep                                | verdict        |
|----------------------------------------------|----------------------------------------|----------------|
| no signal, problem, want or ask told yet     | -                                      | None (listening) |
| no "Escalate If" signal (venting, routine,   | -                                      | do_not_escalate ("Don't Escalate If") |
| nothing but a problem, or an ask for         |                                        |                |
| leadership with nothing wrong: "I just want  |                                        |                |
| our VP to say hi")                           |                                        |                |
| a threat to cancel                           | anything but "I haven't tried yet" or  | escalate_now; every gap becomes a first step ("Escalate immediately") |
|                                              | "I haven't told them"                  |                |
| a legal or public threat                     | anything but "no clear ask" or "I      | escalate_now; every gap becomes a first step, briefing the manager first |
|                                              | don't know the root cause"             |                |
|                                              | "no clear ask", "cause unknown"        | not_yet, the stated gaps first |
| a technical problem beyond the rep's         | anything but those two, or "I haven't  | escalate_now, as above |
| control, a manager request                   | tried" and "I haven't told them" both  |                |
|                                              | those                                  | not_yet, the stated gaps first ("Don't Escalate If") |
| any other "Escalate If" signal (a leadership | has tried and has told the customer    | escalate_now; gaps (ask, plan, manager) become first steps |
| decision, a deal or relationship at risk, a  | has not tried, has not told the        | not_yet ("You haven't tried to resolve it yourself", "You haven't communicated with customer about it") |
| dispute over scope or dates)                 | customer, or answers "no" to a         | not_yet (the checklist's "Have you briefed your manager on the situation?", "Do you have a clear ask for leadership?", "Do you understand the root cause of their frustration?") |
|                                              | checklist question                     |                |

A threat to cancel escalates now unless the rep says they have not tried anything yet or have
not told the customer where things stand ("Escalate immediately", and "Don't Escalate If: You
haven't tried to resolve it yourself / You haven't communicated with customer about it"): the fix
that slipped is told to the customer before leadership is brought in. Briefing the manager is then
its first step (Step 3). A legal or public threat does not wait for what the
rep tried or told the customer; a manager request or a technical problem waits when the rep says
both "I haven't tried" and "I haven't told them" ("Don't Escalate If": the rep has done nothing
yet), not for one of them (a platform outage is beyond the rep's trying). None waits for an unbriefed
manager (briefing them is the first step of escalating, "Escalate Internally First"), but "no
clear ask" or "I don't know why" holds each back (Steps 1 and 2: understand the situation,
identify what you need from leadership); a question nobody answered does not. Which questions hold which signal back is `held_by` and `held_together` in signals.yaml.
For any other signal every stated "no" holds it back.
"Too late" (the customer has checked out, or a month has passed) adds "don't wait" to an
escalation; it does not turn a "not yet" into "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from coach.domain import signals as table
from coach.domain.casefile import CaseFile
from coach.domain.readiness import ReadinessWarning, assess, has_not_tried

RecommendationCode = Literal["escalate_now", "not_yet", "do_not_escalate"]
RECOMMENDATION_CODES: tuple[RecommendationCode, ...] = (
    "escalate_now",
    "not_yet",
    "do_not_escalate",
)
DONT_ESCALATE_IF = "When to Escalate > Don't Escalate If"
CANCEL_SCENARIO = "Common Escalation Scenarios > Customer Threatening to Cancel"
ESCALATE_IMMEDIATELY = table.PlaybookRule(text="Escalate immediately", section=CANCEL_SCENARIO)
NOTHING_TO_ESCALATE = table.PlaybookRule(
    text="It's something you should handle at your level", section=DONT_ESCALATE_IF
)
NOT_TRIED = table.PlaybookRule(
    text="You haven't tried to resolve it yourself", section=DONT_ESCALATE_IF
)
NOT_COMMUNICATED = table.PlaybookRule(
    text="You haven't communicated with customer about it", section=DONT_ESCALATE_IF
)
CHECKLIST = "Pre-Escalation Checklist"
NOT_BRIEFED = table.PlaybookRule(
    text="Have you briefed your manager on the situation?", section=CHECKLIST
)
NO_CLEAR_ASK = table.PlaybookRule(text="Do you have a clear ask for leadership?", section=CHECKLIST)
ROOT_CAUSE = table.PlaybookRule(
    text="Do you understand the root cause of their frustration?", section=CHECKLIST
)

# What to do about each gap, in the order a rep should deal with them: a few words for the
# headline, and the step itself naming its rule.
GAP_STEPS: dict[str, tuple[str, str]] = {
    "not_tried_yourself": (
        "try to resolve it yourself",
        "Try to resolve it yourself first, and write down what you tried (Pre-Escalation "
        "Checklist).",
    ),
    "too_early": (
        "try to resolve it yourself",
        "Try to resolve it yourself first, and write down what you tried (Gotchas: escalating "
        "too early).",
    ),
    "not_communicated": (
        "tell the customer where things stand",
        "Tell the customer, transparently, where things stand (Pre-Escalation Checklist).",
    ),
    "root_cause_unknown": (
        "find the root cause",
        "Find the root cause: the actual problem behind the symptoms (Step 1: Understand the "
        "Situation).",
    ),
    "no_clear_ask": (
        "decide what you need from leadership",
        "Decide what you need from leadership: a decision, an approval, or their time "
        "(Pre-Escalation Checklist).",
    ),
    "no_plan": (
        "write down your proposed next steps",
        "Write down a proposed path forward: the next steps you would take (Step 2: Prepare for "
        "Escalation).",
    ),
}
BRIEF_MANAGER = (
    "brief your manager",
    "Brief your manager: the situation, what you've tried, what you need and your proposed next "
    "steps (Step 3: Escalate Internally First).",
)
MANAGER_BRIEFED = (
    "agree the approach with your manager",
    "Agree the approach with your manager and who should be involved, then bring leadership to "
    "the customer (Step 4: Escalate to Customer).",
)
DONT_WAIT = (
    "don't wait",
    "Don't wait any longer: the customer may already be checking out (Gotchas: escalating too "
    "late).",
)
HANDLE_DEFAULT = (
    "Acknowledge the customer's concern, handle it at your level, and keep them updated. Come back "
    "if it turns into a threat to the relationship (Don't Escalate If)."
)
# Gaps that hold back a non-urgent escalation ("Don't Escalate If"), and the rule each breaks.
BLOCKING: dict[str, table.PlaybookRule] = {
    "not_tried_yourself": NOT_TRIED,
    "not_communicated": NOT_COMMUNICATED,
}
# Checklist questions the rep has answered "no" to ("I haven't told my manager yet", "not sure
# what I'd ask for"): they hold back a non-urgent escalation too. Unknown is not "no".
STATED_GAPS: dict[str, tuple[str, table.PlaybookRule]] = {
    "manager_briefed": ("manager_not_briefed", NOT_BRIEFED),
    "clear_ask": ("no_clear_ask", NO_CLEAR_ASK),
    "root_cause_understood": ("root_cause_unknown", ROOT_CAUSE),
}
# Every checklist question whose stated "no" can hold an urgent escalation back (see `held_by`
# in signals.yaml), in the order a rep should deal with them: its gap and its rule.
HOLDING: dict[str, tuple[str, table.PlaybookRule]] = {
    "tried_yourself": ("not_tried_yourself", NOT_TRIED),
    "communicated_transparently": ("not_communicated", NOT_COMMUNICATED),
    **STATED_GAPS,
}


class Reason(BaseModel):
    """A decision step: the playbook rule applied, and the signal that triggered it (if any)."""

    rule: str
    section: str
    signal: str | None = None

    def __str__(self) -> str:
        why = f" ({table.label(self.signal)})" if self.signal else ""
        return f"{self.section}: {self.rule}{why}"


class Verdict(BaseModel):
    code: RecommendationCode | None
    headline: str
    reasons: list[Reason]
    first_steps: list[str]
    warnings: list[ReadinessWarning]

    @property
    def calls_for_escalation(self) -> bool:
        """An "Escalate If" reason holds (now, or once the first steps are done)."""
        return self.code in ("escalate_now", "not_yet")


LABELS: dict[str | None, str] = {
    "escalate_now": "Escalate now",
    "not_yet": "Not yet",
    "do_not_escalate": "Don't escalate",
    None: "Listening",
}


def escalation_signals(case: CaseFile) -> list[str]:
    """The case's "Escalate If" signals, in the table's order."""
    escalating = set(table.escalating())
    return [s for s in table.in_order(case.signals) if s in escalating]


def _reason(name: str) -> Reason:
    rule = table.signal(name).rule
    return Reason(rule=rule.text, section=rule.section, signal=name)


def _headline(code: RecommendationCode, steps: list[tuple[str, str]]) -> str:
    first = f"; first: {steps[0][0]}." if steps else "."
    return ("Escalate now" if code == "escalate_now" else "Not yet") + first


def verdict(case: CaseFile) -> Verdict:
    """escalate_now, not_yet or do_not_escalate, with the rules behind it and the gaps to fill."""
    warnings = assess(case)
    codes = [w.code for w in warnings]
    signals = escalation_signals(case)
    if not (signals or case.problem or case.signals or case.customer_wants or case.ask):
        gaps = [GAP_STEPS[c] for c in GAP_STEPS if c in codes and c != "too_early"]
        return Verdict(
            code=None,
            headline="Not enough is known yet to say whether to escalate.",
            reasons=[],
            first_steps=_texts(gaps),
            warnings=warnings,
        )
    if not signals:
        # Timing gotchas are about escalating; on a case to handle they would only confuse.
        warnings = [w for w in warnings if w.code not in ("too_early", "too_late")]
        handle = [s for s in ("venting", "routine_issue") if s in case.signals]
        reasons = [_reason(s) for s in handle] or [
            Reason(rule=NOTHING_TO_ESCALATE.text, section=NOTHING_TO_ESCALATE.section)
        ]
        handling = [step for s in handle if (step := table.signal(s).step)] + [HANDLE_DEFAULT]
        return Verdict(
            code="do_not_escalate",
            headline="Don't escalate: this is yours to handle.",
            reasons=reasons,
            first_steps=handling,
            warnings=warnings,
        )
    reasons = [_reason(s) for s in signals]
    if "cancellation_threat" in signals:
        reasons.insert(
            1,
            Reason(
                rule=ESCALATE_IMMEDIATELY.text,
                section=ESCALATE_IMMEDIATELY.section,
                signal="cancellation_threat",
            ),
        )
    urgent = [s for s in signals if s in table.immediate()]
    tried = not has_not_tried(case)
    communicated = case.checklist.communicated_transparently is not False
    said_no = [gap for item, gap in STATED_GAPS.items() if getattr(case.checklist, item) is False]
    gaps = [GAP_STEPS[c] for c in GAP_STEPS if c in codes and c != "too_early"]
    if urgent:
        # An urgent signal does not wait to hear what was tried, but a "no" the rep stated to a
        # question that holds it back does hold it (for a threat to cancel, only "I haven't
        # tried anything yet"); with several urgent signals, the least held one decides.
        stated = {item for item in HOLDING if getattr(case.checklist, item) is False}
        holding = set.intersection(*(_held(s, stated) for s in urgent))
        now = not holding
    else:
        holding = set()
        now = tried and communicated and not said_no
    if now:
        manager = MANAGER_BRIEFED if case.checklist.manager_briefed is True else BRIEF_MANAGER
        steps: list[tuple[str, str]] = [
            manager,
            *gaps,
            *([DONT_WAIT] if "too_late" in codes else []),
        ]
        return Verdict(
            code="escalate_now",
            headline=_headline("escalate_now", steps),
            reasons=reasons,
            first_steps=_texts(steps),
            warnings=warnings,
        )
    if urgent:
        held = [HOLDING[item][1] for item in HOLDING if item in holding]
        blocking = [
            GAP_STEPS[gap]
            for item, (gap, _) in HOLDING.items()
            if item in holding and gap in GAP_STEPS
        ]
        if "manager_briefed" in holding:
            blocking.append(BRIEF_MANAGER)
    else:
        held = [rule for code, rule in BLOCKING.items() if code in codes]
        held += [rule for _, rule in said_no]
        first = ("not_tried_yourself", "too_early", "not_communicated")
        blocking = [GAP_STEPS[c] for c in first if c in codes]
        if any(code == "manager_not_briefed" for code, _ in said_no):
            blocking.append(BRIEF_MANAGER)
    # "Escalate immediately" is no reason for a verdict that holds the escalation back
    reasons = [r for r in reasons if r.rule != ESCALATE_IMMEDIATELY.text]
    reasons += [Reason(rule=r.text, section=r.section) for r in held]
    steps = blocking + [g for g in gaps if g not in blocking]
    return Verdict(
        code="not_yet",
        headline=_headline("not_yet", steps),
        reasons=reasons,
        first_steps=_texts(steps),
        warnings=warnings,
    )


def _held(signal: str, stated: set[str]) -> set[str]:
    """The stated "no"s that hold an urgent signal back: any of `held_by`, and `held_together`
    when every one of them was said."""
    found = table.signal(signal)
    holding = stated & set(found.held_by)
    if found.held_together and set(found.held_together) <= stated:
        holding |= set(found.held_together)
    return holding


def _texts(steps: list[tuple[str, str]]) -> list[str]:
    return list(dict.fromkeys(text for _, text in steps))


# --- triage: the same verdict, for a customer's email ------------------------------------------

Decision = Literal["escalate", "handle", "review"]
_LEVELS: tuple[table.Urgency, ...] = ("low", "medium", "high", "critical")


@dataclass
class Assessment:
    """What triage reports about an email: the decision, urgency, scenario and the rules."""

    decision: Decision
    urgency: table.Urgency
    scenario: table.Scenario | None
    reasons: list[Reason]
    recommendation: RecommendationCode | None


def assess_email(
    signal_types: set[str],
    *,
    critical: bool = False,
    pressing: bool = False,
    review: str | None = None,
) -> Assessment:
    """Triage's decision for an email's signals: `escalate` exactly when the verdict on a case
    holding those signals calls for escalation. `critical` (a formal legal threat, a live incident,
    a threat to walk with either) and `pressing` (a deadline) come from the reader; `review` is the
    reader's reason when it cannot stand behind any reading of the email."""
    found = verdict(CaseFile(signals=table.in_order(signal_types)))
    escalating = [s for s in table.in_order(signal_types) if table.signal(s).escalates]
    scenario = next(
        (table.signal(s).scenario for s in escalating if table.signal(s).scenario), None
    )
    if found.calls_for_escalation:
        level = max(_LEVELS.index(table.signal(s).urgency) for s in escalating)
        if critical:
            level = 3
        elif level < 2 and (len(escalating) >= 2 or pressing):
            level += 1
        reasons = [r for r in found.reasons if r.signal]
        return Assessment("escalate", _LEVELS[level], scenario, reasons, found.code)
    if review is not None:
        return Assessment("review", "medium", None, [Reason(rule=review, section="Triage")], None)
    reasons = found.reasons or [
        Reason(rule=NOTHING_TO_ESCALATE.text, section=NOTHING_TO_ESCALATE.section)
    ]
    return Assessment("handle", "low", None, reasons, found.code or "do_not_escalate")


def coaching_text() -> str:
    """All fixed wording the verdict and the warnings can put into a draft (allowed when a draft
    is checked for invented facts)."""
    from coach.domain.readiness import RULES

    fixed = [message for _, message in RULES.values()]
    fixed += [text for _, text in (*GAP_STEPS.values(), BRIEF_MANAGER, MANAGER_BRIEFED, DONT_WAIT)]
    fixed += [HANDLE_DEFAULT, *(s.step for s in table.table().values() if s.step)]
    fixed += [r.rule.text for r in table.table().values()]
    fixed += [ESCALATE_IMMEDIATELY.text, NOTHING_TO_ESCALATE.text, NOT_TRIED.text]
    fixed += [NOT_COMMUNICATED.text, *LABELS.values()]
    return "\n".join(fixed)
