"""The decision, in code: the playbook's "Escalate If" / "Don't Escalate If" rules applied to the
signals. Every reason names the rule it applies, in the playbook's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.triage.models import Decision, Reason, Scenario, Signal, Urgency

ESCALATE_IF = "When to Escalate > Escalate If"
DONT_ESCALATE_IF = "When to Escalate > Don't Escalate If"
SCENARIOS = "Common Escalation Scenarios"


@dataclass(frozen=True)
class Rule:
    text: str  # verbatim from the playbook
    section: str


# Which playbook rule each signal triggers.
ESCALATION_RULES: dict[str, Rule] = {
    "cancellation_threat": Rule("Customer is threatening to cancel or walk away", ESCALATE_IF),
    "relationship_breakdown": Rule(
        "Relationship is at risk and you can't repair it alone", ESCALATE_IF
    ),
    "leadership_decision": Rule("Issue requires leadership decision or authority", ESCALATE_IF),
    "manager_request": Rule("Customer is asking to speak to your manager", ESCALATE_IF),
    "technical_beyond_control": Rule("Situation is beyond your ability to resolve", ESCALATE_IF),
    "deal_at_risk": Rule("Deal is at risk and needs executive attention", ESCALATE_IF),
    # A lawyer or a public post needs a decision above the rep's level.
    "legal_or_public_threat": Rule("Issue requires leadership decision or authority", ESCALATE_IF),
    "scope_timeline_dispute": Rule(
        "Have leadership help reset expectations", f"{SCENARIOS} > Scope or Timeline Disputes"
    ),
}
HANDLE_RULES: dict[str, Rule] = {
    "venting": Rule("Customer is just venting (not actually escalating)", DONT_ESCALATE_IF),
    "routine_issue": Rule("It's a routine technical issue you can solve", DONT_ESCALATE_IF),
}
NOTHING_TO_ESCALATE = Rule("It's something you should handle at your level", DONT_ESCALATE_IF)
ESCALATE_IMMEDIATELY = Rule("Escalate immediately", f"{SCENARIOS} > Customer Threatening to Cancel")

# The scenario a message belongs to, most pressing first.
SCENARIO_OF: list[tuple[str, Scenario]] = [
    ("cancellation_threat", "Customer Threatening to Cancel"),
    ("relationship_breakdown", "Relationship Breakdown"),
    ("technical_beyond_control", "Technical Issues Beyond Your Control"),
    ("scope_timeline_dispute", "Scope or Timeline Disputes"),
]

# "Escalate immediately" (a threat to walk, a lawyer, an incident, a deal in danger) is high; a
# request for a manager, a decision, a dispute or strained trust is medium until it combines with
# another reason or a deadline. Critical is kept for formal legal threats, live incidents, and a
# threat to walk that comes with either.
_BASE_URGENCY: dict[str, Urgency] = {
    "legal_or_public_threat": "high",
    "cancellation_threat": "high",
    "technical_beyond_control": "high",
    "relationship_breakdown": "medium",
    "deal_at_risk": "high",
    "manager_request": "medium",
    "leadership_decision": "medium",
    "scope_timeline_dispute": "medium",
}
_LEVELS: list[Urgency] = ["low", "medium", "high", "critical"]
_LEGAL = re.compile(
    r"\b(lawyer|attorney|legal|lawsuit|litigation|sue|suing|court|breach of|in breach|"
    r"anwalt|klage|gericht|avocat|justice|tribunal|abogad|demanda)",
    re.IGNORECASE,
)
_INCIDENT = re.compile(
    r"\b(breach|data loss|lost (all )?(our|the) data|leak|exposed|hacked|compromised|security|"
    r"production|all (of )?(our )?users|every (user|customer)|datenverlust|sicherheit|"
    r"perte de données|sécurité|pérdida de datos|seguridad)",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b(today|tonight|tomorrow|asap|immediately|right now|urgent(ly)?|within \d+ (hours?|days?)|"
    r"by (monday|tuesday|wednesday|thursday|friday|end of (the )?(day|week))|eod|eow|"
    r"heute|morgen|sofort|dringend|aujourd'hui|demain|immédiatement|urgent|hoy|mañana|"
    r"inmediatamente|urgente)\b",
    re.IGNORECASE,
)


@dataclass
class Assessment:
    decision: Decision
    urgency: Urgency
    scenario: Scenario | None
    reasons: list[Reason]


def decide(signals: list[Signal], newest_text: str = "") -> Assessment:
    """Escalate when any "Escalate If" rule holds; otherwise handle, naming the rule that says so."""
    types = {s.type for s in signals}
    escalating = [s for s in signals if s.type in ESCALATION_RULES]
    if escalating:
        reasons = [
            Reason(rule=ESCALATION_RULES[s.type].text, section=ESCALATION_RULES[s.type].section,
                   signal=s.type)
            for s in escalating
        ]  # fmt: skip
        if "cancellation_threat" in types:
            reasons.insert(
                1,
                Reason(rule=ESCALATE_IMMEDIATELY.text, section=ESCALATE_IMMEDIATELY.section,
                       signal="cancellation_threat"),
            )  # fmt: skip
        scenario = next((name for signal, name in SCENARIO_OF if signal in types), None)
        return Assessment("escalate", _urgency(escalating, newest_text), scenario, reasons)
    reasons = [
        Reason(rule=HANDLE_RULES[s.type].text, section=HANDLE_RULES[s.type].section, signal=s.type)
        for s in signals
        if s.type in HANDLE_RULES
    ]
    if not reasons:
        reasons = [Reason(rule=NOTHING_TO_ESCALATE.text, section=NOTHING_TO_ESCALATE.section)]
    # Nothing to escalate: venting included ("not actually escalating"), the rep handles it.
    return Assessment("handle", "low", None, reasons)


def _urgency(escalating: list[Signal], newest_text: str) -> Urgency:
    types = {s.type for s in escalating}
    level = max(_LEVELS.index(_BASE_URGENCY[t]) for t in types)
    # The whole newest message says how serious a threat or an incident is, not only the quote.
    text = " ".join([newest_text, *(s.evidence for s in escalating)])
    legal = "legal_or_public_threat" in types and _LEGAL.search(text)
    incident = "technical_beyond_control" in types and _INCIDENT.search(text)
    walking = "cancellation_threat" in types and types & {
        "technical_beyond_control",
        "legal_or_public_threat",
    }
    if legal or incident or walking:
        return "critical"
    if level < 2 and (len(types) >= 2 or _DEADLINE.search(newest_text)):
        level += 1
    return _LEVELS[level]
