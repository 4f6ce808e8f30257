"""Just-in-time access (issue 9): catalog, requests, grants, timed revocation. See docs/jit.md."""

from opsgate.bot.jit.catalog import ResourceSpec, load_if_present, load_resources_file
from opsgate.bot.jit.revoke import Revoker, attach
from opsgate.bot.jit.service import JitRequest, JitService, NotInCatalog, grant_json

__all__ = [
    "JitRequest",
    "JitService",
    "NotInCatalog",
    "ResourceSpec",
    "Revoker",
    "attach",
    "grant_json",
    "load_if_present",
    "load_resources_file",
]
