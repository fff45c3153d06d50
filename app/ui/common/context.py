"""What every window and page shares: where the data is, the open store, and test-time knobs.

Imported before the sign-in window shows, so it names the store layer only for type checking: the key
slots alone pull in ``cryptography`` (14 MB), and the store SQLAlchemy and Alembic; they load while the
passphrase is typed (app.ui.window.warm)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.store.keyslots import KdfParams
    from app.services.store.store import Store

DEMO_PASSPHRASE = "demo-tsunagi"
DEMO_USER = "デモ担当"
DEMO_HOUSEHOLDS = 300


class AppContext:
    def __init__(
        self,
        data_dir: Path,
        store: Store | None = None,
        kdf: KdfParams | None = None,  # tests pass FAST; None: the app's strong setting
        idle_ms: int | None = None,  # tests override the auto-lock delay; None: the town setting
        is_demo: bool = False,
        # "Today" for due dates and overdue lists; tests move it forward instead of waiting.
        today: Callable[[], date] = date.today,
        quiet: bool = False,  # tests: no confirmation boxes after a backup, no backup offer on exit
        extra: dict | None = None,
    ):
        self.data_dir = data_dir
        self.store = store
        self._kdf = kdf
        self.idle_ms = idle_ms
        self.is_demo = is_demo
        self.today = today
        self.quiet = quiet
        self.extra = {} if extra is None else extra

    @property
    def kdf(self) -> KdfParams:
        # Read only when a passphrase is set (first run, recovery, 設定): the default is looked up then.
        if self._kdf is None:
            from app.services.store.keyslots import STRONG

            return STRONG
        return self._kdf

    @kdf.setter
    def kdf(self, value: KdfParams | None) -> None:
        self._kdf = value

    @property
    def demo_dir(self) -> Path:
        # A sibling folder, so real and demo data never share a database or a backup.
        return self.data_dir.with_name(self.data_dir.name + "-demo")

    def require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("store is locked")
        return self.store
