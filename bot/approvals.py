"""Approval cards on every configured surface: post when a run starts waiting, re-render on every transition, thread
the note and reminders under them, and tell the requester what was decided.

Driven by the outbox (``chat.approval_card`` and ``chat.card_update`` rows written in the transition's own
transaction), so a chat outage only delays a card: the run stays ``awaiting_approval`` and the card is retried.
Each delivery re-reads the run, so a card always shows the run's current state, never a stale one. A just-in-time
run's card also shows its grant (active until when, ended when and by whom); changes of the grant that are not run
transitions (revocation, the expiry warning) enqueue the same ``chat.card_update`` (``opsgate.bot.jit.revoke``).
"""

from __future__ import annotations

import structlog

from opsgate.bot.approval_views import approval_view
from opsgate.bot.chat import ChatSurface, ChatUnavailable, PostedMessage
from opsgate.bot.jit.views import run_grant
from opsgate.bot.notifications import CARD_REQUEST, CARD_UPDATE, THREAD_LINE, request_thread_line
from opsgate.bot.outbox_worker import OutboxWorker, RetryLater
from opsgate.bot.services import Services
from opsgate.cards.text import reminder_text
from opsgate.cards.views import ApprovalView, GrantView
from opsgate.store import chat_messages
from opsgate.store import runs as run_rows
from opsgate.store.models import ChatMessage, Run, utcnow

log = structlog.get_logger("opsgate.approvals")

DECISION_EVENTS = frozenset({"approved", "denied", "expired", "cancelled", "succeeded", "failed"})


def posted(row: ChatMessage) -> PostedMessage:
    return PostedMessage(row.surface, row.channel, row.message_id, dict(row.reference))


