"""First-run generation of ``OPSGATE_SECRET_KEY`` (it encrypts integration secrets stored in the database)."""

from __future__ import annotations

import os
import pathlib
import sys

from opsgate.bot.settings import Settings
from opsgate.store.crypto import new_secret_key

BANNER = "=" * 78


def ensure_secret_key(settings: Settings, *, env_file: str = ".env") -> bool:
    """Generate and append a key to ``env_file`` when none is configured. Returns True when one was made."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return False
    path = pathlib.Path(env_file)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if "OPSGATE_SECRET_KEY=" in existing:
        return False
    line = ("" if existing.endswith("\n") or not existing else "\n") + f"OPSGATE_SECRET_KEY={new_secret_key()}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(line)
    sys.stderr.write(
        f"{BANNER}\n  OPSGATE_SECRET_KEY was not set: a new one was generated and stored in {path.resolve()}.\n"
        "  It encrypts the integration secrets kept in the database. Back it up with the database:\n"
        "  without it those secrets cannot be decrypted. Every replica needs the same key.\n"
        f"{BANNER}\n"
    )
    return True
