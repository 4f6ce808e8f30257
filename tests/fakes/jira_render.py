"""JSON the fake Jira answers with, shaped like Jira Cloud (REST v3) or Server/Data Center (REST v2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fakes.jira_model import (
    CATEGORIES,
    ISSUE_TYPES,
    PRIORITIES,
    Attachment,
    Comment,
    Issue,
    JiraUser,
    Project,
    Status,
    Transition,
    Workflow,
    adf_to_text,
    jira_time,
)

# Fields of an issue, with their clause names, as GET /field lists them (the jira library maps names to ids).
FIELD_IDS = [
    ("summary", "Summary", "string"),
    ("description", "Description", "string"),
    ("issuetype", "Issue Type", "issuetype"),
    ("project", "Project", "project"),
    ("status", "Status", "status"),
    ("priority", "Priority", "priority"),
    ("assignee", "Assignee", "user"),
    ("reporter", "Reporter", "user"),
    ("creator", "Creator", "user"),
    ("created", "Created", "datetime"),
    ("updated", "Updated", "datetime"),
    ("duedate", "Due date", "date"),
    ("resolution", "Resolution", "resolution"),
    ("resolutiondate", "Resolved", "datetime"),
    ("labels", "Labels", "array"),
    ("comment", "Comment", "comments-page"),
    ("attachment", "Attachment", "array"),
]
ALL_FIELDS = {f for f, _n, _t in FIELD_IDS}


def select_fields(requested: list[str] | None, default: str) -> set[str]:
    """Jira's ``fields`` parameter: names, ``*all``, ``*navigable``, ``-name`` exclusions, ``id``/``key``."""
    names = [n.strip() for item in (requested or [default]) for n in item.split(",") if n.strip()]
    chosen: set[str] = set()
    for name in names:
        if name in {"*all", "*navigable"}:
            chosen |= ALL_FIELDS - ({"comment"} if name == "*navigable" else set())
        elif name.startswith("-"):
            continue
        elif name in ALL_FIELDS:
            chosen.add(name)
    for name in names:
        if name.startswith("-"):
            chosen.discard(name[1:])
    return chosen


