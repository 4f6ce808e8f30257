"""What each runbook needs from Okta and Microsoft Graph, for ``opsgate doctor`` and ``docs/permissions.md``.

Graph: the connector operations a runbook calls (keys of :data:`GRAPH_PERMISSIONS`, which lists the application
permissions that allow each one, least privileged first). Okta: the custom-admin-role permissions its calls need
(API tokens act with their admin's rights, which Okta's API does not list, so doctor can only prove the token reads
users; the table tells the admin what to grant).
"""

from __future__ import annotations

from opsgate.runbooks.connectors import GRAPH_PERMISSIONS

GRAPH_OPS: dict[str, tuple[str, ...]] = {
    "RB-003": ("find_user", "create_user", "resolve_license", "assign_license"),
    "RB-006": ("find_user", "resolve_license", "assign_license"),
    "RB-007": ("find_user", "enable_sign_in", "revoke_sessions"),
    "RB-013": ("find_user", "find_group", "add_member", "remove_member"),
    "RB-020": ("find_user", "find_group", "add_member", "remove_member"),  # when the resource is an Entra group
}

OKTA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "RB-001": ("okta.users.read", "okta.users.credentials.resetPassword"),
    "RB-002": ("okta.users.read", "okta.users.credentials.resetFactors"),
    "RB-003": ("okta.users.read", "okta.users.create", "okta.users.lifecycle.activate", "okta.groups.members.manage"),
    "RB-011": ("okta.users.read", "okta.users.lifecycle.suspend"),
    "RB-020": ("okta.users.read", "okta.groups.read", "okta.groups.members.manage"),  # when the resource is Okta
}


def graph_gaps(runbook_id: str, missing: dict[str, tuple[str, ...]]) -> list[str]:
    """For each operation of the runbook the token may not perform: the least privileged permission that would do."""
    return [f"{GRAPH_PERMISSIONS[op][0]} ({op})" for op in GRAPH_OPS.get(runbook_id, ()) if op in missing]
