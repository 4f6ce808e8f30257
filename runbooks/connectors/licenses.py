"""Licence names (as the classifier and the tickets say them) -> Microsoft SKU part numbers.

Each name maps to an ordered list of part numbers; the Graph connector picks the first one the tenant owns
(``subscribedSkus``), so a tenant that bought Office 365 E3 (``ENTERPRISEPACK``) rather than Microsoft 365 E3
(``SPE_E3``) still gets "E3". Admins extend or override the table (new products, their own naming) by passing
``extra`` to :class:`LicenceCatalog`; a name that is not in the table is taken as a part number itself.
Names compare case-insensitively and ignore a leading "Microsoft 365"/"Office 365"/"M365"/"O365".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

DEFAULT_LICENCE_SKUS: dict[str, tuple[str, ...]] = {
    "E1": ("STANDARDPACK",),
    "E3": ("SPE_E3", "ENTERPRISEPACK"),
    "E5": ("SPE_E5", "ENTERPRISEPREMIUM"),
    "F3": ("SPE_F1", "DESKLESSPACK"),
    "Business Basic": ("O365_BUSINESS_ESSENTIALS",),
    "Business Standard": ("O365_BUSINESS_PREMIUM",),
    "Business Premium": ("SPB",),
    "Visio": ("VISIOCLIENT",),
    "Project": ("PROJECTPREMIUM",),
    "Power BI Pro": ("POWER_BI_PRO",),
}

_PREFIX = re.compile(r"^(microsoft 365|office 365|m365|o365)\s+", re.IGNORECASE)


def _key(name: str) -> str:
    return _PREFIX.sub("", " ".join(name.split())).casefold()


class LicenceCatalog:
    """The licence table, with the admin's additions taking precedence over the defaults."""

    def __init__(self, extra: Mapping[str, Sequence[str]] | None = None) -> None:
        merged = {**DEFAULT_LICENCE_SKUS, **{k: tuple(v) for k, v in (extra or {}).items()}}
        self._table: dict[str, tuple[str, ...]] = {
            _key(k): tuple(p.upper() for p in v) for k, v in merged.items()
        }
        self.names: tuple[str, ...] = tuple(merged)

    def candidates(self, licence: str) -> tuple[str, ...]:
        """SKU part numbers for ``licence``, best first."""
        found = self._table.get(_key(licence))
        return found if found is not None else (licence.strip().upper(),)
