"""The Teams approval card (Adaptive Card 1.5, universal actions) and the notes around it.

Same facts as the Slack card, same neutral text (:mod:`opsgate.cards.text`). Approve is an ``Action.Execute``
(verb ``opsgate.approve``); Deny is an ``Action.ShowCard`` holding the required ``reason`` input and its own
``Action.Execute`` (verb ``opsgate.deny``), so a denial always carries a reason. Both send
``{"run_id", "plan_hash"}``, binding the decision to the plan shown. While the run is still open the card has
a ``refresh`` (verb ``opsgate.refresh``) so whoever opens an old copy sees the current state. Elements carry
ids from :class:`~opsgate.cards.ids.BlockId`, so tests find them by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import grant_text as g
from .. import text as t
from ..ids import BlockId, DecisionButton, InputId, Verb
from ..limits import DENY_REASON_MAX, SUMMARY_TEXT, TEAMS_TEXT
from ..markup import PLAIN, TEAMS, safe_url
from ..views import ApprovalView, RunStatus
from .elements import Action, Element, card, container, execute, fact_set, open_url, show_card, text_block, text_input

md = TEAMS

STYLE: dict[RunStatus, tuple[str, str]] = {  # (Container style, TextBlock color) per status
    "received": ("emphasis", "default"),
    "no_action": ("emphasis", "default"),
    "awaiting_approval": ("accent", "accent"),
    "approved": ("accent", "accent"),
    "executing": ("accent", "accent"),
    "succeeded": ("good", "good"),
    "failed": ("attention", "attention"),
    "denied": ("attention", "attention"),
    "expired": ("warning", "warning"),
    "cancelled": ("emphasis", "default"),
}


def _facts(view: ApprovalView) -> list[tuple[str, str]]:
    facts = [
        ("Runbook", t.runbook_label(view, md)),
        ("Target user", md.fit(t.target_label(view), 500)),
        ("Requested by", md.actor(view.requester_label)),
    ]
    if view.issue_key:
        facts.append(("Jira issue", md.link(view.issue_url, view.issue_key)))
    if view.deadline and view.status == "awaiting_approval":
        facts.append(("Deadline", md.date(view.deadline)))
    if view.grant is not None:
        facts += [("Resource", g.resource_label(view.grant, md)), ("Duration", md.fit(view.grant.duration, 50))]
    facts += [
        (PLAIN.fit(key.replace("_", " ").capitalize(), 100), md.fit(view.extra[key], 500)) for key in sorted(view.extra)
    ]
    approvals = t.approvals_line(view, md)
    if approvals:
        facts.append(("Approvals", approvals))
    return facts


def _decision(view: ApprovalView) -> dict[str, Any]:
    return DecisionButton(run_id=view.run_id, plan_hash=view.plan_hash).as_data()


def _actions(view: ApprovalView) -> list[Action]:
    out: list[Action] = []
    if view.status == "awaiting_approval" and not view.processing:
        deny_form = {
            "type": "AdaptiveCard",
            "body": [
                text_input(
                    InputId.REASON,
                    "Why are you denying it?",
                    multiline=True,
                    required=True,
                    max_length=DENY_REASON_MAX,
                    placeholder="The requester and the Jira issue will see this reason",
                    error="Say why, so the requester knows what to do next",
                )
            ],
            "actions": [
                execute(t.DENY_LABEL, Verb.DENY, _decision(view), style="destructive", eid="opsgate.deny.submit")
            ],
        }
        out.append(execute(t.APPROVE_LABEL, Verb.APPROVE, _decision(view), style="positive", eid="opsgate.approve"))
        out.append(show_card(t.DENY_LABEL, deny_form, style="destructive", eid="opsgate.deny"))
    if view.status == "failed" and view.can_retry and not view.processing:
        out.append(execute(t.RETRY_LABEL, Verb.RETRY, _decision(view), style="positive", eid="opsgate.retry"))
    url = safe_url(view.issue_url)
    if view.issue_key and url:
        out.append(open_url(f"Open {PLAIN.fit(view.issue_key, 60)}", url))
    return out


def refresh(view: ApprovalView, user_ids: Sequence[str] = ()) -> dict[str, Any]:
    """The card's ``refresh``: Teams invokes ``opsgate.refresh`` and shows the card the bot answers with."""
    out: dict[str, Any] = {"action": execute("Refresh", Verb.REFRESH, _decision(view))}
    if user_ids:
        out["userIds"] = list(user_ids)
    return out


