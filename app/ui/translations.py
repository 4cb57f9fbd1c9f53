"""The console's languages: Qt Linguist ``.ts`` sources, compiled ``.qm`` files, and loading.

``resources/translations/keyward_<lang>.ts`` is extracted from the code with
``pyside6-lupdate`` and translated there; the compiled ``.qm`` files are build output, never
committed. A build compiles them next to the sources (``python -m app.ui.translations``); a
source checkout without them compiles the one it needs into the user cache on first start,
so ``KEYWARD_LANG=de uv run keyward`` works without a build step.

The language is the system locale's, or ``KEYWARD_LANG`` (``de``, ``de_DE``; ``en`` for the
untranslated English). Qt's own strings (standard buttons, the file dialog) come from Qt's
``qtbase_<lang>.qm``, and ``QLocale.setDefault`` makes dates and numbers follow the choice.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.ui.resources import resources_dir

log = logging.getLogger(__name__)

#: Overrides the system locale: ``de``, ``de_DE``, ``en``.
LANGUAGE_VARIABLE = "KEYWARD_LANG"
STEM = "keyward"

_installed: list[QTranslator] = []


def translations_dir() -> Path:
    return resources_dir() / "translations"


def sources() -> list[Path]:
    """Every ``keyward_<lang>.ts`` shipped."""
    return sorted(translations_dir().glob(f"{STEM}_*.ts"))


def chosen_locale() -> QLocale:
    """``KEYWARD_LANG`` if set, else the system locale."""
    override = os.environ.get(LANGUAGE_VARIABLE, "").strip()
    return QLocale(override) if override else QLocale.system()


def _qt_tool(name: str) -> str | None:
    """A Qt Linguist tool that ships with PySide6 (None in a bundle, which has .qm files)."""
    import PySide6

    for file_name in (name, f"{name}.exe"):
        candidate = Path(PySide6.__file__).parent / file_name
        if candidate.is_file():
            return str(candidate)
    return shutil.which(f"pyside6-{name}")


def lrelease() -> str | None:
    return _qt_tool("lrelease")


def code_files() -> list[Path]:
    """The console's Python files: every string a person reads is in one of them."""
    return sorted(Path(__file__).resolve().parent.rglob("*.py"))


def extract(target: Path) -> None:
    """Run lupdate over the console's code into ``target`` (.ts), keeping its translations.

    Strings gone from the code are dropped (``-no-obsolete``); new ones arrive unfinished.
    """
    tool = _qt_tool("lupdate")
    if tool is None:
        raise RuntimeError("pyside6-lupdate is not installed")
    root = Path(__file__).resolve().parents[2]
    subprocess.run(  # noqa: S603 - PySide6's own lupdate, on our own files
        [tool, "-silent", "-no-obsolete", "-locations", "none"]
        + [str(path.relative_to(root)) for path in code_files()]
        + ["-ts", str(target)],
        cwd=root,
        check=True,
    )


def compile_translation(source: Path, target: Path) -> bool:
    """``source`` (.ts) compiled to ``target`` (.qm); False if lrelease is missing or fails."""
    tool = lrelease()
    if tool is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603 - PySide6's own lrelease, on our own files
        [tool, "-silent", str(source), "-qm", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        log.warning("lrelease failed for %s: %s", source, done.stderr.strip())
        return False
    return target.is_file()


def compile_translations(target_dir: Path | None = None) -> list[Path]:
    """Every ``.ts`` compiled into ``target_dir`` (default: next to the sources)."""
    folder = target_dir or translations_dir()
    compiled = []
    for source in sources():
        target = folder / source.with_suffix(".qm").name
        if not compile_translation(source, target):
            raise RuntimeError(f"cannot compile {source} (is pyside6-lrelease installed?)")
        compiled.append(target)
    return compiled


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("keyward")) / "translations"


def _source_for(locale: QLocale) -> Path | None:
    """The ``.ts`` for the first of the locale's UI languages that has one."""
    for language in locale.uiLanguages():
        name = language.replace("-", "_")
        for candidate in (name, name.split("_")[0]):
            source = translations_dir() / f"{STEM}_{candidate}.ts"
            if source.is_file():
                return source
    return None


def compiled_for(locale: QLocale) -> Path | None:
    """The ``.qm`` for ``locale``: shipped next to its source, else compiled into the cache."""
    source = _source_for(locale)
    if source is None:
        return None
    shipped = source.with_suffix(".qm")
    if shipped.is_file() and shipped.stat().st_mtime >= source.stat().st_mtime:
        return shipped
    cached = _cache_dir() / shipped.name
    if cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime:
        return cached
    if compile_translation(source, cached):
        return cached
    # A bundle whose .qm is older than its .ts (copied in another order) still has one.
    return shipped if shipped.is_file() else None


def install_translations(app: QCoreApplication) -> QLocale:
    """Load the chosen language's translators into ``app``, replacing earlier ones.

    Returns the locale now in effect (also ``QLocale()``'s default for dates and numbers);
    English, or a language without a translation, installs nothing.
    """
    for translator in _installed:
        app.removeTranslator(translator)
        translator.deleteLater()
    _installed.clear()
    locale = chosen_locale()
    QLocale.setDefault(locale)
    own = compiled_for(locale)
    if own is None:
        return locale
    files = [own]
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    qt_base = qt_dir / f"qtbase_{own.stem.removeprefix(STEM + '_')}.qm"
    if qt_base.is_file():
        files.insert(0, qt_base)
    for path in files:
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("cannot load the translation %s", path)
            translator.deleteLater()
    return locale


def main(argv: list[str] | None = None) -> int:
    """``python -m app.ui.translations [DIR]``: compile every .ts into DIR (for a build).

    ``python -m app.ui.translations --update``: extract new strings into every .ts first.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--update"]:
        for source in sources():
            extract(source)
            print(f"updated {source}")
        return 0
    target = Path(args[0]) if args else None
    for path in compile_translations(target):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
