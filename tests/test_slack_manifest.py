"""Setting Slack up: ``manifest.yml`` matches what the code serves, and ``opsgate doctor`` says what to fix."""

from __future__ import annotations

import pathlib
from typing import Any

import yaml

from opsgate.cards.ids import CallbackId
from opsgate.handlers.slack.commands import COMMAND
from opsgate.handlers.slack.doctor import check_slack
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.fakes.slack import BOT_TOKEN, FakeSlack

MANIFEST = pathlib.Path(__file__).resolve().parents[1] / "manifest.yml"
USED_SCOPES = {"chat:write", "commands", "users:read", "users:read.email", "usergroups:read"}
JIRA_THREAD_SCOPES = {"channels:history", "groups:history"}  # the Create Jira ticket shortcut reads the thread


def _manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return loaded


def test_socket_mode_interactivity_and_home_are_on() -> None:
    m = _manifest()
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True


def test_the_commands_and_the_shortcut_are_those_the_listeners_serve() -> None:
    features = _manifest()["features"]
    assert {c["command"] for c in features["slash_commands"]} == {COMMAND, "/access", "/jira"}
    (shortcut,) = features["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == str(CallbackId.CREATE_JIRA_TICKET)


def test_only_the_bot_scopes_in_use_are_asked_for() -> None:
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == USED_SCOPES | JIRA_THREAD_SCOPES
    assert "user" not in _manifest()["oauth_config"]["scopes"]


async def test_doctor_checks_token_channel_and_approvers(tmp_path: pathlib.Path) -> None:
    db_url = f"sqlite:///{tmp_path}/unused.db"  # settings only: the check reads Slack, not the store
    fake = FakeSlack()
    fake.add_user("U0ALICE", "alice@acme.com")
    fake.add_user("U0NOMAIL", None)
    fake.add_usergroup("S0ADMINS", ["U0NOMAIL"])
    fake.add_channel("C0APPROVALS", "it-approvals")
    async with serve(fake.app) as base:
        env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s" * 32, "SLACK_API_URL": base + "/api/"}
        good = make_settings(
            db_url, **env, OPSGATE_SLACK_APPROVAL_CHANNEL="C0APPROVALS", OPSGATE_SLACK_APPROVERS="U0ALICE,S0ADMINS"
        )
        results = {r.name: r for r in await check_slack(good)}
        assert results["slack"].status == "ok" and "Acme" in results["slack"].detail
        assert results["slack channel"].status == "ok" and "#it-approvals" in results["slack channel"].detail
        assert results["slack approvers"].status == "warn" and "U0NOMAIL" in results["slack approvers"].detail
        bad = make_settings(db_url, **env, OPSGATE_SLACK_APPROVAL_CHANNEL="C0MISSING")
        results = {r.name: r for r in await check_slack(bad)}
        assert results["slack channel"].status == "fail" and "channel id" in results["slack channel"].detail
        assert results["slack approvers"].status == "fail"
        wrong = make_settings(db_url, **{**env, "SLACK_BOT_TOKEN": "xoxb-wrong"})
        assert [r.status for r in await check_slack(wrong)] == ["fail"]
    assert fake.violations == []
    assert (await check_slack(make_settings(db_url)))[0].status == "skip"
