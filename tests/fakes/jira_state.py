"""State of the fake Jira: seeding, the truth for assertions, Jira-side actions (as a human in Jira would do
them) with changelogs, and webhook bodies built from them."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from tests.fakes.jira_jql import Query, compile_jql
from tests.fakes.jira_jql_fields import JqlContext
from tests.fakes.jira_model import (
    ISSUE_TYPES,
    PERMISSION_KEYS,
    PRIORITIES,
    UTC,
    Attachment,
    ChangeGroup,
    Comment,
    Issue,
    JiraUser,
    Project,
    Workflow,
    adf_to_text,
    default_workflow,
    text_to_adf,
)
from tests.fakes.jira_render import Renderer
from tests.fakes.jira_webhook import webhook_validator

BOT_ACCOUNT = "5b10ac8d82e05b22cc7d0bot"
DEFAULT_SITE = "https://your-domain.atlassian.net"


class JiraState:
    """Everything the fake Jira knows. Times are timezone-aware UTC; users are referred to by account id."""

    def __init__(
        self,
        deployment: str = "Cloud",
        *,
        workflow: Workflow | None = None,
        email: str = "opsgate@acme.example",
        api_token: str = "jira-api-token",
        pat: str = "jira-personal-access-token",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if deployment not in {"Cloud", "Server"}:
            raise ValueError("deployment must be 'Cloud' or 'Server'")
        self.deployment = deployment
        self.cloud = deployment == "Cloud"
        self.version = "3" if self.cloud else "2"
        self.email, self.api_token, self.pat = email, api_token, pat
        self.workflow = workflow or default_workflow()
        self.clock = clock or (lambda: dt.datetime.now(UTC))
        self.users: dict[str, JiraUser] = {}
        self.projects: dict[str, Project] = {}
        self.issues: dict[str, Issue] = {}
        self.deleted_issues: dict[str, Issue] = {}
        self.permissions: dict[str, bool] = dict.fromkeys(PERMISSION_KEYS, True)
        self.base_url = DEFAULT_SITE  # updated to the fake's own address on every request it serves
        self._ids: dict[str, int] = {"issue": 10000, "comment": 10000, "attachment": 10000, "change": 10000}
        self._numbers: dict[str, int] = {}
        self.bot = self.add_user(BOT_ACCOUNT, "OpsGate Bot", email, name="opsgate")

    # ---- seeding --------------------------------------------------------------------------------------

    def _next(self, kind: str) -> str:
        self._ids[kind] += 1
        return str(self._ids[kind])

    def now(self) -> dt.datetime:
        return self.clock()

    def add_user(
        self, account_id: str, display_name: str, email: str | None = None, name: str | None = None
    ) -> JiraUser:
        user = JiraUser(account_id, display_name, email, name)
        self.users[account_id] = user
        return user

    def user_by(self, ref: str) -> JiraUser | None:
        """A user by account id, email, username or display name (case-insensitive)."""
        r = ref.lower()
        return next(
            (
                u
                for u in self.users.values()
                if r in {u.account_id.lower(), (u.email or "").lower(), u.username.lower(), u.display_name.lower()}
            ),
            None,
        )

    def add_project(
        self, key: str, name: str | None = None, lead: str | None = None, type: str = "software"
    ) -> Project:
        project = Project(str(10000 + len(self.projects)), key.upper(), name or key, lead or BOT_ACCOUNT, type)
        self.projects[project.key] = project
        self._numbers.setdefault(project.key, 0)
        return project

    def add_issue(
        self,
        project: str,
        summary: str,
        *,
        status: str | None = None,
        description: str | dict[str, Any] | None = None,
        issuetype: str = "Task",
        priority: str | None = "Medium",
        assignee: str | None = None,
        reporter: str | None = None,
        created: dt.datetime | None = None,
        updated: dt.datetime | None = None,
        resolutiondate: dt.datetime | None = None,
        duedate: str | None = None,
        labels: Iterable[str] = (),
    ) -> Issue:
        """Seed an issue directly (no changelog). A plain-text description becomes ADF on Cloud."""
        proj = self.projects.get(project.upper()) or self.add_project(project)
        st = self.workflow.status(status or self.workflow.initial)
        if st is None:
            raise ValueError(f"unknown status {status!r}")
        if isinstance(description, str) and self.cloud:
            description = text_to_adf(description)
        self._numbers[proj.key] += 1
        now = self.now()
        issue = Issue(
            id=self._next("issue"),
            key=f"{proj.key}-{self._numbers[proj.key]}",
            project=proj.key,
            summary=summary,
            status=st.name,
            issuetype=issuetype,
            description=description,
            priority=priority,
            assignee=assignee,
            reporter=reporter or BOT_ACCOUNT,
            created=created or updated or now,
            updated=updated or created or now,
            duedate=duedate,
            labels=list(labels),
        )
        if st.category == "done":
            issue.resolution = st.name
            issue.resolutiondate = resolutiondate or issue.updated
        self.issues[issue.key] = issue
        return issue

    def bulk_issues(self, project: str, n: int, seed: int = 0, assignees: int = 8) -> list[Issue]:
        """``n`` deterministic issues with varied status, priority, assignee (about 1 in 5 unassigned) and
        ``updated`` spread over the last 120 days.

        Timestamps keep at least an hour away from whole-day offsets from now, so ``-Nd`` filters give the
        same counts however long the test runs."""
        rng = random.Random(seed)
        pool = []
        for i in range(assignees):
            acc = f"bulk-{seed}-{i:02d}"
            pool.append(
                self.users.get(acc) or self.add_user(acc, f"Agent {i:02d}", f"agent{i:02d}.{seed}@acme.example")
            )
        statuses = [s.name for s in self.workflow.statuses]
        weights = [4, 3, 5, 1][: len(statuses)] + [1] * max(0, len(statuses) - 4)
        now = self.now()
        out = []
        for i in range(n):
            age = rng.uniform(0, 120)
            if abs(age - round(age)) < 0.05:
                age += 0.1
            updated = now - dt.timedelta(days=age)
            created = updated - dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
            assignee = None if rng.random() < 0.2 else rng.choice(pool).account_id
            out.append(
                self.add_issue(
                    project,
                    f"Bulk issue {i} ({seed})",
                    status=rng.choices(statuses, weights)[0],
                    priority=rng.choice([name for _p, name in PRIORITIES]),
                    assignee=assignee,
                    created=created,
                    updated=updated,
                    issuetype=rng.choice([name for _t, name in ISSUE_TYPES]),
                )
            )
        return out

    def jql_context(self, current_user: str = BOT_ACCOUNT) -> JqlContext:
        return JqlContext(
            self.workflow, self.projects, self.users, self.now(), current_user, [n for _t, n in ISSUE_TYPES]
        )

    def query(self, jql: str) -> Query:
        return compile_jql(jql, self.jql_context())

    def search(self, jql: str) -> list[Issue]:
        """The true result of ``jql`` (in its order): what a test compares the app's numbers with."""
        return self.query(jql).select(list(self.issues.values()))

    def count(self, jql: str) -> int:
        return len(self.search(jql))

    def renderer(self) -> Renderer:
        return Renderer(self.base_url, self.version, self.cloud, self.users, self.projects, self.workflow)

    # ---- changes, as Jira records them ----------------------------------------------------------------

    def _user_ref(self, account_id: str | None) -> tuple[str | None, str | None]:
        if account_id is None:
            return None, None
        user = self.users.get(account_id)
        ref = account_id if self.cloud or user is None else user.username
        return ref, user.display_name if user else account_id

    def set_field(self, issue: Issue, field: str, value: Any) -> dict[str, Any] | None:
        """Set one field; returns the changelog item, or ``None`` when nothing changed."""
        old = getattr(issue, field)
        if old == value:
            return None
        setattr(issue, field, value)
        item: dict[str, Any] = {"field": field, "fieldtype": "jira", "fieldId": field}
        if field in {"assignee", "reporter"}:
            (fr, fs), (to, ts) = self._user_ref(old), self._user_ref(value)
            item |= {"from": fr, "fromString": fs, "to": to, "toString": ts}
            if self.cloud:
                item |= {"tmpFromAccountId": old, "tmpToAccountId": value}
        elif field == "priority":
            ids = dict((n, p) for p, n in PRIORITIES)
            item |= {"from": ids.get(old or ""), "fromString": old, "to": ids.get(value or ""), "toString": value}
        elif field == "labels":
            item |= {"from": None, "fromString": " ".join(old) or None, "to": None, "toString": " ".join(value) or None}
        elif field == "description":
            item |= {
                "from": None,
                "fromString": adf_to_text(old or ""),
                "to": None,
                "toString": adf_to_text(value or ""),
            }
        else:
            item |= {"from": old if field == "duedate" else None, "fromString": old}
            item |= {"to": value if field == "duedate" else None, "toString": value}
        return item

    def move(self, issue: Issue, status: str) -> list[dict[str, Any]]:
        """Change the status (no workflow check) and the resolution that goes with it; the changelog items."""
        old, new = self.workflow.status(issue.status), self.workflow.status(status)
        assert old is not None and new is not None, (issue.status, status)
        items: list[dict[str, Any]] = [
            {
                "field": "status",
                "fieldtype": "jira",
                "fieldId": "status",
                "from": old.id,
                "fromString": old.name,
                "to": new.id,
                "toString": new.name,
            }
        ]
        issue.status = new.name
        resolution = new.name if new.category == "done" else None
        if resolution != issue.resolution:
            item: dict[str, Any] = {
                "field": "resolution",
                "fieldtype": "jira",
                "fieldId": "resolution",
                "from": "1" if issue.resolution else None,
                "fromString": issue.resolution,
                "to": "1" if resolution else None,
                "toString": resolution,
            }
            items.append(item)
            issue.resolution = resolution
            issue.resolutiondate = self.now() if resolution else None
        return items

    def record(self, issue: Issue, items: list[dict[str, Any]], author: str) -> ChangeGroup | None:
        if not items:
            return None
        group = ChangeGroup(self._next("change"), author, self.now(), items)
        issue.changelog.append(group)
        issue.updated = group.created
        return group

    def new_comment(self, issue: Issue, body: Any, author: str, visibility: dict[str, Any] | None = None) -> Comment:
        now = self.now()
        comment = Comment(self._next("comment"), body, author, now, now, visibility)
        issue.comments.append(comment)
        issue.updated = now
        return comment

    def new_attachment(self, issue: Issue, filename: str, content: bytes, mime: str, author: str) -> Attachment:
        att = Attachment(self._next("attachment"), filename, content, mime, author, self.now())
        issue.attachments.append(att)
        issue.updated = att.created
        return att

    # ---- what a person does in Jira (for webhook tests) ----------------------------------------------------

    def transition(self, key: str, status: str, by: str = BOT_ACCOUNT, force: bool = False) -> list[dict[str, Any]]:
        """Move ``key`` to ``status`` along the workflow (``force`` ignores it); returns the changelog items."""
        issue = self.issues[key]
        if not force and status.lower() not in {t.to.lower() for t in self.workflow.available(issue.status)}:
            raise ValueError(f"{key}: {status!r} is not reachable from {issue.status!r}")
        items = self.move(issue, status)
        self.record(issue, items, by)
        return items

    def edit(self, key: str, by: str = BOT_ACCOUNT, **changes: Any) -> list[dict[str, Any]]:
        """Set fields (summary, description, priority, assignee, duedate, labels, ...) and log the change."""
        issue = self.issues[key]
        items = [item for f, v in changes.items() if (item := self.set_field(issue, f, v)) is not None]
        self.record(issue, items, by)
        return items

    def comment(self, key: str, body: str, by: str = BOT_ACCOUNT) -> Comment:
        """Add a comment as ``by`` (plain text becomes ADF on Cloud)."""
        return self.new_comment(self.issues[key], text_to_adf(body) if self.cloud else body, by)

    def delete_issue(self, key: str) -> Issue:
        issue = self.issues.pop(key)
        self.deleted_issues[key] = issue
        return issue

    # ---- webhooks -----------------------------------------------------------------------------------

    def webhook_payload(
        self,
        event: str,
        issue_key: str,
        items: list[dict[str, Any]] | None = None,
        *,
        user: str | None = None,
        comment: Comment | None = None,
    ) -> dict[str, Any]:
        """A webhook body shaped like ``shared/specs/jira-webhook-examples`` (v2 issue representation),
        validated against ``issue-webhook.schema.json``. ``event`` is ``jira:issue_created``,
        ``jira:issue_updated`` or ``jira:issue_deleted``; for updates the changelog holds ``items``, by default
        the issue's last change group, and ``user`` defaults to that group's author."""
        issue = self.issues.get(issue_key) or self.deleted_issues[issue_key]
        group = issue.changelog[-1] if issue.changelog else None
        render = self.renderer()
        kind = event.split(":", 1)[-1]
        body: dict[str, Any] = {
            "timestamp": int(time.time() * 1000),
            "webhookEvent": event,
            "issue_event_type_name": kind,
            "user": render.user(user or (group.author if group and kind == "issue_updated" else BOT_ACCOUNT)),
            "issue": render.issue(issue, version="2"),
        }
        if kind == "issue_updated":
            if items is None and group is None:
                raise ValueError(f"{issue_key} has no changelog; pass items")
            change_id, change_items = (
                (group.id, group.items) if items is None and group else (self._next("change"), items or [])
            )
            changelog: dict[str, Any] = {"id": change_id, "items": change_items}
            fields = {i["field"] for i in change_items}
            body["issue_event_type_name"] = (
                "issue_generic" if "status" in fields else "issue_assigned" if fields == {"assignee"} else kind
            )
            body["changelog"] = changelog
        if comment is not None:
            body["comment"] = render.comment(issue, comment)
        errors = [e.message for e in webhook_validator().iter_errors(body)]
        if errors:
            raise ValueError(f"webhook body does not match issue-webhook.schema.json: {errors}")
        return body
