"""Shared fixtures: a fresh database per test, on SQLite and (when OPSGATE_TEST_DATABASE_URL is set) PostgreSQL.

Every test that takes ``db_url`` runs once per backend. On PostgreSQL each test gets its own schema (through the
connection's ``search_path``), so tests never see each other's rows and subprocesses can share the same URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from opsgate.bot.services import Services
from opsgate.bot.settings import Settings
from opsgate.store.db import make_engine
from opsgate.store.migrate import migrate

PG_URL = os.environ.get("OPSGATE_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]

# Tests must never pick up a developer's .env or environment integrations.
for _name in list(os.environ):
    if _name.startswith(("OPSGATE_", "SLACK_", "JIRA_", "OKTA_", "GRAPH_", "Microsoft")) and _name not in (
        "OPSGATE_TEST_DATABASE_URL",
        "OPSGATE_SPECS_DIR",
    ):
        del os.environ[_name]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against PostgreSQL (needs OPSGATE_TEST_DATABASE_URL)")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/opsgate.db"
        return
    if not PG_URL:
        pytest.skip("OPSGATE_TEST_DATABASE_URL is not set")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote('-csearch_path=' + schema)}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


def make_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"OPSGATE_DATABASE_URL": db_url, "OPSGATE_SECRET_KEY": "x" * 40}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def services(engine: Engine, db_url: str) -> Iterator[Services]:
    svc = Services(make_settings(db_url), engine)
    yield svc
    svc.close()


@pytest.fixture
def gate(services: Services) -> Any:
    from opsgate.bot.gate import build_gate

    return build_gate(services)
