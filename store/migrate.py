"""Apply the Alembic migrations (``opsgate migrate`` and ``serve`` at start) and create the default org."""

from __future__ import annotations

import pathlib

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from opsgate.store.db import transaction
from opsgate.store.orgs import ensure_org

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine, default_org: str = "default") -> None:
    """Upgrade the schema to head (idempotent; serialised across processes by the database) and ensure the org."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two replicas starting at once must not race each other's DDL.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(72657301)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with transaction(engine) as session:
        ensure_org(session, default_org)
