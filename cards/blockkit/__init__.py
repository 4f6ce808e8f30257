"""Slack Block Kit builders. Every payload is valid for ``slack_sdk.models`` (checked in tests/test_cards_*)."""
