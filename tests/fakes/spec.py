"""Checks a request that a fake received against the official API descriptions in ``shared/specs``.

The descriptions are loaded once per process. Fakes call :func:`check_openapi` (Jira, Okta, Graph: OpenAPI 3 via
openapi-core), :func:`slack_problems` (Slack: Swagger 2.0, checked by hand as shared/specs/README.md §9 shows) or
:func:`bf_body_problems` (Bot Framework connector). A fake answers a non-conforming request with HTTP 400 and
records the problem in ``violations`` so that a test fails loudly.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
from typing import Any

import jsonschema
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest


def specs_dir() -> pathlib.Path:
    """Where shared/specs lives: ``OPSGATE_SPECS_DIR`` or ``../shared/specs`` beside the checkout."""
    env = os.environ.get("OPSGATE_SPECS_DIR")
    if env:
        return pathlib.Path(env)
    here = pathlib.Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "specs"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("shared/specs not found beside the checkout; set OPSGATE_SPECS_DIR")


def load_spec(name: str) -> Any:
    text = (specs_dir() / name).read_text()
    if name.endswith(".yaml"):
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return json.loads(text)


def relax_open_types(node: Any) -> Any:
    """Graph's OData open types break allOf validation as shipped (shared/specs/README.md §6)."""
    if isinstance(node, dict):
        if node.get("additionalProperties") == {"type": "object"}:
            node["additionalProperties"] = True
        for value in node.values():
            relax_open_types(value)
    elif isinstance(node, list):
        for value in node:
            relax_open_types(value)
    return node


HOSTS = {
    "jira": "https://your-domain.atlassian.net",
    "okta": "https://subdomain.okta.com",
    "graph": "https://graph.microsoft.com",
}


@functools.cache
def openapi(system: str) -> OpenAPI:
    if system == "jira":
        return OpenAPI.from_dict(load_spec("jira-platform-v3.json"))
    if system == "okta":
        return OpenAPI.from_dict(load_spec("okta-management.yaml"))
    if system == "graph":
        return OpenAPI.from_dict(relax_open_types(load_spec("msgraph-v1.json")))
    raise ValueError(system)


def check_openapi(
    system: str,
    method: str,
    path: str,
    query: dict[str, Any] | None = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> str | None:
    """Return ``None`` when the request conforms, else a one-line description of the problem."""
    try:
        openapi(system).validate_request(
            MockRequest(
                HOSTS[system],
                method.lower(),
                path,
                args=query or {},
                data=body,
                headers=headers or {},
                content_type=content_type,
            )
        )
    except Exception as exc:  # openapi-core raises a family of exceptions; all mean "does not conform"
        detail = exc.__class__.__name__ + ": " + str(exc)
        cause = exc.__cause__
        if cause is not None:
            detail += f" ({cause.__class__.__name__}: {cause})"
            errors = getattr(cause, "schema_errors", None)
            if errors:
                detail += " [" + "; ".join(str(e.message) for e in errors) + "]"
        return f"{method.upper()} {path}: {detail}"
    return None


@functools.cache
def _slack() -> Any:
    return load_spec("slack-web-api.json")


def slack_problems(method: str, args: dict[str, Any]) -> list[str]:
    """Problems with a Slack Web API call: unknown method, missing required or unknown arguments."""
    item = _slack()["paths"].get("/" + method)
    if item is None:
        return [f"unknown method {method}"]
    params = [p for op in item.values() for p in op.get("parameters", [])]
    known = {p["name"] for p in params}
    required = {p["name"] for p in params if p.get("required")}
    # Required in practice though the spec says otherwise (shared/specs/README.md §3).
    required |= {"users.info": {"user"}, "conversations.info": {"channel"}}.get(method, set())
    out = [f"{method}: missing required {name}" for name in sorted(required) if name != "token" and name not in args]
    return out + [f"{method}: unknown argument {k}" for k in args if k not in known and k != "token"]


@functools.cache
def _bf() -> Any:
    return load_spec("botframework-connector.json")


def bf_body_problems(path: str, method: str, body: Any) -> list[str]:
    """Problems with a Bot Framework connector request body (Swagger 2.0, Draft 4)."""
    op = _bf()["paths"][path][method]
    schema = next(p for p in op["parameters"] if p["in"] == "body")["schema"]
    validator = jsonschema.Draft4Validator({**schema, "definitions": _bf()["definitions"]})
    return [f"{method.upper()} {path}: {e.message}" for e in validator.iter_errors(body)]
