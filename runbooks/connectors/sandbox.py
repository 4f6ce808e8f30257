"""Sandbox mode: record the calls a runbook would make, send nothing (not even reads).

Design choice: the runbook steps are written against the per-system protocols in ``protocols``
(:class:`~.protocols.OktaConnector`, :class:`~.protocols.GraphConnector`). The real clients satisfy them by
sending; :class:`SandboxOkta` and :class:`SandboxGraph` satisfy them by appending to one shared log. Both
build their requests with the same ``okta_calls``/``graph_calls`` builders, so the recorded method, path,
query and body are exactly what the real client would send; bodies are recorded with secrets redacted. A
separate class (rather than a "recording" flag inside the real clients) keeps the no-network guarantee
structural: a sandbox object has no HTTP client to send with.

Reads cannot be answered without sending, so lookups return placeholders built from what was asked: a user
whose id is the login/UPN (both APIs accept it in place of the id), a group whose id is ``sandbox:<name>``, a
licence whose skuId names the candidate part numbers. Preconditions (user exists, seats free) are therefore
not checked in sandbox mode; the recorded calls show where they would be. Membership reads answer "nothing known":
``list_group_members`` records the call and returns no member (so the JIT reconciler removes nobody in sandbox
mode), ``is_member`` records it and returns ``None`` (unknown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import graph_calls, okta_calls
from .calls import Call, RecordedCall
from .licenses import LicenceCatalog
from .models import (
    AccessCheck,
    GraphGroup,
    GraphUser,
    GroupMember,
    LicenceAssignment,
    OktaFactor,
    OktaGroup,
    OktaUser,
    PasswordReset,
    SubscribedSku,
)

SANDBOX_STATUS = "SANDBOX"
SANDBOX_GRAPH_URL = "https://graph.microsoft.com"


class SandboxConnector:
    """Holds the log of recorded calls and one sandbox per system."""

    def __init__(
        self,
        *,
        usage_location: str | None = None,
        licences: LicenceCatalog | Mapping[str, Sequence[str]] | None = None,
        graph_url: str = SANDBOX_GRAPH_URL,
    ) -> None:
        self.calls: list[RecordedCall] = []
        self.okta = SandboxOkta(self)
        self.graph = SandboxGraph(self, usage_location=usage_location, licences=licences, graph_url=graph_url)

    def record(self, call: Call) -> None:
        self.calls.append(call.recorded())

    def lines(self) -> list[str]:
        """The recorded calls, one line each, in order."""
        return [call.line() for call in self.calls]


class SandboxOkta:
    def __init__(self, recorder: SandboxConnector) -> None:
        self._rec = recorder

    async def aclose(self) -> None:
        return None

    def _user(self, login: str) -> OktaUser:
        return OktaUser(id=login, login=login, email=login, status=SANDBOX_STATUS)

    async def find_user(self, login_or_email: str) -> OktaUser | None:
        self._rec.record(okta_calls.search_users(login_or_email))
        return self._user(login_or_email)

    async def require_user(self, login_or_email: str) -> OktaUser:
        return await self.find_user(login_or_email) or self._user(login_or_email)

    async def get_user(self, user_id: str) -> OktaUser:
        self._rec.record(okta_calls.get_user(user_id))
        return self._user(user_id)

    async def create_user(
        self,
        profile: Mapping[str, str],
        *,
        activate: bool = True,
        group_ids: Sequence[str] = (),
        password: str | None = None,
    ) -> OktaUser:
        self._rec.record(
            okta_calls.create_user(profile, activate=activate, group_ids=group_ids, password=password)
        )
        login = profile.get("login", "")
        return OktaUser(
            id=login,
            login=login,
            email=profile.get("email", login),
            status=SANDBOX_STATUS,
            first_name=profile.get("firstName", ""),
            last_name=profile.get("lastName", ""),
        )

    async def reset_password(
        self, user_id: str, *, send_email: bool = True, revoke_sessions: bool = False
    ) -> PasswordReset:
        self._rec.record(
            okta_calls.reset_password(user_id, send_email=send_email, revoke_sessions=revoke_sessions)
        )
        return PasswordReset(email_sent=send_email)

    async def expire_password(self, user_id: str) -> OktaUser:
        self._rec.record(okta_calls.lifecycle(user_id, "expire_password"))
        return self._user(user_id)

    async def suspend(self, user_id: str) -> None:
        self._rec.record(okta_calls.lifecycle(user_id, "suspend"))

    async def unsuspend(self, user_id: str) -> None:
        self._rec.record(okta_calls.lifecycle(user_id, "unsuspend"))

    async def unlock(self, user_id: str) -> None:
        self._rec.record(okta_calls.lifecycle(user_id, "unlock"))

    async def list_factors(self, user_id: str) -> list[OktaFactor]:
        self._rec.record(okta_calls.list_factors(user_id))
        return []

    async def reset_factors(self, user_id: str) -> None:
        self._rec.record(okta_calls.lifecycle(user_id, "reset_factors"))

    async def delete_factor(self, user_id: str, factor_id: str) -> None:
        self._rec.record(okta_calls.delete_factor(user_id, factor_id))

    async def find_group(self, name: str) -> OktaGroup:
        self._rec.record(okta_calls.search_groups(name))
        return OktaGroup(id=f"sandbox:{name}", name=name)

    async def add_to_group(self, group_id: str, user_id: str) -> None:
        self._rec.record(okta_calls.add_to_group(group_id, user_id))

    async def remove_from_group(self, group_id: str, user_id: str) -> None:
        self._rec.record(okta_calls.remove_from_group(group_id, user_id))

    async def list_group_members(self, group_id: str) -> list[GroupMember]:
        self._rec.record(okta_calls.list_group_members(group_id))
        return []

    async def is_member(self, group_id: str, user_id: str) -> bool | None:
        self._rec.record(okta_calls.user_groups(user_id))
        return None

    async def check_access(self) -> AccessCheck:
        return AccessCheck(system=okta_calls.SYSTEM, ok=True, detail="sandbox mode: nothing is sent to Okta")


class SandboxGraph:
    def __init__(
        self,
        recorder: SandboxConnector,
        *,
        usage_location: str | None,
        licences: LicenceCatalog | Mapping[str, Sequence[str]] | None,
        graph_url: str,
    ) -> None:
        self._rec = recorder
        self.usage_location = usage_location
        self.licences = licences if isinstance(licences, LicenceCatalog) else LicenceCatalog(licences)
        self.graph_url = graph_url

    async def aclose(self) -> None:
        return None

    def _user(self, upn: str, display_name: str = "") -> GraphUser:
        return GraphUser(id=upn, user_principal_name=upn, display_name=display_name, mail=upn)

    async def find_user(self, upn_or_mail: str) -> GraphUser | None:
        self._rec.record(graph_calls.get_user(upn_or_mail))
        return self._user(upn_or_mail)

    async def require_user(self, upn_or_mail: str) -> GraphUser:
        return await self.find_user(upn_or_mail) or self._user(upn_or_mail)

    async def create_user(
        self,
        display_name: str,
        mail_nickname: str,
        user_principal_name: str,
        password: str,
        *,
        given_name: str | None = None,
        surname: str | None = None,
        account_enabled: bool = True,
        force_change_password: bool = True,
    ) -> GraphUser:
        call = graph_calls.create_user(
            display_name,
            mail_nickname,
            user_principal_name,
            password,
            usage_location=self.usage_location,
            given_name=given_name,
            surname=surname,
            account_enabled=account_enabled,
            force_change_password=force_change_password,
        )
        self._rec.record(call)
        return self._user(user_principal_name, display_name)

    def _placeholder_sku(self, licence: str) -> SubscribedSku:
        parts = " or ".join(self.licences.candidates(licence))
        return SubscribedSku(sku_id=f"sandbox:{parts}", sku_part_number=parts, enabled=0, consumed=0)

    async def subscribed_skus(self) -> list[SubscribedSku]:
        self._rec.record(graph_calls.subscribed_skus())
        return []

    async def resolve_license(self, licence: str) -> SubscribedSku:
        self._rec.record(graph_calls.subscribed_skus())
        return self._placeholder_sku(licence)

    async def assign_license(self, user_id: str, licence: str) -> LicenceAssignment:
        sku = self._placeholder_sku(licence)
        self._rec.record(graph_calls.get_user(user_id))
        self._rec.record(graph_calls.subscribed_skus())
        self._rec.record(graph_calls.assign_license(user_id, sku.sku_id))
        return LicenceAssignment(sku.sku_part_number, sku.sku_id, changed=True)

    async def enable_sign_in(self, user_id: str) -> None:
        self._rec.record(graph_calls.update_user(user_id, {"accountEnabled": True}))

    async def revoke_sessions(self, user_id: str) -> None:
        self._rec.record(graph_calls.revoke_sessions(user_id))

    async def find_group(self, display_name: str) -> GraphGroup:
        self._rec.record(graph_calls.find_groups(display_name))
        return GraphGroup(id=f"sandbox:{display_name}", display_name=display_name)

    async def add_member(self, group_id: str, user_id: str) -> bool:
        self._rec.record(graph_calls.add_member(group_id, user_id, self.graph_url))
        return True

    async def remove_member(self, group_id: str, user_id: str) -> bool:
        self._rec.record(graph_calls.remove_member(group_id, user_id))
        return True

    async def is_member(self, group_id: str, user_id: str) -> bool | None:
        self._rec.record(graph_calls.user_memberships(user_id))
        return None

    async def list_group_members(self, group_id: str) -> list[GroupMember]:
        self._rec.record(graph_calls.list_group_members(group_id))
        return []

    async def check_access(self) -> AccessCheck:
        return AccessCheck(
            system=graph_calls.SYSTEM, ok=True, detail="sandbox mode: nothing is sent to Graph"
        )
