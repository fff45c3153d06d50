"""相談受付: the household's intakes, opened and printed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from app.models import vocab
from app.services.common.japanese import format_wareki
from app.services.households import households
from app.ui.common.widgets import fill_table, record_table, selected_data, show_print
from app.ui.households.dialogs import IntakeDialog
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T


class IntakesTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.rows = []
        self.table = record_table(T["intake_cols"])
        self.table.doubleClicked.connect(lambda _i: self.open_intake())
        row, _ = self.button_row(
            T, (("open_intake", self.open_intake), ("print_intake", self.print_intake)), suffix="_button"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def fill(self, store, h) -> None:
        self.rows = households.intakes(store, h.id)
        fill_table(
            self.table,
            [[format_wareki(i.received_on), vocab.ROUTE.get(i.route, ""),
              vocab.CONSULT_CATEGORY.get(i.main_category, "") if i.main_category else "",
              i.main_complaint.replace("\n", " ")[:60], vocab.INTAKE_RESPONSE.get(i.response, ""), i.received_by]
             for i in self.rows],  # fmt: skip
            [i.id for i in self.rows],
        )

    def client_code(self) -> str | None:
        """The member the latest intake is about (the genogram marks them)."""
        return self.rows[0].person.code if self.rows and self.rows[0].person else None

    def add_intake(self) -> None:
        self.after(IntakeDialog(self.ctx, self.household, self, received_by=self.screen.user_name()))

    def _intake(self):
        iid = selected_data(self.table)
        if iid is None and self.table.rowCount():
            iid = self.table.item(0, 0).data(Qt.ItemDataRole.UserRole)
        return next((i for i in self.rows if i.id == iid), None)

    def open_intake(self) -> None:
        intake = self._intake()
        if intake is not None:
            self.after(IntakeDialog(self.ctx, self.household, self, intake=intake))

    def intake_print(self):
        intake = self._intake()
        return None if intake is None else self.screen.produce("intake", intake.id)

    def print_intake(self) -> None:
        printed = self.intake_print()
        if printed is not None and self.screen.may_print():
            show_print(self, self.ctx.require_store(), printed)
