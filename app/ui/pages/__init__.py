"""The pages of the main window. Each page owns its strings (``T``) and calls services only."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext


class Page(QWidget):
    """A page of the navigation column. ``refresh`` is called whenever it is shown or the store reopens."""

    nav_label = ""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx

    def refresh(self) -> None:  # pragma: no cover - overridden
        pass
