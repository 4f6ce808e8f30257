"""Wire ids of the read-only Jira summary (re-exported by :mod:`opsgate.cards.blockkit.jira_summary`): the
StrEnums the builders emit and the handlers route on, and the small models a click carries back.
"""

from __future__ import annotations

import base64
import zlib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..jira_summary_views import TableFilters
from ..limits import SLACK_BUTTON_VALUE

MAX_JQL_INFLATED = 20_000


class SummaryAction(StrEnum):
    """``action_id`` of the summary's interactive elements."""

    FILTER_STATUS = "opsgate.jira.summary.status"  # static_select; actions block_id: TableState
    FILTER_ASSIGNEE = "opsgate.jira.summary.assignee"
    FILTER_PRIORITY = "opsgate.jira.summary.priority"
    CLEAR_FILTERS = "opsgate.jira.summary.clear"  # value: TableState
    PAGE = "opsgate.jira.summary.page"  # value: TableState (the page to show)
    PROJECTS_PAGE = "opsgate.jira.summary.projects_page"  # value: ProjectsPageButton
    HOME_REFRESH = "opsgate.jira.summary.home_refresh"  # value: integration id


class SummaryBlock(StrEnum):
    """Stable ``block_id`` of the summary's blocks (per-item blocks append ``.<key>``)."""

    HOME = "opsgate.jira.home"  # + .<integration id>[.meta|.actions|.health]
    HEADER = "opsgate.jira.header"
    META = "opsgate.jira.meta"
    STATS = "opsgate.jira.stats"
    SCAN = "opsgate.jira.scan"
    BY_PRIORITY = "opsgate.jira.by_priority"
    BY_ASSIGNEE = "opsgate.jira.by_assignee"
    TABLE = "opsgate.jira.table"
    ROW = "opsgate.jira.row"  # + .<issue key>
    PAGER = "opsgate.jira.pager"
    PROJECT = "opsgate.jira.project"  # + .<project key>
    NOTE = "opsgate.jira.note"
    SITE = "opsgate.jira.site"  # + .<integration id>


def _pack(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode().rstrip("=")


def _unpack(text: str) -> str:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    inflater = zlib.decompressobj()
    data = inflater.decompress(raw, MAX_JQL_INFLATED)
    if inflater.unconsumed_tail:
        raise ValueError("compressed JQL too long")
    return data.decode()


class TableState(BaseModel):
    """What an issue table shows: the site, its scope (a project or a JQL), the filters and the page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: str = Field(min_length=1, max_length=64)
    project: str | None = Field(default=None, max_length=255)
    jql: str | None = Field(default=None, max_length=MAX_JQL_INFLATED)
    jqlz: str | None = Field(default=None, max_length=SLACK_BUTTON_VALUE)  # the JQL, deflated, base64url
    status: str | None = Field(default=None, max_length=255)
    assignee: str | None = Field(default=None, max_length=255)
    priority: str | None = Field(default=None, max_length=255)
    page: int = Field(default=0, ge=0, le=1_000_000)

    @property
    def query(self) -> str | None:
        """The JQL of a search table (None for a project table)."""
        return self.jql if self.jql is not None else (_unpack(self.jqlz) if self.jqlz else None)

    @property
    def filters(self) -> TableFilters:
        return TableFilters(self.status, self.assignee, self.priority)

    def but(self, **changes: Any) -> TableState:
        return self.model_copy(update=changes)

    def encode(self, limit: int) -> str | None:
        """Compact JSON within ``limit`` characters (deflating a long JQL), or None when it cannot fit."""
        text = self.model_dump_json(exclude_none=True, exclude_defaults=True)
        if len(text) <= limit:
            return text
        query = self.query
        if query is None:
            return None
        text = self.but(jql=None, jqlz=_pack(query)).model_dump_json(exclude_none=True, exclude_defaults=True)
        return text if len(text) <= limit else None

    @classmethod
    def decode(cls, text: str) -> TableState:
        state = cls.model_validate_json(text)
        if state.jqlz is not None:
            try:
                state.query  # noqa: B018 - reject an undecodable JQL here, not later
            except (ValueError, zlib.error, UnicodeDecodeError) as exc:
                raise ValueError(f"bad table state: {exc}") from None
        return state


class ProjectsPageButton(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    site: str = Field(min_length=1, max_length=64)
    page: int = Field(ge=0, le=100_000)

    def to_value(self) -> str:
        return self.model_dump_json()

    @classmethod
    def parse(cls, value: str) -> ProjectsPageButton:
        return cls.model_validate_json(value)
