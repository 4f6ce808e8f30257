"""Route handlers of the fake Jira for issues, comments, transitions and attachments.

Server, users and projects live in :mod:`tests.fakes.jira_meta`, search in :mod:`tests.fakes.jira_search`; auth,
spec checks and failure injection in :mod:`tests.fakes.jira`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fakes.jira_meta import ACCOUNT, JiraMeta, body_json, jira_error
from tests.fakes.jira_model import ISSUE_TYPES, PRIORITIES, Issue, adf_problem, jira_time
from tests.fakes.jira_render import select_fields

NOT_ON_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"


class JiraApi(JiraMeta):
    # ---- helpers --------------------------------------------------------------------------------------

    def _issue(self, request: web.Request) -> Issue | None:
        ref = request.match_info["key"]
        if ref.isdigit():
            return next((i for i in self.issues.values() if i.id == ref), None)
        return self.issues.get(ref.upper())

    @staticmethod
    def _no_issue() -> web.Response:
        return jira_error(404, "Issue does not exist or you do not have permission to see it.")

    def _denied(self, permission: str, what: str) -> web.Response | None:
        if self.permissions.get(permission, False):
            return None
        return jira_error(403, f"You do not have permission to {what}.")

    def _user_field(self, raw: Any, field: str, errors: dict[str, str]) -> str | None:
        """Cloud names users by ``accountId``, Server/Data Center by ``name`` (username)."""
        if raw is None:
            return None
        ref = raw.get("accountId" if self.cloud else "name") if isinstance(raw, dict) else None
        user = self.user_by(ref) if isinstance(ref, str) else None
        if user is None:
            errors[field] = f"Specify a valid value for {field}" if self.cloud else f"User '{ref}' does not exist."
            return None
        return user.account_id

    def _parse_fields(self, fields: dict[str, Any], errors: dict[str, str], creating: bool) -> dict[str, Any]:
        """Validate JSON field values like Jira does and turn them into model values."""
        out: dict[str, Any] = {}
        for name, raw in fields.items():
            if name == "summary":
                if not isinstance(raw, str) or not raw.strip():
                    errors[name] = "You must specify a summary of the issue."
                else:
                    out[name] = raw
            elif name == "description":
                if raw is not None and self.cloud and adf_problem(raw):
                    errors[name] = NOT_ADF
                elif raw is not None and not self.cloud and not isinstance(raw, str):
                    errors[name] = "Operation value must be a string"
                else:
                    out[name] = raw
            elif name == "priority":
                by = {p: n for p, n in PRIORITIES} | {n.lower(): n for _p, n in PRIORITIES}
                ref = str(raw.get("id") or raw.get("name", "")).lower() if isinstance(raw, dict) else ""
                if raw is not None and ref not in by:
                    errors[name] = "The priority selected is invalid."
                else:
                    out[name] = by[ref] if raw is not None else None
            elif name in {"assignee", "reporter"}:
                out[name] = self._user_field(raw, name, errors)
            elif name == "duedate":
                try:
                    out[name] = None if raw is None else dt.date.fromisoformat(raw).isoformat()
                except (TypeError, ValueError):
                    errors[name] = f"Error parsing date string: {raw}"
            elif name == "labels":
                if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                    errors[name] = "data was not an array"
                elif bad := [v for v in raw if " " in v]:
                    errors[name] = f"The label '{bad[0]}' contains spaces which is invalid."
                else:
                    out[name] = list(raw)
            elif name in {"project", "issuetype"} and creating:
                continue  # handled by create
            else:
                errors[name] = NOT_ON_SCREEN.format(name)
        return out

    def _check_rich_text(self, value: Any, errors: dict[str, str], field: str) -> None:
        if self.cloud and adf_problem(value):
            errors[field] = NOT_ADF
        elif not self.cloud and not isinstance(value, str):
            errors[field] = "Can not deserialize instance of java.lang.String out of START_OBJECT token"

    # ---- issues -------------------------------------------------------------------------------------

    async def create_issue(self, request: web.Request) -> web.Response:
        data = body_json(request)
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict):
            return jira_error(400, errors={"project": "Specify a valid project ID or key"})
        if denied := self._denied("CREATE_ISSUES", "create issues in this project"):
            return denied
        errors: dict[str, str] = {}
        proj_ref: dict[str, Any] = fields["project"] if isinstance(fields.get("project"), dict) else {}
        project = next(
            (
                p
                for p in self.projects.values()
                if p.key == str(proj_ref.get("key", "")).upper() or p.id == proj_ref.get("id")
            ),
            None,
        )
        if project is None:
            errors["project"] = "Specify a valid project ID or key"
        type_ref: dict[str, Any] = fields["issuetype"] if isinstance(fields.get("issuetype"), dict) else {}
        itype = next((n for t, n in ISSUE_TYPES if type_ref.get("id") == t or type_ref.get("name") == n), None)
        if itype is None:
            errors["issuetype"] = "Specify an issue type" if not type_ref else "The issue type selected is invalid."
        values = self._parse_fields(fields, errors, creating=True)
        if "summary" not in fields:
            errors["summary"] = "You must specify a summary of the issue."
        if errors or project is None or itype is None:
            return jira_error(400, errors=errors)
        issue = self.add_issue(
            project.key,
            values.pop("summary"),
            issuetype=itype,
            reporter=values.pop("reporter", None) or request[ACCOUNT],
            priority=values.pop("priority", "Medium"),
        )
        for name, value in values.items():
            setattr(issue, name, value)
        render = self.renderer()
        return web.json_response(
            {"id": issue.id, "key": issue.key, "self": f"{render.api}/issue/{issue.id}"}, status=201
        )

    async def get_issue(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None or not self.permissions["BROWSE_PROJECTS"]:
            return self._no_issue()
        fields = request.query.getall("fields", [])
        out = self.renderer().issue(issue, select_fields(fields, "*all"))
        if "changelog" in request.query.get("expand", ""):
            render = self.renderer()
            histories = [
                {"id": g.id, "author": render.user(g.author), "created": jira_time(g.created), "items": g.items}
                for g in issue.changelog
            ]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(histories),
                "histories": histories,
            }
        return web.json_response(out)

    async def edit_issue(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        if denied := self._denied("EDIT_ISSUES", "edit this issue"):
            return denied
        data = body_json(request) or {}
        fields = dict(data.get("fields") or {})
        comments: list[Any] = []
        errors: dict[str, str] = {}
        for name, ops in (data.get("update") or {}).items():
            for op in ops:
                verb, value = next(iter(op.items()))
                if name == "comment" and verb == "add":
                    self._check_rich_text(value.get("body"), errors, "comment")
                    comments.append(value.get("body"))
                elif name == "labels" and verb in {"add", "remove"}:
                    current = list(fields.get("labels", issue.labels))
                    fields["labels"] = [*current, value] if verb == "add" else [v for v in current if v != value]
                elif verb == "set":
                    fields[name] = value
                else:
                    errors[name] = NOT_ON_SCREEN.format(name)
        values = self._parse_fields(fields, errors, creating=False)
        if errors:
            return jira_error(400, errors=errors)
        items = [item for name, v in values.items() if (item := self.set_field(issue, name, v)) is not None]
        self.record(issue, items, request[ACCOUNT])
        for body in comments:
            self.new_comment(issue, body, request[ACCOUNT])
        if request.query.get("returnIssue") == "true":
            return web.json_response(self.renderer().issue(issue))
        return web.Response(status=204)

    # ---- comments -----------------------------------------------------------------------------------

    async def get_comments(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        start = int(request.query.get("startAt", 0))
        size = int(request.query.get("maxResults", 5000))
        ordered = sorted(issue.comments, key=lambda c: c.created, reverse=request.query.get("orderBy") == "-created")
        render = self.renderer()
        return web.json_response(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(ordered),
                "comments": [render.comment(issue, c) for c in ordered[start : start + size]],
            }
        )

    async def add_comment(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        data = body_json(request) or {}
        body = data.get("body")
        if body is None or body == "":
            return jira_error(400, errors={"comment": "Comment body can not be empty!"})
        errors: dict[str, str] = {}
        self._check_rich_text(body, errors, "comment")
        if errors:
            return jira_error(400, errors=errors)
        if denied := self._denied("ADD_COMMENTS", "comment on this issue"):
            return denied
        comment = self.new_comment(issue, body, request[ACCOUNT], data.get("visibility"))
        comment.properties = data.get("properties")
        return web.json_response(self.renderer().comment(issue, comment), status=201)

    # ---- transitions --------------------------------------------------------------------------------

    async def get_transitions(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        render, only = self.renderer(), request.query.get("transitionId")
        found = [t for t in self.workflow.available(issue.status) if only is None or t.id == only]
        return web.json_response({"expand": "transitions", "transitions": [render.transition(t) for t in found]})

    async def do_transition(self, request: web.Request) -> web.Response:
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        data = body_json(request) or {}
        tid = str((data.get("transition") or {}).get("id", ""))
        if not tid:
            return jira_error(400, "Missing 'transition' identifier")
        transition = next((t for t in self.workflow.available(issue.status) if t.id == tid), None)
        if transition is None:
            return jira_error(400, f"Transition id '{tid}' is not valid for this issue.")
        if denied := self._denied("TRANSITION_ISSUES", "transition this issue"):
            return denied
        errors: dict[str, str] = {}
        fields = {k: v for k, v in (data.get("fields") or {}).items() if k != "resolution"}
        values = self._parse_fields(fields, errors, creating=False)
        comments = [op["add"].get("body") for op in (data.get("update") or {}).get("comment", []) if "add" in op]
        for body in comments:
            self._check_rich_text(body, errors, "comment")
        if errors:
            return jira_error(400, errors=errors)
        items = self.move(issue, transition.to)
        items += [item for name, v in values.items() if (item := self.set_field(issue, name, v)) is not None]
        self.record(issue, items, request[ACCOUNT])
        for body in comments:
            self.new_comment(issue, body, request[ACCOUNT])
        return web.Response(status=204)

    # ---- attachments --------------------------------------------------------------------------------

    async def add_attachments(self, request: web.Request) -> web.Response:
        """``addAttachment``: checked by hand (shared/specs/README.md §9): the header and a ``file`` part."""
        if request.headers.get("X-Atlassian-Token", "").lower() != "no-check":
            self.violation(request, "addAttachment without X-Atlassian-Token: no-check")
            return web.Response(status=403, text="XSRF check failed")
        if not request.content_type.startswith("multipart/form-data"):
            self.violation(request, f"addAttachment with Content-Type {request.content_type}")
            return jira_error(415, "Unsupported Media Type")
        issue = self._issue(request)
        if issue is None:
            return self._no_issue()
        parts = []
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file" and part.filename:
                mime = part.headers.get("Content-Type", "application/octet-stream")
                parts.append((part.filename, bytes(await part.read()), mime))
        if not parts:
            self.violation(request, "addAttachment without a 'file' part")
            return jira_error(400, "No attachments found in the request.")
        if denied := self._denied("CREATE_ATTACHMENTS", "create attachments for this issue"):
            return denied
        render = self.renderer()
        created = [self.new_attachment(issue, name, content, mime, request[ACCOUNT]) for name, content, mime in parts]
        return web.json_response([render.attachment(a) for a in created])

    async def attachment_content(self, request: web.Request) -> web.Response:
        wanted = request.match_info["id"]
        for issue in self.issues.values():
            for att in issue.attachments:
                if att.id == wanted:
                    return web.Response(body=att.content, content_type=att.mime_type)
        return jira_error(404, "The attachment does not exist.")
