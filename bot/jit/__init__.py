"""Just-in-time access (issue 9): catalog, requests, grants, timed revocation. See docs/jit.md.

Names are resolved lazily so that ``opsgate.bot.jit.cli`` (and every ``opsgate`` command) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opsgate.bot.jit.catalog import ResourceSpec as ResourceSpec
    from opsgate.bot.jit.catalog import load_if_present as load_if_present
    from opsgate.bot.jit.catalog import load_resources_file as load_resources_file
    from opsgate.bot.jit.revoke import Revoker as Revoker
    from opsgate.bot.jit.revoke import attach as attach
    from opsgate.bot.jit.service import JitRequest as JitRequest
    from opsgate.bot.jit.service import JitService as JitService
    from opsgate.bot.jit.service import NotInCatalog as NotInCatalog
    from opsgate.bot.jit.service import grant_json as grant_json

_WHERE = {
    "ResourceSpec": "catalog", "load_if_present": "catalog", "load_resources_file": "catalog",
    "Revoker": "revoke", "attach": "revoke",
    "JitRequest": "service", "JitService": "service", "NotInCatalog": "service", "grant_json": "service",
}
__all__ = [
    "JitRequest", "JitService", "NotInCatalog", "ResourceSpec", "Revoker", "attach", "grant_json", "load_if_present",
    "load_resources_file",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"opsgate.bot.jit.{module}"), name)
