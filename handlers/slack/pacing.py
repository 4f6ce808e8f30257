"""Outbound pacing for the Slack Web API, in one place for every caller (cards, listeners, other rooms).

Two rules, both process-wide:

* ``chat.postMessage`` to one channel: at most one post per second, sustained (Slack's "1 per second per channel";
  thread replies count against their channel). Slots are reserved in order, so concurrent posters queue fairly.
* After an HTTP 429 with ``Retry-After: s`` for a method, the next call of that method waits until ``s`` seconds
  have passed since the 429 arrived, whoever makes it.

:class:`PacedWebClient` applies both in ``api_call``, through which every ``slack_sdk`` method goes. A call that
would wait longer than the caller's patience raises :class:`SlackBusy` (carrying how long) instead of sleeping:
the outbox then reschedules the card rather than blocking every other delivery. A 429 whose ``Retry-After`` fits
the patience is retried once, after the wait; a longer one is raised as :class:`SlackBusy`.

Slack's limits are per workspace, so the app's pacer also keeps both rules in the database
(:class:`~opsgate.bot.chat_pacing.SharedPacing`): a post reserves its channel's slot there too, and a 429 holds the
method back for every replica, so several replicas together still post at most once per second per channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

POST_INTERVAL = 1.05  # seconds between chat.postMessage calls to one channel (1/s plus a little clock margin)
DEFAULT_PATIENCE = 5.0  # the longest a call sleeps for pacing before raising SlackBusy
DEFAULT_RETRY_AFTER = 1.0  # a 429 without Retry-After
PACED_POST = "chat.postMessage"

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Shared(Protocol):
    """The schedule every replica sees (wall-clock epoch seconds): ``opsgate.bot.chat_pacing.SharedPacing``."""

    async def not_before(self, key: str) -> float: ...
    async def reserve(self, key: str, *, earliest: float, interval: float, patience: float) -> float: ...
    async def push_back(self, key: str, until: float) -> None: ...

_patience: contextvars.ContextVar[float | None] = contextvars.ContextVar("opsgate_slack_patience", default=None)


class SlackBusy(Exception):
    """Slack asked us to wait (429) or this process is pacing itself; try again in ``retry_after`` seconds."""

    def __init__(self, method: str, retry_after: float) -> None:
        super().__init__(f"{method}: Slack is rate limiting; retry in {retry_after:.1f}s")
        self.method = method
        self.retry_after = retry_after


@contextlib.contextmanager
def patience(seconds: float) -> Iterator[None]:
    """Within this block, calls may sleep up to ``seconds`` for pacing (e.g. a thread note that must follow its
    card) before raising :class:`SlackBusy`."""
    token = _patience.set(seconds)
    try:
        yield
    finally:
        _patience.reset(token)


def retry_after_of(error: SlackApiError) -> float:
    """The ``Retry-After`` of a 429, in seconds (1 when missing or malformed)."""
    headers = getattr(error.response, "headers", None) or {}
    raw = next((v for k, v in dict(headers).items() if str(k).lower() == "retry-after"), None)
    try:
        value = float(raw[0] if isinstance(raw, list | tuple) else raw) if raw is not None else DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        value = DEFAULT_RETRY_AFTER
    return max(value, 0.0)


class Pacer:
    """The schedule: when each channel may next receive a post and when each method may be called again."""

    def __init__(
        self,
        *,
        post_interval: float = POST_INTERVAL,
        max_wait: float = DEFAULT_PATIENCE,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        shared: Shared | None = None,
    ) -> None:
        self.post_interval = post_interval
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        self._next_post: dict[str, float] = {}  # channel -> earliest time of its next post
        self._blocked: dict[str, float] = {}  # method -> not before (after a 429)

    def patience(self) -> float:
        scoped = _patience.get()
        return self.max_wait if scoped is None else scoped

    async def wait(self, method: str, channel: str | None = None) -> None:
        """Sleep until ``method`` (to ``channel``) may be called, reserving the channel's slot; raise
        :class:`SlackBusy` without reserving anything when that is further away than the caller's patience."""
        now = self.clock()
        blocked = self._blocked.get(method, 0.0)
        start = max(now, blocked)
        if method == PACED_POST and channel:
            start = max(start, self._next_post.get(channel, 0.0))
        delay = start - now
        if delay > self.patience():
            raise SlackBusy(method, delay)
        if self.shared is not None:
            delay = await self._shared_delay(method, channel, delay)
        if method == PACED_POST and channel:
            self._next_post[channel] = max(self._next_post.get(channel, 0.0), now + delay + self.post_interval)
        if delay > 0:
            await self.sleep(delay)
        # Another 429 may have arrived while we slept; honour it too.
        later = self._blocked.get(method, 0.0) - self.clock()
        if later > 0:
            if later > self.patience():
                raise SlackBusy(method, later)
            await self.sleep(later)

    async def _shared_delay(self, method: str, channel: str | None, local_delay: float) -> float:
        """The delay the other replicas impose (their 429s, their posts to this channel), on top of ours."""
        assert self.shared is not None
        wall = time.time()
        earliest = max(wall + local_delay, await self.shared.not_before(f"slack:method:{method}"))
        if method == PACED_POST and channel:
            earliest = await self.shared.reserve(
                f"slack:post:{channel}",
                earliest=earliest,
                interval=self.post_interval,
                patience=self.patience(),
            )
        delay = max(local_delay, earliest - wall)
        if delay > self.patience():
            raise SlackBusy(method, delay)
        return delay

    def rate_limited(self, method: str, retry_after: float) -> None:
        """A 429 arrived now for ``method``: nobody calls it again for ``retry_after`` seconds."""
        until = self.clock() + retry_after
        self._blocked[method] = max(self._blocked.get(method, 0.0), until)

    async def share_rate_limit(self, method: str, retry_after: float) -> None:
        """Tell the other replicas about a 429 (no-op without a shared schedule)."""
        if self.shared is not None:
            await self.shared.push_back(f"slack:method:{method}", time.time() + retry_after)


def _channel_of(*sources: Any) -> str | None:
    for source in sources:
        if isinstance(source, dict) and source.get("channel"):
            return str(source["channel"])
    return None


class PacedWebClient(AsyncWebClient):
    """``AsyncWebClient`` whose every call goes through a :class:`Pacer` (see the module docstring)."""

    def __init__(self, *args: Any, pacer: Pacer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer or Pacer()

    async def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> AsyncSlackResponse:
        channel = _channel_of(json, data, params) if api_method == PACED_POST else None
        retried = False
        while True:
            await self.pacer.wait(api_method, channel)
            try:
                return await super().api_call(
                    api_method,
                    http_verb=http_verb,
                    files=files,
                    data=data,
                    params=params,
                    json=json,
                    headers=headers,
                    auth=auth,
                )
            except SlackApiError as exc:
                if getattr(exc.response, "status_code", None) != 429:
                    raise
                retry_after = retry_after_of(exc)
                self.pacer.rate_limited(api_method, retry_after)
                await self.pacer.share_rate_limit(api_method, retry_after)
                if retried or retry_after > self.pacer.patience():
                    raise SlackBusy(api_method, retry_after) from exc
                retried = True