class ApprovalCards:
    def __init__(self, services: Services, surfaces: dict[str, ChatSurface]) -> None:
        self.services = services
        self.surfaces = surfaces
        self.worker: OutboxWorker | None = None

    def attach(self, worker: OutboxWorker) -> None:
        self.worker = worker
        worker.register(CARD_REQUEST, self.deliver_request)
        worker.register(CARD_UPDATE, self.deliver_update)
        worker.register(THREAD_LINE, self.deliver_thread_line)

    def active(self) -> list[ChatSurface]:
        return [self.surfaces[name] for name in self.services.settings.surfaces if name in self.surfaces]

    def _load(self, run_id: str) -> tuple[Run | None, list[ChatMessage], GrantView | None]:
        """The run, where its cards went and, for a just-in-time run, its grant as of now (one read session)."""
        with self.services.read_session() as session:
            run = run_rows.get(session, run_id)
            grant = run_grant(session, run, utcnow()) if run is not None else None
            return run, chat_messages.for_run(session, run_id), grant

    def _copies(self, run_id: str) -> list[ChatMessage]:
        with self.services.read_session() as session:
            return chat_messages.for_run(session, run_id)

    def view(self, run: Run, *, processing: bool = False, grant: GrantView | None = None) -> ApprovalView:
        """Pure: no database. ``grant`` is loaded by the caller (``_load``); without it a just-in-time card shows
        the resource and duration only, which is all a card still waiting for approval shows anyway."""
        return approval_view(run, sandbox=self.services.settings.sandbox_mode, processing=processing, grant=grant)

    async def deliver_request(self, item: object) -> None:
        if not self.active():
            return  # no chat surface configured (HTTP API only): nobody to show a card to
        run_id = str(getattr(item, "payload", {})["run_id"])
        run, copies, grant = await self.services.db(self._load, run_id)
        if run is None or run.status != "awaiting_approval":
            return  # decided or gone before the card went out: nothing to ask anyone
        view = self.view(run, grant=grant)
        for surface in self.active():
            done = [
                c for c in copies if c.surface == surface.name and c.kind == "approval" and c.plan_hash == run.plan_hash
            ]
            if done:
                continue
            try:
                where = await surface.post_approval(view)
            except ChatUnavailable as exc:
                raise RetryLater(f"{surface.name}: {exc}", exc.retry_after) from exc
            await self.services.db(self._record, run, where, "approval")
            self._kick()  # the note was queued with the record: post it now, retried on its own if need be

    def _kick(self) -> None:
        if self.worker is not None:
            self.worker.kick()

    def _record(self, run: Run, where: PostedMessage, kind: str) -> None:
        """Where the card went and, in the same transaction, its thread note (so a note is never lost)."""
        with self.services.transaction() as session:
            request_thread_line(
                session,
                org_id=run.org_id,
                run_id=run.id,
                surface=where.surface,
                message_id=where.message_id,
                what="note",
                key="note",
            )
            chat_messages.record(
                session,
                org_id=run.org_id,
                run_id=run.id,
                surface=where.surface,
                kind=kind,
                channel=where.channel,
                message_id=where.message_id,
                plan_hash=run.plan_hash,
                reference=where.reference,
            )

    async def deliver_update(self, item: object) -> None:
        payload = dict(getattr(item, "payload", {}))
        run, copies, grant = await self.services.db(self._load, str(payload["run_id"]))
        if run is None:
            return
        view = self.view(run, grant=grant)
        event = str(payload.get("event", ""))
        cards = [c for c in copies if c.kind == "approval" and c.surface in self.surfaces]
        if event == "reminded" and run.status == "awaiting_approval" and cards:
            # Queued before any update: a retried update never reminds a copy twice (the dedupe key holds the seq).
            await self.services.db(self._remind, run, cards, payload.get("seq"))
            self._kick()
        for copy in cards:
            surface = self.surfaces[copy.surface]
            try:
                await surface.update_approval(posted(copy), view)
            except ChatUnavailable as exc:
                raise RetryLater(f"{surface.name}: {exc}", exc.retry_after) from exc
        if event in DECISION_EVENTS:
            for surface in self.active():
                try:
                    await surface.notify_requester(run.requester, view)
                except ChatUnavailable:
                    log.warning("requester_not_notified", run=run.id, surface=surface.name)

    def _remind(self, run: Run, cards: list[ChatMessage], seq: object) -> None:
        with self.services.transaction() as session:
            for copy in cards:
                request_thread_line(
                    session,
                    org_id=run.org_id,
                    run_id=run.id,
                    surface=copy.surface,
                    message_id=copy.message_id,
                    what="reminder",
                    key=f"reminder:{seq}",
                )

    async def deliver_thread_line(self, item: object) -> None:
        """One note or reminder under one posted copy of a card (``chat.thread_line``)."""
        payload = dict(getattr(item, "payload", {}))
        run, copies, grant = await self.services.db(self._load, str(payload["run_id"]))
        surface = self.surfaces.get(str(payload["surface"]))
        copy = next((c for c in copies if c.kind == "approval" and c.message_id == payload["message_id"]), None)
        if run is None or surface is None or copy is None:
            return  # the run or the card is gone, or the surface was turned off: nothing to post under
        view = self.view(run, grant=grant)
        try:
            if payload.get("what") == "note":
                await surface.post_note(posted(copy), view)
            elif run.status == "awaiting_approval":  # a reminder for a run decided meanwhile is not sent
                await surface.post_in_thread(posted(copy), reminder_text(view))
        except ChatUnavailable as exc:
            raise RetryLater(f"{surface.name}: {exc}", exc.retry_after) from exc

    async def post_in_threads(self, run_id: str, text: str) -> int:
        """A line under every copy of a run's card (Jira timeline, give-up notices); returns how many got it."""
        copies = await self.services.db(self._copies, run_id)
        sent = 0
        for copy in (c for c in copies if c.kind == "approval"):
            surface = self.surfaces.get(copy.surface)
            if surface is not None:
                await surface.post_in_thread(posted(copy), text)
                sent += 1
        return sent
