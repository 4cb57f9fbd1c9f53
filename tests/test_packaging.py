"""The shipped metadata agrees with the project, and the icon containers are well formed.

Fast checks only: `packaging/build` (run by CI) builds and starts the bundle and the wheel.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        return tomllib.load(stream)


def load_icons() -> ModuleType:
    # packaging/ is no package (and its name is taken by PyPI's `packaging`): load by path.
    spec = importlib.util.spec_from_file_location("keyward_icons", PACKAGING / "icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_metainfo_carries_this_version_as_a_dated_release() -> None:
    component = ET.parse(PACKAGING / "io.keyward.Keyward.metainfo.xml").getroot()
    releases = {r.get("version"): r.get("date") for r in component.iter("release")}
    assert releases.get(pyproject()["project"]["version"])  # a date, YYYY-MM-DD
    assert component.find("content_rating").get("type") == "oars-1.1"
    image = component.find("screenshots/screenshot/image")
    assert image is not None and image.text.startswith("https://")
    assert component.find("launchable").text == "keyward.desktop"


def test_the_desktop_entry_starts_the_installed_command_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys keep their case
    entry.read(PACKAGING / "keyward.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "keyward"
    assert desktop["Icon"] == "keyward"
    assert pyproject()["project"]["scripts"]["keyward"] == "app.main:main"
    assert (ROOT / "resources" / "icons" / "keyward.svg").is_file()


def test_the_wheel_ships_resources_and_migrations() -> None:
    wheel = pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["app"]  # app/data/migrations comes with the package
    assert wheel["force-include"] == {"resources": "app/resources"}
    assert (ROOT / "app" / "data" / "migrations" / "env.py").is_file()


def test_icons_render_to_png_ico_and_icns(tmp_path: Path) -> None:
    icons = load_icons()  # its constants only: rendering needs a Qt application of its own
    # A process of its own, as packaging/build runs it: a QGuiApplication made in this one
    # would stand in the way of the console tests' QApplication.
    rendered = subprocess.run(
        [sys.executable, str(PACKAGING / "icons.py"), str(tmp_path), "--formats", "png,ico,icns"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    for size in icons.HICOLOR_SIZES:
        png = (tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "keyward.png").read_bytes()
        assert png.startswith(b"\x89PNG")
        assert struct.unpack(">II", png[16:24]) == (size, size)

    ico = (tmp_path / "keyward.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for index in range(count):
        edge, _, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * index : 22 + 16 * index]
        )
        assert (edge or 256) == icons.ICO_SIZES[index]
        assert ico[offset : offset + 4] == b"\x89PNG" and offset + length <= len(ico)

    icns = (tmp_path / "keyward.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    found, at = [], 8
    while at < len(icns):
        kind_bytes, length = icns[at : at + 4], struct.unpack(">I", icns[at + 4 : at + 8])[0]
        assert icns[at + 8 : at + 12] == b"\x89PNG"
        found.append(kind_bytes)
        at += length
    assert at == len(icns)
    assert sorted(found) == sorted(icons.ICNS_TYPES.values())
