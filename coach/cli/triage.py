"""`coach triage` commands (registered on the app when imported)."""

from coach.cli import app  # noqa: F401
