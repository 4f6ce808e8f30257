"""Pieces the Okta and Graph fakes share: what a fake saw, and a failure it was told to answer with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    body: bytes


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    only: str | None = None
