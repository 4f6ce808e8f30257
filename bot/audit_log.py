"""Reading the audit chain for people: verify, export, page (the chain itself lives in ``opsgate.store.audit``)."""

from __future__ import annotations

from typing import Any, TextIO

from opsgate.bot.services import Services
from opsgate.store import audit
from opsgate.store.orgs import get_org


def _org_id(services: Services, org: str) -> int:
    with services.read_session() as session:
        row = get_org(session, org)
        assert row.id is not None
        return row.id


def verify(services: Services, *, org: str) -> audit.Verification:
    return audit.verify(services.engine, _org_id(services, org), org)


def export(services: Services, *, org: str, out: TextIO) -> int:
    return audit.export(services.engine, _org_id(services, org), org, out)


def page(services: Services, *, org_id: int, org: str, after_seq: int, limit: int) -> list[dict[str, Any]]:
    with services.read_session() as session:
        return audit.page(session, org_id=org_id, org=org, after_seq=after_seq, limit=limit)
