"""The outbound pacer on a fake clock: one post per second per channel, Retry-After honoured by every caller,
and "too long to wait" said as SlackBusy instead of sleeping."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from slack_sdk.errors import SlackApiError

from opsgate.handlers.slack.pacing import Pacer, SlackBusy, patience, retry_after_of
from tests.fakes.slack import post_pacing_problem


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _pacer(clock: Clock, **kwargs: float) -> Pacer:
    return Pacer(clock=clock, sleep=clock.sleep, **kwargs)


async def test_posts_to_one_channel_are_a_second_apart_and_channels_are_independent() -> None:
    clock = Clock()
    pacer = _pacer(clock, max_wait=100)
    times = []
    for _ in range(6):
        await pacer.wait("chat.postMessage", "C1")
        times.append(clock.now)
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    assert post_pacing_problem(times) is None
    before = clock.now
    await pacer.wait("chat.postMessage", "C2")
    await pacer.wait("chat.update", "C1")
    assert clock.now == before


async def test_concurrent_posters_queue_in_order() -> None:
    clock = Clock()
    pacer = _pacer(clock, max_wait=100)
    await asyncio.gather(*(pacer.wait("chat.postMessage", "C1") for _ in range(4)))
    assert sorted(clock.slept) == pytest.approx([1.05, 1.05, 1.05])  # each sleeps until its own slot


async def test_waiting_longer_than_patience_raises_without_reserving() -> None:
    clock = Clock()
    slept: list[float] = []

    async def record(seconds: float) -> None:  # time stands still: both slots are taken "at once"
        slept.append(seconds)

    pacer = Pacer(clock=clock, sleep=record, max_wait=1.5)
    await pacer.wait("chat.postMessage", "C1")
    await pacer.wait("chat.postMessage", "C1")
    with pytest.raises(SlackBusy) as busy:
        await pacer.wait("chat.postMessage", "C1")  # the slot after next: 2.1 s away
    assert busy.value.retry_after == pytest.approx(2.1)
    with patience(10):
        await pacer.wait("chat.postMessage", "C1")  # the refused call reserved nothing: still 2.1 s
    assert slept == pytest.approx([1.05, 2.1])


async def test_retry_after_blocks_the_method_for_every_caller() -> None:
    clock = Clock()
    pacer = _pacer(clock, max_wait=5)
    pacer.rate_limited("views.publish", 3)
    start = clock.now
    await pacer.wait("chat.update", "C1")
    assert clock.now == start
    await pacer.wait("views.publish")
    assert clock.now - start >= 3
    pacer.rate_limited("views.publish", 30)
    with pytest.raises(SlackBusy) as busy:
        await pacer.wait("views.publish")
    assert busy.value.retry_after == pytest.approx(30)


class _Response:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.status_code = 429
        self.data = {"ok": False, "error": "ratelimited"}


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after": "2"}, 2.0), ({}, 1.0), ({"Retry-After": "x"}, 1.0)],
)
def test_retry_after_is_read_from_the_429(headers: dict[str, str], seconds: float) -> None:
    assert retry_after_of(SlackApiError("ratelimited", _Response(headers))) == seconds
