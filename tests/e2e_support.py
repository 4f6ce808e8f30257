"""The black-box world for tests/test_e2e_server.py: the real ``opsgate serve`` process, configured only as an admin
would (environment variables, ``.env`` from ``opsgate secret-key``, and the CLI), against the fake Slack, Jira and
Okta served from the test process over loopback sockets.

Nothing here imports OpsGate: the test sees what a user and an admin see (Slack messages, the Jira issue, the
Okta user, the HTTP API and the CLI's output). The fakes record every request and what they would reject.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pathlib
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.jira import FakeJira
from tests.fakes.jira_model import adf_to_text
from tests.fakes.okta import FakeOkta
from tests.fakes.server import free_port, serve
from tests.fakes.slack import BOT_TOKEN, FakeSlack, block_actions_body, signed_headers
from tests.fakes.tls import TestCA

OPSGATE = str(pathlib.Path(sys.executable).parent / "opsgate")
SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef"
CHANNEL = "C0E2EAPPROVALS"
GROUP = "S0E2EADMINS"
START_TIMEOUT = 45.0  # seconds for `opsgate serve` to migrate a fresh database and answer /healthz
SLACK_ACK_LIMIT = 3.0  # Slack gives up on an interactivity request after 3 s

# People of the fake workspace: (Slack user id, profile email).
ALICE = ("U0E2EALICE", "alice.admin@acme.com")  # approver by user id
CAROL = ("U0E2ECAROL", "carol.ops@acme.com")  # approver through the user group
SARAH = ("U0E2ESARAH", "sarah.chen@acme.com")  # listed as an approver, and the reporter of every ticket
MALLORY = ("U0E2EMALLORY", "mallory@acme.com")  # in the workspace, not an approver
PEOPLE = (ALICE, CAROL, SARAH, MALLORY)
APPROVERS = f"{ALICE[0]},{SARAH[0]},{GROUP}"
REPORTER = SARAH[1]
REPORTER_JIRA_ACCOUNT = "5b10e2esarah00000000001"

APPROVE, DENY = "opsgate.approve", "opsgate.deny"  # the action_ids documented for the card's buttons
DENY_CALLBACK, DENY_FIELD = "opsgate.deny_reason", "opsgate.field.deny_reason"


def seed_okta() -> FakeOkta:
    okta = FakeOkta()
    okta.add_user("sam.lee@acme.com", first="Sam", last="Lee", factors=["push", "sms"])
    okta.add_user("kim.park@acme.com", first="Kim", last="Park", factors=["push"])
    okta.add_user("dana.wu@acme.com", first="Dana", last="Wu", factors=["sms"])
    return okta


def seed_slack() -> FakeSlack:
    slack = FakeSlack()
    for user_id, email in PEOPLE:
        slack.add_user(user_id, email)
    slack.add_usergroup(GROUP, [CAROL[0]])
    slack.add_channel(CHANNEL, "it-approvals", is_private=True)
    return slack


def seed_jira() -> FakeJira:
    jira = FakeJira("Cloud")
    jira.add_project("ITSM", "IT Service Management")
    jira.add_user(REPORTER_JIRA_ACCOUNT, "Sarah Chen", REPORTER)
    return jira


_CA: TestCA | None = None


def shared_ca() -> TestCA:
    """One throw-away CA per test session (making one costs two RSA keys)."""
    global _CA
    if _CA is None:
        _CA = TestCA()
    return _CA


@contextlib.asynccontextmanager
async def serve_tls(app: web.Application, ca: TestCA) -> AsyncIterator[str]:
    """Serve ``app`` over HTTPS on 127.0.0.1 with a certificate of ``ca``; yields ``https://127.0.0.1:PORT``."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=ca.server_context()).start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@dataclass
class Proc:
    code: int
    out: str
    err: str


