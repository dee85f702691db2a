"""Prompts and templates are files in `prompts/`, rendered strictly: a missing variable is an error."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from coach.errors import CoachError
from coach.settings import Settings, get_settings


@lru_cache(maxsize=8)
def _environment(prompts_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, settings: Settings | None = None, **variables: Any) -> str:
    """Render `prompts/<name>`; raises jinja2.UndefinedError when a variable is missing."""
    settings = settings or get_settings()
    try:
        template = _environment(settings.prompts_dir).get_template(name)
    except jinja2.TemplateNotFound:
        raise CoachError(
            f"prompt {name} is missing from {settings.prompts_dir}; set COACH_PROMPTS_DIR to "
            "the project's prompts/ folder"
        ) from None
    return template.render(**variables)


def prompt_names(settings: Settings | None = None) -> list[str]:
    settings = settings or get_settings()
    return sorted(
        str(p.relative_to(settings.prompts_dir))
        for p in settings.prompts_dir.rglob("*")
        if p.is_file() and p.suffix in {".j2", ".md", ".txt"}
    )
