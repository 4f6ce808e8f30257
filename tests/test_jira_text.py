"""Pure pieces of the Jira gateway: comment text per state (golden), ADF and wiki-markup rendering, timeline
lines, webhook signatures, settings parsing, Retry-After, and the Slack views (validated with slack_sdk)."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from opsgate.bot.jira.client import retry_after_seconds
from opsgate.bot.jira.comments import CommentFacts, decision_comment
from opsgate.bot.jira.config import ConfigError, JiraConfig, JiraSite, normalize_base_url, parse_state_mapping
from opsgate.bot.jira.markup import JiraText, Span, to_adf, to_wiki, wiki_escape
from opsgate.bot.jira.sync import signature_ok
from opsgate.bot.jira.tickets import description_text
from opsgate.bot.jira.timeline import update_line
from opsgate.cards.blockkit.jira_ticket import (
    SiteChoice,
    TicketModalMetadata,
    created_message,
    form_errors,
    info_modal,
    read_ticket_form,
    ticket_modal,
    unlinked_message,
)
from tests.fakes.jira_model import adf_problem

FACTS = CommentFacts(
    state="approved",
    runbook="MFA Reset",
    target_name="Sarah Chen",
    target_email="sarah.chen@acme.com",
    actor="slack:U0123APPROVER",
    approvers=("slack:U0123APPROVER",),
    at="2026-06-09T17:42:11.310Z",
    seq=4182,
    hash="9f2c" + "0" * 60,
)


def test_the_approval_comment_reads_like_the_design() -> None:
    assert decision_comment(FACTS).plain_text() == (
        "[OpsGate] Runbook decision: APPROVED\n"
        "Runbook: MFA Reset\n"
        "Target user: Sarah Chen (sarah.chen@acme.com)\n"
        "Decision by: slack:U0123APPROVER at 2026-06-09T17:42:11.310Z\n"
        "OpsGate executes the runbook only after this explicit human approval.\n"
        "This decision is recorded on the org's tamper-evident audit chain (entry 4182, sha256 9f2c00000000...)."
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            "denied",
            [
                "Decision by: slack:U0123APPROVER at 2026-06-09T17:42:11.310Z",
                "Reason: no ticket",
                "No changes were made.",
            ],
        ),
        (
            "expired",
            ["Nobody decided before the approval deadline (2026-06-09T17:42:11.310Z).", "No changes were made."],
        ),
        (
            "cancelled",
            [
                "Cancelled by: slack:U0123APPROVER at 2026-06-09T17:42:11.310Z",
                "Reason: no ticket",
                "No changes were made.",
            ],
        ),
        (
            "succeeded",
            [
                "Approved by: slack:U0123APPROVER",
                "Completed at: 2026-06-09T17:42:11.310Z",
                "Action executed by OpsGate after explicit human approval.",
            ],
        ),
        ("failed", ["Approved by: slack:U0123APPROVER", "Failed at: 2026-06-09T17:42:11.310Z", "Failure: okta 500"]),
    ],
)
def test_every_state_has_its_comment(state: str, expected: list[str]) -> None:
    facts = CommentFacts(**{**vars(FACTS), "state": state, "reason": "no ticket", "failure": "okta 500"})
    lines = decision_comment(facts).plain_text().split("\n")
    head = "result" if state in ("succeeded", "failed") else "decision"
    assert lines[0] == f"[OpsGate] Runbook {head}: {state.upper()}"
    assert lines[3 : 3 + len(expected)] == expected
    assert lines[-1].endswith("(entry 4182, sha256 9f2c00000000...).")


def test_adf_and_wiki_rendering() -> None:
    text = decision_comment(CommentFacts(**{**vars(FACTS), "state": "denied", "reason": "*not* [me] -- {x} | y_z"}))
    adf = to_adf(text)
    assert adf_problem(adf) is None and adf["content"][0]["content"][1]["marks"] == [{"type": "strong"}]
    wiki = to_wiki(text).split("\n")
    assert wiki[0] == "\\[OpsGate\\] Runbook decision: *DENIED*"
    assert wiki[4] == "Reason: \\*not\\* \\[me\\] \\-\\- \\{x\\} \\| y\\_z"
    assert wiki_escape("2026-06-09 - done -x") == "2026-06-09 \\- done \\-x"
    link = JiraText(((Span("see "), Span("the thread", href="https://acme.slack.com/x?a=1&b=2")),))
    assert to_wiki(link) == "see [the thread|https://acme.slack.com/x?a=1&b=2]"
    assert JiraText.from_json(text.to_json()) == text


def test_description_links_the_permalink() -> None:
    url = "https://acme.slack.com/archives/C1/p1"
    text = description_text(f"help\n\nSlack thread: {url}", url)
    assert text.lines[-1] == (Span("Slack thread: "), Span(url, href=url), Span(""))
    assert description_text("help", url).lines[-1] == (Span("Slack thread: "), Span(url, href=url))
    assert adf_problem(to_adf(description_text("help\n\n", url))) is None


def test_timeline_lines() -> None:
    fields = {"assignee": {"accountId": "acc-alice", "displayName": "Alice", "emailAddress": "alice@example.com"}}
    items = [
        {"field": "status", "fromString": "In Progress", "toString": "Done"},
        {
            "field": "assignee",
            "from": None,
            "fromString": None,
            "to": "acc-alice",
            "toString": "Alice",
            "tmpToAccountId": "acc-alice",
        },
        {"field": "duedate", "fromString": "2026-01-01", "toString": None},
        {"field": "description", "fromString": "a", "toString": "b" * 5000},
        {"field": "labels", "fromString": None, "toString": "vpn urgent"},
    ]
    comment = {"author": {"displayName": "Bob"}, "body": "Looks fixed " + "x" * 400}
    line = update_line("SEC-42", items, fields, comment)
    assert line is not None
    assert line.startswith(
        'Jira update (SEC-42): status changed from "In Progress" to "Done"; assignee set to "alice@example.com"; '
        'due date cleared (was "2026-01-01"); description updated; labels set to "vpn urgent"; comment by Bob: "Looks fixed x'
    )
    assert line.endswith('…"') and len(line) < 700
    assert update_line("SEC-42", [], {}) is None


def test_webhook_signatures() -> None:
    body = b'{"webhookEvent":"jira:issue_updated"}'
    good = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok("s3cret", body, f"sha256={good}")
    assert signature_ok("s3cret", body, f"SHA256={good.upper()}")
    for header in (None, "", good, f"sha1={good}", f"sha256={good[:-1]}0", "sha256=", "sha256=zz\u00e9"):
        assert not signature_ok("s3cret", body, header)
    assert not signature_ok("other", body, f"sha256={good}")
    assert not signature_ok("s3cret", body + b" ", f"sha256={good}")


def test_settings_parsing() -> None:
    assert normalize_base_url(" HTTPS://Acme.Atlassian.NET/ ") == "https://acme.atlassian.net"
    assert normalize_base_url("http://jira.local:8080/Jira/") == "http://jira.local:8080/Jira"
    for bad in ("acme.atlassian.net", "ftp://x", "https://acme.atlassian.net/browse/X-1", "https://a.b/?q=1"):
        with pytest.raises(ConfigError):
            normalize_base_url(bad)
    assert parse_state_mapping(["Succeeded=Done", "denied = Won't Do"]) == {"succeeded": "Done", "denied": "Won't Do"}
    with pytest.raises(ConfigError, match="'closed' is not an OpsGate state"):
        parse_state_mapping({"closed": "Done"})
    site = JiraSite(
        "j", 1, "n", "https://A.example", JiraConfig(state_mapping={"cancelled": "Won't Do", "denied": "won't do"})
    )
    assert site.states_for_status("WON'T DO") == {"cancelled", "denied"} and site.link_base == "https://a.example"
    assert JiraConfig(project_key="itsm").project_key == "ITSM"


def test_retry_after() -> None:
    assert retry_after_seconds("2") == 2.0 and retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 31


def _valid_view(view: dict[str, object]) -> None:
    parsed = View(**view)  # type: ignore[arg-type]
    parsed.validate_json()


def test_the_ticket_modal_is_valid_block_kit_and_reads_back() -> None:
    meta = TicketModalMetadata(channel="C1", thread_ts="1700000000.000100", permalink="https://acme.slack.com/p1")
    long_text = "A" * 400 + "\n" + "b" * 5000
    one = ticket_modal(meta, message_text=long_text, default_project="ITSM")
    two = ticket_modal(
        meta, message_text="hi", default_project=None, sites=[SiteChoice("j1", "a"), SiteChoice("j2", "b")]
    )
    for view in (one, two, info_modal("Already linked:", ("https://x.example/browse/A-1", "A-1"))):
        _valid_view(view)
    assert TicketModalMetadata.parse(str(one["private_metadata"])) == meta
    summary = next(b for b in one["blocks"] if b["block_id"] == "opsgate.jira.summary")
    assert summary["element"]["initial_value"] == "A" * 255
    state = {
        "opsgate.jira.site": {"opsgate.jira.site": {"selected_option": {"value": "j2"}}},
        "opsgate.jira.project": {"opsgate.jira.project": {"value": " itsm "}},
        "opsgate.jira.summary": {"opsgate.jira.summary": {"value": " Printer "}},
        "opsgate.jira.due_date": {"opsgate.jira.due_date": {"selected_date": "2000-01-01"}},
        "opsgate.jira.attach": {"opsgate.jira.attach": {"selected_options": [{"value": "thread"}]}},
    }
    form = read_ticket_form(state)
    assert (form.site, form.project, form.summary, form.due_date, form.attach_thread) == (
        "j2",
        "ITSM",
        "Printer",
        "2000-01-01",
        True,
    )
    assert form_errors(form, dt.date(2026, 1, 1)) == {"opsgate.jira.due_date": "The due date is in the past."}
    for message in (
        created_message("ITSM-1", "https://x/browse/ITSM-1", "1.2", "HTTP 403"),
        unlinked_message("ITSM-1"),
    ):
        for block in message["blocks"]:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
