"""What every window and page shares: where the data is, the open store, and test-time knobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.services.store.keyslots import STRONG, KdfParams
from app.services.store.store import Store

DEMO_PASSPHRASE = "demo-tsunagi"
DEMO_USER = "デモ担当"
DEMO_HOUSEHOLDS = 300


@dataclass
class AppContext:
    data_dir: Path
    store: Store | None = None
    kdf: KdfParams = STRONG  # tests pass FAST
    idle_ms: int | None = None  # tests override the auto-lock delay; None: the town setting
    is_demo: bool = False
    # "Today" for due dates and overdue lists; tests move it forward instead of waiting.
    today: Callable[[], date] = date.today
    quiet: bool = False  # tests: no confirmation boxes after a backup, no backup offer on exit
    extra: dict = field(default_factory=dict)

    @property
    def demo_dir(self) -> Path:
        # A sibling folder, so real and demo data never share a database or a backup.
        return self.data_dir.with_name(self.data_dir.name + "-demo")

    def require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("store is locked")
        return self.store
