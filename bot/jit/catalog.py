"""The JIT resource catalog: what may be requested, from which group, for how long (admin-managed).

Sources: the CLI (``opsgate jit resources add|list|remove``) and ``jit-resources.yml`` for the default org
(:func:`load_resources_file`; format in docs/jit.md). A request for anything not in the catalog is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from opsgate.bot.durations import DurationError, format_duration, parse_duration
from opsgate.bot.errors import ValidationFailed
from opsgate.store import audit
from opsgate.store import jit as rows
from opsgate.store.models import JitResource

if TYPE_CHECKING:
    from opsgate.bot.services import Services

SYSTEMS = ("okta", "graph")
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class ResourceSpec:
    """One catalog entry as an admin writes it; validated by :meth:`check`."""

    name: str
    system: str
    group: str
    max_duration: str
    default_duration: str
    area: str | None = None
    jira_project: str | None = None
    extra_approvers: tuple[str, ...] = field(default_factory=tuple)
    managed: bool = False

    def check(self) -> dict[str, Any]:
        """The row values; raises ValidationFailed naming every bad field."""
        errors: list[dict[str, str]] = []
        if not self.name or len(self.name) > 100 or not set(self.name) <= _NAME_CHARS:
            errors.append({"path": "name", "message": "use 1-100 lower-case letters, digits, '-', '_' or '.'"})
        if self.system not in SYSTEMS:
            errors.append({"path": "system", "message": "must be okta or graph (Entra ID)"})
        if not self.group.strip() or len(self.group) > 256:
            errors.append({"path": "group", "message": "name the Okta or Entra ID group (1-256 characters)"})
        bounds: dict[str, timedelta] = {}
        for key, raw in (("max", self.max_duration), ("default", self.default_duration)):
            try:
                bounds[key] = parse_duration(raw)
            except DurationError as exc:
                errors.append({"path": key, "message": str(exc)})
        if len(bounds) == 2 and bounds["default"] > bounds["max"]:
            errors.append({"path": "default", "message": "must not be longer than max"})
        if errors:
            raise ValidationFailed(
                "Fix the resource: " + "; ".join(f"{e['path']} {e['message']}" for e in errors), errors
            )
        return {
            "system": self.system,
            "group_name": self.group.strip(),
            "area": self.area or None,
            "jira_project": (self.jira_project or "").strip().upper() or None,
            "max_seconds": int(bounds["max"].total_seconds()),
            "default_seconds": int(bounds["default"].total_seconds()),
            "extra_approvers": sorted(set(self.extra_approvers)),
            "managed": bool(self.managed),
        }


def describe(resource: JitResource) -> str:
    """One line per resource, for the CLI and Slack."""
    system = "Okta" if resource.system == "okta" else "Entra ID"
    extra = f", area {resource.area}" if resource.area else ""
    jira = f", Jira {resource.jira_project}" if resource.jira_project else ""
    managed = ", managed" if resource.managed else ""
    return (
        f"{resource.name}: {system} group {resource.group_name!r}, default "
        f"{format_duration(timedelta(seconds=resource.default_seconds))}, max "
        f"{format_duration(timedelta(seconds=resource.max_seconds))}{extra}{jira}{managed}"
    )


def add_resource(services: Services, org_id: int, spec: ResourceSpec, *, actor: str) -> JitResource:
    values = spec.check()
    with services.transaction() as session:
        row = rows.upsert_resource(session, org_id=org_id, name=spec.name, values=values)
        audit.append(
            session, org_id=org_id, actor=actor, action="jit.resource_saved", subject=f"jit:{spec.name}", data=values
        )
        return row


def remove_resource(services: Services, org_id: int, name: str, *, actor: str) -> bool:
    with services.transaction() as session:
        removed = rows.remove_resource(session, org_id=org_id, name=name)
        if removed:
            audit.append(session, org_id=org_id, actor=actor, action="jit.resource_removed", subject=f"jit:{name}")
        return removed


def list_resources(services: Services, org_id: int) -> list[JitResource]:
    with services.read_session() as session:
        return rows.list_resources(session, org_id=org_id)


def get_resource(services: Services, org_id: int, name: str) -> JitResource | None:
    with services.read_session() as session:
        return rows.get_resource(session, org_id=org_id, name=name)


def _spec(name: str, entry: Any) -> ResourceSpec:
    if not isinstance(entry, dict):
        raise ValidationFailed(
            f"jit-resources: {name!r} must be a mapping", [{"path": name, "message": "not a mapping"}]
        )
    okta, entra = entry.get("okta_group"), entry.get("entra_group")
    if bool(okta) == bool(entra):
        raise ValidationFailed(
            f"jit-resources: {name!r} needs exactly one of okta_group or entra_group",
            [{"path": f"{name}.okta_group", "message": "give exactly one of okta_group, entra_group"}],
        )
    approvers = entry.get("approvers") or []
    return ResourceSpec(
        name=str(name),
        system="okta" if okta else "graph",
        group=str(okta or entra),
        max_duration=str(entry.get("max", "")),
        default_duration=str(entry.get("default", entry.get("max", ""))),
        area=str(entry["area"]) if entry.get("area") else None,
        jira_project=str(entry["jira_project"]) if entry.get("jira_project") else None,
        extra_approvers=tuple(str(a) for a in approvers),
        managed=bool(entry.get("managed", False)),
    )


def load_resources_file(services: Services, path: str | Path) -> list[str]:
    """Load ``jit-resources.yml`` into the default org's catalog (create or update; entries not in the file are
    kept). Returns the names loaded. Every entry is validated before any is written."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("resources", data) if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise ValidationFailed("jit-resources: expected a mapping 'resources: {name: {...}}'", [])
    specs = [_spec(str(name), entry) for name, entry in entries.items()]
    checked = [(spec, spec.check()) for spec in specs]
    org_id = services.default_org_id
    with services.transaction() as session:
        for spec, values in checked:
            rows.upsert_resource(session, org_id=org_id, name=spec.name, values=values)
        audit.append(
            session,
            org_id=org_id,
            actor="system:jit-resources.yml",
            action="jit.catalog_loaded",
            subject=f"file:{Path(path).name}",
            data={"resources": [s.name for s in specs]},
        )
    return [s.name for s in specs]


def load_if_present(services: Services, path: str | Path = "jit-resources.yml") -> list[str]:
    """:func:`load_resources_file` when the file exists (at start); [] otherwise."""
    return load_resources_file(services, path) if Path(path).is_file() else []
