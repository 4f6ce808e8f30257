"""Jira webhook deliveries: the schema check of bodies and the signed request a test sends to OpsGate.

Bodies are built by :meth:`tests.fakes.jira_state.JiraState.webhook_payload` from the fake's state.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import uuid
from typing import Any

import jsonschema

from tests.fakes.spec import load_spec


@functools.cache
def webhook_validator() -> jsonschema.Draft202012Validator:
    """``shared/specs/jira-webhook-examples/issue-webhook.schema.json`` (JSON Schema 2020-12)."""
    return jsonschema.Draft202012Validator(load_spec("jira-webhook-examples/issue-webhook.schema.json"))


def webhook_signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature`` value: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_request(
    secret: str | None, payload: dict[str, Any], identifier: str | None = None, retry: int = 0
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a webhook delivery (signed when ``secret`` is given)."""
    body = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Atlassian-Webhook-Identifier": identifier or str(uuid.uuid4()),
        "X-Atlassian-Webhook-Retry": str(retry),
    }
    if secret is not None:
        headers["X-Hub-Signature"] = webhook_signature(secret, body)
    return body, headers
