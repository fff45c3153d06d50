"""GUI entry point: fonts and style, then the first-run wizard or the sign-in screen.

Nothing of the store layer is imported before the sign-in window is painted (issue 25): whether a store
exists is a file's existence, and SQLAlchemy, Alembic, the models and the key slots load while the
passphrase is typed (app.ui.window.warm). The first-run wizard imports them when it is needed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from app.services.store import print_folder
from app.services.store.layout import DB_NAME

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
    sources = [
        ("tsunagi_ja", str(resources_dir() / "translations")),
        ("qtbase_ja", folder),
        ("qt_ja", folder),
    ]
    app._japanese = []
    for name, where in sources:
        translator = QTranslator(app)
        if translator.load(name, where):
            app.installTranslator(translator)
            app._japanese.append(translator)  # kept: a translator collected by Python stops translating


def build_application(argv: list[str] | None = None, *, conduct: bool = True):
    """The QApplication with the app's fonts, words and style. ``conduct=False``: the keyboard and mouse
    rules (app.ui.common.conduct) are left to the caller, which installs them once its window is up."""
    from PySide6.QtWidgets import QApplication

    from app.services.common.resources import resources_dir
    from app.ui.common.fonts import load_bundled_fonts, ui_font

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Tsunagi")
    app.setApplicationDisplayName(T["app"])
    load_bundled_fonts()
    app.setFont(ui_font(11))
    install_japanese(app)
    if conduct:
        from app.ui.common import conduct as rules

        rules.install(app)
    icon = resources_dir() / "icons" / "tsunagi.png"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def start(ctx, when_shown: Callable[[], None] | None = None):
    """Show the right first window for this data folder; returns the Shell (or None if the user quit).
    ``when_shown()`` is called once the first window is on screen: just after the sign-in window's first
    paint, or before the first-run wizard."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from app.ui.window.shell import Shell

    # First of all: PDFs left by a run that was killed (the real data and the demo alike).
    for folder in (ctx.data_dir, ctx.demo_dir):
        print_folder.clear(folder)
    if (ctx.data_dir / DB_NAME).exists():
        shell = Shell(ctx)
        shell.show_sign_in()
        shell.show()
        if when_shown is not None:
            # In the next turn of the event loop: whoever else waits for the paint (bench/probe.py) first.
            shell.painted.connect(lambda: QTimer.singleShot(0, when_shown))
        return shell
    if when_shown is not None:
        when_shown()
    from app.ui.window.first_run import FirstRunWizard  # (it creates the store: the store layer, now)

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
    from app.services.common import errorlog

    def notify(text: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # (not before the first window: its enums take a while)

        QMessageBox.critical(None, T["app"], text)

    errorlog.install_hooks(lambda: ctx.data_dir, notify=notify)


def run(data_dir: Path, loop: Callable[[object, object], int] | None = None) -> int:
    """Start the GUI on ``data_dir`` and run it until it is closed. ``loop(app, shell)`` runs the event
    loop instead of ``app.exec()``: bench/probe.py measures the real start-up this way, up to the first
    paint of the window."""
    from app.services.store import folder_lock
    from app.ui.common.context import AppContext
    from app.ui.window.single_instance import claim

    folder_lock.set_role("gui")
    app = build_application(conduct=False)
    # Before anything touches the folder (start() clears its print folder): one window per data folder.
    claimed = claim(data_dir, listen=False)
    if claimed.instance is None:
        if claimed.raised:  # the running window is in front now; nothing more to do here
            return 0
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, T["app"], str(claimed.refused))
        return 1
    ctx = AppContext(data_dir=data_dir)
    _report_errors(ctx)
    folders = (ctx.data_dir, ctx.demo_dir)  # (start() switches ctx.data_dir to the demo's if chosen)

    def shown() -> None:
        # Once the first window is on screen (issue 25). The app-wide event filter is Python: before, it
        # was handed every event of building the sign-in window (0.1 s); the doorbell loads Qt's network
        # module (3 MB). Nothing can be typed before the window shows; a second start rings until it answers.
        from app.ui.common import conduct

        conduct.install(app)
        claimed.instance.listen()

    try:
        shell = start(ctx, when_shown=shown)
        if shell is None:
            return 0
        return app.exec() if loop is None else loop(app, shell)
    finally:
        # However the event loop ended (a session logging off may skip closeEvent), no PDF stays.
        for folder in folders:
            print_folder.clear(folder)
        claimed.instance.close()
