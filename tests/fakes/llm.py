"""A small OpenAI-compatible chat/completions endpoint for the LLM classifier's tests.

It answers ``POST /v1/chat/completions`` like the real API (a ``chat.completion`` object whose first choice
carries the assistant's message), checks the request the way the real endpoint would (a model, a list of
messages, ``response_format`` asking for a JSON object, a Bearer key when one is required), and records every
request it received so a test can assert on what was sent.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeLLM:
    """State of the fake: what it will answer and what it was asked."""

    api_key: str | None = None
    answer: Any = None  # a dict is sent as JSON text; a str is sent verbatim (for malformed answers)
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        return app

    async def _completions(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization"))
        if self.api_key is not None and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "invalid_api_key", "Incorrect API key provided.")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "invalid_request_error", "We could not parse the JSON body of your request.")
        self.requests.append(body)
        problems = _problems(body)
        if problems:
            return _error(400, "invalid_request_error", "; ".join(problems))
        if self.status != 200:
            return _error(self.status, "server_error", "The server had an error while processing your request.")
        content = self.answer if isinstance(self.answer, str) else json.dumps(self.answer)
        return web.json_response(
            {
                "id": f"chatcmpl-fake{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )


def _problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body must be an object"]
    out = []
    if not isinstance(body.get("model"), str) or not body["model"]:
        out.append("model is required")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        out.append("messages must be a non-empty array")
    else:
        for m in messages:
            if (
                not isinstance(m, dict)
                or m.get("role") not in ("system", "user", "assistant")
                or not isinstance(m.get("content"), str)
            ):
                out.append("each message needs a role and string content")
                break
    if body.get("response_format") != {"type": "json_object"}:
        out.append("response_format must be {'type': 'json_object'}")
    return out


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": code, "code": code}}, status=status)
