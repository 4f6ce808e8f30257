"""API keys: shown once, stored as a salted SHA-256, scope-gated, rate-limited per key, revocable.

A key reads ``ogk_<id>_<secret>``: ``id`` finds the row (one primary-key read per request), the secret is checked
against ``sha256(salt || secret)`` in constant time. Keys carry 256 bits of randomness, so a fast hash is the
right tool (as for GitHub tokens); a slow password hash would only slow every request.

The per-key token bucket lives in the row, so every replica shares it: capacity = the per-minute limit, refilled
continuously.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from opsgate.store.models import ApiKey, Org, utcnow

__all__ = [
    "SCOPES",
    "ApiKey",
    "ApiKeyError",
    "CreatedKey",
    "Principal",
    "authenticate",
    "create_key",
    "list_keys",
    "revoke_key",
    "take_token",
    "touch_last_used",
]
from sqlalchemy import select, text, update
from sqlmodel import Session, col

SCOPES = ("ticket:ingest", "runbook:request", "audit:read", "catalog:read")
PREFIX = "ogk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # record last use at most once a minute: no write per request


class ApiKeyError(ValueError):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is calling the HTTP API: a key of one org, with its scopes."""

    key_id: str
    org_id: int
    org: str
    name: str
    scopes: frozenset[str]
    rate_limit_per_min: int | None
    last_use_stale: bool = False  # last_used_at is older than LAST_USED_RESOLUTION


@dataclass(frozen=True)
class CreatedKey:
    id: str
    name: str
    key: str
    scopes: tuple[str, ...]
    org: str


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256((salt + secret).encode("ascii")).hexdigest()


def create_key(
    session: Session, *, org: Org, name: str, scopes: list[str], rate_limit_per_min: int | None = None
) -> CreatedKey:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ApiKeyError(f"unknown scope {', '.join(unknown)}; scopes are {', '.join(SCOPES)}")
    if not scopes:
        raise ApiKeyError(f"give at least one --scope ({', '.join(SCOPES)})")
    if not name.strip():
        raise ApiKeyError("give the key a --name")
    if rate_limit_per_min is not None and rate_limit_per_min < 1:
        raise ApiKeyError("--rate-limit must be a positive number of requests per minute")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    assert org.id is not None
    session.add(
        ApiKey(
            id=key_id,
            org_id=org.id,
            name=name.strip(),
            salt=salt,
            key_hash=_digest(salt, secret),
            scopes=sorted(set(scopes)),
            rate_limit_per_min=rate_limit_per_min,
        )
    )
    session.flush()
    return CreatedKey(key_id, name.strip(), f"{PREFIX}{key_id}_{secret}", tuple(sorted(set(scopes))), org.slug)


def list_keys(session: Session, *, org_id: int) -> list[ApiKey]:
    q = select(ApiKey).where(col(ApiKey.org_id) == org_id).order_by(col(ApiKey.created_at))
    return list(session.execute(q).scalars())


def revoke_key(session: Session, *, org_id: int, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or key.org_id != org_id:
        raise ApiKeyError(f"no key with id {key_id!r} in this org ('opsgate keys list' shows the ids)")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
    return key


def authenticate(session: Session, presented: str) -> Principal | None:
    """The principal for a presented key, or None (unknown, malformed, wrong secret or revoked)."""
    if not presented.startswith(PREFIX):
        return None
    key_id, sep, secret = presented[len(PREFIX) :].partition("_")
    if not sep or not key_id or not secret or len(presented) > 200:
        return None
    row = session.execute(
        select(ApiKey, col(Org.slug)).join(Org, col(Org.id) == col(ApiKey.org_id)).where(col(ApiKey.id) == key_id)
    ).one_or_none()
    if row is None:
        return None
    key, org_slug = row
    if not hmac.compare_digest(key.key_hash, _digest(key.salt, secret)) or key.revoked_at is not None:
        return None
    stale = key.last_used_at is None or key.last_used_at < utcnow() - LAST_USED_RESOLUTION
    return Principal(key.id, key.org_id, org_slug, key.name, frozenset(key.scopes), key.rate_limit_per_min, stale)


def touch_last_used(session: Session, key_id: str) -> None:
    """Record use, at most once per LAST_USED_RESOLUTION (a write per request would cost throughput)."""
    now = utcnow()
    session.execute(
        update(ApiKey)
        .where(col(ApiKey.id) == key_id)
        .where(col(ApiKey.last_used_at).is_(None) | (col(ApiKey.last_used_at) < now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)
    )


_BUCKET = text("SELECT bucket_tokens, bucket_updated, revoked_at FROM api_keys WHERE id = :id")
_BUCKET_PG = text("SELECT bucket_tokens, bucket_updated, revoked_at FROM api_keys WHERE id = :id FOR UPDATE")


class KeyRevoked(Exception):
    pass


_TAKE = text("UPDATE api_keys SET bucket_tokens = :tokens, bucket_updated = :now WHERE id = :id")


def take_token(session: Session, *, key_id: str, per_minute: int, now: float | None = None) -> float:
    """Take one request from the key's bucket inside the caller's transaction.

    Returns 0.0 when allowed, else the seconds until a token is available (for ``Retry-After``). On PostgreSQL the
    row is locked so replicas share one bucket; on SQLite the write transaction already serialises.
    """
    now = time.time() if now is None else now
    postgres = session.get_bind().dialect.name == "postgresql"
    conn = session.connection()
    tokens, updated, revoked_at = conn.execute(_BUCKET_PG if postgres else _BUCKET, {"id": key_id}).one()
    if revoked_at is not None:
        raise KeyRevoked(key_id)
    capacity = float(per_minute)
    rate = per_minute / 60.0
    tokens = capacity if tokens is None else min(capacity, tokens + max(0.0, now - (updated or now)) * rate)
    if tokens < 1.0:
        return (1.0 - tokens) / rate
    conn.execute(_TAKE, {"tokens": tokens - 1.0, "now": now, "id": key_id})
    return 0.0
