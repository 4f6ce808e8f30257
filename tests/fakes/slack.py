"""A stateful fake Slack Web API, plus builders of correctly signed Slack requests (interactivity, slash
commands, events) for tests.

``FakeSlack().app`` serves ``/api/<method>``; point ``AsyncWebClient(base_url=base + "/api/")`` (or
``SLACK_API_URL``) at it. Each call is authenticated (``Authorization: Bearer xoxb-...`` or a ``token`` argument),
checked against ``shared/specs/slack-web-api.json`` (unknown method or missing required argument: ``invalid_arguments``
and a violation; an argument the 2021 description does not know, outside the newer ones listed in ``NEWER_ARGS``:
a violation only, since Slack ignores it) and, for messages and views, checked with the ``slack_sdk`` Block Kit
models, nested elements included (over a limit, unknown type or field: ``invalid_blocks`` and a violation).

Pacing checks (``pacing_violations``):

* after a 429 with ``Retry-After: s`` for a method, the next call of that method must come at least ``s`` later
  (timer slack ``RETRY_AFTER_TOLERANCE``);
* ``chat.postMessage`` per channel, counting accepted posts: more than N+1 posts within any N seconds, N >= 3, is a
  violation (a burst of up to 4 is fine, then one per second on average; ``PACING_TOLERANCE`` of slack).

Deliberate strictness: a reply whose ``thread_ts`` names no message answers ``thread_not_found``; a ``trigger_id``
works once (``exchanged_trigger_id``). Channels are created on first post; a user id as channel opens a DM ("D...").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakes.spec import slack_problems

BOT_TOKEN = "xoxb-fake-bot-token"
TEAM_ID, BOT_USER_ID, BOT_ID, APP_ID = "T0FAKE0001", "U0FAKEBOT", "B0FAKEBOT", "A0FAKEAPP"
RETRY_AFTER_TOLERANCE = 0.01
PACING_TOLERANCE = 0.1
MESSAGE_BLOCKS_MAX, VIEW_BLOCKS_MAX, TEXT_MAX = 50, 100, 40_000

# Methods outside the trimmed description: required and optional arguments.
EXTRA_METHODS: dict[str, tuple[set[str], set[str]]] = {
    "chat.getPermalink": ({"channel", "message_ts"}, set()),
    "views.update": ({"view"}, {"view_id", "external_id", "hash"}),
    "conversations.replies": (
        {"channel", "ts"},
        {"cursor", "limit", "oldest", "latest", "inclusive", "include_all_metadata"},
    ),
}
# Arguments Slack added after the 2021 description was frozen (shared/specs/README.md §3).
NEWER_ARGS: dict[str, set[str]] = {
    "chat.postMessage": {"metadata", "markdown_text", "container_id"},
    "chat.update": {"metadata", "markdown_text", "file_ids", "reply_broadcast"},
    "chat.postEphemeral": {"markdown_text"},
    "views.open": {"interactivity_pointer"},
}
# slack_sdk adds team_id to every call when the client has one (slack_bolt sets it from the request).
ANY_METHOD_ARGS = {"team_id"}
JSON_ARGS = {"blocks", "attachments", "view", "metadata"}


@dataclass
class SlackCall:
    method: str
    args: dict[str, Any]
    time: float  # time.monotonic()
    at: dt.datetime
    status: int = 200
    ok: bool = True
    error: str | None = None


@dataclass
class _Fault:
    remaining: int
    status: int
    retry_after: int | None
    threaded: bool | None = None  # only calls in a thread (True) / outside one (False); None: any

    def applies(self, args: dict[str, Any]) -> bool:
        return self.remaining > 0 and (self.threaded is None or self.threaded == bool(args.get("thread_ts")))


@dataclass
class _Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[Any] | None = None
    attachments: list[Any] | None = None
    thread_ts: str | None = None
    metadata: Any = None
    versions: list[dict[str, Any]] = field(default_factory=list)
    edited: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text}
        if self.user == BOT_USER_ID:
            out |= {"bot_id": BOT_ID, "app_id": APP_ID}
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.edited:
            out["edited"] = {"user": BOT_USER_ID, "ts": self.edited}
        return out


def post_pacing_problem(times: list[float]) -> str | None:
    """Whether the last of these post times (seconds, ascending) sustains more than one post per second: more
    than N+1 posts within N seconds for some N >= 3, with ``PACING_TOLERANCE`` of slack."""
    j = len(times) - 1
    for i in range(max(0, j - 3)):
        if j - i > max(3.0, times[j] - times[i] + PACING_TOLERANCE):
            return f"{j - i + 1} posts within {times[j] - times[i]:.2f}s"
    return None


def _block_problems(blocks: Any, limit: int, where: str = "blocks") -> list[str]:
    if not isinstance(blocks, list):
        return [f"{where}: must be an array of blocks"]
    out = [f"{where}: {len(blocks)} blocks, more than {limit}"] if len(blocks) > limit else []
    for i, raw in enumerate(blocks):
        parsed = Block.parse(raw) if isinstance(raw, dict) else None
        if parsed is None:
            out.append(f"{where}[{i}]: unknown or invalid block {raw!r:.80}")
        else:
            out += _object_problems(parsed, raw, f"{where}[{i}]")
    return out


def _object_problems(obj: JsonObject, raw: Any, where: str) -> list[str]:
    """Every limit the slack_sdk model knows, checked on the object and its nested objects, plus fields the
    model does not know (Slack rejects those too)."""
    out = []
    try:
        obj.validate_json()
    except SlackObjectFormationError as exc:
        out.append(f"{where}: {exc}")
    if isinstance(raw, dict) and obj.attributes:  # some models (Option, ConfirmObject) list no attributes
        unknown = set(raw) - set(obj.attributes) - {"type"}
        if unknown:
            out.append(f"{where}: unsupported field(s) {', '.join(sorted(unknown))}")
    for attr in sorted(obj.attributes):
        value = getattr(obj, attr, None)
        sub = raw.get(attr) if isinstance(raw, dict) else None
        if isinstance(value, JsonObject):
            out += _object_problems(value, sub, f"{where}.{attr}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, JsonObject):
                    raw_item = sub[i] if isinstance(sub, list) and i < len(sub) else None
                    out += _object_problems(item, raw_item, f"{where}.{attr}[{i}]")
    return out


def _view_problems(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view: must be an object"]
    out = _block_problems(view.get("blocks", []), VIEW_BLOCKS_MAX, "view.blocks")
    try:
        model = View(**view)
    except TypeError as exc:
        return [*out, f"view: {exc}"]
    try:
        model.validate_json()
    except SlackObjectFormationError as exc:
        out.append(f"view: {exc}")
    for attr in ("title", "submit", "close"):
        value = getattr(model, attr, None)
        if isinstance(value, JsonObject):
            out += _object_problems(value, view.get(attr), f"view.{attr}")
    return out


class FakeSlack:
    """See the module docstring. Seed with ``add_user``/``add_usergroup``/``add_channel``/``post_user_message``;
    inject ``rate_limit``/``fail``; assert on ``channel_messages``, ``thread_replies``, ``message``,
    ``ephemerals``, ``home_views``, ``opened_views``, ``calls``, ``responses``, ``violations``,
    ``pacing_violations``."""

    def __init__(self, token: str = BOT_TOKEN, team_domain: str = "acme") -> None:
        self.tokens = {token}
        self.team_domain = team_domain
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.opened_views: list[dict[str, Any]] = []
        self.home_views: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[SlackCall] = []
        self.violations: list[str] = []
        self.pacing_violations: list[str] = []
        self._messages: dict[str, list[_Message]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._retry_after: dict[str, tuple[float, int]] = {}
        self._posts: dict[str, list[float]] = {}
        self._triggers: set[str] = set()
        self._last_ts = 0.0
        self._ids = itertools.count(1)
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._permalink,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "users.lookupByEmail": self._lookup_by_email,
            "usergroups.users.list": self._usergroup_users,
            "conversations.info": self._conversations_info,
            "conversations.replies": self._replies,
        }
        self.app = web.Application(client_max_size=16 * 1024 * 1024)
        self.app.router.add_route("*", "/api/{method}", self._handle)
        self.app.router.add_post("/responses/{name}", self._response_url)

    # ---- seeding --------------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        email: str | None = None,
        name: str | None = None,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        tz: str = "Europe/London",
    ) -> dict[str, Any]:
        name = name or (email.split("@")[0] if email else user_id.lower())
        real = real_name or name.replace(".", " ").title()
        profile = {"real_name": real, "display_name": name, "email": email, "image_48": "https://a.invalid/48.png"}
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": real,
            "deleted": deleted,
            "is_bot": is_bot,
            "is_admin": is_admin,
            "tz": tz,
            "profile": {k: v for k, v in profile.items() if v is not None},
        }
        self.users[user_id] = user
        return user

    def add_usergroup(self, group_id: str, users: list[str]) -> None:
        self.usergroups[group_id] = list(users)

    def add_channel(self, channel_id: str, name: str | None = None, *, is_private: bool = False) -> dict[str, Any]:
        info = {
            "id": channel_id,
            "name": name or channel_id.lower(),
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": channel_id.startswith("D"),
            "is_private": is_private,
            "is_member": True,
            "is_archived": False,
            "created": int(time.time()),
        }
        self.channels[channel_id] = info
        return info

    def post_user_message(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> str:
        """A message written by a person (e.g. a thread to push to Jira); returns its ts."""
        return self._store(self._channel(channel), user, {"text": text, "thread_ts": thread_ts}).ts

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    # ---- failure injection ----------------------------------------------------------------------------

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("*" for any) answer 429 with ``Retry-After``."""
        self._faults.setdefault(method, []).append(_Fault(times, 429, retry_after))

    def fail(self, method: str, status: int = 503, times: int = 1, *, threaded: bool | None = None) -> None:
        """The next ``times`` calls of ``method`` ("*" for any) answer HTTP ``status``; with ``threaded``, only
        calls in a thread (True) or outside one (False) count."""
        self._faults.setdefault(method, []).append(_Fault(times, status, None, threaded))

    # ---- state for assertions -------------------------------------------------------------------------

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages of a channel (or of the DM with a user id), latest versions, oldest first."""
        msgs = self._messages.get(self._channel(channel, create=False), [])
        return [m.as_dict() for m in msgs if m.thread_ts in (None, m.ts)]

    def thread_replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        msgs = self._messages.get(self._channel(channel, create=False), [])
        return [m.as_dict() for m in msgs if m.thread_ts == ts and m.ts != ts]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        found = self._find(self._channel(channel, create=False), ts)
        return found.as_dict() if found else None

    def message_versions(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Every version of a message, first post first (each chat.update adds one)."""
        found = self._find(self._channel(channel, create=False), ts)
        return list(found.versions) if found else []

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        return self.channel_messages(self.dm_channel(user_id))

    def calls_of(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    @staticmethod
    def response_url(base_url: str, name: str) -> str:
        """A response_url served by this fake; what is posted to it lands in ``responses[name]``."""
        return f"{base_url}/responses/{name}"

    # ---- HTTP -----------------------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.setdefault(request.match_info["name"], []).append(await request.json())
        return web.Response(text="ok")

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
            args |= body if isinstance(body, dict) else {}
        elif request.can_read_body:
            args |= dict(await request.post())
        for key in JSON_ARGS & set(args):
            if isinstance(args[key], str):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        return args

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else args.pop("token", None)
        args.pop("token", None)
        call = SlackCall(method, args, time.monotonic(), dt.datetime.now(dt.UTC))
        self.calls.append(call)
        try:
            status, body, headers = self._dispatch(method, args, token, call)
        except Exception as exc:  # a bug in the fake or an argument it cannot digest: fail the test loudly
            self.violations.append(f"{method}: the fake failed: {exc!r}")
            status, body, headers = 500, {"ok": False, "error": "internal_error"}, {}
        call.status, call.ok, call.error = status, bool(body.get("ok")), body.get("error")
        return web.json_response(body, status=status, headers=headers)

    def _dispatch(
        self, method: str, args: dict[str, Any], token: str | None, call: SlackCall
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token not in self.tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        self._check_retry_after(method, call.time)
        for key in (method, "*"):
            fault = next((f for f in self._faults.get(key, []) if f.applies(args)), None)
            if fault is not None:
                fault.remaining -= 1
                if fault.status == 429:
                    self._retry_after[method] = (call.time, fault.retry_after or 1)
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
                return fault.status, {"ok": False, "error": "fatal_error"}, {}
        hard, soft = self._arg_problems(method, args)
        self.violations += hard + soft
        if hard:
            return 200, {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": hard}}, {}
        body = self._methods[method](args)
        if body.get("error") == "invalid_blocks":
            self.violations += [f"{method}: {p}" for p in body["errors"]]
        if method == "chat.postMessage" and body.get("ok"):
            self._check_post_pacing(body["channel"], call.time)
        return 200, body, {}

    def _arg_problems(self, method: str, args: dict[str, Any]) -> tuple[list[str], list[str]]:
        if method in EXTRA_METHODS:
            required, optional = EXTRA_METHODS[method]
            hard = [f"{method}: missing required {r}" for r in sorted(required) if r not in args]
            if method == "views.update" and not ({"view_id", "external_id"} & set(args)):
                hard.append("views.update: needs view_id or external_id")
            known = required | optional | ANY_METHOD_ARGS
            soft = [f"{method}: unknown argument {k}" for k in args if k not in known]
            return hard, soft
        problems = slack_problems(method, args)
        hard = [p for p in problems if "unknown argument" not in p]
        newer = NEWER_ARGS.get(method, set()) | ANY_METHOD_ARGS
        soft = [p for p in problems if "unknown argument" in p and p.rsplit(" ", 1)[1] not in newer]
        if not hard and method not in self._methods:
            hard.append(f"{method}: not implemented by the fake")
        return hard, soft

    def _check_retry_after(self, method: str, now: float) -> None:
        pending = self._retry_after.pop(method, None)
        if pending and now - pending[0] < pending[1] - RETRY_AFTER_TOLERANCE:
            self.pacing_violations.append(
                f"{method}: called again {now - pending[0]:.3f}s after a 429 with Retry-After: {pending[1]}"
            )

    def _check_post_pacing(self, channel: str, now: float) -> None:
        posts = self._posts.setdefault(channel, [])
        posts.append(now)
        problem = post_pacing_problem(posts)
        if problem:
            self.pacing_violations.append(f"chat.postMessage to {channel}: {problem}")

    # ---- storage ----------------------------------------------------------------------------------

    def _channel(self, channel: str, create: bool = True) -> str:
        cid = self.dm_channel(channel) if channel[:1] in {"U", "W"} else channel
        if create and cid not in self.channels:
            self.add_channel(cid)
        return cid

    def _find(self, channel: str, ts: str) -> _Message | None:
        return next((m for m in self._messages.get(channel, []) if m.ts == ts), None)

    def _new_ts(self) -> str:
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _store(self, channel: str, user: str, args: dict[str, Any]) -> _Message:
        msg = _Message(
            channel,
            self._new_ts(),
            user,
            args.get("text") or "",
            args.get("blocks"),
            args.get("attachments"),
            args.get("thread_ts"),
            args.get("metadata"),
        )
        msg.versions.append(msg.as_dict())
        self._messages.setdefault(channel, []).append(msg)
        return msg

    def _content_error(self, args: dict[str, Any], require: bool = True) -> dict[str, Any] | None:
        if require and not any(args.get(k) for k in ("text", "blocks", "attachments", "markdown_text")):
            return {"ok": False, "error": "no_text"}
        if len(str(args.get("text") or "")) > TEXT_MAX:
            return {"ok": False, "error": "msg_too_long"}
        problems = _block_problems(args["blocks"], MESSAGE_BLOCKS_MAX) if "blocks" in args else []
        if problems:
            return {
                "ok": False,
                "error": "invalid_blocks",
                "errors": problems,
                "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
            }
        return None

    # ---- methods ----------------------------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain.title(),
            "user": "opsgate",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        if error := self._content_error(args):
            return error
        channel = self._channel(args["channel"])
        if args.get("thread_ts"):
            parent = self._find(channel, args["thread_ts"])
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            args = {**args, "thread_ts": parent.thread_ts or parent.ts}
        msg = self._store(channel, BOT_USER_ID, args)
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": msg.as_dict()}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args["channel"], create=False)
        msg = self._find(channel, args["ts"])
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        if msg.user != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        if error := self._content_error(args, require=False):
            return error
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                setattr(msg, key, args[key] if key != "text" else args[key] or "")
        msg.edited = self._new_ts()
        msg.versions.append(msg.as_dict())
        return {"ok": True, "channel": channel, "ts": msg.ts, "text": msg.text, "message": msg.as_dict()}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if error := self._content_error(args):
            return error
        ts = self._new_ts()
        keep = ("text", "blocks", "attachments", "thread_ts")
        self.ephemerals.append(
            {"channel": self._channel(args["channel"]), "user": args["user"], "ts": ts}
            | {k: args[k] for k in keep if k in args}
        )
        return {"ok": True, "message_ts": ts}

    def _permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args["channel"], create=False)
        msg = self._find(channel, args["message_ts"])
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{self.team_domain}.slack.com/archives/{channel}/p{msg.ts.replace('.', '')}"
        if msg.thread_ts and msg.thread_ts != msg.ts:
            link += f"?thread_ts={msg.thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _view_record(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids):010d}"
        return {
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._ids):08x}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
        } | view

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["trigger_id"] in self._triggers:
            return {"ok": False, "error": "exchanged_trigger_id"}
        problems = _view_problems(args["view"])
        if problems:
            return {
                "ok": False,
                "error": "invalid_blocks" if "blocks" in str(problems) else "invalid_arguments",
                "errors": problems,
            }
        self._triggers.add(args["trigger_id"])
        record = self._view_record(args["view"])
        self.views[record["id"]] = record
        self.opened_views.append(record)
        return {"ok": True, "view": record}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self.views.get(args.get("view_id", "")) or next(
            (v for v in self.views.values() if args.get("external_id") and v["external_id"] == args["external_id"]),
            None,
        )
        if found is None:
            return {"ok": False, "error": "not_found"}
        if args.get("hash") and args["hash"] != found["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        if problems := _view_problems(args["view"]):
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        record = self._view_record(args["view"], found["id"])
        self.views[record["id"]] = record
        return {"ok": True, "view": record}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view, user = args["view"], args["user_id"]
        if not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments", "errors": ["view.type must be home"]}
        current = self.home_views.get(user)
        if args.get("hash") and current and args["hash"] != current["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        if problems := _view_problems(view):
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        record = self._view_record(view, current["id"] if current else None)
        self.home_views[user] = self.views[record["id"]] = record
        return {"ok": True, "view": record}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args["user"])
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args["email"]).lower()
        user = next((u for u in self.users.values() if str(u["profile"].get("email", "")).lower() == email), None)
        return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}

    def _usergroup_users(self, args: dict[str, Any]) -> dict[str, Any]:
        users = self.usergroups.get(args["usergroup"])
        return {"ok": True, "users": users} if users is not None else {"ok": False, "error": "no_such_subteam"}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        info = self.channels.get(args["channel"])
        return {"ok": True, "channel": info} if info else {"ok": False, "error": "channel_not_found"}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args["channel"], create=False)
        root = self._find(channel, args["ts"])
        if root is None:
            return {"ok": False, "error": "thread_not_found"}
        root_ts = root.thread_ts or root.ts
        thread = [m for m in self._messages[channel] if m.ts == root_ts or m.thread_ts == root_ts]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 1000)
        page = [m.as_dict() for m in thread[start : start + limit]]
        if page and page[0]["ts"] == root_ts:
            page[0] |= {"thread_ts": root_ts, "reply_count": len(thread) - 1}
        more = start + limit < len(thread)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }


