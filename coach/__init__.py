"""Escalation Coach: an offline-first escalation coach built on a team's own playbook."""

__version__ = "0.1.0"
