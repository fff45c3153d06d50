"""GUI entry point: fonts and style, then the first-run wizard or the sign-in screen."""

from __future__ import annotations

import sys
from pathlib import Path

from app.services.store import print_folder
from app.services.store.store import DB_NAME

T = {
    "demo_progress": "デモデータを作成しています…",
    "demo_opening": "デモデータを開いています…",
    "app": "つなぎ",
}


def open_demo(ctx) -> object:
    """Open (or first create) the demo store beside the real one; it never shares files with it."""
    from app.services.households import demo
    from app.services.program import demo as programme_demo
    from app.services.store.store import Store
    from app.ui.common.context import DEMO_HOUSEHOLDS, DEMO_PASSPHRASE, DEMO_USER
    from app.ui.common.slow import run_slow

    folder = ctx.demo_dir
    ctx.data_dir, ctx.is_demo = folder, True
    if (folder / DB_NAME).exists():
        return run_slow(None, T["app"], T["demo_opening"],
                        lambda _progress: Store.open(folder, passphrase=DEMO_PASSPHRASE, user=DEMO_USER))  # fmt: skip

    def make(_progress):
        created = Store.create(
            folder, passphrase=DEMO_PASSPHRASE, user=DEMO_USER, town=demo.DEMO_TOWN, kdf=ctx.kdf
        )
        programme_demo.create_demo(created.store, households=DEMO_HOUSEHOLDS, seed=1)
        return created.store

    # Off the GUI thread behind a moving bar: the window painted black for ~3 s while this ran on it.
    return run_slow(None, T["app"], T["demo_progress"], make)


def install_japanese(app) -> None:
    """Qt's own words in Japanese: file dialogs, the right-click menus of text fields (元に戻す, コピー …),
    message box buttons. The translations ship with PySide6; the locale makes dates and numbers Japanese."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    if getattr(app, "_japanese", None):
        return
    from app.services.common.resources import resources_dir

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # Our own file first (asked last): the few words Qt's Japanese file leaves in English. A compiled .qm,
    # not a Python QTranslator subclass: Qt asks translators while it tears down, after Python is gone.
    sources = [("tsunagi_ja", str(resources_dir() / "translations")), ("qtbase_ja", folder), ("qt_ja", folder)]
    app._japanese = []
    for name, where in sources:
        translator = QTranslator(app)
        if translator.load(name, where):
            app.installTranslator(translator)
            app._japanese.append(translator)  # kept: a translator collected by Python stops translating


def build_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    from app.services.common.resources import resources_dir
    from app.ui.common.fonts import load_bundled_fonts, ui_font

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Tsunagi")
    app.setApplicationDisplayName(T["app"])
    load_bundled_fonts()
    app.setFont(ui_font(11))
    install_japanese(app)
    from app.ui.common import conduct

    conduct.install(app)
    icon = resources_dir() / "icons" / "tsunagi.png"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def start(ctx):
    """Show the right first window for this data folder; returns the Shell (or None if the user quit)."""
    from PySide6.QtWidgets import QDialog

    from app.ui.window.first_run import FirstRunWizard
    from app.ui.window.shell import Shell

    # First of all: PDFs left by a run that was killed (the real data and the demo alike).
    for folder in (ctx.data_dir, ctx.demo_dir):
        print_folder.clear(folder)
    if (ctx.data_dir / DB_NAME).exists():
        shell = Shell(ctx)
        shell.show_sign_in()
        shell.show()
        return shell
    wizard = FirstRunWizard(ctx)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return None
    store = open_demo(ctx) if wizard.demo_requested else wizard.created.store
    shell = Shell(ctx)
    shell.enter(store)
    shell.show()
    return shell


def _report_errors(ctx) -> None:
    """Every exception nobody caught: a message box and a line on stderr saying what failed, and a log in
    the data folder without values — never the exception's text or a traceback, which may hold a
    member's name or a casework note (app.services.common.errorlog)."""
    from PySide6.QtWidgets import QMessageBox

    from app.services.common import errorlog

    errorlog.install_hooks(lambda: ctx.data_dir, notify=lambda text: QMessageBox.critical(None, T["app"], text))


def run(data_dir: Path) -> int:
    from PySide6.QtWidgets import QMessageBox

    from app.services.store import folder_lock
    from app.ui.common.context import AppContext
    from app.ui.window.single_instance import claim

    folder_lock.set_role("gui")
    app = build_application()
    # Before anything touches the folder (start() clears its print folder): one window per data folder.
    claimed = claim(data_dir)
    if claimed.instance is None:
        if claimed.raised:  # the running window is in front now; nothing more to do here
            return 0
        QMessageBox.warning(None, T["app"], str(claimed.refused))
        return 1
    ctx = AppContext(data_dir=data_dir)
    _report_errors(ctx)
    folders = (ctx.data_dir, ctx.demo_dir)  # (start() switches ctx.data_dir to the demo's if chosen)
    try:
        shell = start(ctx)
        return 0 if shell is None else app.exec()
    finally:
        # However the event loop ended (a session logging off may skip closeEvent), no PDF stays.
        for folder in folders:
            print_folder.clear(folder)
        claimed.instance.close()
