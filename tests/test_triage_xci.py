"""Real tweets to brands (shared/data/x-ci-complaints.csv): no crash, verbatim evidence, and an
escalation share that rises with the annotated severity."""

from __future__ import annotations

import os

import pytest

from coach.settings import Settings
from coach.triage.calibration import escalation_by_severity, xci_path
from coach.triage.engine import OfflineTriageEngine

pytestmark = pytest.mark.slow


def test_every_tweet_triages_and_escalation_rises_with_severity(settings: Settings) -> None:
    path = xci_path()
    if path is None:
        # The data sits beside the repo (../shared/data) in the team's checkout and in CI.
        message = "shared/data/x-ci-complaints.csv not found (set COACH_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    report = escalation_by_severity(OfflineTriageEngine(settings), path)
    shares = {level: round(report.share(level), 3) for level in sorted(report.by_level)}
    concern = {level: round(report.concern_share(level), 3) for level in sorted(report.by_level)}
    print(f"\nescalation share by severity (0 = not a complaint): {shares}")
    print(f"escalate-or-venting share by severity: {concern}")
    assert report.rows == 3448
    assert report.errors == 0  # every row gives a result
    assert report.quotes > 0 and report.verbatim == report.quotes
    assert shares["0"] <= 0.05
    assert shares["4"] > shares["3"] > shares["2"] > shares["1"] > shares["0"]
    assert shares["4"] >= 2 * shares["0"] + 0.05
    # Levels 2 and 3 are close; each is above level 1 and below level 4.
    assert concern["4"] > max(concern["2"], concern["3"])
    assert min(concern["2"], concern["3"]) > concern["1"]
    # Levels 0 and 1 are within a few tweets of each other (0.108 and 0.106 before issue 11's
    # calm-email reading); that reading drops bare-keyword escalations on both ("How do I cancel my
    # service?" at 0, "We're off. What's going on?", a power cut, at 1), so only a clear
    # inversion fails.
    assert concern["1"] >= concern["0"] - 0.01
