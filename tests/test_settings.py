"""Settings: defaults, one clear line per problem, secrets never printed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsgate.bot.durations import DurationError, format_duration, parse_duration
from opsgate.bot.settings import SettingsError, load_settings


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    s = load_settings()
    assert s.database_url == "sqlite:///./opsgate.db"
    assert (s.host, s.port) == ("127.0.0.1", 3000)
    assert s.approval_deadline == timedelta(hours=24)
    assert s.sandbox_mode is True and s.surfaces == ()


def test_each_problem_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSGATE_PORT", "eighty")
    monkeypatch.setenv("OPSGATE_APPROVAL_DEADLINE", "soon")
    monkeypatch.setenv("OPSGATE_APPROVAL_SURFACE", "slack,irc")
    monkeypatch.setenv("OPSGATE_DATABASE_URL", "mysql://x")
    monkeypatch.setenv("OKTA_API_TOKEN", "00SEKRIT")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    lines = caught.value.lines
    assert len(lines) == 4
    assert {line.split(":")[0] for line in lines} == {
        "OPSGATE_PORT",
        "OPSGATE_APPROVAL_DEADLINE",
        "OPSGATE_APPROVAL_SURFACE",
        "OPSGATE_DATABASE_URL",
    }
    assert "00SEKRIT" not in str(caught.value)


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("JIRA_API_TOKEN", "jira-secret")
    s = load_settings()
    assert "xoxb-very-secret" not in repr(s) and "jira-secret" not in str(s.model_dump())
    assert s.slack_bot_token is not None and s.slack_bot_token.get_secret_value() == "xoxb-very-secret"


def test_vendor_names_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "app-id")
    monkeypatch.setenv("OPSGATE_SLACK_APPROVERS", "U1, S2 ,U3")
    monkeypatch.setenv("OKTA_ORG_URL", "https://acme.okta.com/")
    monkeypatch.setenv("OKTA_API_TOKEN", "t")
    s = load_settings()
    assert s.microsoft_app_id == "app-id" and s.surfaces == ("teams",)
    assert s.slack_approvers == ("U1", "S2", "U3")
    assert s.okta_org_url == "https://acme.okta.com" and s.sandbox_mode is False


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("24h", 86400), ("2d", 172800), ("1h30m", 5400), ("45", 45)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


@pytest.mark.parametrize("text", ["", "soon", "0s", "5x", "h", "-5m", "5m soon"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)
