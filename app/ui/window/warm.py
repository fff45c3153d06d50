"""The store layer, loaded while the passphrase is typed.

The sign-in window imports none of it: SQLAlchemy, Alembic, the models, the key slots (``cryptography``)
and ``keyring`` took 1 s and 80 MB before the window could show (issue 25). Once the window is painted they
are imported here in a worker thread — pure Python, no Qt, so nothing of the GUI is touched off its
thread — while the GUI thread goes on answering keys. The screens (Qt classes) are imported afterwards on
the GUI thread, one module per turn of the event loop (app.ui.window.shell).

Whoever needs the store calls ``wait()`` first: it returns at once when the worker is done (or was never
started), and otherwise joins it, so a module is never half-imported by two threads at the same time.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable

# In import order; the heavy ones first. A module left out here is imported where it is used, on the GUI
# thread — correct, only slower; the UI modules are never here (their classes are Qt's).
STORE_LAYER = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "alembic.command",
    "app.models",
    "app.services.store.keyslots",
    "app.services.store.store",
    "keyring",
    "app.services.store.settings",
    "app.services.store.backup",
    "app.services.flags.flag_review",
    "app.services.households.households",
    "app.services.transfer.full_export",
    # What the pages import besides (measured: the ホーム and 世帯 pages' modules took 70 and 170 ms on the
    # GUI thread with these left to them).
    "app.services.statistics.statistics",
    "app.services.referrals.referrals",
    "app.services.meetings.plans",
    "app.services.outreach.outreach",
    "app.services.participation.participation",
    "app.services.community.community",
    "app.services.households.consents",
    "app.services.households.search",
    "app.services.households.genogram",
    "app.services.catalog.print_catalog",
    "app.services.statistics.statistics_export",
)

_worker: threading.Thread | None = None
_lock = threading.Lock()


def _load(done: Callable[[], None] | None) -> None:
    try:
        for name in STORE_LAYER:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 (the same import, where the module is used, raises it there)
                return
    finally:
        if done is not None:
            # (RuntimeError: the window that asked was closed and deleted meanwhile; no one to tell)
            with contextlib.suppress(RuntimeError):
                done()


def start(done: Callable[[], None] | None = None) -> bool:
    """Begin loading in a worker thread; ``done`` is called from that thread when it ends. Once per
    process: returns False (and calls nothing) when a load was begun before."""
    global _worker
    with _lock:
        if _worker is not None:
            return False
        _worker = threading.Thread(target=_load, args=(done,), name="tsunagi-warm", daemon=True)
        _worker.start()
        return True


def wait() -> None:
    """Return once no load is running (at once when it ended or never began)."""
    worker = _worker
    if worker is not None and worker is not threading.current_thread():
        worker.join()
