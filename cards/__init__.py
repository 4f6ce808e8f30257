"""Pure card builders: plain view objects in, Block Kit (Slack) and Adaptive Card (Teams) JSON out.

No I/O, no database, no settings, no clients (DESIGN.md "Layout"; STYLE.md §5-§7, §9-§10):

* ``views``    — the frozen DTOs the services fill in (``ApprovalView``, ``RunSummaryView``, ...).
* ``ids``      — action / callback / block / field ids and verbs shared with the handlers, and the pydantic
                 models carried in button values (``DecisionButton``) and modal metadata (``DenyModalMetadata``).
* ``text``     — every sentence OpsGate says, once, for both platforms; ``markup`` escapes user text per
                 platform; ``limits`` names the platform limits the builders enforce.
* ``blockkit`` — Slack: ``approval`` (card, thread note, DM, reminder, refusal), ``home``, ``modals``,
                 ``messages``.
* ``adaptive`` — Teams: ``approval`` (card, notes, refusal) and ``forms`` (request, pending, help).
* ``samples``  — fixed example views for golden tests and card previews.
"""
