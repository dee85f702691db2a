"""What the knowledge base says to do next: scenario steps, checklist questions and citations.

Everything is read from the indexed playbook passages, so a team that edits its playbook sees the
change in the triage."""

from __future__ import annotations

import re
from collections.abc import Set
from typing import TYPE_CHECKING, Any

from coach.triage.models import Citation
from coach.triage.rules import Assessment

if TYPE_CHECKING:
    from coach.playbook.retrieval import HybridRetriever

# What each signal is about, in the playbook's words; also the retrieval query.
QUERY_OF = {
    "cancellation_threat": "customer threatening to cancel or walk away",
    "manager_request": "customer asking to speak to your manager",
    "leadership_decision": "issue requires leadership decision or authority",
    "deal_at_risk": "deal at risk needs executive attention",
    "relationship_breakdown": "relationship breakdown repair the relationship",
    "technical_beyond_control": "technical issues beyond your control engineering leadership",
    "scope_timeline_dispute": "scope or timeline dispute reset expectations",
    "legal_or_public_threat": "situation beyond your ability to resolve leadership",
    "venting": "customer is just venting not actually escalating",
    "routine_issue": "routine technical issue you can solve at your level",
}

# Which pre-escalation checklist questions matter most for each signal (keys match item text).
_CHECK_KEYS = {
    "tried": r"tried|resolve this yourself",
    "root": r"root cause",
    "communicated": r"communicat",
    "ask": r"clear ask",
    "timing": r"right time",
    "briefed": r"brief",
}
_CHECKS_FOR = {
    "cancellation_threat": ["root", "ask", "timing", "briefed"],
    "legal_or_public_threat": ["root", "ask", "timing", "briefed"],
    "manager_request": ["tried", "root", "ask", "briefed"],
    "leadership_decision": ["root", "ask", "briefed"],
    "deal_at_risk": ["root", "ask", "timing", "briefed"],
    "relationship_breakdown": ["root", "communicated", "ask", "timing", "briefed"],
    "technical_beyond_control": ["tried", "root", "communicated", "ask", "briefed"],
    "scope_timeline_dispute": ["root", "communicated", "ask", "briefed"],
}
_HANDLE_CHECKS = ["tried", "communicated", "timing"]

_EXTRA_STEPS = {
    "manager_request": "They asked for someone senior: agree with your manager who joins before "
    "you reply, and tell the customer when to expect them (Step 3: Identify who should be "
    "involved).",
    "leadership_decision": "Do not commit to a credit, discount, refund or contract change "
    "yourself; bring it to your manager as the decision you need (Step 2: Identify what you need "
    "from leadership).",
    "legal_or_public_threat": "Brief your manager before you reply and agree who answers; keep "
    "your reply factual and free of commitments.",
    "deal_at_risk": "Write down what is at stake (deal size, renewal date, stakeholders) for the "
    "brief (Step 1: What's the business impact?).",
}
_HANDLE_STEPS = {
    "routine_issue": "Resolve it at your level: answer the question or fix the configuration or "
    "billing item, then confirm with the customer that it works.",
    "venting": "Listen and acknowledge the frustration; the customer is venting, not escalating. "
    "Ask what would help most right now.",
}
_HANDLE_DEFAULT = (
    "Reply yourself. Escalate only if an 'Escalate If' rule appears: a threat to leave, a request "
    "for your manager, or a decision above your authority."
)


def _bullets(text: str) -> list[str]:
    items = []
    for line in text.split("\n"):
        m = re.match(r"^\s*[-*]\s+(\[[ xX]\]\s+)?(.*\S)", line)
        if m:
            items.append(m.group(2).strip())
    return items


class PlaybookGuide:
    def __init__(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever
        self.passages: list[Any] = list(retriever.passages)
        checklist = next((p for p in self.passages if p.kind == "checklist"), None)
        self.checklist: list[str] = _bullets(checklist.text) if checklist else []
        self._cache: dict[tuple[str, ...], list[Citation]] = {}

    def _passage(self, section_suffix: str) -> Any:
        return next((p for p in self.passages if p.section.endswith(section_suffix)), None)

    def checklist_questions(self, types: Set[str], assessment: Assessment) -> list[str]:
        keys: list[str] = []
        if assessment.decision == "handle":
            keys = list(_HANDLE_CHECKS)
        else:
            for t in types:
                keys.extend(_CHECKS_FOR.get(t, []))
        wanted = set(keys)
        return [
            item
            for item in self.checklist
            if any(re.search(_CHECK_KEYS[k], item, re.IGNORECASE) for k in wanted)
        ]

    def next_steps(self, types: Set[str], assessment: Assessment) -> list[str]:
        if assessment.decision == "handle":
            handle = [_HANDLE_STEPS[t] for t in ("routine_issue", "venting") if t in types]
            return [*handle, _HANDLE_DEFAULT]
        steps: list[str] = []
        if assessment.scenario:
            passage = self._passage(assessment.scenario)
            if passage is not None:
                steps.extend(_bullets(passage.text))
        steps.extend(_EXTRA_STEPS[t] for t in _EXTRA_STEPS if t in types)
        brief = self._passage("Step 3: Escalate Internally First")
        if brief is not None:
            parts = [b for b in _bullets(brief.text) if not b.endswith(":")]
            steps.append("Brief your manager first: " + "; ".join(parts[:4]) + ".")
        steps.append(
            "Acknowledge their concern directly, introduce the leader you are bringing in, and "
            "set up the call (Step 4: Escalate to Customer)."
        )
        return list(dict.fromkeys(steps))

    def citations(self, types: Set[str], assessment: Assessment) -> list[Citation]:
        key = (assessment.decision, assessment.scenario or "", *sorted(types))
        if key in self._cache:
            return self._cache[key]
        sections = [r.section for r in assessment.reasons]
        if assessment.decision == "escalate":
            sections.append("Pre-Escalation Checklist")
        found: list[Citation] = []
        for suffix in sections:
            passage = self._passage(suffix)
            if passage is not None:
                found.append(Citation(source=passage.source, section=passage.section))
        query = " ".join(QUERY_OF[t] for t in sorted(types)) or QUERY_OF["routine_issue"]
        if assessment.scenario:
            query = f"{assessment.scenario}: {query}"
        for hit in self.retriever.search(query, k=3):
            found.append(Citation(source=hit.source, section=hit.section))
        unique = list({(c.source, c.section): c for c in found}.values())
        self._cache[key] = unique
        return unique
