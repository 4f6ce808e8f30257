"""``opsgate teams package``: the Teams app package (manifest + two icons) an admin uploads."""

from __future__ import annotations

import argparse
import io
import json
import pathlib
import struct
import zipfile
import zlib
from typing import Any

import pytest

from opsgate.bot.teams_package import PackageError, PackageOptions, add_teams_commands, build_package, manifest
from tests.conftest import make_settings

APP_ID = "3f1e5d7c-0000-4b6a-9c1d-0a1b2c3d4e5f"


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA, non-interlaced PNG with filter 0 rows (what we write)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, colour, interlace) == (8, 6, 0)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    assert len(raw) == stride * height
    pixels = []
    for y in range(height):
        row = raw[y * stride : (y + 1) * stride]
        assert row[0] == 0
        pixels += [tuple(row[1 + 4 * x : 5 + 4 * x]) for x in range(width)]
    return width, height, pixels  # type: ignore[return-value]


def settings(db_url: str, **env: Any) -> Any:
    return make_settings(db_url, MicrosoftAppId=APP_ID, MicrosoftAppPassword="x", **env)


def test_the_package_holds_the_manifest_and_two_icons(db_url: str) -> None:
    data = build_package(settings(db_url, OPSGATE_PUBLIC_URL="https://opsgate.acme.com"), PackageOptions())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        doc = json.loads(archive.read("manifest.json"))
        color = read_png(archive.read("color.png"))
        outline = read_png(archive.read("outline.png"))
    assert doc["manifestVersion"] == "1.17" and doc["id"] == APP_ID
    (bot,) = doc["bots"]
    assert bot["botId"] == APP_ID and sorted(bot["scopes"]) == ["personal", "team"]
    assert doc["validDomains"] == ["opsgate.acme.com"]
    assert doc["icons"] == {"color": "color.png", "outline": "outline.png"}
    for key in ("version", "developer", "name", "description", "accentColor", "permissions"):
        assert doc[key]
    assert all(doc["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert len(doc["name"]["short"]) <= 30 and len(doc["description"]["short"]) <= 80
    assert color[:2] == (192, 192) and outline[:2] == (32, 32)
    assert {p[3] for p in color[2]} == {255}  # full bleed
    opaque = [p for p in outline[2] if p[3] != 0]
    assert opaque and all(p[:3] == (255, 255, 255) for p in opaque)  # white on transparent only
    assert build_package(settings(db_url, OPSGATE_PUBLIC_URL="https://opsgate.acme.com"), PackageOptions()) == data


def test_extra_domains_and_options(db_url: str) -> None:
    options = PackageOptions(
        version="1.2.0", app_id="11111111-2222-3333-4444-555555555555", domains=("https://x.acme.com/a", "y.acme.com")
    )
    doc = manifest(settings(db_url), options)
    assert doc["validDomains"] == ["x.acme.com", "y.acme.com"] and doc["version"] == "1.2.0"
    assert doc["id"] == "11111111-2222-3333-4444-555555555555" and doc["bots"][0]["botId"] == APP_ID


def test_no_app_id_no_package(db_url: str) -> None:
    with pytest.raises(PackageError, match="MicrosoftAppId"):
        build_package(make_settings(db_url), PackageOptions())


def test_the_cli_writes_the_zip(db_url: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="opsgate")
    add_teams_commands(parser.add_subparsers(dest="cmd", required=True))
    out = tmp_path / "opsgate-teams.zip"
    args = parser.parse_args(["teams", "package", "--out", str(out), "--domain", "bot.acme.com"])
    assert args.func(args, settings(db_url)) == 0
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["validDomains"] == ["bot.acme.com"]
    assert "Upload a custom app" in capsys.readouterr().out
