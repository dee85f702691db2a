"""Escalation Coach: an offline-first escalation coach built on a team's own playbook."""

import os

# onnxruntime (the local embeddings) reports telemetry from Linux since 1.29: a background thread
# looks up and calls a Microsoft host. The product makes no network call it was not asked for;
# this opt-out must be set before onnxruntime starts, so it is set when the package is imported.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
