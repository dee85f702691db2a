"""Errors a user can hit. Their message is one sentence that says what to do next."""


class CoachError(Exception):
    """A problem with the user's input or set-up; the CLI prints it on one line and exits 2."""

    exit_code = 2
