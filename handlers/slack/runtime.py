"""What every Slack listener needs, injected through Bolt's ``context`` by one global middleware (STYLE.md §3).

``context["gate"]`` is the :class:`~opsgate.bot.gate.OpsGate`; ``context["opsgate"]`` is the typed helper
(:class:`SlackRuntime`: the gate, the paced Web API client, the directory and approvers, the surface, background
tasks, App Home sections), read with :func:`runtime`. ``context["client"]`` is replaced by the shared paced client,
so every listener (other rooms' too) obeys the same outbound pacing. ``context["correlation_id"]`` names the
request in logs and in any error message the user sees.

Slow work runs after the ack as a task of :class:`Background` (kept referenced until done, errors reported to the
user through the one error map). Bolt's lazy listeners deep-copy the context; :class:`SlackRuntime` survives that
copy (it copies as itself) while the bare gate does not, so lazy listeners read ``runtime(context).gate``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from opsgate.bot.gate import OpsGate
from opsgate.handlers.slack.approvers import Approvers
from opsgate.handlers.slack.directory import SlackDirectory
from opsgate.handlers.slack.pacing import PacedWebClient
from opsgate.handlers.slack.payloads import Where
from opsgate.handlers.slack.surface import SlackSurface

log = structlog.get_logger("opsgate.slack")

GATE_KEY = "gate"
RUNTIME_KEY = "opsgate"
CORRELATION_KEY = "correlation_id"
BACKGROUND_LIMIT = 8  # background tasks running at once (the rest queue; the loop stays free for acks)


@dataclass(frozen=True)
class HomeRequest:
    """What an App Home section provider is told about the person looking."""

    gate: OpsGate
    client: PacedWebClient
    user_id: str
    is_approver: bool


# A provider returns extra App Home blocks (already valid Block Kit, unique block ids) for one user.
HomeSection = Callable[[HomeRequest], Awaitable[Sequence[dict[str, Any]]]]
ErrorReporter = Callable[[BaseException, Where, str], Awaitable[None]]


class Background:
    """Tasks started after an ack: referenced until they finish, failures handed to ``on_error``.

    At most ``limit`` run at once; the rest wait their turn. A burst of presses then queues its slow work instead of
    crowding the event loop, so the next request is still acknowledged at once.
    """

    def __init__(self, limit: int = BACKGROUND_LIMIT) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(limit)
        self.on_error: ErrorReporter | None = None

    def spawn(self, work: Coroutine[Any, Any, None], where: Where, correlation_id: str) -> asyncio.Task[None]:
        async def run() -> None:
            try:
                async with self._slots:
                    await work
            except Exception as exc:  # CancelledError (shutdown) is not an Exception: it propagates
                if self.on_error is None:
                    log.exception("slack_background_failed", ref=correlation_id)
                else:
                    await self.on_error(exc, where, correlation_id)

        def done(task: asyncio.Task[None]) -> None:
            self._tasks.discard(task)
            work.close()  # a no-op once it ran; a task cancelled before it started leaves no "never awaited"

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(done)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the running tasks (and those they start) to finish."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                break
            await asyncio.wait(set(self._tasks), timeout=left)

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)


@dataclass(eq=False)
class SlackRuntime:
    gate: OpsGate
    client: PacedWebClient
    directory: SlackDirectory
    approvers: Approvers
    surface: SlackSurface
    tasks: Background = field(default_factory=Background)
    home_sections: list[HomeSection] = field(default_factory=list)

    def __deepcopy__(self, memo: dict[int, Any]) -> SlackRuntime:
        return self  # shared, never copied (Bolt deep-copies the context for lazy listeners)

    def later(self, work: Coroutine[Any, Any, None], context: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        """Run ``work`` after the ack; an error in it reaches the user through the one error map."""
        self.tasks.spawn(work, Where.of(body), correlation(context))


class OpsGateBoltApp(AsyncApp):
    """The Bolt app, carrying its :class:`SlackRuntime` so registrars can reach it (e.g. App Home sections)."""

    def __init__(self, *, runtime: SlackRuntime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.opsgate = runtime


def runtime_of(app: AsyncApp) -> SlackRuntime:
    if not isinstance(app, OpsGateBoltApp):
        raise TypeError("not an OpsGate Bolt app: build it with opsgate.handlers.slack.build_bolt_app")
    return app.opsgate


def runtime(context: Mapping[str, Any]) -> SlackRuntime:
    """The typed helper a listener reads from its ``context``."""
    found = context.get(RUNTIME_KEY)
    if not isinstance(found, SlackRuntime):
        raise RuntimeError("the OpsGate middleware did not run for this request")
    return found


def correlation(context: Mapping[str, Any]) -> str:
    return str(context.get(CORRELATION_KEY) or uuid.uuid4().hex[:12])


def middleware(rt: SlackRuntime) -> Callable[..., Awaitable[BoltResponse | None]]:
    """The one global middleware: gate, helper, paced client and a correlation id into ``context``."""

    async def inject(
        context: dict[str, Any], body: dict[str, Any], next_: Callable[[], Awaitable[BoltResponse | None]]
    ) -> BoltResponse | None:
        ref = uuid.uuid4().hex[:12]
        context[GATE_KEY] = rt.gate
        context[RUNTIME_KEY] = rt
        context[CORRELATION_KEY] = ref
        context["client"] = rt.client
        bound = structlog.contextvars.bind_contextvars(slack_ref=ref, slack_user=Where.of(body).user_id)
        try:
            return await next_()
        finally:
            structlog.contextvars.reset_contextvars(**bound)

    return inject
