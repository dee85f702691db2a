"""Query expansion from the team's glossary: reps say "boss" and "churn", playbooks say "manager"
and "cancel". `knowledge/glossary.yaml` maps the playbook's words to the phrases reps use."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import yaml

from coach.textio import load_yaml

log = logging.getLogger(__name__)

GLOSSARY_FILE = "glossary.yaml"


class Glossary:
    def __init__(self, entries: dict[str, list[str]]) -> None:
        self._rules = [
            (
                canonical,
                re.compile(
                    r"(?<!\w)(?:"
                    + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                    + r")(?!\w)",
                    re.IGNORECASE,
                ),
            )
            for canonical, phrases in entries.items()
            if phrases
        ]

    @classmethod
    def load(cls, knowledge_dir: Path) -> Glossary:
        path = knowledge_dir / GLOSSARY_FILE
        if not path.is_file():
            return cls({})
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            log.warning("ignoring %s: not valid YAML (%s)", path, exc)
            return cls({})
        if not isinstance(data, dict):
            log.warning("ignoring %s: expected a mapping of playbook words to phrases", path)
            return cls({})
        return cls({str(k): [str(p) for p in (v or [])] for k, v in data.items()})

    def expand(self, query: str) -> str:
        """The query plus the playbook words for every rep phrase it contains."""
        extra = [canonical for canonical, pattern in self._rules if pattern.search(query)]
        return f"{query} {' '.join(extra)}" if extra else query
