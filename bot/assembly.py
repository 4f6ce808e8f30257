"""The route groups and background work of a full server, in one list (extended as rooms land)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsgate.bot.app import RouteRegistrar


def registrars() -> list[RouteRegistrar]:
    return []
