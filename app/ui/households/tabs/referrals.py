"""つなぐシート・同意: the household's sheets, out and in, and each member's consents."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.models import vocab
from app.services.common.japanese import format_wareki
from app.services.households import consents
from app.services.referrals import referrals
from app.ui.common.widgets import confirm, fill_table, record_table, selected_data
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T
from app.ui.referrals.dialogs import ConsentDialog, ReferralDialog


class ReferralsTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.table = record_table(T["referral_cols"])
        self.table.doubleClicked.connect(lambda _i: self.open_referral())
        self.consent_table = record_table(T["consent_cols"])
        sheets, _ = self.button_row(T, (("new_referral", self.new_referral),
                                        ("incoming_referral", self.incoming_referral),
                                        ("open_referral", self.open_referral)))  # fmt: skip
        consent_row, _ = self.button_row(T, (("add_consent", self.add_consent),
                                             ("withdraw_consent", self.withdraw_consent)))  # fmt: skip
        self.consent_hint = QLabel(objectName="hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addLayout(sheets)
        layout.addWidget(self.consent_table, 1)
        layout.addLayout(consent_row)
        layout.addWidget(self.consent_hint)

    def fill(self, store, h) -> None:
        names = referrals.agency_names(store)
        today = self.ctx.today()
        self.rows = referrals.listing(store, household_id=h.id)
        fill_table(
            self.table,
            [[r.number, "送付" if r.direction == "out" else "受付", names.get(r.agency_id, ""),
              referrals.state_word(r) + ("（期限切れ）" if referrals.is_overdue(r, today) else ""),
              format_wareki(r.sent_on) if r.sent_on else "", format_wareki(r.reply_due) if r.reply_due else ""]
             for r in self.rows],  # fmt: skip
            [r.id for r in self.rows],
        )
        who = {m.id: m.name for m in h.members}
        self.consent_rows = consents.for_household(store, h.id)
        fill_table(
            self.consent_table,
            [[who.get(c.person_id, ""), vocab.CONSENT_PURPOSE.get(c.purpose, ""),
              vocab.CONSENT_SCOPE.get(c.scope, "") + (f"（{'、'.join(a.name for a in c.agencies)}）" if c.agencies else ""),
              vocab.CONSENT_METHOD.get(c.method, "")
              + (f"・法定代理人（{c.representative}）" if c.given_by == "representative" else ""),
              format_wareki(c.consented_on), format_wareki(c.expires_on) if c.expires_on else "",
              format_wareki(c.withdrawn_on) if c.withdrawn_on else ""]
             for c in self.consent_rows],  # fmt: skip
            [c.id for c in self.consent_rows],
        )

    def _sheet(self, **kwargs) -> None:
        ReferralDialog(self.ctx, self.household, self, **kwargs).exec()
        self.changed.emit()  # a sheet is saved step by step inside its dialog

    def new_referral(self) -> None:
        self._sheet()

    def incoming_referral(self) -> None:
        self._sheet(direction="in")

    def open_referral(self) -> None:
        rid = selected_data(self.table)
        if rid is not None:
            self._sheet(referral_id=rid)

    def add_consent(self) -> None:
        members = self.household.members
        person = self.screen.member_tab.selected_person() or (members[0] if len(members) == 1 else None)
        if person is None:
            self.consent_hint.setText(T["choose_person"])
            return
        self.after(ConsentDialog(self.ctx, person.id, self))

    def withdraw_consent(self) -> None:
        cid = selected_data(self.consent_table)
        if cid is not None and confirm(self, T["withdraw_consent"], T["withdraw_confirm"]):
            consents.withdraw(self.ctx.require_store(), cid, self.ctx.today())
            self.changed.emit()
