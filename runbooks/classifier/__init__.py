"""Ticket classifier: a ticket's text -> a runbook intent, a target user and parameters, or ``no_action``.

``EmbeddedClassifier`` is the default (deterministic, no network); ``LLMClassifier`` asks an OpenAI-compatible
endpoint and checks its answer, falling back to the embedded one. ``classify_jsonl`` serves ``opsgate classify``.
"""

from .batch import classify_jsonl
from .embedded import EmbeddedClassifier
from .llm import LLMClassifier
from .model import Classification, Classifier, TargetUser, TicketText

__all__ = [
    "Classification",
    "Classifier",
    "EmbeddedClassifier",
    "LLMClassifier",
    "TargetUser",
    "TicketText",
    "classify_jsonl",
]
