"""変更履歴: who changed what in the household, and when."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from app.services.common.japanese import format_wareki
from app.services.flags import flag_review
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
        # The household's records and its 気づき in one list, newest first: a candidate that left by itself
        # stands beside the change that moved it (at the same moment, the change is listed first).
        lines = sorted(households.history(store, h.id) + flag_review.history(store, h.id),
                       key=lambda line: line.at, reverse=True)  # fmt: skip
        fill_table(
            self.table,
            [[f"{format_wareki(line.at.date())} {line.at:%H:%M}", line.actor, line.what,
              line.action + ("：" + "、".join(_change(line.action, *c) for c in line.changes) if line.changes else "")]
             for line in lines],  # fmt: skip
        )


def _change(action: str, key: str, old: str, new: str) -> str:
    # A deleted record lists what it held (「主訴: …」), with no arrow to an empty value.
    return f"{key}: {old}" if action == "削除" else f"{key}: {old} → {new}"
