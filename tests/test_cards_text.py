"""Neutral text and the escaping / truncation rules behind it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from opsgate.cards import text as t
from opsgate.cards.limits import ELLIPSIS, SLACK_SECTION_TEXT
from opsgate.cards.markup import PLAIN, SLACK, TEAMS, ZWSP, Markup, safe_url
from opsgate.cards.samples import INJECTION, SAMPLES
from opsgate.cards.views import StepResultView

AWAITING = SAMPLES["awaiting"]


# --- escaping -------------------------------------------------------------------------------------------------


def test_slack_escape_neutralises_control_sequences() -> None:
    out = SLACK.escape("<!channel> <http://evil|click> a & b <@U999>")
    assert out == "&lt;!channel&gt; &lt;http://evil|click&gt; a &amp; b &lt;@U999&gt;"
    assert "<" not in out and ">" not in out


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@HERE"])
def test_slack_escape_breaks_broadcast_words(word: str) -> None:
    out = SLACK.escape(f"hey {word} look")
    assert word not in out
    assert out.replace(ZWSP, "") == f"hey {word} look"


def test_slack_escape_neutralises_formatting_but_not_words() -> None:
    out = SLACK.escape("*bold* _it_ ~strike~ `code` first_last@acme.com a*b")
    for marker in "*_~`":
        assert f"{marker}bold" not in out and f"{marker}it" not in out
    assert "`" not in out
    assert "first_last@acme.com" in out  # markers inside words cannot format; left alone
    assert "a*b" in out


def test_slack_escape_prevents_quotes_at_line_start() -> None:
    out = SLACK.escape("> quoted\nline two\n>> again")
    assert not any(line.startswith("&gt;") for line in out.split("\n"))


def test_teams_escape_neutralises_markdown() -> None:
    out = TEAMS.escape("*bold* **strong** _it_ [click](http://evil)\n- item\n1. first\n# title")
    assert "](" not in out
    assert "*bold*" not in out and "**strong**" not in out and "_it_" not in out
    assert all(line.startswith(ZWSP) for line in out.split("\n")[1:])
    assert TEAMS.escape("first_last@acme.com 9f2c run_01") == "first_last@acme.com 9f2c run_01"


def test_plain_escape_is_identity() -> None:
    assert PLAIN.escape(INJECTION) == INJECTION


@pytest.mark.parametrize("md", [SLACK, TEAMS, PLAIN])
@pytest.mark.parametrize("limit", [1, 2, 5, 17, 100, 3000])
def test_fit_respects_limit_and_never_splits_a_token(md: Markup, limit: int) -> None:
    raw = ("a&<b> *x* @here\n" * 400)[: limit * 3]
    tokens = md.tokens(raw)
    full = "".join(tokens)
    out = md.fit(raw, limit)
    assert len(out) <= limit
    if len(full) <= limit:
        assert out == full
    else:
        assert out.endswith(ELLIPSIS)
        kept = out[: -len(ELLIPSIS)]
        prefixes = {"".join(tokens[:k]).rstrip() for k in range(len(tokens) + 1)}
        assert kept in prefixes, "cut inside an entity or a token"


def test_links_only_for_http_urls() -> None:
    assert SLACK.link("https://acme.atlassian.net/browse/ITSM-1", "ITSM-1") == (
        "<https://acme.atlassian.net/browse/ITSM-1|ITSM-1>"
    )
    assert SLACK.link("javascript:alert(1)", "ITSM-1") == "ITSM-1"
    assert SLACK.link(None, "<b>") == "&lt;b&gt;"
    assert SLACK.link("https://x.test/a|b>c d&e", "K") == "<https://x.test/a%7Cb%3Ec%20d&amp;e|K>"
    assert TEAMS.link("https://x.test/a(b)", "K") == "[K](https://x.test/a%28b%29)"
    assert TEAMS.link("ftp://x.test/", "K") == "K"
    assert safe_url("https:///nohost") is None


def test_dates() -> None:
    when = datetime(2026, 6, 9, 17, 42, 11, tzinfo=UTC)
    assert SLACK.date(when) == "<!date^1781026931^{date_short_pretty} {time}|2026-06-09T17:42:11Z>"
    assert TEAMS.date(when) == PLAIN.date(when) == "2026-06-09 17:42 UTC"
    assert PLAIN.date(when.replace(tzinfo=None)) == "2026-06-09 17:42 UTC"  # naive is UTC


def test_actors() -> None:
    assert SLACK.actor("slack:U0123APPROVER") == "<@U0123APPROVER>"
    assert SLACK.actor("<@U0123>") == "<@U0123>"
    assert SLACK.actor("<!channel>") == "&lt;!channel&gt;"
    assert SLACK.actor("<@U0123> <!here>") == "&lt;@U0123&gt; &lt;!here&gt;"
    assert TEAMS.actor("slack:U0123") == "Slack user U0123"
    assert TEAMS.actor("alex@acme.com") == "alex@acme.com"
    assert len(SLACK.actor("x" * 5000)) <= 200


# --- neutral text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("confidence", "pct"), [(0.92, 92), (0.925, 93), (1.0, 100), (1.7, 100), (-0.2, 0)])
def test_percent(confidence: float, pct: int) -> None:
    assert t.percent(confidence) == pct


def test_clamp_lines_keeps_whole_lines() -> None:
    lines = [f"line {i} " + "x" * 40 for i in range(100)]
    out = t.clamp_lines(lines, 500)
    assert len(out) <= 500
    assert out.split("\n")[-1].startswith(f"{ELLIPSIS} and ")
    kept = out.split("\n")[:-1]
    assert kept == lines[: len(kept)]
    assert out.split("\n")[-1] == f"{ELLIPSIS} and {100 - len(kept)} more"
    assert t.clamp_lines(["a", "b"], 10) == "a\nb"


def test_headline_and_status_lines() -> None:
    assert t.headline(AWAITING) == "Approval needed: MFA Reset for Sarah Chen"
    assert t.headline(SAMPLES["sandbox"]) == "Approval needed: MFA Reset for Sarah Chen (sandbox)"
    assert t.status_line(AWAITING) == "Waiting for approval — decide before 2026-06-10 17:30 UTC"
    assert t.status_line(SAMPLES["awaiting_quorum"]).startswith("Waiting for 1 more approval")
    assert t.status_line(SAMPLES["executing"]) == (
        "Approved by Slack user U0123APPROVER at 2026-06-09 17:42 UTC — executing"
    )
    assert t.status_line(SAMPLES["succeeded"]).startswith("Succeeded — approved by ")
    assert t.status_line(SAMPLES["expired"]) == "Expired — nobody decided before 2026-06-10 17:30 UTC"
    assert t.status_line(SAMPLES["cancelled"]) == "Cancelled — the Jira issue was closed"
    denied = replace(SAMPLES["denied_long_reason"], deny_reason="not verified")
    assert t.status_line(denied) == "Denied by Slack user U0456APPROVER at 2026-06-09 17:55 UTC: not verified"
    assert t.status_line(SAMPLES["executing"], SLACK).startswith("*Approved* by <@U0123APPROVER> at <!date^")


def test_status_line_fits_a_huge_reason() -> None:
    view = replace(SAMPLES["denied_long_reason"], deny_reason="&<>" * 5000)
    out = t.status_line(view, SLACK)
    assert len(out) <= SLACK_SECTION_TEXT
    assert out.endswith(ELLIPSIS)


def test_long_plan_calls_stay_code() -> None:
    step = replace(AWAITING.plan[0], path="/api/v1/users/" + "<x>`" * 300)
    line = t.plan_line(step, SLACK)
    assert len(line) <= 400
    call = line.split(" — ")[0]
    assert call.startswith("`POST /api/v1/users/&lt;x&gt;") and call.endswith("…`")
    assert call.count("`") == 2


def test_plan_classification_approvals_results() -> None:
    assert t.plan_line(AWAITING.plan[0]) == (
        "POST /api/v1/users/00u1sarahchen/lifecycle/reset_factors — Reset every MFA factor of sarah.chen@acme.com"
    )
    assert t.plan_line(AWAITING.plan[0], SLACK).startswith(
        "`POST /api/v1/users/00u1sarahchen/lifecycle/reset_factors` — "
    )
    assert t.classification_line(AWAITING) == (
        'mfa_reset, 92% — intent mfa_reset: "new phone", "authenticator" (+0.62); target from reporter'
    )
    assert t.approvals_line(AWAITING) is None
    assert t.approvals_line(SAMPLES["awaiting_quorum"]) == (
        "1 of 2 approvals: Slack user U0123APPROVER at 2026-06-09 17:42 UTC"
    )
    assert t.approvals_line(replace(SAMPLES["awaiting_quorum"], approvals=())) == "0 of 2 approvals so far"
    results = {
        "ok": "✅ 1. Step — HTTP 200",
        "failed": "❌ 1. Step — HTTP 200",
        "skipped": "⏭ 1. Step — skipped — HTTP 200",
        "sandbox": "🧪 1. Step — sandbox: recorded, not sent — HTTP 200",
    }
    for outcome, expected in results.items():
        assert t.result_line(StepResultView(0, "Step", outcome, "HTTP 200")) == expected  # type: ignore[arg-type]


def test_thread_note_and_dm() -> None:
    assert t.thread_note_text(AWAITING) == (
        "Jira ITSM-123 — https://acme.atlassian.net/browse/ITSM-123 — classified mfa_reset (92%): "
        'intent mfa_reset: "new phone", "authenticator" (+0.62); target from reporter'
    )
    assert t.thread_note_text(AWAITING, SLACK).startswith(
        "Jira ITSM-123 — <https://acme.atlassian.net/browse/ITSM-123> — classified mfa_reset (92%): "
    )
    assert t.thread_note_text(SAMPLES["jit"]).startswith("Requested by Slack user U0123REQUESTER — classified")
    assert t.requester_dm_text(SAMPLES["executing"]) == (
        "Your request “MFA Reset for Sarah Chen” (ITSM-123) was approved by Slack user U0123APPROVER "
        "and is running now."
    )
    denied = replace(SAMPLES["denied_long_reason"], deny_reason="call the service desk")
    assert t.requester_dm_text(denied).endswith("was denied by Slack user U0456APPROVER: call the service desk")
    assert "expired: nobody decided before 2026-06-10 17:30 UTC" in t.requester_dm_text(SAMPLES["expired"])
    assert "nothing was changed" in t.requester_dm_text(SAMPLES["sandbox_succeeded"])


def test_refusals_say_what_already_happened() -> None:
    executing = SAMPLES["executing"]
    assert t.refusal_text(t.RefusalKind.ALREADY_DECIDED, executing) == (
        "“MFA Reset for Sarah Chen” (ITSM-123) was already approved by Slack user U0123APPROVER "
        "at 2026-06-09 17:42 UTC (now executing). Nothing changed."
    )
    denied = t.refusal_text(t.RefusalKind.ALREADY_DECIDED, SAMPLES["denied_long_reason"])
    assert "was already denied by Slack user U0456APPROVER at 2026-06-09 17:55 UTC" in denied
    assert "expired" in t.refusal_text(t.RefusalKind.ALREADY_DECIDED, SAMPLES["expired"])
    assert "cancelled" in t.refusal_text(t.RefusalKind.ALREADY_DECIDED, SAMPLES["cancelled"])
    assert "You asked for" in t.refusal_text(t.RefusalKind.OWN_REQUEST, AWAITING)
    assert "your own account" in t.refusal_text(t.RefusalKind.YOU_ARE_TARGET, AWAITING)
    assert t.refusal_text(t.RefusalKind.NOT_APPROVER).startswith("Only OpsGate approvers can decide on this request")
    still_open = t.refusal_text(t.RefusalKind.ALREADY_DECIDED, AWAITING)
    assert still_open == "“MFA Reset for Sarah Chen” (ITSM-123) is awaiting approval. Nothing changed."
    for kind in t.RefusalKind:
        for view in (None, AWAITING, SAMPLES["injection"]):
            out = t.refusal_text(kind, view, SLACK)
            assert out and len(out) <= SLACK_SECTION_TEXT
            assert "<!" not in out.replace("<!date^", "")


def test_no_text_leaks_injection_in_any_status() -> None:
    hostile = replace(SAMPLES["injection"], deny_reason=INJECTION, failure=INJECTION, decided_by=INJECTION)
    for status in t.STATUS_LABEL:
        view = replace(hostile, status=status)
        for render in (t.status_line, t.requester_dm_text, t.thread_note_text, t.reminder_text, t.classification_line):
            out = render(view, SLACK)
            assert "<!channel>" not in out and "<http://evil" not in out and "@here" not in out