def approval_card(view: ApprovalView, refresh_user_ids: Sequence[str] = ()) -> dict[str, Any]:
    """The approval card for any state of the run.

    A just-in-time run (``view.grant``) adds Resource and Duration facts and, once granted, the "Access" line
    (``BlockId.GRANT``).

    ``refresh_user_ids`` (Teams user MRIs, e.g. the approvers) makes Teams refresh the card automatically for
    them; without it the refresh still happens on demand.
    """
    style, color = STYLE[view.status]
    body: list[Element] = [
        container(
            [
                text_block(
                    f"{t.STATUS_EMOJI[view.status]} {md.fit(t.headline(view), 300)}", size="large", weight="bolder"
                ),
                text_block(t.status_line(view, md, TEAMS_TEXT), eid=BlockId.STATUS, color=color),
            ],
            eid=BlockId.HEADER,
            style=style,
        )
    ]
    if view.summary:
        body.append(text_block(f"**Request:** {md.fit(view.summary, SUMMARY_TEXT)}", eid=BlockId.SUMMARY))
    body.append(fact_set(_facts(view), eid=BlockId.FIELDS))
    grant = g.state_line(view.grant, md) if view.grant is not None else None
    if grant and view.grant is not None:
        color = "good" if view.grant.status == "active" and not g.ending(view.grant) else "default"
        body.append(text_block(grant, eid=BlockId.GRANT, color=color))  # bounded: every part is cut to fit
    body.append(
        text_block(
            f"**Classification:** {t.classification_line(view, md, TEAMS_TEXT - 20)}", eid=BlockId.CLASSIFICATION
        )
    )
    body.append(text_block("**Plan**", weight="bolder", separator=True))
    if view.sandbox:
        body.append(text_block(t.SANDBOX_LINE, eid="opsgate.sandbox", weight="bolder", color="warning"))
    steps = [(f"{i}.", t.plan_line(step, md)) for i, step in enumerate(view.plan, start=1)]
    body.append(fact_set(steps or [("—", "No calls: nothing would be changed.")], eid=BlockId.PLAN))
    if view.status == "awaiting_approval" and view.processing:
        body.append(text_block(f"⏳ {t.PROCESSING_LINE}", eid=BlockId.PROCESSING, subtle=True))
    if view.results:
        body.append(text_block("**Results**", weight="bolder", separator=True))
        body.append(fact_set([(t.result_mark(r), t.result_body(r, md)) for r in view.results], eid=BlockId.RESULTS))
    failure = t.failure_line(view, md, TEAMS_TEXT)
    if failure and view.status == "failed":
        body.append(text_block(failure, eid=BlockId.FAILURE, color="attention"))
    footer = f"Run {md.escape(view.run_id)} · {md.escape(view.runbook_id)} · plan {md.escape(view.plan_hash[:12])}"
    body.append(text_block(footer, eid=BlockId.FOOTER, subtle=True, size="small", separator=True))
    fallback = f"{t.headline(view)} — {t.status_line(view, PLAIN, TEAMS_TEXT)}"
    live = view.status in t.OPEN_STATES or view.processing
    return card(body, _actions(view), fallback=fallback, refresh=refresh(view, refresh_user_ids) if live else None)


def note_card(text: str) -> dict[str, Any]:
    """A one-paragraph card; ``text`` is already Adaptive Card markdown (from :mod:`opsgate.cards.text`)."""
    return card([text_block(text, eid=BlockId.NOTE)], fallback=text)


def thread_note(view: ApprovalView) -> dict[str, Any]:
    """The reply in the card's thread: ``Jira ITSM-123 — <url> — classified mfa_reset (92%): reason``."""
    return note_card(t.thread_note_text(view, md, TEAMS_TEXT))


def reminder_card(view: ApprovalView) -> dict[str, Any]:
    return note_card(t.reminder_text(view, md, TEAMS_TEXT))


def requester_dm_card(view: ApprovalView) -> dict[str, Any]:
    return note_card(t.requester_dm_text(view, md, TEAMS_TEXT))


def refusal_card(reason: t.RefusalKind | str, view: ApprovalView | None = None) -> dict[str, Any]:
    """Why a press changed nothing: a :class:`~opsgate.cards.text.RefusalKind` (worded from ``view``, the
    run's current state) or a plain-text sentence, escaped here."""
    if isinstance(reason, t.RefusalKind):
        body = t.refusal_text(reason, view, md, TEAMS_TEXT)
        fallback = t.refusal_text(reason, view, PLAIN, TEAMS_TEXT)
    else:
        body, fallback = md.fit(reason, TEAMS_TEXT), reason
    return card([text_block(body, eid=BlockId.NOTE, color="warning")], fallback=fallback)
