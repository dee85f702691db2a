"""The one table of signals (`signals.yaml`), typed.

The names are the JSON contract and are fixed here; everything said about a signal (its label,
meaning, playbook rule, whether and how urgently it escalates, its scenario, next step and checklist
questions) is data in `signals.yaml`, which every view reads through this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.domain.casefile import ChecklistItem
from coach.errors import CoachError
from coach.textio import load_yaml

SignalType = Literal[
    "cancellation_threat",
    "manager_request",
    "leadership_decision",
    "deal_at_risk",
    "relationship_breakdown",
    "technical_beyond_control",
    "scope_timeline_dispute",
    "legal_or_public_threat",
    "venting",
    "routine_issue",
]
SIGNAL_TYPES: tuple[str, ...] = get_args(SignalType)
Urgency = Literal["low", "medium", "high", "critical"]
URGENCIES: tuple[str, ...] = get_args(Urgency)
Scenario = Literal[
    "Customer Threatening to Cancel",
    "Technical Issues Beyond Your Control",
    "Scope or Timeline Disputes",
    "Relationship Breakdown",
]


class PlaybookRule(BaseModel):
    """A rule in the playbook's own words, and the section trail it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    section: str


class SignalDef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: SignalType
    label: str
    brief: str
    meaning: str
    rule: PlaybookRule
    escalates: bool
    immediate: bool
    urgency: Literal["low", "medium", "high"]
    scenario: Scenario | None = None
    query: str
    checks: tuple[ChecklistItem, ...] = ()
    held_by: tuple[ChecklistItem, ...] = ("clear_ask", "root_cause_understood")
    held_together: tuple[ChecklistItem, ...] = ()
    step: str | None = None
    wants: str
    not_venting: bool = False
    own_words: bool = False
    a_state: bool = False
    not_praise: bool = False
    names: Literal["leaving", "senior", "legal", "broken"] | None = None


@lru_cache(maxsize=1)
def table() -> dict[str, SignalDef]:
    """Every signal, in the contract's order."""
    source = resources.files("coach.domain").joinpath("signals.yaml")
    data = load_yaml(source.read_text(encoding="utf-8"))
    rows = data.get("signals") if isinstance(data, dict) else None
    if not isinstance(rows, dict) or set(rows) != set(SIGNAL_TYPES):
        raise CoachError(
            "coach/domain/signals.yaml must define exactly these signals: "
            + ", ".join(SIGNAL_TYPES)
        )
    try:
        defs = {
            name: SignalDef.model_validate({**rows[name], "name": name}) for name in SIGNAL_TYPES
        }
    except (TypeError, ValidationError) as exc:
        raise CoachError(f"coach/domain/signals.yaml: {exc}") from None
    return defs


def signal(name: str) -> SignalDef:
    return table()[name]


def label(name: str) -> str:
    """What a rep reads for a signal; an unknown name is shown as words, never as an id."""
    found = table().get(name)
    return found.label if found else name.replace("_", " ").capitalize()


def escalating() -> tuple[str, ...]:
    """Signals that are an "Escalate If" reason, in the contract's order."""
    return tuple(name for name, s in table().items() if s.escalates)


def immediate() -> frozenset[str]:
    """Signals the playbook says to escalate right away."""
    return frozenset(name for name, s in table().items() if s.immediate)


def in_order(names: Iterable[str]) -> list[str]:
    """Known signal names in the table's order, once each."""
    wanted = set(names)
    return [name for name in SIGNAL_TYPES if name in wanted]


def meanings() -> list[tuple[str, str]]:
    """(name, meaning) of every signal, for a model's instructions."""
    return [(name, s.meaning) for name, s in table().items()]
