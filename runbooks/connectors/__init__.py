"""Connectors to Okta and Microsoft Graph, and the sandbox that records instead of sending.

Runbook steps take an :class:`OktaConnector` / :class:`GraphConnector` (see ``protocols``) and get either the
real client (:class:`OktaClient`, :class:`GraphClient`) or ``SandboxConnector().okta`` / ``.graph``. Every
error is a :class:`ConnectorError`: :class:`ConnectorHalt` for preconditions and user/config problems,
:class:`ConnectorFailure` for unexpected remote answers.
"""

from typing import TYPE_CHECKING

from .calls import Call, RecordedCall, redact
from .errors import ConnectorError, ConnectorFailure, ConnectorHalt, ErrorCode
from .graph import GRAPH_PERMISSIONS, GraphClient, missing_permissions
from .graph_auth import ClientCredentialsAuth, jwt_claims
from .http import HttpSession, RetryPolicy
from .licenses import DEFAULT_LICENCE_SKUS, LicenceCatalog
from .models import (
    AccessCheck,
    GraphGroup,
    GraphUser,
    LicenceAssignment,
    OktaFactor,
    OktaGroup,
    OktaUser,
    PasswordReset,
    SubscribedSku,
)
from .okta import OktaClient
from .protocols import GraphConnector, OktaConnector
from .sandbox import SandboxConnector, SandboxGraph, SandboxOkta

if TYPE_CHECKING:  # mypy proves that both implementations satisfy each protocol

    def _conforms(
        okta: OktaClient, sandbox_okta: SandboxOkta, graph: GraphClient, sandbox_graph: SandboxGraph
    ) -> tuple[OktaConnector, OktaConnector, GraphConnector, GraphConnector]:
        return okta, sandbox_okta, graph, sandbox_graph


__all__ = [
    "DEFAULT_LICENCE_SKUS",
    "GRAPH_PERMISSIONS",
    "AccessCheck",
    "Call",
    "ClientCredentialsAuth",
    "ConnectorError",
    "ConnectorFailure",
    "ConnectorHalt",
    "ErrorCode",
    "GraphClient",
    "GraphConnector",
    "GraphGroup",
    "GraphUser",
    "HttpSession",
    "LicenceAssignment",
    "LicenceCatalog",
    "OktaClient",
    "OktaConnector",
    "OktaFactor",
    "OktaGroup",
    "OktaUser",
    "PasswordReset",
    "RecordedCall",
    "RetryPolicy",
    "SandboxConnector",
    "SandboxGraph",
    "SandboxOkta",
    "SubscribedSku",
    "jwt_claims",
    "missing_permissions",
    "redact",
]
