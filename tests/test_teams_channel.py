"""The approval channel (``@OpsGate set approvals here``) and the cards posted there: real botbuilder, fake Bot
Connector. Cards are checked as-is against the official Adaptive Card 1.5 schema."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jsonschema

from opsgate.bot.chat import PostedMessage
from opsgate.cards.views import ApprovalView
from opsgate.store import chat_messages, outbox, teams_channels
from opsgate.store.models import utcnow
from tests.fakes.spec import load_spec
from tests.helpers import count
from tests.teams_support import World, teams_world

AC15 = jsonschema.Draft6Validator(load_spec("adaptive-card.schema.json"))


def assert_valid_card(card: dict[str, Any]) -> None:
    assert [f"{list(e.absolute_path)}: {e.message}" for e in AC15.iter_errors(card)] == []
    assert card["version"] == "1.5" and "msteams" not in json.dumps(card)


def channel_row(w: World) -> dict[str, Any]:
    with w.gate.services.engine.connect() as conn:
        from sqlalchemy import text

        row = conn.execute(text("SELECT kind, name, config FROM integrations WHERE kind = 'teams_channel'")).one()
    config = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return {"kind": row[0], "name": row[1], "config": config}


def note_texts(message: Any) -> str:
    return json.dumps(message.body, ensure_ascii=False)


async def test_an_approver_sets_the_approval_channel(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel(w.approver)
        row = channel_row(w)
        assert row["name"] == "IT approvals"
        reference = row["config"]
        assert reference["conversation"]["id"] == w.channel_id  # the channel, not the thread of the command
        assert reference["serviceUrl"] == w.fake.service_url and "activityId" not in reference
        assert (
            count(w.gate.services, "SELECT count(*) FROM audit_entries WHERE action = 'teams.approval_channel_set'")
            == 1
        )
        reply = w.connector.of_kind("reply")[-1]
        assert reply.conversation_id.startswith(w.channel_id + ";messageid=")  # answered in the command's thread
        assert "Approval cards will be posted in this channel" in json.dumps(reply.body)
        assert w.fake.violations == []


async def test_a_member_of_the_approver_group_may_set_it(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel(w.group_approver)
        assert channel_row(w)["config"]["conversation"]["id"] == w.channel_id
        assert any(r.query.get("$expand", "").startswith("memberOf") for r in w.graph.api_requests())


async def test_a_non_approver_cannot_set_it(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel(w.bystander)
        assert count(w.gate.services, "SELECT count(*) FROM integrations WHERE kind = 'teams_channel'") == 0
        assert count(w.gate.services, "SELECT count(*) FROM audit_entries") == 0
        assert "Only OpsGate approvers can choose the approval channel" in json.dumps(
            w.connector.of_kind("reply")[-1].body
        )


async def test_set_approvals_outside_a_channel_is_explained(db_url: str) -> None:
    async with teams_world(db_url) as w:
        response = await w.send(w.personal_message("set approvals here", w.approver))
        assert response.status == 200
        assert count(w.gate.services, "SELECT count(*) FROM integrations WHERE kind = 'teams_channel'") == 0
        assert "Post this in a team channel" in json.dumps(w.connector.calls[-1].body)


async def test_an_ingested_ticket_posts_a_valid_card_in_the_channel_with_a_threaded_note(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        run_id = await w.ingest("ITSM-123")
        await w.deliver()
        post = w.card_post()
        card = post.card
        assert_valid_card(card)
        assert post.reply_to is None and w.connector.of_kind("send")[-1].conversation_id == w.channel_id
        verbs = {a.get("verb") for a in card["actions"] if a["type"] == "Action.Execute"}
        assert verbs == {"opsgate.approve"}
        deny = next(a for a in card["actions"] if a["type"] == "Action.ShowCard")
        assert deny["card"]["actions"][0]["verb"] == "opsgate.deny"
        assert card["refresh"]["action"]["verb"] == "opsgate.refresh"
        assert card["actions"][0]["data"]["run_id"] == run_id
        notes = w.connector.replies(post.id)
        assert len(notes) == 1 and "ITSM-123" in note_texts(notes[0])
        assert_valid_card(notes[0].card)
        with w.gate.services.read_session() as session:
            (copy,) = chat_messages.for_run(session, run_id, kind="approval")
        assert (copy.surface, copy.channel, copy.message_id) == ("teams", w.channel_id, post.id)
        assert copy.reference["conversation"]["id"] == w.channel_id
        assert w.fake.violations == []


async def test_a_card_waits_for_the_channel_and_goes_out_once_it_is_set(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id = await w.ingest()
        await w.deliver()
        assert w.connector.of_kind("send") == []
        assert (
            count(w.gate.services, "SELECT count(*) FROM outbox WHERE kind = 'chat.approval_card' AND attempts = 1")
            == 1
        )
        await w.set_channel()
        await w.deliver()
        assert w.card_post().card["actions"][0]["data"]["run_id"] == run_id
        assert len(w.connector.of_kind("send")) == 1


async def test_a_rate_limited_post_is_retried_after_retry_after(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        w.connector.fail_next(1, 429, {"Retry-After": "7"}, only="/activities")
        started = utcnow()
        await w.ingest()
        await w.deliver()
        assert w.connector.of_kind("send") == []
        with w.gate.services.read_session() as session:
            (row,) = outbox.pending(session, kind="chat.approval_card")
            assert row.attempts == 1 and row.next_attempt_at >= started + timedelta(seconds=7)
        with w.gate.services.transaction() as session:  # the time passes
            teams_channels.wake_waiting(session, org_id=row.org_id, kind="chat.approval_card")
        await w.deliver()
        assert len(w.connector.of_kind("send")) == 1


async def test_timeline_lines_go_in_the_cards_thread_as_plain_text(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        run_id = await w.ingest()
        await w.deliver()
        post = w.card_post()
        sent = await w.gate.cards.post_in_threads(
            run_id, 'Jira update (ITSM-123): status changed from "To Do" to "Done"'
        )
        assert sent == 1
        line = w.connector.replies(post.id)[-1]
        assert line.body["text"].startswith("Jira update (ITSM-123)") and line.body["textFormat"] == "plain"
        assert w.connector.of_kind("reply")[-1].conversation_id == f"{w.channel_id};messageid={post.id}"


@dataclass
class RecordingSurface:
    """Stands in for the Slack surface (not part of this room): records what it was asked to post."""

    name: str = "slack"
    posted: list[str] = field(default_factory=list)

    async def post_approval(self, view: ApprovalView) -> PostedMessage:
        self.posted.append(view.run_id)
        return PostedMessage(self.name, "C0APPROVALS", f"1700000000.{len(self.posted):06d}")

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        self.posted.append(f"update:{view.run_id}")

    async def post_note(self, posted: PostedMessage, view: ApprovalView) -> None:
        return None

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        return None

    async def notify_requester(self, requester: str, view: ApprovalView) -> bool:
        return False

    async def send_direct(self, person: str, text: str) -> bool:
        return False

    async def announce(self, text: str) -> PostedMessage | None:
        return None


SLACK = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "signing-secret"}


async def test_approval_surface_teams_sends_cards_to_teams_only_even_with_slack_configured(db_url: str) -> None:
    async with teams_world(db_url, OPSGATE_APPROVAL_SURFACE="teams", **SLACK) as w:
        slack = RecordingSurface()
        w.gate.add_surface(slack)
        assert w.gate.services.settings.slack_configured and w.gate.services.settings.surfaces == ("teams",)
        await w.set_channel()
        await w.ingest()
        await w.deliver()
        assert slack.posted == []
        assert len(w.connector.of_kind("send")) == 1


async def test_by_default_both_configured_surfaces_get_the_card(db_url: str) -> None:
    async with teams_world(db_url, **SLACK) as w:
        slack = RecordingSurface()
        w.gate.add_surface(slack)
        await w.set_channel()
        run_id = await w.ingest()
        await w.deliver()
        assert slack.posted == [run_id]
        assert len(w.connector.of_kind("send")) == 1
