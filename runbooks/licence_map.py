"""``OPSGATE_LICENSE_SKUS``: the admin's additions to the licence table, as ``Name=SKU_PART`` entries.

Each entry maps a licence name (as tickets and the classifier say it) to one SKU part number, or to several
separated by ``|`` (best first: the connector takes the first one the tenant owns), e.g.
``OPSGATE_LICENSE_SKUS="E3=SPE_E3|ENTERPRISEPACK,Copilot=Microsoft_365_Copilot"``. Entries override the
defaults of :data:`~opsgate.runbooks.connectors.DEFAULT_LICENCE_SKUS` for the same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from opsgate.runbooks.connectors import LicenceCatalog

_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")


class LicenceMapError(ValueError):
    """An ``OPSGATE_LICENSE_SKUS`` entry that is not ``Name=SKU_PART``; the message names it."""


def parse_licence_skus(entries: Iterable[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for raw in entries:
        name, sep, parts = raw.partition("=")
        skus = tuple(p.strip() for p in parts.split("|") if p.strip())
        if not sep or not name.strip() or not skus or not all(_PART.match(p) for p in skus):
            raise LicenceMapError(
                f"OPSGATE_LICENSE_SKUS: {raw!r} is not Name=SKU_PART (e.g. E3=SPE_E3 or E3=SPE_E3|ENTERPRISEPACK)"
            )
        table[name.strip()] = skus
    return table


def licence_catalog(entries: Iterable[str]) -> LicenceCatalog:
    """The default licence table extended (and overridden, name by name) by the admin's entries."""
    return LicenceCatalog(parse_licence_skus(entries))
