"""The triage domain: a signal with its evidence, and the assessment both engines return."""

from __future__ import annotations

from pydantic import BaseModel, Field

from coach.domain.signals import (
    SIGNAL_TYPES,
    URGENCIES,
    Scenario,
    SignalType,
    Urgency,
)
from coach.domain.verdict import Decision, Reason, RecommendationCode

__all__ = ["SIGNAL_TYPES", "URGENCIES", "Reason", "Scenario", "SignalType", "Urgency"]


class Signal(BaseModel):
    """One reason to care, backed by a verbatim quote from the customer's newest message."""

    type: SignalType
    evidence: str = Field(description="a verbatim quote from the customer's email")
    score: float = Field(default=1.0, description="detector confidence, 0 to 1")
    source: str = Field(default="lexicon", description="lexicon, semantic or model")


class Citation(BaseModel):
    source: str
    section: str


class TriageResult(BaseModel):
    decision: Decision
    urgency: Urgency
    recommendation: RecommendationCode | None = Field(
        default=None,
        description="the verdict on a case holding these signals (same codes as coach chat)",
    )
    signals: list[Signal]
    scenario: Scenario | None
    customer_wants: str
    next_steps: list[str]
    checklist_questions: list[str]
    citations: list[Citation]
    reply_draft: str
    engine: str
    reasons: list[Reason]
    language: str = "en"
    language_note: str | None = None
    review_reason: str | None = Field(
        default=None, description="why the decision is review: what the rep must read themselves"
    )
    history_signals: list[Signal] = Field(
        default_factory=list,
        description="signals found only in quoted history: context, never part of the decision",
    )
    notes: list[str] = Field(default_factory=list)
    dropped_evidence: int = 0

    def signal_types(self) -> list[str]:
        return sorted({s.type for s in self.signals})


# --- what a model may propose (the code decides everything else) ----------------------------


class ProposedSignal(BaseModel):
    type: SignalType = Field(description="one of the ten signal types")
    evidence: str = Field(
        description="an exact, verbatim quote (a sentence or clause) copied from the NEWEST message"
    )


class TriageProposal(BaseModel):
    """Signals found in the customer's newest message, each with a verbatim quote, and what the
    customer wants. Quote exactly; never paraphrase."""

    # Required: an answer without it ("{}", another tool's arguments) is no proposal, and the
    # offline engine answers instead (an empty list is a proposal: nothing found).
    signals: list[ProposedSignal] = Field(description="every signal found; [] if none")
    customer_wants: str = Field(
        default="", description="what the customer wants, in one plain sentence"
    )
