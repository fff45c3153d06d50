"""The pages of the main window. Each page owns its strings (``T``) and calls services only."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.common.changes import KINDS
from app.ui.common.context import AppContext


class Page(QWidget):
    """A page of the navigation column. ``refresh`` reads what the page shows; it runs when the page is
    shown and something it shows changed since it last read (``shows``: the kinds of record, see
    app.services.common.changes; None: things outside the store, read at every showing), when the day
    changed, or when the store reopens."""

    nav_label = ""
    shows: frozenset[str] | None = KINDS

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self._read_at: tuple | None = None  # (the store's change log, its count, the day) at the last read

    def refresh(self) -> None:  # pragma: no cover - overridden
        pass

    def bring_up_to_date(self) -> bool:
        """Read again if something this page shows changed since it last read. Returns whether it read."""
        store = self.ctx.require_store()
        log, today = store.changes, self.ctx.today()
        if self.shows is not None and self._read_at is not None:
            seen_log, seen_count, seen_day = self._read_at
            if seen_log is log and seen_day == today and not log.since(seen_count).touches(self.shows):
                return False
        self._read_at = (log, log.count, today)
        with store.reading():  # the whole page is one read of the store
            self.refresh()
        return True
