"""Command groups beyond the foundation, kept apart so bot/cli.py stays small."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def extensions() -> list[Callable[[Any], None]]:
    return []
