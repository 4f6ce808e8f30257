"""What connector methods return: frozen records safe to log and to keep on a run (no secrets in repr)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OktaUser:
    id: str
    login: str
    email: str
    status: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class OktaGroup:
    id: str
    name: str
    type: str = "OKTA_GROUP"


@dataclass(frozen=True)
class GroupMember:
    """One direct member of a group, as the directory lists it (Okta "List all member users", Graph "List
    members"). ``kind`` is ``"user"`` for people; an Entra ID group may also hold groups, devices, service
    principals and contacts, whose kind is their Graph type (``"servicePrincipal"``) and who carry no addresses.
    ``login`` is the Okta login or the Entra userPrincipalName, ``email`` the Okta profile email or Graph mail."""

    id: str
    kind: str = "user"
    login: str = ""
    email: str = ""

    @property
    def addresses(self) -> frozenset[str]:
        """The case-folded addresses a JIT grant's requester email may match (empty: nobody to match)."""
        if self.kind != "user":
            return frozenset()
        return frozenset(value.casefold() for value in (self.login, self.email) if value)

    @property
    def label(self) -> str:
        """How reports name the member: its login/UPN, else its email, else its kind and id."""
        return self.login or self.email or f"{self.kind} {self.id}"


@dataclass(frozen=True)
class OktaFactor:
    id: str
    factor_type: str
    provider: str
    status: str


@dataclass(frozen=True)
class PasswordReset:
    """Outcome of an Okta password reset. ``reset_url`` (only when no email was sent) is a secret."""

    email_sent: bool
    reset_url: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class GraphUser:
    id: str
    user_principal_name: str
    display_name: str = ""
    mail: str | None = None
    account_enabled: bool | None = None
    usage_location: str | None = None
    assigned_sku_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphGroup:
    id: str
    display_name: str


@dataclass(frozen=True)
class SubscribedSku:
    sku_id: str
    sku_part_number: str
    enabled: int
    consumed: int
    capability_status: str = "Enabled"
    applies_to: str = "User"

    @property
    def free(self) -> int:
        return self.enabled - self.consumed


@dataclass(frozen=True)
class LicenceAssignment:
    """Outcome of ``assign_license``: which SKU, and whether anything changed (False: the user had it)."""

    sku_part_number: str
    sku_id: str
    changed: bool


@dataclass(frozen=True)
class AccessCheck:
    """``opsgate doctor``'s view of one connector: one authenticated read, and what it tells."""

    system: str
    ok: bool
    detail: str
    # Graph only: application permissions (``roles`` claim) the token carries, and per connector operation
    # the permissions of which none is granted (any one of them would do).
    roles: frozenset[str] = frozenset()
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
