"""One household: the header with its acts and prints, and the tabs (app/ui/households/tabs), filled from
one read of the store."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.flags import flag_review
from app.services.households import genogram, households
from app.services.records import stored
from app.services.store import settings as town_settings
from app.ui.common.widgets import confirm, heading, show_print
from app.ui.households.dialogs import HouseholdDialog, StatusDialog
from app.ui.households.genogram_view import GenogramView
from app.ui.households.tabs.flags import FlagsTab
from app.ui.households.tabs.history import HistoryTab
from app.ui.households.tabs.intakes import IntakesTab
from app.ui.households.tabs.members import MembersTab
from app.ui.households.tabs.referrals import ReferralsTab
from app.ui.households.tabs.timeline import TimelineTab
from app.ui.households.words import T
from app.ui.meetings.plan_tab import PlanTab


class HouseholdDetail(QWidget):
    back = Signal()

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.household = None
        self.household_id: int | None = None
        self.back_button = QPushButton(T["back"])
        self.back_button.clicked.connect(self.back)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back.emit)
        self.title = heading("")
        self.status_label = QLabel(objectName="status_chip")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.member_tab = MembersTab(ctx, self)
        self.genogram = GenogramView()
        self.intake_tab = IntakesTab(ctx, self)
        self.timeline_tab = TimelineTab(ctx, self)
        self.flag_tab = FlagsTab(ctx, self)
        self.referral_tab = ReferralsTab(ctx, self)
        self.plan_tab = PlanTab(ctx)
        self.history_tab = HistoryTab(ctx, self)
        self.tabs = QTabWidget()
        for widget, key in ((self.member_tab, "members"), (self.genogram, "genogram"), (self.intake_tab, "intakes"),
                            (self.timeline_tab, "timeline"), (self.flag_tab, "flags"),
                            (self.referral_tab, "referrals"), (self.plan_tab, "plans"),
                            (self.history_tab, "history")):  # fmt: skip
            self.tabs.addTab(widget, T[key])
            if hasattr(widget, "changed"):
                widget.changed.connect(self.reload)

        buttons = QHBoxLayout()
        self.actions = {}
        for key, slot in (("edit", self.edit_household), ("status", self.change_status),
                          ("add_member", self.member_tab.add_member), ("intake", self.add_intake),
                          ("face", self.print_face_sheet)):  # fmt: skip
            button = QPushButton(T[key], objectName=f"{key}_button")
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.actions[key] = button
        buttons.addStretch()
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

    # --- loading ----------------------------------------------------------------------------------

    def load(self, household_id: int) -> None:
        self.household_id = household_id
        self.reload()
        # One audit row per opening; reload() runs again after every change and page visit.
        households.record_view(self.ctx.require_store(), household_id)
        self.tabs.setCurrentIndex(0)

    def reload(self) -> None:
        with self.ctx.require_store().reading():  # every tab from one read of the store
            self._read()

    def _read(self) -> None:
        store = self.ctx.require_store()
        h = self.household = households.open_household(store, self.household_id)
        today = date.today()
        record = stored.to_record(h)
        self._fill_header(h)
        self.member_tab.fill(h, record, today)
        self.intake_tab.fill(store, h)
        self.genogram.show_genogram(genogram.layout(record, today, self.intake_tab.client_code()))
        self.flag_tab.fill(store, h, today)
        self.referral_tab.fill(store, h)
        self.timeline_tab.fill(store)
        self.plan_tab.load(h.id)
        self.history_tab.fill(store, h)

    def _fill_header(self, h) -> None:
        head = next((m for m in h.members if m.relation == "head"), None)
        name = head.name if head else (h.label or h.address)
        self.title.setText(f"{name} 世帯（{h.code}）")
        status = vocab.HOUSEHOLD_STATUS[h.status]
        if h.status == "closed" and h.closure_reason:
            reason = vocab.CLOSURE_REASON.get(h.closure_reason, "")
            if h.closure_reason in vocab.CLOSURE_NEEDS_NOTE and h.closure_note:
                reason = T["closure_other"].format(note=h.closure_note)
            status += "：" + reason
        self.status_label.setText(status)
        parts = [
            f"{T['address']}: {h.address or '—'}",
            f"{T['district']}: {h.district or '—'}",
            f"{T['phone']}: {h.phone or '—'}",
            f"{T['housing']}: {vocab.HOUSING.get(h.housing, '')}",
        ]
        if h.label and head:
            parts.insert(0, f"呼び名: {h.label}")
        if h.status_reason:
            parts.append(f"{T['reason']}: {h.status_reason}")
        self.info.setText("　".join(parts))

    # --- what the tabs share ----------------------------------------------------------------------

    def produce(self, key: str, record_id: int | None = None):
        request = print_catalog.Request(household_id=self.household.id, record_id=record_id)
        return print_catalog.produce(self.ctx.require_store(), key, request)

    def may_print(self) -> bool:
        """Under 虐待・DV the pipeline leaves out where the family lives; the paper still needs care."""
        if not flag_review.printing_restricted(self.ctx.require_store(), self.household.id):
            return True
        return confirm(self, T["face"], T["restricted"])

    def user_name(self) -> str:
        return town_settings.printed_by(self.ctx.require_store())

    # --- the header's acts ------------------------------------------------------------------------

    def _after(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def edit_household(self) -> None:
        self._after(HouseholdDialog(self.ctx, self, household=self.household))

    def change_status(self) -> None:
        self._after(StatusDialog(self.ctx, self.household, self))

    def add_intake(self) -> None:
        self.intake_tab.add_intake()
        self.tabs.setCurrentWidget(self.intake_tab)

    def face_print(self):
        return self.produce("face")

    def print_face_sheet(self) -> None:
        if self.may_print():
            show_print(self, self.ctx.require_store(), self.face_print())
