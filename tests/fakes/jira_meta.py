"""Route handlers of the fake Jira for the server, users, fields and projects, and the helpers every handler
uses. Issues live in :mod:`tests.fakes.jira_api`, search in :mod:`tests.fakes.jira_search`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakes.jira_model import ISSUE_TYPES, PERMISSION_KEYS, PRIORITIES, jira_time
from tests.fakes.jira_render import FIELD_IDS
from tests.fakes.jira_state import JiraState

ACCOUNT = web.RequestKey("account", str)  # the authenticated account id ("" for anonymous serverInfo)
BODY = web.RequestKey("json", object)  # the parsed JSON body, if any


def jira_error(status: int, *messages: str, errors: dict[str, str] | None = None) -> web.Response:
    """Jira's error body: ``{"errorMessages": [...], "errors": {...}}``."""
    return web.json_response({"errorMessages": list(messages), "errors": errors or {}}, status=status)


def body_json(request: web.Request) -> Any:
    return request.get(BODY)


class JiraMeta(JiraState):
    # ---- server, user, metadata -----------------------------------------------------------------------

    async def server_info(self, request: web.Request) -> web.Response:
        version = [1001, 0, 0] if self.cloud else [9, 12, 2]
        return web.json_response(
            {
                "baseUrl": self.base_url,
                "displayUrl": self.base_url,
                "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.2",
                "versionNumbers": version,
                "deploymentType": self.deployment,
                "buildNumber": 100275 if self.cloud else 9120002,
                "buildDate": "2025-01-01T00:00:00.000+0000",
                "serverTime": jira_time(self.now()),
                "scmInfo": "57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71",
                "serverTitle": "Jira",
                "defaultLocale": {"locale": "en_US"},
                "serverTimeZone": "Etc/UTC",
            }
        )

    async def myself(self, request: web.Request) -> web.Response:
        out = self.renderer().user(request[ACCOUNT]) or {}
        out |= {"locale": "en_US", "groups": {"size": 1, "items": []}, "applicationRoles": {"size": 1, "items": []}}
        return web.json_response(out | {"expand": "groups,applicationRoles"})

    async def my_permissions(self, request: web.Request) -> web.Response:
        raw = request.query.get("permissions")
        if raw is None and self.cloud:
            return jira_error(400, "The 'permissions' query parameter is required.")
        keys = [k.strip() for k in raw.split(",") if k.strip()] if raw else list(PERMISSION_KEYS)
        unknown = [k for k in keys if k not in PERMISSION_KEYS]
        if unknown:
            return jira_error(400, f"Invalid permission key: {unknown[0]}")
        perms = {
            k: {
                "id": str(i),
                "key": k,
                "name": k.replace("_", " ").title(),
                "type": "PROJECT",
                "description": "",
                "havePermission": self.permissions.get(k, False),
            }
            for i, k in enumerate(keys)
        }
        return web.json_response({"permissions": perms})

    async def fields(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "id": fid,
                    "key": fid,
                    "name": name,
                    "custom": False,
                    "orderable": True,
                    "navigable": True,
                    "searchable": True,
                    "clauseNames": [fid] + (["resolved"] if fid == "resolutiondate" else []),
                    "schema": {"type": kind, "system": fid},
                }
                for fid, name, kind in FIELD_IDS
            ]
        )

    async def priorities(self, request: web.Request) -> web.Response:
        render = self.renderer()
        return web.json_response([render.priority(name) for _p, name in PRIORITIES])

    async def statuses(self, request: web.Request) -> web.Response:
        render = self.renderer()
        return web.json_response([render.status(s) for s in self.workflow.statuses])

    async def issue_types(self, request: web.Request) -> web.Response:
        render = self.renderer()
        return web.json_response([render.issue_type(n) for _t, n in ISSUE_TYPES])

    async def get_user(self, request: web.Request) -> web.Response:
        ref = request.query.get("accountId") or request.query.get("username") or request.query.get("key") or ""
        user = self.users.get(ref) or (None if self.cloud else self.user_by(ref))
        if user is None:
            return jira_error(404, f"The user with the key '{ref}' does not exist")
        return web.json_response(self.renderer().user(user.account_id))

    async def user_search(self, request: web.Request) -> web.Response:
        q = (request.query.get("query") or request.query.get("username") or "").lower()
        found = [
            u.account_id
            for u in self.users.values()
            if q and any(q in (v or "").lower() for v in (u.email, u.display_name, u.username))
        ]
        render = self.renderer()
        return web.json_response([render.user(a) for a in found])

    # ---- projects -----------------------------------------------------------------------------------

    async def projects_all(self, request: web.Request) -> web.Response:
        render, expand = self.renderer(), request.query.get("expand", "")
        return web.json_response([render.project(p, expand) for p in self.projects.values()])

    async def project_search(self, request: web.Request) -> web.Response:
        start = int(request.query.get("startAt", 0))
        size = min(int(request.query.get("maxResults", 50)), 100)
        q = request.query.get("query", "").lower()
        keys = {k.upper() for v in request.query.getall("keys", []) for k in v.split(",")}
        found = [
            p
            for p in self.projects.values()
            if (not q or q in p.key.lower() or q in p.name.lower())
            and (not keys or p.key in keys)
            and request.query.get("typeKey", p.type_key) == p.type_key
        ]
        order = request.query.get("orderBy", "key")
        found.sort(key=lambda p: p.name.lower() if order.lstrip("-+") == "name" else p.key, reverse=order[0] == "-")
        page = found[start : start + size]
        render, expand = self.renderer(), request.query.get("expand", "")
        out: dict[str, Any] = {
            "self": str(request.url),
            "maxResults": size,
            "startAt": start,
            "total": len(found),
            "isLast": start + size >= len(found),
            "values": [render.project(p, expand) for p in page],
        }
        if not out["isLast"]:
            out["nextPage"] = str(request.url.update_query(startAt=start + size, maxResults=size))
        return web.json_response(out)

    async def project(self, request: web.Request) -> web.Response:
        ref = request.match_info["key"]
        found = next((p for p in self.projects.values() if ref.upper() == p.key or ref == p.id), None)
        if found is None:
            return jira_error(404, f"No project could be found with key '{ref}'.")
        return web.json_response(self.renderer().project(found, request.query.get("expand", ""), full=True))

    def violation(self, request: web.Request, problem: str) -> None:
        """Record a request that breaks the API description (FakeJira keeps them in ``violations``)."""
        raise NotImplementedError
