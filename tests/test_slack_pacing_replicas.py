"""Pacing across replicas: two OpsGate processes share one Slack workspace, so the per-channel post rate and a
429's Retry-After hold for both together (the schedule lives in the database), checked by the fake Slack."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from opsgate.bot.chat_pacing import SharedPacing
from opsgate.bot.services import Services
from opsgate.handlers.slack.pacing import PacedWebClient, Pacer, SlackBusy
from tests.fakes.server import serve
from tests.fakes.slack import FakeSlack

CHANNEL = "C0APPROVALS"


def _replica(services: Services, url: str, token: str) -> PacedWebClient:
    """What one replica's Slack client is: its own pacer (its own local schedule) over the shared database."""
    replica = Services(services.settings, services.engine)
    return PacedWebClient(token=token, base_url=url + "/api/", pacer=Pacer(shared=SharedPacing(replica), max_wait=30))


async def test_two_replicas_posting_to_one_channel_keep_one_post_per_second(services: Services) -> None:
    fake = FakeSlack()
    fake.add_channel(CHANNEL)
    token = next(iter(fake.tokens))
    async with serve(fake.app) as url:
        a, b = _replica(services, url, token), _replica(services, url, token)
        await asyncio.gather(
            *(client.chat_postMessage(channel=CHANNEL, text=f"card {i}") for i in range(3) for client in (a, b))
        )
    posts = [c.time for c in fake.calls_of("chat.postMessage")]
    assert len(posts) == 6 and all(y - x >= 1.0 for x, y in itertools.pairwise(sorted(posts))), posts
    assert fake.pacing_violations == [] and fake.violations == []


async def test_a_429_seen_by_one_replica_holds_the_other_back(services: Services) -> None:
    fake = FakeSlack()
    fake.add_channel(CHANNEL)
    fake.rate_limit("chat.update", retry_after=2)
    token = next(iter(fake.tokens))
    async with serve(fake.app) as url:
        a, b = _replica(services, url, token), _replica(services, url, token)
        a.pacer.max_wait = 0.5  # too impatient to wait out Retry-After: says SlackBusy
        posted = await a.chat_postMessage(channel=CHANNEL, text="card")
        with pytest.raises(SlackBusy):
            await a.chat_update(channel=CHANNEL, ts=posted["ts"], text="approved")
        started = time.monotonic()
        await b.chat_update(channel=CHANNEL, ts=posted["ts"], text="approved")  # waits out A's Retry-After
        assert time.monotonic() - started >= 1.5
    updates = fake.calls_of("chat.update")
    assert [c.status for c in updates] == [429, 200]
    assert updates[1].time - updates[0].time >= 2.0
    assert fake.violations == []
