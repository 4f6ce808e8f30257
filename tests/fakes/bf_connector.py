"""The fake Bot Connector at an activity's ``serviceUrl`` (``/teams/v3/...``), as Teams answers the bot.

State: conversations with their activities (posts, threaded replies, and each update's new body) and a member
directory for ``GET .../members/{id}``. Every call must carry a token the fake token service issued (401
otherwise). The four operations of ``shared/specs/botframework-connector.json`` are checked with
:func:`bf_body_problems` (400 and a violation when the body does not conform); the member read is not in the
trimmed description and is logged in ``unchecked``. ``fail_next`` makes the next calls answer an error (429 with
``Retry-After``, 503 ...).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.spec import bf_body_problems

PREFIX = "/teams"
CONVERSATIONS = "/v3/conversations"
ACTIVITIES = "/v3/conversations/{conversationId}/activities"
ACTIVITY = "/v3/conversations/{conversationId}/activities/{activityId}"
CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Call:
    """One request the connector took: ``kind`` is create | send | reply | update | member."""

    kind: str
    conversation_id: str
    activity_id: str | None
    body: Any


@dataclass
class Message:
    """An activity as the conversation now holds it (``body`` is the latest version after updates)."""

    id: str
    conversation_id: str
    body: dict[str, Any]
    reply_to: str | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.body.get("attachments") or [] if a.get("contentType") == CARD]

    @property
    def card(self) -> dict[str, Any]:
        """The card the activity holds now (after any update)."""
        cards = self.cards
        assert len(cards) == 1, f"activity {self.id} holds {len(cards)} adaptive cards"
        return cards[0]

    @property
    def first_card(self) -> dict[str, Any]:
        """The card as first posted: what a user with a stale copy still clicks."""
        cards = [a["content"] for a in self.versions[0].get("attachments") or [] if a.get("contentType") == CARD]
        assert len(cards) == 1, f"activity {self.id} was posted with {len(cards)} adaptive cards"
        return cards[0]


@dataclass
class Member:
    id: str  # "29:..."
    aad_object_id: str
    name: str
    email: str | None
    upn: str | None = None

    def to_json(self, tenant_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": self.name.split(" ")[0],
            "surname": self.name.split(" ")[-1],
            "userPrincipalName": self.upn or self.email,
            "tenantId": tenant_id,
            "userRole": "user",
        }
        if self.email:
            out["email"] = self.email
        return out


@dataclass
class Failure:
    status: int
    headers: dict[str, str]
    only: str | None


def base_conversation(conversation_id: str) -> str:
    """``19:x@thread.tacv2;messageid=123`` -> ``19:x@thread.tacv2`` (a channel thread lives in its channel)."""
    return conversation_id.split(";messageid=")[0]


class FakeConnector:
    def __init__(self, tenant_id: str, token_valid: Callable[[str], bool]) -> None:
        self.tenant_id = tenant_id
        self.token_valid = token_valid
        self.calls: list[Call] = []
        self.messages: dict[str, Message] = {}
        self.members: dict[str, Member] = {}
        self.violations: list[str] = []
        self.unchecked: list[str] = []
        self.unauthorized = 0
        self._ids = itertools.count(1_700_000_000_000)
        self._conversations = itertools.count(1)
        self._failures: deque[Failure] = deque()

    # seeding and reading ------------------------------------------------------------------------------------

    def add_member(self, member: Member) -> Member:
        self.members[member.id] = member
        return member

    def fail_next(self, n: int = 1, status: int = 503, headers: dict[str, str] | None = None, only: str | None = None):
        for _ in range(n):
            self._failures.append(Failure(status, dict(headers or {}), only))

    def observe(self, activity: dict[str, Any]) -> None:
        """Record an activity a user sent (the test delivers it to the bot), so the bot may reply to it."""
        conversation_id = activity["conversation"]["id"]
        message = Message(
            activity["id"], base_conversation(conversation_id), dict(activity), _thread_root(conversation_id)
        )
        if message.reply_to == message.id:
            message.reply_to = None
        self.messages[message.id] = message

    def in_conversation(self, conversation_id: str) -> list[Message]:
        """Top-level posts of a channel or chat (threaded replies excluded), oldest first."""
        return [m for m in self.messages.values() if m.conversation_id == conversation_id and m.reply_to is None]

    def replies(self, activity_id: str) -> list[Message]:
        return [m for m in self.messages.values() if m.reply_to == activity_id]

    def of_kind(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    # routes ---------------------------------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        r = app.router
        r.add_post(PREFIX + CONVERSATIONS, self._create)
        r.add_post(PREFIX + ACTIVITIES, self._send)
        r.add_post(PREFIX + ACTIVITY, self._reply)
        r.add_put(PREFIX + ACTIVITY, self._update)
        r.add_get(PREFIX + "/v3/conversations/{conversationId}/members/{memberId}", self._member)

    def _refuse(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not self.token_valid(header[7:]):
            self.unauthorized += 1
            return _error(401, "Unauthorized", "Authorization has been denied for this request.")
        for failure in list(self._failures):
            if failure.only is None or failure.only in request.path:
                self._failures.remove(failure)
                response = _error(failure.status, "ServiceError", "Injected failure.")
                response.headers.update(failure.headers)
                return response
        return None

    async def _checked(self, request: web.Request, spec_path: str, method: str) -> tuple[Any, web.Response | None]:
        refused = self._refuse(request)
        if refused is not None:
            return None, refused
        try:
            body = await request.json()
        except ValueError:
            self.violations.append(f"{method.upper()} {request.path}: body is not JSON")
            return None, _error(400, "BadSyntax", "Body is not JSON.")
        problems = bf_body_problems(spec_path, method, body)
        if problems:
            self.violations.extend(problems)
            return None, _error(400, "BadArgument", "; ".join(problems))
        return body, None

    def _store(self, conversation_id: str, body: dict[str, Any], reply_to: str | None) -> Message:
        activity_id = str(next(self._ids))
        message = Message(activity_id, conversation_id, dict(body), reply_to, [dict(body)])
        self.messages[activity_id] = message
        return message

    def _check_activity(self, body: dict[str, Any], path: str) -> str | None:
        if body.get("type") != "message":
            return None
        if not body.get("text") and not body.get("attachments"):
            return f"{path}: a message needs text or attachments"
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") == CARD and not isinstance(attachment.get("content"), dict):
                return f"{path}: adaptive card content must be an object"
        return None

    async def _create(self, request: web.Request) -> web.Response:
        body, refused = await self._checked(request, CONVERSATIONS, "post")
        if refused is not None:
            return refused
        self.calls.append(Call("create", "", None, body))
        members = body.get("members") or []
        if not body.get("isGroup") and len(members) != 1:
            self.violations.append("POST /v3/conversations: a 1:1 conversation needs exactly one member")
            return _error(400, "BadArgument", "exactly one member is required")
        if members and members[0].get("id") not in self.members:
            return _error(404, "MemberNotFoundInConversation", "Member not found.")
        conversation_id = f"a:1fake{next(self._conversations)}"
        out: dict[str, Any] = {"id": conversation_id}
        if body.get("activity"):
            out["activityId"] = self._store(conversation_id, body["activity"], None).id
        return web.json_response(out, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        body, refused = await self._checked(request, ACTIVITIES, "post")
        if refused is not None:
            return refused
        conversation_id = request.match_info["conversationId"]
        problem = self._check_activity(body, request.path)
        if problem:
            self.violations.append(problem)
            return _error(400, "BadArgument", problem)
        self.calls.append(Call("send", conversation_id, None, body))
        message = self._store(base_conversation(conversation_id), body, _thread_root(conversation_id))
        return web.json_response({"id": message.id}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        body, refused = await self._checked(request, ACTIVITY, "post")
        if refused is not None:
            return refused
        conversation_id, parent = request.match_info["conversationId"], request.match_info["activityId"]
        problem = self._check_activity(body, request.path)
        if problem:
            self.violations.append(problem)
            return _error(400, "BadArgument", problem)
        self.calls.append(Call("reply", conversation_id, parent, body))
        if parent not in self.messages:
            return _error(404, "ActivityNotFoundInConversation", "Unknown activity.")
        root = _thread_root(conversation_id) or parent
        message = self._store(base_conversation(conversation_id), body, root)
        return web.json_response({"id": message.id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body, refused = await self._checked(request, ACTIVITY, "put")
        if refused is not None:
            return refused
        conversation_id, activity_id = request.match_info["conversationId"], request.match_info["activityId"]
        self.calls.append(Call("update", conversation_id, activity_id, body))
        message = self.messages.get(activity_id)
        if message is None or message.conversation_id != base_conversation(conversation_id):
            return _error(404, "ActivityNotFoundInConversation", "Unknown activity.")
        problem = self._check_activity(body, request.path)
        if problem:
            self.violations.append(problem)
            return _error(400, "BadArgument", problem)
        message.body = dict(body)
        message.versions.append(dict(body))
        return web.json_response({"id": activity_id})

    async def _member(self, request: web.Request) -> web.Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        self.unchecked.append(f"GET {request.path}")
        member_id = request.match_info["memberId"]
        self.calls.append(Call("member", request.match_info["conversationId"], None, member_id))
        for member in self.members.values():
            if member_id in (member.id, member.aad_object_id):
                return web.json_response(member.to_json(self.tenant_id))
        return _error(404, "MemberNotFoundInConversation", "Member not found in conversation.")


def _thread_root(conversation_id: str) -> str | None:
    _, sep, root = conversation_id.partition(";messageid=")
    return root if sep else None


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)
