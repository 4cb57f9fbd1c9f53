"""Render the application icon from ``resources/icons/keyward.svg`` for the bundle.

Writes ``<out>/hicolor/<n>x<n>/apps/keyward.png`` for the freedesktop sizes, and the platform's
executable icon: ``keyward.ico`` on Windows, ``keyward.icns`` on macOS (``--formats`` overrides
the choice). Both containers simply hold PNG images, so they are written here without extra
tools. Uses QtSvg offscreen: no display is needed.

    uv run python packaging/icons.py build/icons
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "keyward.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold a PNG of the given edge length.
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"icons: could not encode a {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows icon with PNG-compressed entries (Vista and later read them)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = images[size]
        edge = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def icns(images: dict[int, bytes]) -> bytes:
    """A macOS icon family with PNG elements."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(images[size])) + images[size]
        for size in sorted(images)
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write into")
    native = {"win32": "ico", "darwin": "icns"}.get(sys.platform, "")
    parser.add_argument(
        "--formats",
        default=",".join(filter(None, ["png", native])),
        help="comma-separated: png, ico, icns (default: png plus the platform's own)",
    )
    args = parser.parse_args(argv)
    formats = {item.strip() for item in args.formats.split(",") if item.strip()}

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"icons: {SVG} is not a valid SVG")
    wanted = set()
    if "png" in formats:
        wanted |= set(HICOLOR_SIZES)
    if "ico" in formats:
        wanted |= set(ICO_SIZES)
    if "icns" in formats:
        wanted |= set(ICNS_TYPES)
    images = {size: render(renderer, size) for size in sorted(wanted)}

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "png" in formats:
        for size in HICOLOR_SIZES:
            path = out / "hicolor" / f"{size}x{size}" / "apps" / "keyward.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(images[size])
            written.append(path)
    if "ico" in formats:
        path = out / "keyward.ico"
        path.write_bytes(ico({size: images[size] for size in ICO_SIZES}))
        written.append(path)
    if "icns" in formats:
        path = out / "keyward.icns"
        path.write_bytes(icns({size: images[size] for size in ICNS_TYPES}))
        written.append(path)
    for path in written:
        print(f"icons: {path.relative_to(out)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    # Rendering needs no screen; set here, not on import, so importing this module (a test
    # reading its constants) leaves the importing process's Qt platform alone.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    raise SystemExit(main())
