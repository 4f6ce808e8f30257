"""Encryption of integration secrets at rest with ``OPSGATE_SECRET_KEY`` (Fernet: AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class SecretKeyError(Exception):
    pass


def new_secret_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet(secret_key: str) -> Fernet:
    if not secret_key or len(secret_key) < 32:
        raise SecretKeyError("OPSGATE_SECRET_KEY must be at least 32 characters (make run generates one)")
    try:
        return Fernet(secret_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        # Any other long passphrase: derive a Fernet key from it.
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode("utf-8")).digest()))


def encrypt_json(secret_key: str, value: dict[str, Any]) -> str:
    return _fernet(secret_key).encrypt(json.dumps(value).encode("utf-8")).decode("ascii")


def decrypt_json(secret_key: str, token: str) -> dict[str, Any]:
    if not token:
        return {}
    try:
        data = json.loads(_fernet(secret_key).decrypt(token.encode("ascii")))
    except InvalidToken:
        raise SecretKeyError(
            "stored secrets cannot be decrypted: OPSGATE_SECRET_KEY differs from the key they were saved with"
        ) from None
    if not isinstance(data, dict):
        raise SecretKeyError("stored secrets are not a JSON object")
    return data
