"""``opsgate serve``: migrate, assemble the app, say what is on and off, serve until SIGTERM."""

from __future__ import annotations

import gc
import sys

import structlog
from aiohttp import web

from opsgate.bot.app import build_app
from opsgate.bot.assembly import assemble, lifecycle
from opsgate.bot.logs import configure_logging
from opsgate.bot.services import Services
from opsgate.bot.settings import Settings
from opsgate.store.migrate import migrate

log = structlog.get_logger("opsgate.server")


def describe(settings: Settings) -> list[str]:
    """What an admin should know at start: surfaces, sandbox, integrations."""
    lines = []
    surfaces = settings.surfaces
    lines.append(
        "approval surfaces: " + (", ".join(surfaces) if surfaces else "none (set SLACK_BOT_TOKEN or MicrosoftAppId)")
    )
    off = [name for name, on in (("slack", settings.slack_configured), ("teams", settings.teams_configured)) if not on]
    if off:
        lines.append("surfaces off (not configured): " + ", ".join(off) + "; the HTTP API still serves")
    if settings.sandbox_mode:
        lines.append("SANDBOX MODE: approved runbooks are recorded, nothing is sent to Okta/Graph or written to Jira")
    return lines


# Database work runs in worker threads; with the default 5 ms GIL switch interval a thread coming back from
# SQLite's fsync waits behind the event loop for a whole interval (a convoy). 0.5 ms keeps both moving.
GIL_SWITCH_INTERVAL = 0.0005

# Every request leaves short-lived reference cycles (coroutines, futures, exception tracebacks). With Python's
# default (700, 10, 10) the youngest generation is collected so often that cycles still in flight get promoted,
# and they pile up until a full collection: 15-80 ms with the GIL held, in whichever thread triggers it, which
# was the tail of click acknowledgements under ingest load (bench/ack_latency.py). Collecting the young
# generation every 10,000 allocations lets nearly all of them die young; no full collection ran in an 8 s run.
GC_THRESHOLDS = (10_000, 10, 10)


def tune_process() -> None:
    """The interpreter settings a serving process runs with (``opsgate serve`` and the benchmarks alike)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    gc.set_threshold(*GC_THRESHOLDS)


async def freeze_heap(_app: web.Application) -> None:
    """Move everything allocated at start out of the garbage collector's reach: full collections then scan only
    what requests allocate, which removed ~100 ms pauses from click acknowledgements in bench/ack_latency.py."""
    gc.collect()
    gc.freeze()


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    tune_process()
    configure_logging(settings.log_level)
    services = Services(settings)
    migrate(services.engine, settings.default_org)
    for line in describe(settings):
        log.info("startup", note=line)
    gate = assemble(services)
    app = build_app(gate, background=lifecycle(gate))
    app.on_startup.append(freeze_heap)
    bind_host, bind_port = host or settings.host, port or settings.port
    log.info("listening", url=f"http://{bind_host}:{bind_port}")
    web.run_app(app, host=bind_host, port=bind_port, print=None, access_log=None, shutdown_timeout=10)
    log.info("stopped")