@dataclass
class World:
    slack: FakeSlack
    jira: FakeJira
    okta: FakeOkta
    slack_url: str
    jira_url: str
    workdir: pathlib.Path
    env: dict[str, str]
    http: aiohttp.ClientSession
    base: str = ""  # OpsGate's URL once started
    ingest_key: str = ""
    read_key: str = ""
    proc: asyncio.subprocess.Process | None = None
    exit_code: int | None = None  # of `opsgate serve`, once stopped
    log_file: pathlib.Path = field(default_factory=pathlib.Path)

    # ---- the admin's side: the CLI and the server process --------------------------------------------

    async def cli(self, *args: str, stdin: str | None = None) -> Proc:
        pipe = asyncio.subprocess.PIPE
        proc = await asyncio.create_subprocess_exec(
            OPSGATE, *args, cwd=self.workdir, env=self.env, stdin=pipe, stdout=pipe, stderr=pipe
        )
        out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else b""), 60)
        return Proc(int(proc.returncode or 0), out.decode(), err.decode())

    async def admin(self, *args: str, stdin: str | None = None) -> str:
        """A CLI command that must succeed; its stdout."""
        result = await self.cli(*args, stdin=stdin)
        assert result.code == 0, f"opsgate {' '.join(args)} exited {result.code}: {result.err or result.out}"
        return result.out

    async def start(self) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        with self.log_file.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                OPSGATE, "serve", "--port", str(port), cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise AssertionError(f"opsgate serve exited {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with self.http.get(self.base + "/healthz") as resp:
                    if resp.status == 200 and (await resp.json()) == {"status": "ok"}:
                        return
            await asyncio.sleep(0.05)
        raise AssertionError(f"opsgate serve did not answer /healthz in {START_TIMEOUT}s:\n{self.log()}")

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise AssertionError(f"opsgate serve did not stop within 20 s of SIGTERM:\n{self.log()}") from None
        self.exit_code = proc.returncode

    def log(self, tail: int = 80) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-tail:])

    # ---- Jira Automation and the HTTP API ------------------------------------------------------------

    async def ingest(self, summary: str, description: str, reporter: str = REPORTER) -> tuple[str, dict[str, Any]]:
        """A new issue in the fake Jira, posted to OpsGate exactly as the documented Automation rule posts it."""
        issue = self.jira.add_issue("ITSM", summary, description=description, reporter=REPORTER_JIRA_ACCOUNT)
        body = {
            "source": "jira",
            "ticket": {
                "issueKey": issue.key,
                "summary": summary,
                "description": description,
                "url": f"{self.jira_url}/browse/{issue.key}",
                "reporterEmail": reporter,
            },
        }
        headers = {"Authorization": f"Bearer {self.ingest_key}", "Content-Type": "application/json"}
        async with self.http.post(self.base + "/api/v1/tickets/ingest", data=json.dumps(body), headers=headers) as r:
            answer: dict[str, Any] = await r.json()
            assert r.status == 200, answer
        return issue.key, answer

    async def run(self, run_id: str) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.read_key}"}
        async with self.http.get(f"{self.base}/api/v1/runs/{run_id}", headers=headers) as resp:
            body: dict[str, Any] = await resp.json()
            assert resp.status == 200, body
            return body

    async def status(self, run_id: str) -> str:
        return str((await self.run(run_id))["status"])

    # ---- Slack's side --------------------------------------------------------------------------------

    async def post_slack(
        self, body: str, *, secret: str = SIGNING_SECRET, ts: int | None = None
    ) -> tuple[int, str, float]:
        """POST to /slack/events as Slack does (v0 signature); (status, body, seconds until the answer)."""
        started = time.monotonic()
        headers = signed_headers(secret, body, ts)
        async with self.http.post(self.base + "/slack/events", data=body.encode(), headers=headers) as resp:
            text = await resp.text()
            return resp.status, text, time.monotonic() - started

    def click_body(self, user: tuple[str, str], card: dict[str, Any], action_id: str) -> str:
        """The ``block_actions`` body Slack sends when ``user`` presses the button ``action_id`` of ``card``."""
        element, block_id = find_button(card, action_id)
        return block_actions_body(
            action_id,
            element.get("value"),
            user_id=user[0],
            channel_id=CHANNEL,
            message=card,
            block_id=block_id,
            text=str(element.get("text", {}).get("text", "Button")),
            response_url=FakeSlack.response_url(self.slack_url, f"click-{user[0]}"),
        )

    async def click(self, user: tuple[str, str], card: dict[str, Any], action_id: str) -> None:
        """Press a button; Slack must get an empty 200 within its 3 seconds."""
        status, text, took = await self.post_slack(self.click_body(user, card, action_id))
        assert status == 200 and text == "", (status, text)
        assert took < SLACK_ACK_LIMIT, f"the click was acknowledged after {took:.2f}s"

    def cards(self, run_id: str) -> list[dict[str, Any]]:
        return [m for m in self.slack.channel_messages(CHANNEL) if run_id in json.dumps(m.get("blocks") or [])]

    def card(self, run_id: str) -> dict[str, Any]:
        """The latest version of the run's one card in the approval channel."""
        found = self.cards(run_id)
        assert len(found) == 1, f"expected one card for {run_id}, found {len(found)}"
        return found[0]

    def card_versions(self, run_id: str) -> list[dict[str, Any]]:
        return self.slack.message_versions(CHANNEL, str(self.card(run_id)["ts"]))

    def ephemerals_for(self, user: tuple[str, str]) -> list[str]:
        return [message_text(e) for e in self.slack.ephemerals if e["user"] == user[0]]

    def dms_to(self, user: tuple[str, str]) -> list[str]:
        return [message_text(m) for m in self.slack.dm_messages(user[0])]

    # ---- Jira's and Okta's side ----------------------------------------------------------------------

    def comments(self, issue_key: str) -> list[str]:
        return [adf_to_text(c.body) for c in self.jira.issues[issue_key].comments]

    def okta_writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.okta.requests if r.method != "GET"]

    # ---- waiting -------------------------------------------------------------------------------------

    async def eventually(self, done: Callable[[], Any], what: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            result = done()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"not reached within {timeout}s: {what}\n--- opsgate log ---\n{self.log()}")
            await asyncio.sleep(0.05)

    def secrets(self) -> list[str]:
        """What must never be printed, logged or put on the audit chain."""
        key = (self.workdir / ".env").read_text().split("OPSGATE_SECRET_KEY=", 1)[1].split()[0]
        return [
            BOT_TOKEN,
            SIGNING_SECRET,
            key,
            self.ingest_key,
            self.read_key,
            self.okta.api_token,
            self.jira.api_token,
        ]

    def assert_clean(self) -> None:
        """Nothing any fake would have rejected, nobody paced too fast, no server-side error and no secret in the
        log (one JSON object per line)."""
        assert self.slack.violations == [], self.slack.violations
        assert self.slack.pacing_violations == [], self.slack.pacing_violations
        assert self.jira.violations == [], self.jira.violations
        assert self.jira.pacing_violations == [], self.jira.pacing_violations
        assert self.okta.violations == [], self.okta.violations
        entries = self.log_events()
        errors = [e for e in entries if e.get("level") in ("error", "critical") or "exception" in e]
        assert errors == [], errors
        text = self.log(100_000)
        assert [s for s in self.secrets() if s in text] == [], "a secret is in the server's log"

    def log_events(self) -> list[dict[str, Any]]:
        return [log_entry(line) for line in self.log(100_000).splitlines() if line.strip()]


