"""Prometheus metrics, one registry per assembled app (tests build many apps in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "opsgate_http_requests", "HTTP requests served", ["route", "status"], registry=self.registry
        )
        self.http_latency = Histogram(
            "opsgate_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.runs = Counter("opsgate_runs", "Run transitions by new state", ["status"], registry=self.registry)
        self.audit_appends = Counter("opsgate_audit_appends", "Audit entries appended", registry=self.registry)
        self.outbox_pending = Gauge("opsgate_outbox_pending", "Outbox rows not yet delivered", registry=self.registry)
        self.connector_calls = Counter(
            "opsgate_connector_calls", "Calls to Okta/Graph/Jira/Slack", ["system", "outcome"], registry=self.registry
        )
