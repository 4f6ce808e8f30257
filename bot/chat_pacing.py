"""Outbound chat pacing shared by every replica, kept in the database (``store/pacing.py``).

Slack's limits are per workspace (one ``chat.postMessage`` per second per channel; a 429's ``Retry-After`` for a
method), so replicas that each paced themselves could still exceed them together. The Slack pacer asks this
service before every call: a post reserves the channel's next slot in one short write transaction (shared by the
group commit with other small writes), and a 429 pushes the method back for everyone. Reads (is this method held
back?) never take the write lock.
"""

from __future__ import annotations

import time

from opsgate.bot.services import Services
from opsgate.store import pacing


class SharedPacing:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def not_before(self, key: str) -> float:
        """Wall-clock time before which nobody may use ``key``."""
        return await self.services.db(self._read, key)

    def _read(self, key: str) -> float:
        with self.services.read_session() as session:
            return pacing.not_before(session, key)

    async def reserve(self, key: str, *, earliest: float, interval: float, patience: float) -> float:
        """Reserve ``key``'s next slot no sooner than ``earliest`` (wall clock); returns its start. A start more
        than ``patience`` seconds away is returned without being reserved (the caller gives up instead)."""
        return await self.services.write(
            lambda session: pacing.reserve(
                session, key, earliest=earliest, interval=interval, now=time.time(), patience=patience
            )
        )

    async def push_back(self, key: str, until: float) -> None:
        await self.services.write(lambda session: pacing.push_back(session, key, until))
