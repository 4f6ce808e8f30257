"""The HTTP API's OpenAPI 3.1 document, served at ``/api/v1/openapi.json``; tests hold the live server to it."""

from __future__ import annotations

from typing import Any

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _PROBLEM_REF}}}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_AUTH_ERRORS = {
    "401": _problem("No key, an unknown key or a revoked key (`unauthenticated`)."),
    "403": _problem("The key lacks the scope this route needs (`insufficient_scope`)."),
    "429": _problem("The key's rate limit is exhausted (`rate_limited`); see `Retry-After`."),
}

_NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "code", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["path", "message"],
                    "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "retryAfter": {"type": "integer"},
        },
    },
    "TargetUser": {
        "type": ["object", "null"],
        "required": ["email", "name"],
        "properties": {"email": {"type": "string"}, "name": _NULLABLE_STR},
    },
    "IngestRequest": {
        "type": "object",
        "required": ["source", "ticket"],
        "properties": {
            "source": {"type": "string", "enum": ["jira"]},
            "ticket": {
                "type": "object",
                "required": ["issueKey", "summary"],
                "properties": {
                    "issueKey": {"type": "string", "minLength": 1, "maxLength": 100},
                    "summary": {"type": "string", "minLength": 1, "maxLength": 1000},
                    "description": {"type": ["string", "null"], "maxLength": 32000},
                    "url": {"type": ["string", "null"], "maxLength": 2000},
                    "reporterEmail": {"type": ["string", "null"], "maxLength": 320},
                },
            },
        },
    },
    "IngestResult": {
        "type": "object",
        "required": [
            "runId",
            "issueKey",
            "disposition",
            "status",
            "intent",
            "runbook",
            "confidence",
            "targetUser",
            "duplicate",
        ],
        "properties": {
            "runId": {"type": "string"},
            "issueKey": {"type": "string"},
            "disposition": {"type": "string", "enum": ["awaiting_approval", "no_action"]},
            "status": {"$ref": "#/components/schemas/RunStatus"},
            "intent": _NULLABLE_STR,
            "runbook": _NULLABLE_STR,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "targetUser": {"$ref": "#/components/schemas/TargetUser"},
            "duplicate": {"type": "boolean"},
        },
    },
    "RunStatus": {
        "type": "string",
        "enum": [
            "received",
            "no_action",
            "awaiting_approval",
            "approved",
            "executing",
            "succeeded",
            "failed",
            "denied",
            "expired",
            "cancelled",
        ],
    },
    "PlanStep": {
        "type": "object",
        "required": ["system", "method", "path", "description"],
        "properties": {
            "system": {"type": "string"},
            "method": {"type": "string"},
            "path": {"type": "string"},
            "description": {"type": "string"},
            "body": {"type": ["object", "null"]},
        },
    },
    "Run": {
        "type": "object",
        "required": ["id", "status", "source", "createdAt", "updatedAt"],
        "properties": {
            "id": {"type": "string"},
            "issueKey": _NULLABLE_STR,
            "issueUrl": _NULLABLE_STR,
            "source": {"type": "string"},
            "requester": {"type": "string"},
            "status": {"$ref": "#/components/schemas/RunStatus"},
            "intent": _NULLABLE_STR,
            "runbook": _NULLABLE_STR,
            "confidence": {"type": "number"},
            "targetUser": {"$ref": "#/components/schemas/TargetUser"},
            "params": {"type": "object"},
            "reason": {"type": "string"},
            "plan": {"type": "array", "items": {"$ref": "#/components/schemas/PlanStep"}},
            "planHash": _NULLABLE_STR,
            "approvalsRequired": {"type": "integer"},
            "approvals": {"type": "array", "items": {"type": "object"}},
            "deadline": _NULLABLE_STR,
            "decidedBy": _NULLABLE_STR,
            "decidedAt": _NULLABLE_STR,
            "denyReason": _NULLABLE_STR,
            "steps": {"type": "array", "items": {"type": "object"}},
            "failure": _NULLABLE_STR,
            "createdAt": {"type": "string"},
            "updatedAt": {"type": "string"},
        },
    },
    "RunRequest": {
        "type": "object",
        "required": ["runbook", "reason"],
        "properties": {
            "runbook": {"type": "string", "examples": ["RB-013"]},
            "target": {
                "type": "object",
                "properties": {"email": {"type": "string"}, "name": {"type": ["string", "null"]}},
            },
            "params": {"type": "object"},
            "reason": {"type": "string", "minLength": 1, "maxLength": 2000},
            "requesterEmail": {"type": ["string", "null"]},
        },
    },
    "RunList": {
        "type": "object",
        "required": ["runs", "next"],
        "properties": {
            "runs": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}},
            "next": _NULLABLE_STR,
        },
    },
    "AuditEntry": {
        "type": "object",
        "required": ["seq", "ts", "org", "actor", "action", "subject", "data", "prev_hash", "hash"],
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "ts": {"type": "string"},
            "org": {"type": "string"},
            "actor": {"type": "string"},
            "action": {"type": "string"},
            "subject": {"type": "string"},
            "data": {"type": "object"},
            "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        },
    },
    "AuditPage": {
        "type": "object",
        "required": ["entries", "next"],
        "properties": {
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
            "next": _NULLABLE_STR,
        },
    },
    "Runbook": {
        "type": "object",
        "required": ["id", "intent", "title", "system", "parameters", "approvalsRequired"],
        "properties": {
            "id": {"type": "string"},
            "intent": {"type": "string"},
            "title": {"type": "string"},
            "system": {"type": "string"},
            "approvalsRequired": {"type": "integer"},
            "parameters": {"type": "object"},
        },
    },
}


