"""A small per-process cache of Jira answers for the summary: each value is fresh for ``ttl`` seconds
(``OPSGATE_JIRA_CACHE_TTL``), identical concurrent requests share one computation (a busy channel asking the same
thing at once costs Jira one query), a failure is remembered briefly so a failing Jira is not hammered, and the
least recently used entries go first beyond ``max_weight`` (an entry weighs what ``weigh`` says: an issue set its
number of issues, so a few 10,000-issue sets cannot fill the memory).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")
Clock = Callable[[], float]
ERROR_TTL = 10.0  # seconds a failure is answered from the cache
MAX_WEIGHT = 200_000  # e.g. issues held across all cached sets (a few hundred bytes each)


@dataclass
class _Entry:
    expires: float
    value: Any = None
    error: BaseException | None = None
    weight: int = 1


def _one(_value: Any) -> int:
    return 1


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()  # mark retrieved: a failure nobody waits for any more is not logged as lost


class TtlCache(Generic[V]):
    def __init__(
        self,
        ttl: float,
        *,
        clock: Clock = time.monotonic,
        max_weight: int = MAX_WEIGHT,
        weigh: Callable[[Any], int] = _one,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_weight = max_weight
        self.weigh = weigh
        self.weight = 0
        self._items: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._running: dict[Hashable, asyncio.Task[V]] = {}

    def fresh(self, key: Hashable) -> bool:
        entry = self._items.get(key)
        return entry is not None and entry.expires > self.clock()

    def task(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> asyncio.Future[V]:
        """The running (or a new) computation of ``key``; a fresh entry gives an already finished task."""
        entry = self._items.get(key)
        if entry is not None and entry.expires > self.clock():
            self._items.move_to_end(key)
            done: asyncio.Future[V] = asyncio.get_running_loop().create_future()
            if entry.error is not None:
                done.set_exception(entry.error)
            else:
                done.set_result(entry.value)
            return done
        running = self._running.get(key)
        if running is not None:
            return running
        task = asyncio.get_running_loop().create_task(self._compute(key, compute))
        task.add_done_callback(_retrieve)
        self._running[key] = task
        return task

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        return await asyncio.shield(self.task(key, compute))

    async def _compute(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await compute()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if self.ttl > 0:
                self._put(key, _Entry(self.clock() + min(self.ttl, ERROR_TTL), error=exc))
            raise
        else:
            if self.ttl > 0:
                self._put(key, _Entry(self.clock() + self.ttl, value=value, weight=max(1, self.weigh(value))))
            return value
        finally:
            self._running.pop(key, None)

    def _put(self, key: Hashable, entry: _Entry) -> None:
        old = self._items.pop(key, None)
        self.weight -= old.weight if old else 0
        self._items[key] = entry
        self.weight += entry.weight
        while self.weight > self.max_weight and len(self._items) > 1:
            _key, gone = self._items.popitem(last=False)
            self.weight -= gone.weight

    def forget(self, match: Callable[[Hashable], bool]) -> int:
        """Drop the entries whose key matches (e.g. one site's after a Refresh). A computation already running
        is still joined and stored: it is at most one query old."""
        gone = [k for k in self._items if match(k)]
        for k in gone:
            self.weight -= self._items.pop(k).weight
        return len(gone)
