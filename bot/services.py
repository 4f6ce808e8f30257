"""The assembled services of one OpsGate process, handed to handlers through the aiohttp app and Bolt context.

Database work is synchronous SQLAlchemy run in a bounded worker pool (:meth:`Services.db`), so the event loop that
acknowledges Slack clicks within 3 s never waits on a disk or a lock.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine

from opsgate.bot.metrics import Metrics
from opsgate.bot.settings import Settings
from opsgate.store.batch import GroupCommitter
from opsgate.store.db import get_engine, read_session, transaction
from opsgate.store.orgs import get_org

P = ParamSpec("P")
T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings, engine: Engine | None = None, *, db_threads: int = 16) -> None:
        self.settings = settings
        self.engine = engine if engine is not None else get_engine(settings.database_url)
        self.metrics = Metrics()
        self._pool = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="opsgate-db")
        self._default_org_id: int | None = None
        self.extensions: dict[str, Any] = {}  # surfaces and gateways registered at assembly (chat, jira ...)
        self._committer: GroupCommitter | None = None

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking store work off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in a shared transaction with whatever other small writes are queued (group
        commit, :mod:`opsgate.store.batch`); returns after the commit. For hot, independent units (ingest)."""
        if self._committer is None:
            self._committer = GroupCommitter(self.engine)
        return await asyncio.wrap_future(self._committer.submit(fn, *args))

    @property
    def default_org_id(self) -> int:
        if self._default_org_id is None:
            with read_session(self.engine) as session:
                org = get_org(session, self.settings.default_org)
                assert org.id is not None
                self._default_org_id = org.id
        return self._default_org_id

    def transaction(self) -> Any:
        return transaction(self.engine)

    def read_session(self) -> Any:
        return read_session(self.engine)

    def close(self) -> None:
        if self._committer is not None:
            self._committer.close()
        self._pool.shutdown(wait=True, cancel_futures=False)
