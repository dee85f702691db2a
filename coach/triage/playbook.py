"""What the knowledge base says to do next: scenario steps, checklist questions and citations.

Everything is read from the indexed playbook passages, so a team that edits its playbook sees the
change in the triage."""

from __future__ import annotations

import re
from collections.abc import Set
from typing import TYPE_CHECKING, Any

from coach.domain import signals as table
from coach.domain.verdict import Assessment
from coach.triage.models import Citation

if TYPE_CHECKING:
    from coach.playbook.retrieval import HybridRetriever

# Which checklist line answers each checklist item (matched in the playbook's own wording, so a team
# that rewords its checklist keeps working).
_CHECK_KEYS = {
    "tried_yourself": r"tried|resolve this yourself",
    "root_cause_understood": r"root cause",
    "communicated_transparently": r"communicat",
    "clear_ask": r"clear ask",
    "right_time": r"right time",
    "manager_briefed": r"brief",
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
        if assessment.decision == "escalate":
            names = [s for s in table.in_order(types) if table.signal(s).escalates]
        else:
            names = ["routine_issue"]
        wanted = {check for name in names for check in table.signal(name).checks}
        return [
            item
            for item in self.checklist
            if any(re.search(_CHECK_KEYS[k], item, re.IGNORECASE) for k in wanted)
        ]

    def next_steps(self, types: Set[str], assessment: Assessment) -> list[str]:
        if assessment.decision != "escalate":
            handle = [table.signal(t).step for t in ("routine_issue", "venting") if t in types]
            return [*(s for s in handle if s), _HANDLE_DEFAULT]
        steps: list[str] = []
        if assessment.scenario:
            passage = self._passage(assessment.scenario)
            if passage is not None:
                steps.extend(_bullets(passage.text))
        steps.extend(
            step
            for name in table.in_order(types)
            if table.signal(name).escalates and (step := table.signal(name).step)
        )
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
        query = (
            " ".join(table.signal(t).query for t in sorted(types))
            or table.signal("routine_issue").query
        )
        if assessment.scenario:
            query = f"{assessment.scenario}: {query}"
        # The query is a fixed phrase per signal set: the lexical index finds its passages
        # without embedding it.
        for hit in self.retriever.search(query, k=3, mode="bm25"):
            found.append(Citation(source=hit.source, section=hit.section))
        unique = list({(c.source, c.section): c for c in found}.values())
        self._cache[key] = unique
        return unique