def document() -> dict[str, Any]:
    bearer: list[dict[str, list[str]]] = [{"apiKey": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OpsGate HTTP API",
            "version": "1",
            "description": "Approval-gated IT operations. Errors are RFC 9457 problem details.",
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/healthz": {"get": {"operationId": "healthz", "responses": {"200": _json({"type": "object"})}}},
            "/readyz": {
                "get": {
                    "operationId": "readyz",
                    "responses": {
                        "200": _json({"type": "object"}),
                        "503": _json({"type": "object"}, "The database does not answer"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {"operationId": "openapi", "responses": {"200": _json({"type": "object"})}}
            },
            "/api/v1/audit": {
                "get": {
                    "operationId": "listAudit",
                    "security": bearer,
                    "description": "Scope `audit:read`. Pages through the caller's org chain in seq order.",
                    "parameters": [
                        {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/AuditPage"}),
                        "422": _problem("A query parameter is out of range (`validation_error`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/tickets/ingest": {
                "post": {
                    "operationId": "ingestTicket",
                    "security": bearer,
                    "description": "Scope `ticket:ingest`. Idempotent per (org, Jira site, issue key).",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestRequest"}}},
                    },
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/IngestResult"}),
                        "400": _problem("The body is not JSON (`invalid_json`)."),
                        "413": _problem("The body is over 64 KiB (`payload_too_large`)."),
                        "415": _problem("The body is not `application/json` (`unsupported_media_type`)."),
                        "422": _problem("A field is missing or invalid (`validation_error`, `unsupported_source`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/runs": {
                "post": {
                    "operationId": "requestRun",
                    "security": bearer,
                    "description": "Scope `runbook:request`. Proposes a run of a runbook; it waits for approval like any other.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunRequest"}}},
                    },
                    "responses": {
                        "201": _json({"$ref": "#/components/schemas/Run"}, "The run, awaiting approval"),
                        "400": _problem("The body is not JSON (`invalid_json`)."),
                        "413": _problem("The body is over 16 KiB (`payload_too_large`)."),
                        "415": _problem("The body is not `application/json` (`unsupported_media_type`)."),
                        "422": _problem("A field is missing or invalid (`validation_error`)."),
                        **_AUTH_ERRORS,
                    },
                },
                "get": {
                    "operationId": "listRuns",
                    "security": bearer,
                    "description": "Scope `audit:read`. Newest first.",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/RunStatus"}},
                        {"name": "issueKey", "in": "query", "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                        {"name": "before", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/RunList"}),
                        "422": _problem("A query parameter is invalid (`validation_error`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/runs/{id}": {
                "get": {
                    "operationId": "getRun",
                    "security": bearer,
                    "description": "Scope `audit:read`.",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Run"}),
                        "404": _problem("No run with that id in the caller's org (`not_found`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/jit/requests": {
                "post": {
                    "operationId": "requestJitAccess",
                    "security": bearer,
                    "description": "Scope `runbook:request`. Ask for a catalogued resource for a while "
                    "(`{resource, duration, reason, requesterEmail}`); the run waits for approval.",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "201": _json({"type": "object", "required": ["run", "grant"]}, "The run and its grant"),
                        "400": _problem("The body is not JSON (`invalid_json`)."),
                        "404": _problem("JIT access is not enabled (`not_found`)."),
                        "413": _problem("The body is too large (`payload_too_large`)."),
                        "415": _problem("The body is not `application/json` (`unsupported_media_type`)."),
                        "422": _problem("Unknown resource, duration over its maximum, or a bad field (`validation_error`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/jit/grants/{grant_id}/release": {
                "post": {
                    "operationId": "releaseJitGrant",
                    "security": bearer,
                    "description": "Scope `runbook:request`. The requester gives access back early.",
                    "parameters": [{"name": "grant_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "200": _json({"type": "object"}, "The grant, released"),
                        "404": _problem("No such grant (`not_found`)."),
                        "422": _problem("A bad field (`validation_error`)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/webhooks/jira/{integration_id}": {
                "post": {
                    "operationId": "jiraWebhook",
                    "description": "Jira issue webhooks, signed with `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the "
                    "raw body>`; deduplicated by `X-Atlassian-Webhook-Identifier`. Always answers an empty 200, "
                    "whether or not the delivery was genuine, so the endpoint leaks nothing.",
                    "parameters": [
                        {"name": "integration_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "X-Hub-Signature", "in": "header", "schema": {"type": "string"}},
                        {"name": "X-Atlassian-Webhook-Identifier", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "200": {"description": "Received (applied only when the signature is valid)"},
                        "413": _problem("The body is over the limit (`payload_too_large`)."),
                    },
                }
            },
            "/api/v1/runbooks": {
                "get": {
                    "operationId": "listRunbooks",
                    "security": bearer,
                    "description": "Scope `catalog:read`.",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["runbooks"],
                                "properties": {
                                    "runbooks": {"type": "array", "items": {"$ref": "#/components/schemas/Runbook"}}
                                },
                            }
                        ),
                        **_AUTH_ERRORS,
                    },
                }
            },
        },
    }
