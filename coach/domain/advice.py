"""The coach's judgement as code: whether to escalate, and which question to ask next.

The recommendation follows the playbook's "When to Escalate" rules; questions come from its Step 1
and Pre-Escalation Checklist, only for items the case does not answer and the rep was not asked.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from coach.domain.casefile import CaseFile
from coach.domain.readiness import checked_out, has_not_tried, warning_codes
from coach.triage.rules import (
    DONT_ESCALATE_IF,
    ESCALATE_IMMEDIATELY,
    ESCALATION_RULES,
    HANDLE_RULES,
    NOTHING_TO_ESCALATE,
)

RecommendationCode = Literal["escalate_now", "not_yet", "do_not_escalate"]
ESCALATION_SIGNALS = (
    "cancellation_threat",
    "legal_or_public_threat",
    "technical_beyond_control",
    "manager_request",
    "relationship_breakdown",
    "deal_at_risk",
    "leadership_decision",
)
URGENT_SIGNALS = frozenset(
    {"cancellation_threat", "legal_or_public_threat", "technical_beyond_control", "manager_request"}
)
FACT_ITEMS = (
    "customer",
    "problem",
    "customer_wants",
    "tried",
    "business_impact",
    "ask",
    "proposed_next_steps",
)
# Answering one of a pair answers both (the contract's equivalent items).
PAIRS = {
    "tried": "tried_yourself",
    "problem": "root_cause_understood",
    "ask": "clear_ask",
}
# The order questions come in, by situation.
ORDER: dict[str, tuple[str, ...]] = {
    "unknown": ("problem", "customer"),
    "escalate_now": (
        "customer",
        "customer_wants",
        "business_impact",
        "tried",
        "ask",
        "proposed_next_steps",
        "manager_briefed",
    ),
    "not_yet": (
        "customer",
        "tried",
        "communicated_transparently",
        "customer_wants",
        "business_impact",
        "ask",
        "proposed_next_steps",
        "manager_briefed",
        "right_time",
    ),
    "do_not_escalate": (
        "customer",
        "customer_wants",
        "tried",
        "communicated_transparently",
    ),
}


class Reason(BaseModel):
    rule: str
    section: str


class Recommendation(BaseModel):
    code: RecommendationCode | None
    headline: str
    reasons: list[Reason]
    first_steps: list[str]


class Question(BaseModel):
    item: str
    question: str
    kind: str


def escalation_signals(case: CaseFile) -> list[str]:
    return [s for s in ESCALATION_SIGNALS if s in case.signals]


def recommend(case: CaseFile) -> Recommendation:
    """escalate_now, not_yet or do_not_escalate, with the playbook rules behind it."""
    signals = escalation_signals(case)
    if not case.problem and not case.signals:
        return Recommendation(
            code=None,
            headline="I don't know enough yet to say whether to escalate.",
            reasons=[],
            first_steps=[],
        )
    urgent = [s for s in signals if s in URGENT_SIGNALS]
    reasons = [Reason(rule=ESCALATION_RULES[s].text, section=ESCALATION_RULES[s].section)
               for s in signals]  # fmt: skip
    # The rep's latest answer wins over a list of earlier attempts: "we haven't actually tried
    # anything" after a false start is not tried (the same reading as `not_tried_yourself`).
    tried = not has_not_tried(case)
    communicated = case.checklist.communicated_transparently is not False
    if signals and (urgent or (tried and communicated)):
        if "cancellation_threat" in urgent:
            reasons.insert(1, Reason(rule=ESCALATE_IMMEDIATELY.text,
                                     section=ESCALATE_IMMEDIATELY.section))  # fmt: skip
        steps = ["Brief your manager first (Step 3: Escalate Internally First): situation, what "
                 "you've tried, what you need, proposed next steps."]  # fmt: skip
        if case.checklist.manager_briefed is True:
            steps = ["Agree the approach with your manager and who should be involved, then "
                     "bring leadership to the customer (Step 4)."]  # fmt: skip
        headline = "Escalate now" + (
            ", starting with the brief to your manager."
            if case.checklist.manager_briefed is not True
            else "."
        )
        if urgent:
            headline = "Escalate now, immediately" + headline.removeprefix("Escalate now")
        if checked_out(case) or (case.days_open is not None and case.days_open > 30):
            steps.append("Don't wait any longer: the customer may already be checking out.")
        return Recommendation(code="escalate_now", headline=headline, reasons=reasons,
                              first_steps=steps)  # fmt: skip
    if signals:
        steps = []
        if not tried:
            reasons.append(Reason(rule="You haven't tried to resolve it yourself",
                                  section=DONT_ESCALATE_IF))  # fmt: skip
            steps.append("Try to resolve it yourself first, and write down what you tried.")
        if not communicated:
            reasons.append(Reason(rule="You haven't communicated with customer about it",
                                  section=DONT_ESCALATE_IF))  # fmt: skip
            steps.append("Tell the customer, transparently, where things stand.")
        return Recommendation(
            code="not_yet",
            headline="Not yet: there is a reason to escalate, but do this first.",
            reasons=reasons,
            first_steps=steps,
        )
    handle = [HANDLE_RULES[s] for s in ("venting", "routine_issue") if s in case.signals]
    rules = handle or [NOTHING_TO_ESCALATE]
    return Recommendation(
        code="do_not_escalate",
        headline="Don't escalate: this is yours to handle.",
        reasons=[Reason(rule=r.text, section=r.section) for r in rules],
        first_steps=["Acknowledge the customer's concern, handle it at your level, and keep them "
                     "updated. Come back if it turns into a threat to the relationship."],
    )  # fmt: skip


# --- questions ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _questions(prompts_dir: Path) -> dict[str, Question]:
    data = yaml.safe_load((prompts_dir / "agent" / "questions.yaml").read_text(encoding="utf-8"))
    return {k: Question(item=k, question=v["question"], kind=v["kind"]) for k, v in data.items()}


def questions(prompts_dir: Path) -> dict[str, Question]:
    return _questions(prompts_dir)


def unknown_items(case: CaseFile) -> list[str]:
    """Items nothing in the case answers yet: neither a fact nor a yes/no."""
    cl = case.checklist
    out: list[str] = []
    for item in FACT_ITEMS:
        value = getattr(case, item)
        pair = PAIRS.get(item)
        if not value and (pair is None or getattr(cl, pair) is None):
            out.append(item)
    for item in ("communicated_transparently", "manager_briefed"):
        if getattr(cl, item) is None:
            out.append(item)
    if cl.right_time is None and case.days_open is None:
        out.append("right_time")
    return out


def next_questions(
    case: CaseFile, asked: list[str], code: str | None, prompts_dir: Path, limit: int = 2
) -> list[Question]:
    """One or two questions on items still unknown and never asked, in an order that fits."""
    known = questions(prompts_dir)
    already = (
        set(asked) | {PAIRS.get(a, a) for a in asked} | {k for k, v in PAIRS.items() if v in asked}
    )
    unknown = set(unknown_items(case))
    order = ORDER["unknown"] if code is None else ORDER[code]
    picked: list[Question] = []
    for item in order:
        if item not in unknown or item in already or item not in known:
            continue
        q = known[item]
        if picked and (q.kind == picked[0].kind == "yes_no"):
            continue
        if picked and picked[0].kind == "fact" and q.kind == "fact" and item != "customer":
            continue  # two open questions in one turn blur the answers
        picked.append(q)
        if len(picked) >= limit:
            break
    return picked


def derived_right_time(case: CaseFile) -> bool | None:
    """The coach's answer to "is this the right time?" once it knows how long it has run."""
    if case.checklist.right_time is not None or case.days_open is None:
        return None
    codes = warning_codes(case)
    return not ("too_early" in codes or "too_late" in codes)
