"""Orgs: every other row belongs to one. Creating an org also creates its audit chain head."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from opsgate.store.models import AuditHead, Org


class UnknownOrg(LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"no org named {slug!r}; orgs are created with 'opsgate orgs create' or by migrate")
        self.slug = slug


def get_org(session: Session, slug: str) -> Org:
    org: Org | None = session.execute(select(Org).where(col(Org.slug) == slug)).scalar_one_or_none()
    if org is None:
        raise UnknownOrg(slug)
    return org


def ensure_org(session: Session, slug: str, name: str | None = None) -> Org:
    """Get or create the org ``slug`` (idempotent, safe under concurrent creators)."""
    found: Org | None = session.execute(select(Org).where(col(Org.slug) == slug)).scalar_one_or_none()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            org = Org(slug=slug, name=name or slug)
            session.add(org)
            session.flush()
            session.execute(insert(AuditHead).values(org_id=org.id, seq=0, hash="0" * 64))
    except IntegrityError:
        return get_org(session, slug)
    return org


def list_orgs(session: Session) -> list[Org]:
    return list(session.execute(select(Org).order_by(col(Org.id))).scalars())
