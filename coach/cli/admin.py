"""`coach admin`: what whoever runs the deployment does, not the reps."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from coach.cli import app
from coach.errors import CoachError

admin = typer.Typer(help="Deployment chores: set up the store, forget a user's data, apply retention.",
                    no_args_is_help=True)  # fmt: skip
app.add_typer(admin, name="admin")


@admin.command("forget-user")
def forget_user_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The login whose data goes.")],
) -> None:
    """Delete every conversation of one user, checkpoints included (a privacy request)."""
    from coach.chat.conversation import forget_user
    from coach.settings import get_settings
    from coach.textio import escaped

    if not name.strip():
        raise CoachError("give the login whose conversations should be deleted, not an empty name")
    count = forget_user(name, get_settings())
    print(escaped(f"deleted {count} conversation(s) of {name}"), file=sys.stderr)


@admin.command("retention")
def retention_command(
    days: Annotated[float, typer.Option("--days", help="Keep this many days (0.001 to 36,500).")],
) -> None:
    """Delete conversations not touched for DAYS (COACH_RETENTION_DAYS does it on every start)."""
    import math

    from coach.chat.conversation import apply_retention
    from coach.settings import get_settings

    # Checked here, not by a range on the option: "nan" passed every comparison but the last and
    # was told it "should be less than or equal to 36500".
    if not (math.isfinite(days) and 0.001 <= days <= 36_500):
        raise CoachError(f"--days must be a number of days from 0.001 to 36,500, not {days!r}")

    count = apply_retention(get_settings(), days)
    print(f"deleted {count} conversation(s) older than {days:g} day(s)", file=sys.stderr)


@admin.command("hash-password")
def hash_password_command() -> None:
    """Read a password on stdin and print its hash for COACH_AUTH_FILE (user:HASH lines)."""
    from coach.errors import CoachError
    from coach.ui.auth import hash_password

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("password: ")
    else:
        # Read as bytes and decoded strictly: a pipe's bytes that are not UTF-8 ("\xff\xfe")
        # would reach the hash as lone surrogates and fail with a traceback.
        line = sys.stdin.buffer.readline().rstrip(b"\r\n")
        try:
            password = line.decode("utf-8")
        except UnicodeDecodeError:
            raise CoachError("the password on stdin is not UTF-8 text; send it as UTF-8") from None
    if len(password) < 8:
        raise CoachError("a password needs at least 8 characters")
    print(hash_password(password))


@admin.command("migrate")
def migrate_command() -> None:
    """Create or update the tables of the conversation store (SQLite, or the PostgreSQL server of
    COACH_DATABASE_URL): the app also does this on start."""
    from coach.settings import get_settings
    from coach.storage import database, redacted_url, sqlite_path

    settings = get_settings()
    db = database(settings)
    where = redacted_url(settings.database_url or "") or str(sqlite_path(settings))
    print(f"{db.kind} store ready: {where}", file=sys.stderr)
