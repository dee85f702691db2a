"""Calibration on real text nobody on the project wrote: the X-CI complaint tweets.

`escalation_by_severity` triages every row and reports, per Severity level (0 = not a complaint,
1-4 rising), the share that the triage would escalate. The share should rise with severity and
stay low for non-complaints. The data set is not a ground truth for our signals (consumer tweets,
not B2B email), so it checks direction and robustness, not accuracy.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from coach.settings import REPO_ROOT
from coach.triage.engine import TriageEngine
from coach.triage.models import TriageResult

XCI_FILE = "x-ci-complaints.csv"


def shared_data_dir() -> Path | None:
    """COACH_SHARED_DATA, else `../shared/data` beside the repository (as in CI), if it exists."""
    candidates = [os.environ.get("COACH_SHARED_DATA"), str(REPO_ROOT.parent / "shared" / "data")]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def xci_path() -> Path | None:
    folder = shared_data_dir()
    path = folder / XCI_FILE if folder else None
    return path if path and path.is_file() else None


@dataclass
class Calibration:
    rows: int = 0
    errors: int = 0
    quotes: int = 0
    verbatim: int = 0
    # level -> [escalated, total, escalated or venting]
    by_level: dict[str, list[int]] = field(default_factory=dict)

    def share(self, level: str) -> float:
        """Share of the level's rows the triage would escalate."""
        escalated, total, _ = self.by_level.get(level, [0, 0, 0])
        return escalated / total if total else 0.0

    def concern_share(self, level: str) -> float:
        """Share escalated or flagged as venting: any sign of an unhappy customer."""
        _, total, concern = self.by_level.get(level, [0, 0, 0])
        return concern / total if total else 0.0


def escalation_by_severity(engine: TriageEngine, path: Path, chunk: int = 64) -> Calibration:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    report = Calibration(rows=len(rows))
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        for row, result in zip(part, engine.triage_many([r["tweet"] for r in part]), strict=True):
            if not isinstance(result, TriageResult):
                report.errors += 1
                continue
            level = "0" if row["label"] == "0" else row["Severity"]
            counts = report.by_level.setdefault(level, [0, 0, 0])
            counts[0] += result.decision == "escalate"
            counts[1] += 1
            counts[2] += result.decision == "escalate" or "venting" in result.signal_types()
            for signal in result.signals:
                report.quotes += 1
                report.verbatim += signal.evidence in row["tweet"]
    return report
