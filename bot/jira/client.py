"""The Jira client of one integration: the ``jira`` library behind one strategy per deployment.

* **Cloud**: Basic auth with email + API token, REST API v3, rich text as Atlassian Document Format.
* **Server / Data Center**: Bearer personal access token, REST API v2, rich text as wiki markup.

The strategy is chosen from ``serverInfo.deploymentType`` when the client connects (the auth kind only decides
which API version to ask first). The library is synchronous: callers run these methods in worker threads. Its own
retries are off (``max_retries=0``): temporary trouble (429, 5xx, connection refused or reset, timeouts) is raised
as :class:`JiraCallError` with ``temporary=True`` and ``Retry-After``, and the outbox schedules the retry. Every
error names the call and Jira's HTTP status and message; none carries a header or a credential.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from jira import JIRA, JIRAError

from opsgate.bot.jira.config import Credentials
from opsgate.bot.jira.markup import JiraText, adf_text, to_adf, to_wiki

TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
MAX_DETAIL = 300


class JiraCallError(Exception):
    """A Jira call that did not succeed. ``temporary``: worth retrying later (429, 5xx, network)."""

    def __init__(
        self,
        call: str,
        detail: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        temporary: bool = False,
    ) -> None:
        self.call = call
        self.status = status
        self.detail = detail
        self.retry_after = retry_after
        self.temporary = temporary
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.status is not None:
            return f"{self.call}: Jira answered HTTP {self.status}: {self.detail}"
        return f"{self.call}: {self.detail}"


class NotJira(JiraCallError):
    """The URL answered, but not like a Jira site (wrong URL, a proxy page, another product)."""


@dataclass(frozen=True)
class Flavor:
    """How to talk to one kind of deployment."""

    name: str  # "cloud" | "server"
    api_version: str  # "3" | "2"

    @property
    def cloud(self) -> bool:
        return self.name == "cloud"

    def rich_text(self, text: JiraText) -> Any:
        return to_adf(text) if self.cloud else to_wiki(text)


CLOUD = Flavor("cloud", "3")
SERVER = Flavor("server", "2")


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _detail(err: JIRAError) -> str:
    text = (err.text or "").strip() or "no error message"
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


@contextlib.contextmanager
def calling(call: str) -> Iterator[None]:
    """Translate what the library and ``requests`` raise into :class:`JiraCallError` (never their ``str``: the
    library's includes request headers, and so the credentials)."""
    try:
        yield
    except JIRAError as err:
        status = err.status_code
        headers = err.response.headers if err.response is not None else {}
        if status is None:
            raise JiraCallError(call, _detail(err)) from None
        temporary = status == 429 or status >= 500
        raise JiraCallError(
            call,
            _detail(err),
            status=status,
            retry_after=retry_after_seconds(headers.get("Retry-After")) if temporary else None,
            temporary=temporary,
        ) from None
    except requests.Timeout:
        raise JiraCallError(call, "Jira did not answer in time", temporary=True) from None
    except requests.ConnectionError:
        raise JiraCallError(call, "could not connect to Jira (connection refused or reset)", temporary=True) from None
    except ValueError:  # a 2xx answer that is not JSON: not a Jira REST resource
        raise NotJira(call, "the answer is not Jira's JSON; check that the URL is the Jira site's base URL") from None
    except requests.RequestException as err:
        raise JiraCallError(call, f"request failed ({type(err).__name__})", temporary=True) from None


def _build(creds: Credentials, flavor: Flavor, timeout: Any) -> JIRA:
    auth: dict[str, Any] = (
        {"basic_auth": (creds.email or "", creds.token)} if creds.auth == "basic" else {"token_auth": creds.token}
    )
    return JIRA(
        server=creds.base_url,
        options={"rest_api_version": flavor.api_version, "check_update": False},
        max_retries=0,
        timeout=timeout,
        logging=False,
        get_server_info=True,
        **auth,
    )


class JiraClient:
    """One site, one strategy. Construct with :meth:`connect` (which calls ``serverInfo``)."""

    def __init__(self, creds: Credentials, jira: JIRA, flavor: Flavor) -> None:
        self.creds = creds
        self.jira = jira
        self.flavor = flavor
        self.deployment = str(jira.deploymentType or ("Cloud" if flavor.cloud else "Server"))

    @classmethod
    def connect(cls, creds: Credentials, *, timeout: Any = TIMEOUT) -> JiraClient:
        first = CLOUD if creds.auth == "basic" else SERVER
        call = f"GET {creds.base_url}/rest/api/{first.api_version}/serverInfo as {creds.who}"
        try:
            with calling(call):
                jira = _build(creds, first, timeout)
        except JiraCallError as err:
            if err.status != 404:
                raise
            other = SERVER if first is CLOUD else CLOUD
            call = f"GET {creds.base_url}/rest/api/{other.api_version}/serverInfo as {creds.who}"
            try:
                with calling(call):
                    jira = _build(creds, other, timeout)
            except JiraCallError as again:
                if again.status == 404:
                    raise NotJira(call, "no Jira REST API at this URL; check JIRA_URL", status=404) from None
                raise
        except (KeyError, TypeError):
            raise NotJira(call, "the answer is not Jira's serverInfo; check that the URL is a Jira site") from None
        cloud = str(jira.deploymentType or "").lower() == "cloud"
        if cloud and creds.auth == "pat":
            raise JiraCallError(
                call, "this is Jira Cloud, which does not take personal access tokens: use an email and an API token"
            )
        flavor = CLOUD if cloud else SERVER
        if flavor.api_version != jira._options["rest_api_version"]:
            with calling(f"GET {creds.base_url}/rest/api/{flavor.api_version}/serverInfo"):
                jira = _build(creds, flavor, timeout)
        return cls(creds, jira, flavor)

    def _name(self, method: str, path: str) -> str:
        return f"{method} /rest/api/{self.flavor.api_version}/{path}"

    # --- identity and set-up checks -------------------------------------------------------------------------

    def myself(self) -> dict[str, Any]:
        with calling(self._name("GET", "myself") + f" as {self.creds.who}"):
            me = self.jira.myself()
        if not isinstance(me, dict) or not (me.get("accountId") or me.get("name")):
            raise NotJira(self._name("GET", "myself"), "the answer is not a Jira user; check the URL")
        return me

    def project(self, key: str) -> dict[str, Any]:
        with calling(self._name("GET", f"project/{key}")):
            return dict(self.jira.project(key).raw)

    def permissions(self, keys: list[str], project_key: str | None = None) -> dict[str, bool]:
        with calling(self._name("GET", "mypermissions")):
            answer = self.jira.my_permissions(projectKey=project_key, permissions=",".join(keys))
        perms = answer.get("permissions", {}) if isinstance(answer, dict) else {}
        return {k: bool((perms.get(k) or {}).get("havePermission")) for k in keys}

    # --- issues -------------------------------------------------------------------------------------------

    def status(self, key: str) -> str:
        with calling(self._name("GET", f"issue/{key}")):
            issue = self.jira.issue(key, fields="status")
        return str(issue.fields.status.name)

    def add_comment(self, key: str, text: JiraText, *, internal: bool = False) -> str:
        with calling(self._name("POST", f"issue/{key}/comment")):
            comment = self.jira.add_comment(key, self.flavor.rich_text(text), is_internal=internal)
        return str(comment.id)

    def recent_comments(self, key: str, limit: int = 50) -> list[tuple[str, str]]:
        """``(author account id or name, plain text)`` of the newest comments, newest first."""
        with calling(self._name("GET", f"issue/{key}/comment")):
            comments = self.jira.comments(key, max_results=limit, order_by="-created")
        out = []
        for c in comments:
            raw = c.raw if isinstance(c.raw, dict) else {}
            author = raw.get("author") or {}
            out.append((str(author.get("accountId") or author.get("name") or ""), adf_text(raw.get("body"))))
        return out

    def transitions(self, key: str) -> list[dict[str, Any]]:
        with calling(self._name("GET", f"issue/{key}/transitions")):
            return list(self.jira.transitions(key))

    def transition(self, key: str, transition_id: str) -> None:
        with calling(self._name("POST", f"issue/{key}/transitions")):
            self.jira.transition_issue(key, str(transition_id))

    def create_issue(
        self,
        *,
        project_key: str,
        summary: str,
        description: JiraText,
        issue_type: str,
        due_date: str | None = None,
    ) -> str:
        fields: dict[str, Any] = {
            "project": {"key": project_key},
            "summary": summary,
            "issuetype": {"name": issue_type},
            "description": self.flavor.rich_text(description),
        }
        if due_date:
            fields["duedate"] = due_date
        with calling(self._name("POST", "issue")):
            issue = self.jira.create_issue(fields=fields, prefetch=False)
        return str(issue.key)

    def add_attachment(self, key: str, filename: str, content: bytes) -> None:
        with calling(self._name("POST", f"issue/{key}/attachments")):
            self.jira.add_attachment(key, io.BytesIO(content), filename)  # type: ignore[arg-type]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.jira.close()  # type: ignore[no-untyped-call]