# ---- signed requests, as Slack sends them ---------------------------------------------------------------


def signed_headers(secret: str, body: str | bytes, ts: int | None = None) -> dict[str, str]:
    """``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` (v0: HMAC-SHA256 of ``v0:{ts}:{body}``) and
    the Content-Type Slack uses for this kind of body."""
    text = body.decode() if isinstance(body, bytes) else body
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{text}".encode(), hashlib.sha256).hexdigest()
    kind = "application/json" if text.lstrip().startswith("{") else "application/x-www-form-urlencoded"
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": kind}


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def _payload_form(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def _trigger() -> str:
    return f"{int(time.time())}.{next(_TRIGGERS)}.fake{int(time.time() * 1000) % 10**8:08d}"


_TRIGGERS = itertools.count(1000)


def block_actions_body(
    action_id: str,
    value: str | None = None,
    *,
    user_id: str = "U0APPROVER",
    channel_id: str | None = "C0APPROVALS",
    message: dict[str, Any] | None = None,
    message_ts: str | None = None,
    block_id: str = "actions",
    view: dict[str, Any] | None = None,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    action_type: str = "button",
    text: str = "Button",
) -> str:
    """A ``block_actions`` interactivity body (``payload=<json>`` form) for a click on a message (default) or,
    with ``view``, inside a modal or App Home."""
    ts = message_ts or (message or {}).get("ts") or "1700000000.000100"
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type == "button":
        action |= {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}
    elif value is not None:
        action |= {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-token",
        "trigger_id": trigger_id or _trigger(),
        "team": {"id": team_id, "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [action],
    }
    if view is not None:
        payload |= {"container": {"type": "view", "view_id": view.get("id", "V0000000001")}, "view": view}
    else:
        msg = message or {"type": "message", "ts": ts, "text": "", "user": BOT_USER_ID}
        payload |= {
            "container": {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False},
            "channel": {"id": channel_id, "name": str(channel_id).lower()},
            "message": msg,
            "response_url": response_url or f"https://hooks.slack.com/actions/{team_id}/1/fake",
        }
    return _payload_form(payload)


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user_id: str = "U0REQUESTER",
    channel_id: str = "C0GENERAL",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> str:
    """A slash command body: url-encoded fields, as Slack posts them."""
    return urllib.parse.urlencode(
        {
            "token": "legacy-token",
            "team_id": team_id,
            "team_domain": "acme",
            "channel_id": channel_id,
            "channel_name": channel_id.lower(),
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or f"https://hooks.slack.com/commands/{team_id}/1/fake",
            "trigger_id": trigger_id or _trigger(),
        }
    )


def view_submission_body(
    callback_id: str,
    values: dict[str, dict[str, Any]],
    *,
    user_id: str = "U0REQUESTER",
    private_metadata: str = "",
    view_id: str = "V0000000001",
    team_id: str = TEAM_ID,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "OpsGate",
) -> str:
    """A ``view_submission`` body; ``values`` is ``view.state.values`` ({block_id: {action_id: {...}}})."""
    view = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "blocks": blocks or [],
        "state": {"values": values},
        "title": {"type": "plain_text", "text": title},
        "hash": "1700000000.fakehash",
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "root_view_id": view_id,
        "previous_view_id": None,
        "external_id": "",
    }
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme"},
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-token",
        "trigger_id": _trigger(),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _payload_form(payload)


def message_shortcut_body(
    callback_id: str,
    message_text: str = "",
    *,
    user_id: str = "U0REQUESTER",
    channel_id: str = "C0GENERAL",
    message_ts: str = "1700000000.000200",
    message_user: str = "U0AUTHOR",
    thread_ts: str | None = None,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> str:
    """A message shortcut (``message_action``) body for the message at ``message_ts``."""
    message: dict[str, Any] = {"type": "message", "user": message_user, "ts": message_ts, "text": message_text}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id or _trigger(),
        "message_ts": message_ts,
        "message": message,
        "user": _user(user_id, team_id),
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "team": {"id": team_id, "domain": "acme"},
        "response_url": response_url or f"https://hooks.slack.com/app/{team_id}/1/fake",
        "token": "legacy-token",
        "action_ts": f"{time.time():.6f}",
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _payload_form(payload)


def event_body(event: dict[str, Any], *, team_id: str = TEAM_ID, event_id: str | None = None) -> str:
    """An Events API ``event_callback`` JSON body wrapping ``event``."""
    now = int(time.time())
    return json.dumps(
        {
            "token": "legacy-token",
            "team_id": team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{now}{next(_TRIGGERS)}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def app_home_opened_event(user_id: str, tab: str = "home", view: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``app_home_opened`` event (wrap it with :func:`event_body`)."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id[1:],
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    return event | ({"view": view} if view else {})
