"""Engines and transactions for SQLite (embedded default) and PostgreSQL (several replicas).

SQLite runs in WAL mode with ``synchronous=FULL`` (an acknowledged write survives ``kill -9``), foreign keys on, and
every transaction opened with ``BEGIN IMMEDIATE`` so concurrent writers queue on the database lock instead of
failing half-way with SQLITE_BUSY. PostgreSQL uses psycopg 3; row locks (``FOR UPDATE``) serialise what must be
linear (the audit chain head) and ``SKIP LOCKED`` hands timed work to one replica.

The store owns transactions: services call :func:`transaction` and everything inside commits or rolls back
together (state change + audit entry + outbox row).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel import Session

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A new engine for ``url`` with OpsGate's connection settings."""
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, emit BEGIN (pysqlite's implicit transactions are broken by design).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            readonly = conn.get_execution_options().get("opsgate_readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    if kwargs.get("poolclass") is NullPool:
        kwargs.pop("pool_size")
        kwargs.pop("max_overflow")
    return create_engine(url, **kwargs)


def get_engine(url: str) -> Engine:
    """One engine per URL per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_all() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


_writer_locks: dict[int, threading.Lock] = {}


def _writer_lock(engine: Engine) -> contextlib.AbstractContextManager[object]:
    """SQLite admits one writer at a time; threads of this process queue on a Python lock instead of spinning in
    SQLite's busy handler, which sleeps in steps of up to 100 ms. Other processes still wait on busy_timeout."""
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    with _lock:
        lock = _writer_locks.setdefault(id(engine.pool), threading.Lock())
    return lock


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any exception."""
    with _writer_lock(engine), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads only: on SQLite it begins a deferred transaction, so readers never queue on writers."""
    with Session(engine.execution_options(opsgate_readonly=True), expire_on_commit=False) as session:
        yield session
