"""`python -m coach`: the command line (the same as `coach`)."""

from coach.cli import main

main()
