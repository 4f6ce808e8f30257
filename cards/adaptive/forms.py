"""Teams cards that answer messages to the bot: ``request`` (a form), ``pending`` (a list) and ``help``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import text as t
from ..ids import InputId, Verb
from ..limits import ELLIPSIS, REQUEST_REASON_MAX, TEAMS_LIST_MAX
from ..markup import PLAIN, TEAMS
from ..views import RunSummaryView
from .elements import Element, card, choice_set, container, execute, fact_set, text_block, text_input

md = TEAMS


def request_form_card(runbooks: Sequence[t.RunbookChoice]) -> dict[str, Any]:
    """The ``request`` form: a runbook, the target's email, the optional parameters some runbooks take, a
    reason; submitted as ``Action.Execute`` verb ``opsgate.request`` with inputs named by ``InputId``."""
    if not runbooks:
        return card([text_block("No runbook can be requested right now. Ask an OpsGate admin.", eid="opsgate.request")])
    body: list[Element] = [
        text_block("Request a runbook", size="large", weight="bolder"),
        choice_set(
            InputId.RUNBOOK,
            "Runbook",
            [(rid, PLAIN.fit(f"{title} ({rid})", 200)) for rid, title, _ in runbooks],
            required=True,
            placeholder="Choose a runbook",
        ),
        text_input(
            InputId.TARGET_EMAIL,
            "Target user's email",
            style="email",
            placeholder="Leave empty when the request is for yourself",
        ),
    ]
    for key, names, label, placeholder in t.OPTIONAL_PARAMS:
        users = t.needed_for(runbooks, names)
        if not users:
            continue
        input_id = InputId(key)
        if key == "action":
            body.append(choice_set(input_id, label, list(t.ACTION_CHOICES), placeholder="Add or remove"))
        else:
            body.append(text_input(input_id, label, placeholder=placeholder, max_length=200))
        body.append(text_block(md.escape("Needed for: " + ", ".join(users)), subtle=True, size="small", spacing="none"))
    body.append(
        text_input(
            InputId.REASON,
            "Reason",
            multiline=True,
            required=True,
            max_length=REQUEST_REASON_MAX,
            placeholder="What do you need, and why?",
        )
    )
    return card(
        body,
        [execute("Request", Verb.REQUEST, {}, style="positive", eid="opsgate.request")],
        fallback="Request a runbook",
    )


def pending_list_card(summaries: Sequence[RunSummaryView]) -> dict[str, Any]:
    """``pending``: the runs waiting for the caller's approval (their cards carry the buttons)."""
    if not summaries:
        return card(
            [text_block("Nothing is waiting for your approval.", eid="opsgate.pending")], fallback="Nothing pending"
        )
    title = f"{len(summaries)} approval{'s' if len(summaries) != 1 else ''} waiting for you"
    body: list[Element] = [text_block(title, eid="opsgate.pending", size="large", weight="bolder")]
    for run in summaries[:TEAMS_LIST_MAX]:
        body.append(container([text_block(t.summary_line(run, md))], eid=f"opsgate.pending.{run.run_id}"))
    if len(summaries) > TEAMS_LIST_MAX:
        body.append(
            text_block(
                f"{ELLIPSIS} and {len(summaries) - TEAMS_LIST_MAX} more", eid="opsgate.pending.more", subtle=True
            )
        )
    return card(body, fallback=title)


def help_card() -> dict[str, Any]:
    """What the bot understands (an unknown message is answered with this too)."""
    body: list[Element] = [
        text_block("OpsGate", size="large", weight="bolder"),
        text_block("Runs IT runbooks after a human approves them. Message me:", eid="opsgate.help"),
        fact_set([(name, md.escape(what)) for name, what in t.HELP], eid="opsgate.help.commands"),
    ]
    return card(body, fallback="OpsGate: " + ", ".join(name for name, _ in t.HELP))
