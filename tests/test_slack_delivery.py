"""Cards going out to Slack: rate limits honoured, outages survived, paced per channel, reminders threaded,
requesters told by DM."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import text

from opsgate.bot.chat import ChatUnavailable, PostedMessage
from opsgate.cards.ids import ActionId, BlockId
from opsgate.cards.views import ApprovalView
from opsgate.store import chat_messages
from opsgate.store.models import utcnow
from tests.helpers import count
from tests.test_slack_harness import ALICE, CHANNEL, MIA, SARAH, SlackHarness, block_text, has_button, slack_env


def _posts(h: SlackHarness) -> list[float]:
    return [c.time for c in h.fake.calls_of("chat.postMessage")]


def _card_rows(h: SlackHarness) -> list[tuple[int, str | None]]:
    with h.gate.services.engine.connect() as conn:
        rows = conn.execute(text("SELECT attempts, last_error FROM outbox WHERE kind = 'chat.approval_card'"))
        return [(int(a), e) for a, e in rows]


def _make_due(h: SlackHarness) -> None:
    """Time passes: every pending outbox row is due now."""
    with h.gate.services.engine.begin() as conn:
        conn.execute(text("UPDATE outbox SET next_attempt_at = :now"), {"now": utcnow() - dt.timedelta(seconds=1)})


async def test_a_429_is_honoured_with_its_retry_after(db_url: str) -> None:
    async with slack_env(db_url, configure=lambda fake: fake.rate_limit("chat.postMessage", retry_after=1)) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        calls = h.fake.calls_of("chat.postMessage")
        assert calls[0].status == 429 and calls[1].ok
        assert calls[1].time - calls[0].time >= 1.0
        assert has_button(h.card(run_id), ActionId.APPROVE)
        h.assert_clean()


async def test_a_long_retry_after_reschedules_the_card_and_nobody_calls_early(db_url: str) -> None:
    async with slack_env(db_url, configure=lambda fake: fake.rate_limit("chat.postMessage", retry_after=30)) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        assert h.fake.channel_messages(CHANNEL) == [] and h.run(run_id).status == "awaiting_approval"
        ((attempts, error),) = _card_rows(h)
        assert attempts == 1 and error is not None and "rate limiting" in error
        with h.gate.services.engine.connect() as conn:
            due = conn.execute(text("SELECT next_attempt_at FROM outbox WHERE kind='chat.approval_card'")).scalar_one()
        due = due if isinstance(due, dt.datetime) else dt.datetime.fromisoformat(str(due))
        assert due.replace(tzinfo=None) >= utcnow().replace(tzinfo=None) + dt.timedelta(seconds=25)
        _make_due(h)  # even if the row comes due early, this process does not call Slack before Retry-After
        await h.settle()
        assert len(h.fake.calls_of("chat.postMessage")) == 1
        h.assert_clean()


async def test_slack_down_while_posting_the_card_keeps_the_run_waiting_and_retries(db_url: str) -> None:
    async with slack_env(db_url, configure=lambda fake: fake.fail("chat.postMessage", 503, times=2)) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        assert h.fake.channel_messages(CHANNEL) == []
        assert h.run(run_id).status == "awaiting_approval"
        assert _card_rows(h)[0][0] == 1 and "503" in str(_card_rows(h)[0][1])
        _make_due(h)
        await h.settle()
        assert h.fake.channel_messages(CHANNEL) == [] and _card_rows(h)[0][0] == 2
        _make_due(h)
        await h.settle()
        card = h.card(run_id)
        assert has_button(card, ActionId.APPROVE)
        assert len(h.fake.channel_messages(CHANNEL)) == 1, "exactly one card once Slack is back"
        assert len(h.fake.thread_replies(CHANNEL, str(card["ts"]))) == 1
        await h.click(ALICE, card, ActionId.APPROVE)
        assert h.run(run_id).status == "approved"
        h.assert_clean()


async def test_slack_unreachable_keeps_the_card_queued(db_url: str) -> None:
    async with slack_env(db_url, SLACK_API_URL="http://127.0.0.1:9/api/") as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        assert h.run(run_id).status == "awaiting_approval"
        ((attempts, error),) = _card_rows(h)
        assert attempts == 1 and "unreachable" in str(error)


async def test_many_cards_at_once_are_paced_one_post_per_second_per_channel(db_url: str) -> None:
    async with slack_env(db_url) as h:
        ids = [(await h.ingest(key=f"ITSM-{10 + i}"))["runId"] for i in range(3)]
        await h.eventually(lambda: len(h.fake.channel_messages(CHANNEL)) == 3 and len(_posts(h)) >= 6)
        posts = _posts(h)
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(posts)), posts
        for run_id in ids:
            assert len(h.fake.thread_replies(CHANNEL, str(h.card(run_id)["ts"]))) == 1
        h.assert_clean()


async def test_a_reminder_is_threaded_under_the_card(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        later = utcnow() + dt.timedelta(hours=5)
        assert await h.gate.services.db(h.gate.runs.remind_due, dt.timedelta(hours=4), later) == [run_id]
        await h.settle()
        replies = h.fake.thread_replies(CHANNEL, str(h.card(run_id)["ts"]))
        assert len(replies) == 2 and "Reminder" in replies[-1]["text"]
        assert "waiting" in block_text(h.card(run_id), BlockId.STATUS).lower()
        h.assert_clean()


async def test_a_reporter_outside_slack_gets_no_dm(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest(key="ITSM-7", reporter="nobody@elsewhere.example"))["runId"]
        await h.settle()
        await h.click(ALICE, h.card(run_id), ActionId.APPROVE)
        assert h.run(run_id).status == "approved"
        assert h.fake.calls_of("users.lookupByEmail")
        dm_posts = [c for c in h.fake.calls_of("chat.postMessage") if str(c.args.get("channel", "")).startswith("U")]
        assert dm_posts == []
        h.assert_clean()


async def test_the_reporter_in_slack_is_told_who_decided(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest(key="ITSM-8", reporter=MIA[1]))["runId"]
        await h.settle()
        await h.click(ALICE, h.card(run_id), ActionId.APPROVE)
        dms = h.fake.dm_messages(MIA[0])
        assert dms and f"<@{ALICE[0]}>" in dms[-1]["text"]
        assert h.fake.dm_messages(SARAH[0]) == []
        assert count(h.gate.services, "SELECT count(*) FROM chat_messages WHERE run_id = :r", r=run_id) == 1
        h.assert_clean()



async def test_a_thread_note_that_fails_is_retried_alone_never_a_second_card(db_url: str) -> None:
    async with slack_env(db_url, configure=lambda fake: fake.fail("chat.postMessage", 503, threaded=True)) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        card = h.card(run_id)
        assert h.fake.thread_replies(CHANNEL, str(card["ts"])) == []  # the note met the outage
        _make_due(h)
        await h.settle()
        assert len(h.fake.channel_messages(CHANNEL)) == 1, "the card is not posted again"
        (note,) = h.fake.thread_replies(CHANNEL, str(card["ts"]))
        assert "ITSM-" in note["text"] or "ITSM-" in str(note.get("blocks"))
        h.assert_clean()


async def test_a_reminder_is_posted_once_even_when_the_card_update_is_retried(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        h.fake.fail("chat.update", 503, times=1)  # the reminder's card update fails once, then succeeds
        later = utcnow() + dt.timedelta(hours=5)
        assert await h.gate.services.db(h.gate.runs.remind_due, dt.timedelta(hours=4), later) == [run_id]
        await h.settle()
        _make_due(h)
        await h.settle()
        replies = h.fake.thread_replies(CHANNEL, str(h.card(run_id)["ts"]))
        assert [("Reminder" in r["text"]) for r in replies] == [False, True]
        assert [c.ok for c in h.fake.calls_of("chat.update")][-2:] == [False, True]
        h.assert_clean()


class _FlakySurface:
    """A second surface holding a copy of the card, whose first card update fails (a Teams outage, say)."""

    name = "teams"

    def __init__(self) -> None:
        self.updates = 0
        self.lines: list[str] = []

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        self.updates += 1
        if self.updates == 1:
            raise ChatUnavailable("connector down", 0.0)

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        self.lines.append(text)


async def test_a_reminder_is_not_repeated_under_one_copy_when_another_copy_fails(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        flaky = _FlakySurface()
        h.gate.surfaces["teams"] = flaky  # type: ignore[assignment]
        run = h.run(run_id)
        with h.gate.services.transaction() as session:
            chat_messages.record(
                session, org_id=run.org_id, run_id=run_id, surface="teams", kind="approval",
                channel="19:approvals", message_id="1700000000001", plan_hash=run.plan_hash,
            )  # fmt: skip
        later = utcnow() + dt.timedelta(hours=5)
        assert await h.gate.services.db(h.gate.runs.remind_due, dt.timedelta(hours=4), later) == [run_id]
        await h.settle()
        _make_due(h)
        await h.settle()
        replies = h.fake.thread_replies(CHANNEL, str(h.card(run_id)["ts"]))
        assert sum("Reminder" in r["text"] for r in replies) == 1, "one reminder under the Slack copy"
        assert flaky.updates == 2 and len(flaky.lines) == 1
        h.assert_clean()