@dataclass
class Renderer:
    base: str  # e.g. http://127.0.0.1:1234 (+ base path)
    version: str  # "3" (Cloud) or "2" (Server)
    cloud: bool
    users: dict[str, JiraUser]
    projects: dict[str, Project]
    workflow: Workflow

    @property
    def api(self) -> str:
        return f"{self.base}/rest/api/{self.version}"

    def user(self, account_id: str | None) -> dict[str, Any] | None:
        if account_id is None:
            return None
        user = self.users.get(account_id) or JiraUser(account_id, account_id)
        avatars = {s: f"{self.base}/avatar/{account_id}/{s}.png" for s in ("48x48", "24x24", "16x16", "32x32")}
        out: dict[str, Any] = {"displayName": user.display_name, "active": user.active, "timeZone": user.time_zone}
        if self.cloud:
            out |= {
                "self": f"{self.api}/user?accountId={account_id}",
                "accountId": account_id,
                "accountType": "atlassian",
            }
        else:
            out |= {"self": f"{self.api}/user?username={user.username}", "name": user.username}
            out["key"] = user.username
        if user.email:
            out["emailAddress"] = user.email
        out["avatarUrls"] = avatars
        return out

    def status(self, status: Status) -> dict[str, Any]:
        cid, cname, colour = CATEGORIES[status.category]
        return {
            "self": f"{self.api}/status/{status.id}",
            "description": "",
            "iconUrl": f"{self.base}/images/icons/statuses/generic.png",
            "name": status.name,
            "id": status.id,
            "statusCategory": {
                "self": f"{self.api}/statuscategory/{cid}",
                "id": cid,
                "key": status.category,
                "colorName": colour,
                "name": cname,
            },
        }

    def priority(self, name: str | None) -> dict[str, Any] | None:
        pid = next((p for p, n in PRIORITIES if n == name), None)
        if pid is None:
            return None
        return {
            "self": f"{self.api}/priority/{pid}",
            "iconUrl": f"{self.base}/images/{pid}.svg",
            "name": name,
            "id": pid,
        }

    def issue_type(self, name: str) -> dict[str, Any]:
        tid = next((t for t, n in ISSUE_TYPES if n == name), "10001")
        return {
            "self": f"{self.api}/issuetype/{tid}",
            "id": tid,
            "name": name,
            "description": "",
            "subtask": False,
            "iconUrl": f"{self.base}/images/issuetype/{tid}.svg",
        }

    def project(self, project: Project, expand: str = "", full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": f"{self.api}/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": project.type_key,
            "simplified": False,
            "style": "classic",
            "isPrivate": False,
            "avatarUrls": {"48x48": f"{self.base}/avatar/project/{project.id}.png"},
        }
        if full or "lead" in expand:
            out["lead"] = self.user(project.lead)
        if full or "issueTypes" in expand:
            out["issueTypes"] = [self.issue_type(n) for _t, n in ISSUE_TYPES]
        if full or "description" in expand:
            out["description"] = ""
        return out

    def comment(self, issue: Issue, comment: Comment) -> dict[str, Any]:
        out = {
            "self": f"{self.api}/issue/{issue.id}/comment/{comment.id}",
            "id": comment.id,
            "author": self.user(comment.author),
            "body": comment.body,
            "updateAuthor": self.user(comment.author),
            "created": jira_time(comment.created),
            "updated": jira_time(comment.updated),
            "jsdPublic": True,
        }
        if comment.visibility:
            out["visibility"] = comment.visibility
        return out

    def attachment(self, attachment: Attachment) -> dict[str, Any]:
        return {
            "self": f"{self.api}/attachment/{attachment.id}",
            "id": attachment.id,
            "filename": attachment.filename,
            "author": self.user(attachment.author),
            "created": jira_time(attachment.created),
            "size": attachment.size,
            "mimeType": attachment.mime_type,
            "content": f"{self.base}/secure/attachment/{attachment.id}/{attachment.filename}",
        }

    def transition(self, transition: Transition) -> dict[str, Any]:
        target = self.workflow.status(transition.to)
        assert target is not None, transition
        return {
            "id": transition.id,
            "name": transition.name,
            "to": self.status(target),
            "hasScreen": False,
            "isGlobal": not transition.sources,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }

    def description(self, issue: Issue, version: str | None = None) -> Any:
        """v3 answers ADF; v2 (and webhook bodies) answer wiki-markup text."""
        if (version or self.version) == "3" or issue.description is None:
            return issue.description
        return adf_to_text(issue.description)

    def issue(self, issue: Issue, fields: set[str] | None = None, version: str | None = None) -> dict[str, Any]:
        version = version or self.version
        api = f"{self.base}/rest/api/{version}"
        chosen = ALL_FIELDS if fields is None else fields
        status = self.workflow.status(issue.status)
        assert status is not None, issue.status
        project = self.projects[issue.project]
        values: dict[str, Any] = {
            "summary": issue.summary,
            "description": self.description(issue, version),
            "issuetype": self.issue_type(issue.issuetype),
            "project": self.project(project),
            "status": self.status(status),
            "priority": self.priority(issue.priority),
            "assignee": self.user(issue.assignee),
            "reporter": self.user(issue.reporter),
            "creator": self.user(issue.reporter),
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            "duedate": issue.duedate,
            "resolution": (
                {"self": f"{api}/resolution/1", "id": "1", "name": issue.resolution} if issue.resolution else None
            ),
            "resolutiondate": jira_time(issue.resolutiondate) if issue.resolutiondate else None,
            "labels": list(issue.labels),
            "attachment": [self.attachment(a) for a in issue.attachments],
        }
        if "comment" in chosen:
            comments = [self.comment(issue, c) for c in issue.comments]
            values["comment"] = {
                "comments": comments,
                "self": f"{api}/issue/{issue.id}/comment",
                "maxResults": len(comments),
                "total": len(comments),
                "startAt": 0,
            }
        out: dict[str, Any] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id,
            "self": f"{api}/issue/{issue.id}",
            "key": issue.key,
        }
        if chosen:
            out["fields"] = {k: v for k, v in values.items() if k in chosen}
        return out
