"""API key service: create and revoke (audited in the same transaction), authenticate a presented key."""

from __future__ import annotations

from opsgate.bot.services import Services
from opsgate.store import audit
from opsgate.store.apikeys import (
    ApiKey,
    CreatedKey,
    Principal,
    authenticate,
    create_key,
    list_keys,
    revoke_key,
    touch_last_used,
)
from opsgate.store.orgs import get_org


def create(
    services: Services, *, org: str, name: str, scopes: list[str], rate_limit_per_min: int | None, actor: str
) -> CreatedKey:
    with services.transaction() as session:
        row = get_org(session, org)
        created = create_key(session, org=row, name=name, scopes=scopes, rate_limit_per_min=rate_limit_per_min)
        assert row.id is not None
        audit.append(
            session,
            org_id=row.id,
            actor=actor,
            action="api_key.created",
            subject=f"api_key:{created.id}",
            data={"name": created.name, "scopes": list(created.scopes), "rate_limit_per_min": rate_limit_per_min},
        )
    return created


def revoke(services: Services, *, org: str, key_id: str, actor: str) -> ApiKey:
    with services.transaction() as session:
        row = get_org(session, org)
        assert row.id is not None
        key = revoke_key(session, org_id=row.id, key_id=key_id)
        audit.append(
            session,
            org_id=row.id,
            actor=actor,
            action="api_key.revoked",
            subject=f"api_key:{key.id}",
            data={"name": key.name},
        )
    return key


def listing(services: Services, *, org: str) -> list[ApiKey]:
    with services.read_session() as session:
        row = get_org(session, org)
        assert row.id is not None
        return list_keys(session, org_id=row.id)


def authenticate_key(services: Services, presented: str) -> Principal | None:
    """The caller behind a presented key; records last use at most once a minute."""
    with services.read_session() as session:
        principal = authenticate(session, presented)
    if principal is not None and principal.last_use_stale:
        with services.transaction() as session:
            touch_last_used(session, principal.key_id)
    return principal
