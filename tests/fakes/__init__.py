"""Small real HTTP servers that stand in for Slack, Jira, Okta, Graph and the Bot Framework in tests."""
