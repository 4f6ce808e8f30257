"""API key service: create and revoke (audited in the same transaction), authenticate a presented key."""

from __future__ import annotations

import hashlib
import time

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


CACHE_SECONDS = 2.0  # a verified key is trusted this long without a database read


class KeyCache:
    """Recently verified keys, so the hot path does not read the key row twice per request.

    Revocation still takes effect at once where it matters: the ingest transaction re-reads the key row (rate
    limit) and refuses a revoked key; elsewhere a revoked key works at most CACHE_SECONDS longer.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, presented: str) -> Principal | None:
        hit = self._entries.get(_fingerprint(presented))
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, presented: str, principal: Principal) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[_fingerprint(presented)] = (time.monotonic() + CACHE_SECONDS, principal)


def _fingerprint(presented: str) -> str:
    return hashlib.sha256(presented.encode("utf-8", "replace")).hexdigest()


def authenticate_key(services: Services, presented: str, cache: KeyCache | None = None) -> Principal | None:
    """The caller behind a presented key; records last use at most once a minute."""
    if cache is not None:
        hit = cache.get(presented)
        if hit is not None:
            return hit
    with services.read_session() as session:
        principal = authenticate(session, presented)
    if principal is not None and principal.last_use_stale:
        with services.transaction() as session:
            touch_last_used(session, principal.key_id)
    if principal is not None and cache is not None:
        cache.put(presented, principal)
    return principal
