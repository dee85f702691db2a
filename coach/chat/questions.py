"""Which checklist question to ask next: only items the case does not answer and the rep was not
asked, in an order that fits the verdict. The questions' wording lives in
`prompts/agent/questions.yaml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from coach.domain.casefile import CaseFile
from coach.domain.readiness import warning_codes
from coach.textio import load_yaml

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


class Question(BaseModel):
    item: str
    question: str
    kind: str


# --- questions ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _questions(prompts_dir: Path) -> dict[str, Question]:
    data = load_yaml((prompts_dir / "agent" / "questions.yaml").read_text(encoding="utf-8"))
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
