"""Platform limits the builders enforce (STYLE.md §6), named once.

Slack's come from its Block Kit reference and match the validators in ``slack_sdk.models``; a payload over any
of them is rejected by Slack (``invalid_blocks``), so builders truncate user text to fit, with an ellipsis.
"""

from __future__ import annotations

ELLIPSIS = "…"

# Slack: messages and surfaces
SLACK_MESSAGE_BLOCKS = 50  # blocks per message
SLACK_VIEW_BLOCKS = 100  # blocks per modal / App Home view
SLACK_FALLBACK_TEXT = 3000  # the top-level "text" (notifications); Slack itself truncates at 40,000
# Slack: blocks and elements
SLACK_SECTION_TEXT = 3000
SLACK_SECTION_FIELDS = 10
SLACK_FIELD_TEXT = 2000
SLACK_HEADER_TEXT = 150
SLACK_CONTEXT_TEXT = 2000  # per context element (we use one)
SLACK_CONTEXT_ELEMENTS = 10
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2000
SLACK_BLOCK_ID = 255
SLACK_OPTION_TEXT = 75
SLACK_OPTION_VALUE = 150
SLACK_SELECT_OPTIONS = 100
SLACK_INPUT_LABEL = 2000
SLACK_INPUT_HINT = 2000
SLACK_PLACEHOLDER = 150
SLACK_VIEW_TITLE = 24
SLACK_VIEW_BUTTON = 24  # submit / close
SLACK_PRIVATE_METADATA = 3000

# Our own bounds, chosen to keep cards readable well inside the platform limits
DENY_REASON_MAX = 2000  # the deny modal's max_length and Teams' Input.Text maxLength
REQUEST_REASON_MAX = 2000
PLAN_LINE = 400  # one plan step
RESULT_LINE = 400  # one execution result
SUMMARY_TEXT = 1000  # the originating issue's summary on the card
LIST_LINE = 300
ACTOR_LABEL = 200  # a requester / approver label
SUBJECT_TEXT = 300  # "MFA Reset for Sarah Chen" inside a sentence  # one line of a run list
HOME_PENDING_MAX = 10  # approvals listed with buttons in App Home
HOME_LIST_MAX = 10  # lines per App Home list (recent decisions, my requests)
TEAMS_LIST_MAX = 20  # runs listed in a Teams card
TEAMS_TEXT = 3000  # free text in one Adaptive Card TextBlock (Teams caps a whole card at ~28 KB)
