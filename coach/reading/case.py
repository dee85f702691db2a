"""A case file's signals, read from its own words when nobody listed them.

A case written by hand (`coach brief case.json`, the Brief form) often states the situation in its
problem and notes without naming signals; the verdict needs them. They are read with the same reader
the chat coach uses for what a rep says, so a case gets the same verdict wherever it comes from.
"""

from __future__ import annotations

from coach.domain.casefile import CaseFile
from coach.domain.verdict import Verdict, verdict


def with_signals(case: CaseFile) -> CaseFile:
    """`case` unchanged when it lists signals; otherwise with the signals its text states."""
    if case.signals:
        return case
    from coach.chat.extract import detect_signals
    from coach.triage.parse import sentences

    texts = [case.problem, case.customer_wants, case.notes, case.business_impact, case.ask]
    sents = [s for text in texts if text for s in sentences(text)]
    found = detect_signals(sents, rep_side=[s for s in sentences(case.ask)] if case.ask else [])
    return case.model_copy(update={"signals": found}) if found else case


def judge(case: CaseFile) -> Verdict:
    """The verdict on a case, with its signals read from its words when it lists none: what the
    chat, the brief, the CLI and the UI all show."""
    return verdict(with_signals(case))