def log_entry(line: str) -> dict[str, Any]:
    """One line of the server's log: documented as one JSON object per line (bot/logs.py)."""
    try:
        entry = json.loads(line)
    except ValueError:
        raise AssertionError(f"a log line that is not JSON: {line[:300]}") from None
    assert isinstance(entry, dict), line
    return entry


def find_button(message: dict[str, Any], action_id: str) -> tuple[dict[str, Any], str]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id") == action_id:
                return element, str(block.get("block_id"))
    raise AssertionError(f"no {action_id} button in the message: {json.dumps(message.get('blocks'))[:2000]}")


def buttons(message: dict[str, Any]) -> list[str]:
    elements = [e for b in message.get("blocks") or [] for e in b.get("elements") or []]
    return [str(e.get("action_id")) for e in elements if e.get("type") == "button"]


def message_text(message: dict[str, Any]) -> str:
    """Everything a person reads in a message: its text and the text of its blocks."""
    parts = [str(message.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


@contextlib.asynccontextmanager
async def e2e_world(db_url: str, tmp_path: pathlib.Path, *, jira_from: str = "cli") -> AsyncIterator[World]:
    """Fakes on loopback, then the admin's set-up (secret key, keys, the Jira site) and ``opsgate serve``.

    ``jira_from="cli"``: the site is added with ``opsgate jira add`` and a state mapping (docs/jira.md §1, "With the
    CLI"); ``"env"``: ``JIRA_URL``/``JIRA_EMAIL``/``JIRA_API_TOKEN``/``JIRA_PROJECT_KEY``, no mapping ("From the
    environment")."""
    slack, jira, okta = seed_slack(), seed_jira(), seed_okta()
    workdir = tmp_path / "opsgate"
    workdir.mkdir()
    ca = shared_ca()
    async with (
        serve(slack.app) as slack_url,  # SLACK_API_URL: "only to go through a proxy or a test server"
        serve_tls(jira.app, ca) as jira_url,  # Jira and Okta are HTTPS, trusted as README's TLS row says
        serve_tls(okta.app, ca) as okta_url,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http,
    ):
        ours = ("OPSGATE_", "SLACK_", "JIRA_", "OKTA_", "GRAPH_", "REQUESTS_CA_BUNDLE", "SSL_CERT_", "CURL_CA_BUNDLE")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        env |= {
            "REQUESTS_CA_BUNDLE": str(ca.ca_file),  # requests: the Jira client
            "SSL_CERT_FILE": str(ca.ca_file),  # httpx and aiohttp: the Okta connector
            "OPSGATE_DATABASE_URL": db_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_url + "/api/",
            "OPSGATE_SLACK_APPROVAL_CHANNEL": CHANNEL,
            "OPSGATE_SLACK_APPROVERS": APPROVERS,
            "OKTA_ORG_URL": okta_url,
            "OKTA_API_TOKEN": okta.api_token,
        }
        world = World(slack, jira, okta, slack_url, jira_url, workdir, env, http, log_file=workdir / "opsgate.log")
        # As `make run` does on a fresh machine: a secret key into ./.env, which every later command reads.
        await world.admin("secret-key")
        assert "OPSGATE_SECRET_KEY=" in (workdir / ".env").read_text()
        for name, scope in (("jira-automation", "ticket:ingest"), ("e2e-reader", "audit:read")):
            created = json.loads(await world.admin("keys", "create", "--name", name, "--scope", scope, "--json"))
            assert created["scopes"] == [scope]
            if scope == "ticket:ingest":
                world.ingest_key = str(created["key"])
            else:
                world.read_key = str(created["key"])
        if jira_from == "env":
            env |= {"JIRA_URL": jira_url, "JIRA_EMAIL": jira.email, "JIRA_API_TOKEN": jira.api_token}
            env["JIRA_PROJECT_KEY"] = "ITSM"
        else:
            added = await world.admin(
                "jira", "add", "--url", jira_url, "--email", jira.email, "--token-stdin", "--project", "ITSM",
                "--map", "approved=In Progress", "--map", "succeeded=Done", "--map", "denied=Won't Do", "--json",
                stdin=jira.api_token + "\n",
            )  # fmt: skip
            site = json.loads(added.splitlines()[0])
            assert all(c["ok"] for c in site["checks"]), site["checks"]
        try:
            await world.start()
            yield world
        finally:
            await world.stop()
        assert world.exit_code == 0, f"opsgate serve exited {world.exit_code} on SIGTERM:\n{world.log()}"
