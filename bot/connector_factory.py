"""The Okta and Microsoft Graph connectors of one process, built once from settings (one ``httpx.AsyncClient``
each, created on first use) and closed at shutdown. In sandbox mode every run gets its own
:class:`SandboxConnector`, which records calls and has no HTTP client at all.
"""

from __future__ import annotations

import httpx

from opsgate.bot.settings import Settings
from opsgate.runbooks.connectors import GraphClient, LicenceCatalog, OktaClient, RetryPolicy, SandboxConnector
from opsgate.runbooks.licence_map import licence_catalog
from opsgate.runbooks.steps import Connectors


class ConnectorSet:
    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry
        self.transport = transport  # tests only: route both clients through one transport
        self.timeout = timeout
        self.licences: LicenceCatalog = licence_catalog(settings.license_skus)  # LicenceMapError names the entry
        self._okta: OktaClient | None = None
        self._graph: GraphClient | None = None

    @property
    def sandbox_mode(self) -> bool:
        return self.settings.sandbox_mode

    def okta(self) -> OktaClient | None:
        s = self.settings
        if self._okta is None and s.okta_org_url and s.okta_api_token:
            self._okta = OktaClient(
                s.okta_org_url,
                s.okta_api_token.get_secret_value(),
                transport=self.transport,
                retry=self.retry,
                timeout=self.timeout,
            )
        return self._okta

    def graph(self) -> GraphClient | None:
        s = self.settings
        if self._graph is None and s.graph_tenant_id and s.graph_client_id and s.graph_client_secret:
            self._graph = GraphClient(
                s.graph_url,
                s.graph_login_url,
                s.graph_tenant_id,
                s.graph_client_id,
                s.graph_client_secret.get_secret_value(),
                s.graph_usage_location,
                licences=self.licences,
                transport=self.transport,
                retry=self.retry,
                timeout=self.timeout,
            )
        return self._graph

    def new_sandbox(self) -> SandboxConnector:
        return SandboxConnector(
            usage_location=self.settings.graph_usage_location, licences=self.licences, graph_url=self.settings.graph_url
        )

    def for_run(self) -> tuple[Connectors, SandboxConnector | None]:
        """What one run calls: the real clients, or (sandbox mode) a fresh recorder that sends nothing."""
        if self.sandbox_mode:
            sandbox = self.new_sandbox()
            return Connectors(sandbox.okta, sandbox.graph), sandbox
        return Connectors(self.okta(), self.graph()), None

    async def aclose(self) -> None:
        okta, graph, self._okta, self._graph = self._okta, self._graph, None, None
        if okta is not None:
            await okta.aclose()
        if graph is not None:
            await graph.aclose()
