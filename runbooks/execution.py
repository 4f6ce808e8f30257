"""Executing an approved plan, one step at a time, with a journal entry per step.

:class:`PlanRunner` walks the plan the approver saw. Before the first step that changes something it checks the
preconditions of every remaining write step (``preflight``); a failed precondition stops the run with nothing
changed. Each step is one connector call (``steps``) and produces one journal entry::

    {"index": 0, "op": "okta.find_user", "description": "...", "outcome": "ok" | "failed" | "skipped" | "sandbox",
     "detail": "...", "at": "2026-06-09T17:42:11.310Z", "ids": {...}, "calls": [...]}

``ids`` holds the ids the step resolved (so a resumed run does not look them up again); ``calls`` (sandbox only)
the requests that would have been sent. No entry ever holds a secret. After each step the caller's ``record``
persists the entry (and answers False when this worker no longer owns the run, which stops it at once). A run
resumes at the first step that is not done, so steps that succeeded are never redone.

The runner knows nothing of the database, the chat surfaces or Jira: the executor service in ``bot/`` owns those.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.connectors import ConnectorError, ErrorCode, LicenceCatalog, SandboxConnector
from opsgate.runbooks.connectors.errors import clip
from opsgate.runbooks.preflight import check_writes, missing_system
from opsgate.runbooks.steps import READ_OPS, Connectors, StepContext, run_op

log = structlog.get_logger("opsgate.execution")

DONE = frozenset({"ok", "sandbox"})
INTERRUPTED = "interrupted; check the target system"
HALF = {"okta": "Okta", "graph": "Microsoft 365"}
_PLAIN = frozenset(
    {
        ErrorCode.PRECONDITION,
        ErrorCode.NO_FREE_SEATS,
        ErrorCode.LICENCE_UNAVAILABLE,
        ErrorCode.NOT_FOUND,
        ErrorCode.AMBIGUOUS,
    }
)

Journal = list[dict[str, Any]]
Record = Callable[[dict[str, Any]], Awaitable[bool]]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def entry(index: int, step: PlanStep, outcome: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "index": index,
        "op": step.op,
        "system": step.system,
        "description": step.description,
        "outcome": outcome,
        "detail": clip(detail),
        "at": now_iso(),
        **{k: v for k, v in extra.items() if v},
    }


def by_index(journal: Sequence[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(e["index"]): dict(e) for e in journal}


def resume_index(plan_length: int, journal: Sequence[Mapping[str, Any]]) -> int | None:
    """The first step that is not done (where a run starts or resumes); None when every step is done."""
    done = {i for i, e in by_index(journal).items() if e.get("outcome") in DONE}
    return next((i for i in range(plan_length) if i not in done), None)


def ordered(entries: Mapping[int, dict[str, Any]]) -> Journal:
    return [entries[i] for i in sorted(entries)]


def describe_error(exc: ConnectorError, *, precondition: bool = False) -> str:
    """What a journal entry says about a step that did not happen: plain words for preconditions, otherwise the
    system, the call and the status (never a secret: connector errors carry none)."""
    text = exc.detail if exc.halt and exc.code in _PLAIN else str(exc)
    return f"precondition not met: {text}" if precondition else text


def skip_rest(plan: Sequence[PlanStep], entries: dict[int, dict[str, Any]], start: int) -> None:
    """Mark every step from ``start`` without an entry (or with a stale one) as skipped."""
    for index in range(start, len(plan)):
        current = entries.get(index)
        if current is None or current.get("outcome") == "skipped":
            entries[index] = entry(index, plan[index], "skipped", "not run")


def failure_line(plan: Sequence[PlanStep], journal: Sequence[Mapping[str, Any]]) -> str:
    """One line: which step failed and why, what was done and what was not (and, across systems, which half
    landed)."""
    entries = by_index(journal)
    failed = next((entries[i] for i in sorted(entries) if entries[i].get("outcome") == "failed"), None)
    writes = [i for i, step in enumerate(plan) if step.op not in READ_OPS]
    done = [i for i in writes if entries.get(i, {}).get("outcome") in DONE]
    unknown = [i for i in writes if entries.get(i, {}).get("interrupted")]
    not_done = [i for i in writes if i not in done and i not in unknown]
    parts: list[str] = []
    if failed is None:
        parts.append("The run did not finish.")
    elif failed.get("interrupted"):
        n = int(failed["index"]) + 1
        parts.append(
            f"{INTERRUPTED}: step {n} of {len(plan)} ({failed['description']}) was running when OpsGate stopped "
            "and may or may not have happened."
        )
    else:
        n = int(failed["index"]) + 1
        parts.append(f"Step {n} of {len(plan)} ({failed['description']}) failed: {failed['detail']}.")
    if done:
        parts.append("Done: " + "; ".join(plan[i].description for i in done) + ".")
    elif not unknown:
        parts.append("Nothing was changed.")
    if not_done:
        parts.append("Not done: " + "; ".join(plan[i].description for i in not_done) + ".")
    systems = list(dict.fromkeys(plan[i].system for i in writes))
    if len(systems) > 1:
        halves = []
        for system in systems:
            mine = [i for i in writes if plan[i].system == system]
            landed = [i for i in mine if i in done]
            state = "landed" if len(landed) == len(mine) else "partly landed" if landed else "did not land"
            if any(i in unknown for i in mine):
                state = "may have landed" if not landed else "landed at least in part"
            halves.append(f"the {HALF.get(system, system)} half {state}")
        text = "; ".join(halves)
        parts.append(text[0].upper() + text[1:] + ".")
    return " ".join(parts)


@dataclass(frozen=True)
class ExecutionOptions:
    send_reset_email: bool = True  # OPSGATE_OKTA_RESET_SENDS_EMAIL
    licences: LicenceCatalog = field(default_factory=LicenceCatalog)  # with OPSGATE_LICENSE_SKUS


@dataclass(frozen=True)
class ExecutionResult:
    ok: bool
    journal: Journal  # one entry per plan step, skipped ones included
    failure: str | None = None
    lost_claim: bool = False  # another worker owns the run now: record nothing more


class PlanRunner:
    """Runs one plan against real connectors, or against a :class:`SandboxConnector` that sends nothing."""

    def __init__(
        self,
        plan: Sequence[PlanStep],
        connectors: Connectors,
        *,
        options: ExecutionOptions | None = None,
        sandbox: SandboxConnector | None = None,
    ) -> None:
        self.plan = list(plan)
        self.sandbox = sandbox
        self.connectors = Connectors(sandbox.okta, sandbox.graph) if sandbox is not None else connectors
        self.options = options or ExecutionOptions()

    def _context(self, journal: Sequence[Mapping[str, Any]]) -> StepContext:
        ids: dict[str, str] = {}
        for e in journal:
            if e.get("outcome") in DONE:
                ids.update({str(k): str(v) for k, v in (e.get("ids") or {}).items()})
        options = self.options
        return StepContext(
            self.connectors, send_reset_email=options.send_reset_email, licences=options.licences, ids=ids
        )

    async def run(self, journal: Sequence[Mapping[str, Any]], record: Record) -> ExecutionResult:
        """Run from the first step not done; ``record`` persists each entry as soon as the step returns."""
        entries = by_index(journal)
        start = resume_index(len(self.plan), journal)
        if start is None:
            return ExecutionResult(True, ordered(entries))
        ctx = self._context(journal)
        if self.sandbox is None:
            missing = missing_system(self.plan, start, ctx)
            if missing is not None:
                return await self._stop(entries, start, missing[0], describe_error(missing[1]), record)
        checked = self.sandbox is not None  # the sandbox cannot answer reads, so it checks nothing
        for index in range(start, len(self.plan)):
            step = self.plan[index]
            if not checked and step.op not in READ_OPS:
                checked = True
                problem = await self._preflight(index, ctx)
                if problem is not None:
                    return await self._stop(entries, index, problem[0], problem[1], record)
            current = await self._step(index, step, ctx)
            entries[index] = current
            if not await record(current):
                return ExecutionResult(False, ordered(entries), lost_claim=True)
            if current["outcome"] == "failed":
                skip_rest(self.plan, entries, index + 1)
                journal_now = ordered(entries)
                return ExecutionResult(False, journal_now, failure_line(self.plan, journal_now))
        return ExecutionResult(True, ordered(entries))

    async def _preflight(self, index: int, ctx: StepContext) -> tuple[int, str] | None:
        try:
            problem = await check_writes(self.plan, index, ctx)
        except Exception as exc:  # a bug in a check: the run stops before anything changes
            log.exception("execution.preflight_error", op=self.plan[index].op)
            return index, f"precondition check failed unexpectedly ({type(exc).__name__}); see the OpsGate logs"
        if problem is None:
            return None
        return problem[0], describe_error(problem[1], precondition=True)

    async def _stop(
        self, entries: dict[int, dict[str, Any]], start: int, at: int, detail: str, record: Record
    ) -> ExecutionResult:
        """A precondition failed at step ``at``: nothing from ``start`` on runs."""
        failed = entry(at, self.plan[at], "failed", detail)
        entries[at] = failed
        if not await record(failed):
            return ExecutionResult(False, ordered(entries), lost_claim=True)
        for index in range(start, len(self.plan)):
            if index != at:
                entries[index] = entry(index, self.plan[index], "skipped", "not run: a precondition failed")
        journal_now = ordered(entries)
        return ExecutionResult(False, journal_now, failure_line(self.plan, journal_now))

    async def _step(self, index: int, step: PlanStep, ctx: StepContext) -> dict[str, Any]:
        before = len(self.sandbox.calls) if self.sandbox is not None else 0
        try:
            detail = await run_op(step, ctx)
        except ConnectorError as exc:
            log.info("execution.step_failed", op=step.op, index=index, code=str(exc.code), status=exc.status)
            return entry(index, step, "failed", describe_error(exc), ids=ctx.take_new())
        except Exception as exc:  # a bug: the step is reported failed, never left hanging
            log.exception("execution.step_error", op=step.op, index=index)
            return entry(index, step, "failed", f"unexpected error ({type(exc).__name__}); see the OpsGate logs")
        ids = ctx.take_new()
        if self.sandbox is not None:
            calls = [call.line() for call in self.sandbox.calls[before:]]
            return entry(index, step, "sandbox", "sandbox, nothing sent: " + "; ".join(calls), ids=ids, calls=calls)
        return entry(index, step, "ok", detail, ids=ids)
