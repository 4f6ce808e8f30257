"""Teams ``adaptiveCard/action`` invokes: how fast OpsGate answers a card press, beside a bare CloudAdapter echo bot.

Both servers run here on loopback with the same botbuilder JWT validation (real RS256 channel tokens checked
against the fake Bot Framework's OpenID metadata and keys, tests/fakes/botframework.py, over HTTPS with a test
CA) and answer the same invoke shape. Measured, sequentially, in the same run:

* (a) the bare echo bot: ``CloudAdapter.process`` + an ActivityHandler that echoes the action back as a card;
* (b) OpsGate ``refresh`` presses on a posted approval card (reads the run, renders the card);
* (c) OpsGate ``approve`` presses, one per run, through the decision service (transaction, audit, outbox).

Then sixty refreshes of a decided card, checking that nothing changed (audit chain, outbox, the run, the
connector). Prints p50/p99 per target and the goal (p99 <= 500 ms); never fails on timing.

Usage: python bench/teams_invoke.py [--presses 300] [--runs 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, web  # noqa: E402
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext  # noqa: E402
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication  # noqa: E402
from botbuilder.schema import AdaptiveCardInvokeResponse  # noqa: E402

GOAL_P99_MS = 500.0


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def line(label: str, samples: list[float]) -> float:
    p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
    print(f"  {label:<44} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({len(samples)} presses)")
    return p99


class EchoBot(ActivityHandler):  # type: ignore[misc]
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        action = (turn_context.activity.value or {}).get("action", {})
        card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": str(action)}]}
        body = AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft.card.adaptive", value=card)
        return InvokeResponse(status=200, body=body)


def echo_app(config: Any) -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


@contextlib.asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def timed_post(session: ClientSession, url: str, activity: dict[str, Any], headers: dict[str, str]) -> float:
    started = time.perf_counter()
    async with session.post(url, json=activity, headers=headers) as response:
        body = await response.json()
        elapsed = time.perf_counter() - started
    if response.status != 200 or body.get("statusCode") != 200:
        raise RuntimeError(f"unexpected answer {response.status}: {body}")
    return elapsed


def snapshot(world: Any, run_id: str) -> tuple[Any, ...]:
    from tests.helpers import count

    s = world.gate.services
    run = world.gate.runs.get(run_id)
    return (
        count(s, "SELECT count(*) FROM audit_entries"),
        count(s, "SELECT count(*) FROM outbox"),
        run.status,
        run.version,
        run.updated_at,
        len(world.connector.calls),
    )


async def bench(presses: int, runs: int) -> None:
    from opsgate.handlers.teams.config import bot_config
    from tests.teams_support import teams_world

    with tempfile.TemporaryDirectory() as tmp:
        async with teams_world(f"sqlite:///{tmp}/bench.db", OPSGATE_LOG_LEVEL="warning") as w:
            await w.set_channel()
            headers = w.fake.auth_header()  # one token, reused as the channel reuses its tokens
            echo = echo_app(bot_config(w.gate.services.settings))
            run_ids = [await w.ingest(f"BENCH-{i + 1}", reporter="tom.hale@acme.com") for i in range(runs + 1)]
            await w.deliver(rounds=runs + 5)
            posts = {
                m.first_card["actions"][0]["data"]["run_id"]: m
                for m in w.connector.in_conversation(w.channel_id)
                if m.cards
            }
            url = str(w.client.make_url("/api/messages"))
            async with served(echo) as echo_base, ClientSession() as session:
                first = posts[run_ids[0]]
                data = first.first_card["actions"][0]["data"]
                refresh = w.card_action("opsgate.refresh", data, w.approver, first.id)
                warm = w.card_action("opsgate.refresh", data, w.approver, first.id)
                for target in (f"{echo_base}/api/messages", url):  # warm keys, tokens, caches
                    for _ in range(5):
                        await timed_post(session, target, warm, headers)
                echo_samples = [
                    await timed_post(session, f"{echo_base}/api/messages", refresh, headers) for _ in range(presses)
                ]
                refresh_samples = [await timed_post(session, url, refresh, headers) for _ in range(presses)]
                approve_samples = []
                for run_id in run_ids[1:]:
                    post = posts[run_id]
                    press = w.card_action("opsgate.approve", post.first_card["actions"][0]["data"], w.approver, post.id)
                    approve_samples.append(await timed_post(session, url, press, headers))
                await w.deliver(rounds=runs + 5)

                decided = posts[run_ids[1]]
                stale = w.card_action(
                    "opsgate.refresh", decided.first_card["refresh"]["action"]["data"], w.bystander, decided.id
                )
                before = snapshot(w, run_ids[1])
                for _ in range(60):
                    await timed_post(session, url, stale, headers)
                after = snapshot(w, run_ids[1])

    print("Teams adaptiveCard/action invoke, answered over loopback with real JWT validation")
    baseline = line("(a) bare CloudAdapter echo bot", echo_samples)
    p99_refresh = line("(b) OpsGate refresh (read + render card)", refresh_samples)
    p99_approve = line("(c) OpsGate approve (decide + audit + outbox)", approve_samples)
    worst = max(p99_refresh, p99_approve)
    verdict = "GOAL MET" if worst <= GOAL_P99_MS else "GOAL MISSED"
    ratio = worst / baseline
    print(f"  OpsGate p99 {worst:.1f} ms vs echo p99 {baseline:.1f} ms (x{ratio:.1f})")
    print(f"  goal: OpsGate p99 <= {GOAL_P99_MS:.0f} ms: {verdict}")
    print(f"  mean approve {statistics.mean(approve_samples) * 1000:.1f} ms over {len(approve_samples)} runs")
    same = before == after
    outcome = "no state changed" if same else "STATE CHANGED"
    print(f"  60 refreshes of a decided card: {outcome} (audit chain, outbox, run, connector)")
    if not same:
        print(f"    before {before}\n    after  {after}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    import structlog

    sys.setswitchinterval(0.0005)  # as `opsgate serve` runs (bot/server.py)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    asyncio.run(bench(args.presses, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
