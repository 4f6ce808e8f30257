"""The route groups of a full server, in one list (extended as rooms land)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsgate.bot.app import RouteRegistrar


def registrars() -> list[RouteRegistrar]:
    from opsgate.handlers.http import ingest, requests, runs

    return [ingest.register, runs.register, requests.register]
