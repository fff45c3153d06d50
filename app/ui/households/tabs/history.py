"""変更履歴: who changed what in the household, and when."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from app.services.common.japanese import format_wareki
from app.services.households import households
from app.ui.common.widgets import fill_table, record_table
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T


class HistoryTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.table = record_table(T["history_cols"])
        QVBoxLayout(self).addWidget(self.table)

    def fill(self, store, h) -> None:
        fill_table(
            self.table,
            [[f"{format_wareki(line.at.date())} {line.at:%H:%M}", line.actor, line.what,
              line.action + ("：" + "、".join(_change(line.action, *c) for c in line.changes) if line.changes else "")]
             for line in households.history(store, h.id)],  # fmt: skip
        )


def _change(action: str, key: str, old: str, new: str) -> str:
    # A deleted record lists what it held (「主訴: …」), with no arrow to an empty value.
    return f"{key}: {old}" if action == "削除" else f"{key}: {old} → {new}"
