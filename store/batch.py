"""Group commit: many small, independent write units share one transaction and one commit.

On the hot path (ticket ingest) each unit is a handful of statements, and the commit (an fsync of the WAL on
SQLite, of the WAL on PostgreSQL too) costs as much as the statements. Under load, units that arrive while a
commit is in progress are collected and run together by one writer thread:

* the batch first runs in one plain transaction; if any unit raises (a rate limit, a bad row), that attempt is
  rolled back whole and the batch runs again with each unit in its own SAVEPOINT, so the unit that raises is rolled
  back alone and its caller gets the exception while the others commit (units must therefore be safe to run again
  after a rollback: pure functions of the database state, as the ingest is);
* nobody is answered before the shared commit returns, so an acknowledged write is as durable as before
  (``synchronous=FULL``); if the commit itself fails, every unit of the batch gets that error and nothing of the
  batch is stored;
* with no load a batch is one unit: there is no waiting for company, so latency is unchanged when idle.

Units must not keep state outside the session that a rollback of their savepoint would not undo.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from sqlalchemy import Engine
from sqlmodel import Session

from opsgate.store.db import transaction

log = structlog.get_logger("opsgate.store.batch")

T = TypeVar("T")
MAX_BATCH = 64


@dataclass
class _Unit:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any]


class GroupCommitter:
    """One writer thread per engine that runs queued units in shared transactions."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH, name: str = "opsgate-writer") -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Unit | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._name = name
        self._start_lock = threading.Lock()
        self._closed = False
        self.batches = 0  # how many commits ran (for tests and metrics)
        self.units = 0

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``fn(session, *args)``; the future resolves after the commit that made it durable."""
        if self._closed:
            raise RuntimeError("the group committer is closed")
        future: Future[T] = Future()
        self._ensure_thread()
        self._queue.put(_Unit(fn, args, future))
        return future

    def close(self) -> None:
        """Finish what is queued, then stop the thread."""
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                thread.start()
                self._thread = thread

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            # A caller that gave up before its unit started (the client went away) is dropped; once a unit runs its
            # future can no longer be cancelled, so every answer below has someone to go to.
            batch = [unit for unit in batch if unit.future.set_running_or_notify_cancel()]
            if batch:
                try:
                    self._run(batch)
                except BaseException:  # never let the one writer thread die: every later write would hang
                    log.exception("group_commit_loop_error", units=len(batch))
            if stop:
                return

    def _run(self, batch: list[_Unit]) -> None:
        try:
            outcomes = self._optimistic(batch) or self._isolated(batch)
        except BaseException as exc:  # the commit (or BEGIN) failed: nothing of this batch is stored
            log.warning("group_commit_failed", units=len(batch), error=f"{type(exc).__name__}: {exc}")
            for unit in batch:
                if not unit.future.done():
                    unit.future.set_exception(exc)
            return
        self.batches += 1
        self.units += len(batch)
        for unit, ok, value in outcomes:
            if ok:
                unit.future.set_result(value)
            else:
                unit.future.set_exception(value)

    def _optimistic(self, batch: list[_Unit]) -> list[tuple[_Unit, bool, Any]] | None:
        """Every unit in one transaction without savepoints (they cost as much as a unit's statements); None when a
        unit raised, after rolling everything back: nothing was committed, so running the units again is safe."""

        class _Refused(Exception):
            pass

        results: list[tuple[_Unit, bool, Any]] = []
        try:
            with transaction(self.engine) as session:
                for unit in batch:
                    try:
                        results.append((unit, True, unit.fn(session, *unit.args)))
                    except Exception as exc:
                        raise _Refused from exc
        except _Refused:
            return None
        return results

    def _isolated(self, batch: list[_Unit]) -> list[tuple[_Unit, bool, Any]]:
        """Each unit in its own savepoint of one transaction: a unit that raises is rolled back alone."""
        with transaction(self.engine) as session:
            return [self._one(session, unit) for unit in batch]

    @staticmethod
    def _one(session: Session, unit: _Unit) -> tuple[_Unit, bool, Any]:
        try:
            with session.begin_nested():
                return unit, True, unit.fn(session, *unit.args)
        except Exception as exc:  # this unit alone is rolled back (its savepoint); the batch goes on
            return unit, False, exc
