"""The Teams app package an admin uploads ("Upload a custom app"): ``manifest.json`` and two icons, zipped.

``opsgate teams package --out opsgate-teams.zip`` builds it from the settings: the bot id is ``MicrosoftAppId``,
the bot is offered in the ``team`` and ``personal`` scopes, and ``validDomains`` holds the host of
``OPSGATE_PUBLIC_URL`` plus any ``--domain``. The icons are drawn here with the standard library (zlib + struct):
a 192x192 colour icon and the 32x32 outline icon Teams wants white on transparent.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from opsgate.bot.settings import Settings

MANIFEST_SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.17"
ACCENT = (0x1F, 0x4E, 0x79)  # OpsGate blue
Pixel = tuple[int, int, int, int]

COMMANDS = (
    ("help", "What OpsGate can do"),
    ("request", "Ask for a runbook (password reset, MFA reset, licence, group...)"),
    ("status", "status RUN_ID: where a run stands"),
    ("pending", "Approvals waiting for you"),
    ("access", "access RESOURCE 2h reason: just-in-time access; access list | release"),
)
TEAM_COMMANDS = (*COMMANDS, ("set approvals here", "Post approval cards in this channel (approvers only)"))


class PackageError(ValueError):
    """The package cannot be built from these settings; the message says what to set."""


# --- PNG -----------------------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """An RGBA PNG; ``pixel(x, y)`` gets coordinates in 0..1 (pixel centres)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel((x + 0.5) / width, (y + 0.5) / height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


CHECK = ((0.30, 0.52), (0.44, 0.66), (0.71, 0.37))  # the check mark of "approved"


def _in_check(x: float, y: float, width: float) -> bool:
    return min(_segment_distance(x, y, CHECK[0], CHECK[1]), _segment_distance(x, y, CHECK[1], CHECK[2])) <= width


def _in_ring(x: float, y: float, radius: float, width: float) -> bool:
    return abs(math.hypot(x - 0.5, y - 0.5) - radius) <= width


def color_icon() -> bytes:
    """192x192: a white check in a white ring on OpsGate blue (full bleed, as Teams asks)."""

    def pixel(x: float, y: float) -> Pixel:
        if _in_check(x, y, 0.045) or _in_ring(x, y, 0.33, 0.03):
            return (255, 255, 255, 255)
        return (*ACCENT, 255)

    return png(192, 192, pixel)


def outline_icon() -> bytes:
    """32x32: the same mark, white on transparent (Teams rejects any other colour here)."""

    def pixel(x: float, y: float) -> Pixel:
        if _in_check(x, y, 0.06) or _in_ring(x, y, 0.40, 0.05):
            return (255, 255, 255, 255)
        return (0, 0, 0, 0)

    return png(32, 32, pixel)


# --- manifest ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageOptions:
    version: str = "1.0.0"
    name: str = "OpsGate"
    developer: str = "OpsGate"
    website: str = "https://github.com/opsgate/opsgate"
    privacy_url: str | None = None
    terms_url: str | None = None
    app_id: str | None = None  # the Teams app id; defaults to the bot id
    domains: tuple[str, ...] = field(default_factory=tuple)


def _host(url: str) -> str:
    parts = urlsplit(url if "//" in url else f"https://{url}")
    if not parts.hostname:
        raise PackageError(f"{url!r} is not a host name or URL")
    return parts.hostname


def manifest(settings: Settings, options: PackageOptions) -> dict[str, Any]:
    bot_id = settings.microsoft_app_id
    if not bot_id:
        raise PackageError("MicrosoftAppId is not set: the package needs the bot's app id (see docs/teams.md)")
    if not options.website.startswith("https://"):
        raise PackageError("the developer website must be an https:// URL (--website)")
    domains = [_host(d) for d in ((settings.public_url,) if settings.public_url else ()) + options.domains]
    commands = [{"title": title, "description": text} for title, text in COMMANDS]
    team_commands = [{"title": title, "description": text} for title, text in TEAM_COMMANDS]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": options.version,
        "id": options.app_id or bot_id,
        "developer": {
            "name": options.developer,
            "websiteUrl": options.website,
            "privacyUrl": options.privacy_url or options.website,
            "termsOfUseUrl": options.terms_url or options.website,
        },
        "name": {"short": options.name[:30], "full": "OpsGate: approval-gated IT operations"},
        "description": {
            "short": "Approve IT runbooks before they run, from Teams."[:80],
            "full": (
                "OpsGate turns IT tickets into runbooks (password and MFA resets, licences, groups, offboarding, "
                "just-in-time access) and runs nothing until an approver says so. Approval cards arrive in the "
                "channel your approvers choose; every decision lands on a tamper-evident audit chain and back on "
                "the Jira issue."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["team", "personal"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": commands},
                    {"scopes": ["team"], "commands": team_commands},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": sorted(set(domains)),
    }


def build_package(settings: Settings, options: PackageOptions) -> bytes:
    """The zip Teams accepts: the three files at its root."""
    doc = manifest(settings, options)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("manifest.json", json.dumps(doc, indent=2).encode()),
            ("color.png", color_icon()),
            ("outline.png", outline_icon()),
        ):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- CLI -----------------------------------------------------------------------------------------------------


def cmd_teams_package(args: argparse.Namespace, settings: Settings) -> int:
    options = PackageOptions(
        version=args.app_version,
        name=args.name,
        developer=args.developer,
        website=args.website,
        privacy_url=args.privacy_url,
        terms_url=args.terms_url,
        app_id=args.app_id,
        domains=tuple(args.domain or ()),
    )
    data = build_package(settings, options)
    with open(args.out, "wb") as out:
        out.write(data)
    doc = manifest(settings, options)
    sys.stdout.write(
        f"wrote {args.out} ({len(data)} bytes): bot {doc['bots'][0]['botId']}, app version {doc['version']}\n"
        "valid domains: " + (", ".join(doc["validDomains"]) or "none (set OPSGATE_PUBLIC_URL or --domain)") + "\n"
        "upload it in Teams: Apps > Manage your apps > Upload an app > Upload a custom app\n"
    )
    return 0


def add_teams_commands(subparsers: Any) -> None:
    """``opsgate teams package``; registered by ``bot/cli_more.py``."""
    teams = subparsers.add_parser("teams", help="Microsoft Teams: the app package").add_subparsers(
        dest="teams_cmd", required=True
    )
    p = teams.add_parser("package", help="build the Teams app package (manifest + icons) to upload")
    p.add_argument("--out", default="opsgate-teams.zip", help="where to write the zip (default: %(default)s)")
    p.add_argument("--domain", action="append", help="a valid domain besides OPSGATE_PUBLIC_URL's host (repeatable)")
    p.add_argument("--app-version", default="1.0.0", help="the app version; raise it for every re-upload")
    p.add_argument("--app-id", help="the Teams app id (default: MicrosoftAppId)")
    p.add_argument("--name", default="OpsGate", help="the short name people see (at most 30 characters)")
    p.add_argument("--developer", default="OpsGate", help="the developer name shown in the app details")
    p.add_argument("--website", default=PackageOptions.website, help="the developer website (https)")
    p.add_argument("--privacy-url", help="privacy statement (https; default: the website)")
    p.add_argument("--terms-url", help="terms of use (https; default: the website)")
    p.set_defaults(func=cmd_teams_package)
