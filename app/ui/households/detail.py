"""One household: header, members, genogram, intakes, flags and change history, with its prints."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.japanese import age_on, format_wareki
from app.services.flags import flag_review
from app.services.households import consents, genogram, households
from app.services.outreach import outreach
from app.services.records import stored
from app.services.records.family import RelationWords, care_notes
from app.services.referrals import referrals
from app.services.store import settings as town_settings
from app.ui.common.widgets import confirm, fill_table, heading, record_table, selected_data, show_print
from app.ui.households.dialogs import HouseholdDialog, IntakeDialog, MemberDialog, StatusDialog
from app.ui.households.flag_dialogs import ManualFlagDialog, ReasonDialog
from app.ui.households.genogram_view import GenogramView
from app.ui.meetings.plan_tab import PlanTab
from app.ui.outreach.dialogs import NoteDialog, VisitDialog
from app.ui.referrals.dialogs import ConsentDialog, ReferralDialog

T = {
    "back": "← 一覧に戻る",
    "edit": "世帯の情報(&E)…",
    "status": "状態の変更(&S)…",
    "closure_other": "その他（理由：{note}）",
    "add_member": "世帯員を追加(&A)…",
    "intake": "相談受付を記録(&R)…",
    "face": "世帯票を印刷(&P)",
    "members": "世帯員",
    "genogram": "ジェノグラム",
    "intakes": "相談受付",
    "flags": "気づき",
    "history": "変更履歴",
    "referrals": "つなぐシート・同意",
    "timeline": "支援経過",
    "plans": "会議・プラン",
    "timeline_cols": ["日時", "種類", "内容", "記録"],
    "all_kinds": "すべて",
    "add_visit": "訪問を記録(&V)…",
    "add_note": "メモを追加(&M)…",
    "open_entry": "開く…",
    "print_timeline": "経過一覧を印刷(&L)",
    "print_visit": "訪問記録票を印刷",
    "new_referral": "つなぐシートを作成(&T)…",
    "incoming_referral": "受け取ったシートを登録…",
    "open_referral": "シートを開く…",
    "referral_cols": ["番号", "向き", "機関", "状態", "送付・受付日", "返信期限"],
    "consent_cols": ["本人", "目的", "範囲", "方法", "同意日", "期限", "撤回"],
    "add_consent": "同意を記録(&C)…",
    "withdraw_consent": "同意の撤回…",
    "withdraw_confirm": "この同意を今日付けで撤回として記録しますか？（記録は残ります）",
    "choose_person": "同意した本人を、世帯員の一覧で選んでから押してください",
    "edit_member": "編集(&D)…",
    "remove_member": "削除…",
    "remove_confirm": "{name} さんを世帯員から削除しますか？\n（転出などで別に暮らす場合は、削除せず「同居している」を外してください。削除の記録は変更履歴に残ります）",
    "open_intake": "開く(&O)…",
    "print_intake": "相談受付票を印刷(&T)",
    "member_cols": [
        "氏名",
        "ふりがな",
        "続柄",
        "性別",
        "生年月日",
        "年齢",
        "要介護など",
        "居住",
        "介護・世話の相手",
    ],
    "intake_cols": ["受付日", "経路", "◎ 最も困っていること", "主訴", "対応", "受付者"],
    "flag_cols": ["気づき", "状態", "理由", "判断した人・日時", "判断の理由・メモ"],
    "confirm_flag": "確認する(&K)",
    "dismiss_flag": "該当なし(&N)…",
    "undo_flag": "元に戻す(&U)",
    "manual_flag": "手動で追加(&M)…",
    "end_flag": "解除…",
    "show_inactive": "以前の気づき（今は該当しないもの）",
    "restricted": "虐待・DVの記録がある世帯です。印刷物には住所と電話を載せません。印刷した紙の取扱いに注意してください。続けますか？",
    "history_cols": ["日時", "変更した人", "対象", "内容"],
    "flag_note": "自動の気づきは候補です。確認するか、理由を付けて該当なしにしてください。",
    "no_flags": "気づきはありません。",
    "address": "住所",
    "district": "自治会・地区",
    "phone": "電話",
    "housing": "住居",
    "reason": "状態の理由",
    "here": "同居",
    "away": "別居",
    "dead": "死亡",
}


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
        buttons = QHBoxLayout()
        self.actions = {}
        for key, slot in (
            ("edit", self.edit_household),
            ("status", self.change_status),
            ("add_member", self.add_member),
            ("intake", self.add_intake),
            ("face", self.print_face_sheet),
        ):
            button = QPushButton(T[key], objectName=f"{key}_button")
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.actions[key] = button
        buttons.addStretch()

        self.tabs = QTabWidget()
        self.members = record_table(T["member_cols"])
        self.members.doubleClicked.connect(lambda _i: self.edit_member())
        member_tab = QWidget()
        mbuttons = QHBoxLayout()
        for key, slot in (("edit_member", self.edit_member), ("remove_member", self.remove_member)):
            b = QPushButton(T[key])
            b.clicked.connect(slot)
            mbuttons.addWidget(b)
        mbuttons.addStretch()
        mlay = QVBoxLayout(member_tab)
        mlay.addWidget(self.members)
        mlay.addLayout(mbuttons)
        self.genogram = GenogramView()
        self.intakes = record_table(T["intake_cols"])
        self.intakes.doubleClicked.connect(lambda _i: self.open_intake())
        intake_tab = QWidget()
        ibuttons = QHBoxLayout()
        for key, slot in (("open_intake", self.open_intake), ("print_intake", self.print_intake)):
            b = QPushButton(T[key], objectName=f"{key}_button")
            b.clicked.connect(slot)
            ibuttons.addWidget(b)
        ibuttons.addStretch()
        ilay = QVBoxLayout(intake_tab)
        ilay.addWidget(self.intakes)
        ilay.addLayout(ibuttons)
        self.flags = record_table(T["flag_cols"])
        self.flags.itemSelectionChanged.connect(self._sync_flag_buttons)
        flag_tab = QWidget()
        flay = QVBoxLayout(flag_tab)
        self.flag_note = QLabel(T["flag_note"], objectName="hint")
        fbuttons = QHBoxLayout()
        self.flag_buttons = {}
        for key, slot in (
            ("confirm_flag", self.confirm_flag),
            ("dismiss_flag", self.dismiss_flag),
            ("undo_flag", self.undo_flag),
            ("end_flag", self.end_flag),
            ("manual_flag", self.add_manual_flag),
        ):
            b = QPushButton(T[key], objectName=key)
            b.clicked.connect(slot)
            fbuttons.addWidget(b)
            self.flag_buttons[key] = b
        fbuttons.addStretch()
        flay.addWidget(self.flags)
        flay.addWidget(self.flag_note)
        flay.addLayout(fbuttons)
        self.history = record_table(T["history_cols"])
        self.referral_table = record_table(T["referral_cols"])
        self.referral_table.doubleClicked.connect(lambda _i: self.open_referral())
        self.consent_table = record_table(T["consent_cols"])
        timeline_tab = QWidget()
        tlay = QVBoxLayout(timeline_tab)
        self.timeline_filter = QComboBox(objectName="timeline_filter")
        self.timeline_filter.addItem(T["all_kinds"], None)
        for code, word in outreach.KIND_WORDS.items():
            self.timeline_filter.addItem(word, code)
        self.timeline_filter.currentIndexChanged.connect(
            lambda _i: self._fill_timeline(self.ctx.require_store())
        )
        self.timeline = record_table(T["timeline_cols"])
        self.timeline.doubleClicked.connect(lambda _i: self.open_entry())
        tbuttons = QHBoxLayout()
        tbuttons.addWidget(self.timeline_filter)
        for key, slot in (("add_visit", self.add_visit), ("add_note", self.add_note), ("open_entry", self.open_entry),
                          ("print_timeline", self.print_timeline), ("print_visit", self.print_visit)):  # fmt: skip
            b = QPushButton(T[key], objectName=key)
            b.clicked.connect(slot)
            tbuttons.addWidget(b)
        tbuttons.addStretch()
        tlay.addLayout(tbuttons)
        tlay.addWidget(self.timeline)
        referral_tab = QWidget()
        rlay = QVBoxLayout(referral_tab)
        rbuttons = QHBoxLayout()
        for key, slot in (("new_referral", self.new_referral), ("incoming_referral", self.incoming_referral),
                          ("open_referral", self.open_referral)):  # fmt: skip
            b = QPushButton(T[key], objectName=key)
            b.clicked.connect(slot)
            rbuttons.addWidget(b)
        rbuttons.addStretch()
        cbuttons = QHBoxLayout()
        for key, slot in (("add_consent", self.add_consent), ("withdraw_consent", self.withdraw_consent)):
            b = QPushButton(T[key], objectName=key)
            b.clicked.connect(slot)
            cbuttons.addWidget(b)
        cbuttons.addStretch()
        self.consent_hint = QLabel(objectName="hint")
        rlay.addWidget(self.referral_table, 2)
        rlay.addLayout(rbuttons)
        rlay.addWidget(self.consent_table, 1)
        rlay.addLayout(cbuttons)
        rlay.addWidget(self.consent_hint)
        self.plan_tab = PlanTab(ctx)
        self.plan_tab.changed.connect(self.reload)
        for widget, key in (
            (member_tab, "members"),
            (self.genogram, "genogram"),
            (intake_tab, "intakes"),
            (timeline_tab, "timeline"),
            (flag_tab, "flags"),
            (referral_tab, "referrals"),
            (self.plan_tab, "plans"),
            (self.history, "history"),
        ):
            self.tabs.addTab(widget, T[key])

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
        self.plan_tab.load(h.id)
        today = date.today()
        record = stored.to_record(h)
        words = RelationWords(record)
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

        names = {m.id: m.name for m in h.members}
        rows = []
        for p, m in zip(h.members, record.members, strict=True):
            notes = care_notes(p)
            place = T["dead"] if p.deceased else (T["here"] if p.lives_here else T["away"])
            rows.append(
                [p.name, p.kana, words(m), vocab.SEX[p.sex], format_wareki(p.birth_date),
                 "" if p.deceased else f"{age_on(p.birth_date, today)}歳", "・".join(notes), place,
                 "、".join(names.get(c.cared_id, "") for c in p.cares)]
            )  # fmt: skip
        fill_table(self.members, rows, [p.id for p in h.members])

        latest = households.intakes(store, h.id)
        fill_table(
            self.intakes,
            [
                [
                    format_wareki(i.received_on),
                    vocab.ROUTE.get(i.route, ""),
                    vocab.CONSULT_CATEGORY.get(i.main_category, "") if i.main_category else "",
                    i.main_complaint.replace("\n", " ")[:60],
                    vocab.INTAKE_RESPONSE.get(i.response, ""),
                    i.received_by,
                ]
                for i in latest
            ],  # fmt: skip
            [i.id for i in latest],
        )
        client = latest[0].person.code if latest and latest[0].person else None
        self.genogram.show_genogram(genogram.layout(record, today, client))
        # Flags that still need attention first; one read (each read evaluates the household's rules).
        self.flag_views = sorted(
            flag_review.for_household(store, h.id, today),
            key=lambda f: not (f.active and f.state in ("candidate", "confirmed")),
        )
        fill_table(
            self.flags,
            [
                [
                    f.word if f.active else f"{f.word}（今は該当しない）",
                    f.state_word,
                    f.note or f.reason,
                    f"{f.decided_by} {f.decided_at:%Y-%m-%d %H:%M}" if f.decided_at else "",
                    f.state_note,
                ]
                for f in self.flag_views
            ],  # fmt: skip
            [f.id for f in self.flag_views],
        )
        self.flag_note.setText(T["flag_note"] if self.flag_views else T["no_flags"])
        self._fill_referrals(store)
        self._fill_timeline(store)
        self._sync_flag_buttons()
        fill_table(
            self.history,
            [
                [
                    line.at.strftime("%Y-%m-%d %H:%M"),
                    line.actor,
                    line.what,
                    line.action
                    + (
                        "：" + "、".join(f"{k} {o!s}→{n!s}" for k, o, n in line.changes)
                        if line.changes
                        else ""
                    ),
                ]
                for line in households.history(store, h.id)
            ],  # fmt: skip
        )

    # --- actions ----------------------------------------------------------------------------------

    # --- 支援経過 -------------------------------------------------------------------------------------

    def _fill_timeline(self, store) -> None:
        kind = self.timeline_filter.currentData()
        self.entries = outreach.timeline(store, self.household.id, {kind} if kind else None)
        rows = [[f"{format_wareki(e.at.date())} {e.at:%H:%M}" if e.at.time() != e.at.min.time() else format_wareki(e.at.date()),
                 e.kind_word, e.title, e.detail.replace("\n", " ")[:120]] for e in self.entries]  # fmt: skip
        fill_table(self.timeline, rows, list(range(len(self.entries))))

    def _entry(self):
        index = selected_data(self.timeline)
        return self.entries[index] if index is not None else None

    def add_visit(self) -> None:
        self._after(VisitDialog(self.ctx, self.household, self, visitor=self._user_name()))

    def add_note(self) -> None:
        self._after(NoteDialog(self.ctx, self.household, self))

    def open_entry(self) -> None:
        e = self._entry()
        if e is None:
            return
        store = self.ctx.require_store()
        if e.kind == "visit":
            self._after(
                VisitDialog(self.ctx, self.household, self, visit=outreach.get_visit(store, e.record_id))
            )
        elif e.kind in ("referral", "reply"):
            ReferralDialog(self.ctx, self.household, self, referral_id=e.record_id).exec()
            self.reload()
        elif e.kind == "intake":
            intake = next(
                (i for i in households.intakes(store, self.household.id) if i.id == e.record_id), None
            )
            if intake is not None:
                self._after(IntakeDialog(self.ctx, self.household, self, intake=intake))

    def _produce(self, key: str, record_id: int | None = None):
        request = print_catalog.Request(household_id=self.household.id, record_id=record_id)
        return print_catalog.produce(self.ctx.require_store(), key, request)

    def timeline_print(self):
        return self._produce("timeline")

    def visit_print(self):
        e = self._entry()
        visits = [x for x in self.entries if x.kind == "visit"]
        target = e if e is not None and e.kind == "visit" else (visits[-1] if visits else None)
        return None if target is None else self._produce("visit", target.record_id)

    def print_timeline(self) -> None:
        if self._may_print():
            show_print(self, self.ctx.require_store(), self.timeline_print())

    def print_visit(self) -> None:
        printed = self.visit_print()
        if printed is not None and self._may_print():
            show_print(self, self.ctx.require_store(), printed)

    # --- つなぐシート・同意 ------------------------------------------------------------------------------

    def _fill_referrals(self, store) -> None:
        names = referrals.agency_names(store)
        today = self.ctx.today()
        self.referral_rows = referrals.listing(store, household_id=self.household.id)
        fill_table(
            self.referral_table,
            [
                [
                    r.number,
                    "送付" if r.direction == "out" else "受付",
                    names.get(r.agency_id, ""),
                    referrals.state_word(r) + ("（期限切れ）" if referrals.is_overdue(r, today) else ""),
                    format_wareki(r.sent_on) if r.sent_on else "",
                    format_wareki(r.reply_due) if r.reply_due else "",
                ]
                for r in self.referral_rows
            ],  # fmt: skip
            [r.id for r in self.referral_rows],
        )
        who = {m.id: m.name for m in self.household.members}
        self.consent_rows = consents.for_household(store, self.household.id)
        fill_table(
            self.consent_table,
            [
                [
                    who.get(c.person_id, ""),
                    vocab.CONSENT_PURPOSE.get(c.purpose, ""),
                    vocab.CONSENT_SCOPE.get(c.scope, "")
                    + (f"（{'、'.join(a.name for a in c.agencies)}）" if c.agencies else ""),
                    vocab.CONSENT_METHOD.get(c.method, "")
                    + (f"・法定代理人（{c.representative}）" if c.given_by == "representative" else ""),
                    format_wareki(c.consented_on),
                    format_wareki(c.expires_on) if c.expires_on else "",
                    format_wareki(c.withdrawn_on) if c.withdrawn_on else "",
                ]
                for c in self.consent_rows
            ],  # fmt: skip
            [c.id for c in self.consent_rows],
        )

    def new_referral(self) -> None:
        ReferralDialog(self.ctx, self.household, self).exec()
        self.reload()

    def incoming_referral(self) -> None:
        ReferralDialog(self.ctx, self.household, self, direction="in").exec()
        self.reload()

    def open_referral(self) -> None:
        rid = selected_data(self.referral_table)
        if rid is not None:
            ReferralDialog(self.ctx, self.household, self, referral_id=rid).exec()
            self.reload()

    def add_consent(self) -> None:
        person = self._person() or (self.household.members[0] if len(self.household.members) == 1 else None)
        if person is None:
            self.consent_hint.setText(T["choose_person"])
            return
        self._after(ConsentDialog(self.ctx, person.id, self))

    def withdraw_consent(self) -> None:
        cid = selected_data(self.consent_table)
        if cid is not None and confirm(self, T["withdraw_consent"], T["withdraw_confirm"]):
            consents.withdraw(self.ctx.require_store(), cid, self.ctx.today())
            self.reload()

    # --- 気づき --------------------------------------------------------------------------------------

    def _flag(self):
        fid = selected_data(self.flags)
        return next((f for f in self.flag_views if f.id == fid), None)

    def _sync_flag_buttons(self) -> None:
        f = self._flag()
        self.flag_buttons["confirm_flag"].setEnabled(f is not None and f.state == "candidate")
        self.flag_buttons["dismiss_flag"].setEnabled(
            f is not None and f.state in ("candidate", "confirmed") and f.source == "auto"
        )
        self.flag_buttons["end_flag"].setEnabled(
            f is not None and f.state == "confirmed" and f.source == "manual"
        )
        self.flag_buttons["undo_flag"].setEnabled(f is not None and f.can_undo)

    def _keep_flag_selected(self, flag_id: int) -> None:
        for r in range(self.flags.rowCount()):
            if self.flags.item(r, 0).data(Qt.ItemDataRole.UserRole) == flag_id:
                self.flags.selectRow(r)

    def confirm_flag(self) -> None:
        f = self._flag()
        if f is not None:
            flag_review.confirm(self.ctx.require_store(), f.id)
            self.reload()
            self._keep_flag_selected(f.id)

    def dismiss_flag(self) -> None:
        f = self._flag()
        if f is not None and ReasonDialog(self.ctx, f, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self._keep_flag_selected(f.id)

    def end_flag(self) -> None:
        f = self._flag()
        if f is not None and ReasonDialog(self.ctx, f, self, end=True).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def undo_flag(self) -> None:
        f = self._flag()
        if f is not None:
            flag_review.undo(self.ctx.require_store(), f.id)
            self.reload()
            self._keep_flag_selected(f.id)

    def add_manual_flag(self) -> None:
        self._after(ManualFlagDialog(self.ctx, self.household, self))

    def _after(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def edit_household(self) -> None:
        self._after(HouseholdDialog(self.ctx, self, household=self.household))

    def change_status(self) -> None:
        self._after(StatusDialog(self.ctx, self.household, self))

    def add_member(self) -> None:
        self._after(MemberDialog(self.ctx, self.household, self))

    def _person(self):
        pid = selected_data(self.members)
        return next((m for m in self.household.members if m.id == pid), None)

    def edit_member(self) -> None:
        person = self._person()
        if person is not None:
            self._after(MemberDialog(self.ctx, self.household, self, person=person))

    def remove_member(self) -> None:
        person = self._person()
        if person is not None and confirm(
            self, T["remove_member"], T["remove_confirm"].format(name=person.name)
        ):
            households.remove_member(self.ctx.require_store(), person.id)
            self.reload()

    def _user_name(self) -> str:
        return town_settings.printed_by(self.ctx.require_store())

    def add_intake(self) -> None:
        self._after(IntakeDialog(self.ctx, self.household, self, received_by=self._user_name()))
        self.tabs.setCurrentWidget(self.intakes.parentWidget())

    def _intake(self):
        iid = selected_data(self.intakes)
        if iid is None and self.intakes.rowCount():
            iid = self.intakes.item(0, 0).data(Qt.ItemDataRole.UserRole)
        return next(
            (i for i in households.intakes(self.ctx.require_store(), self.household.id) if i.id == iid), None
        )

    def open_intake(self) -> None:
        intake = self._intake()
        if intake is not None:
            self._after(IntakeDialog(self.ctx, self.household, self, intake=intake))

    def intake_print(self):
        intake = self._intake()
        return None if intake is None else self._produce("intake", intake.id)

    def face_print(self):
        return self._produce("face")

    def _may_print(self) -> bool:
        """Under 虐待・DV the pipeline leaves out where the family lives; the paper still needs care."""
        if not flag_review.printing_restricted(self.ctx.require_store(), self.household.id):
            return True
        return confirm(self, T["face"], T["restricted"])

    def print_intake(self) -> None:
        printed = self.intake_print()
        if printed is not None and self._may_print():
            show_print(self, self.ctx.require_store(), printed)

    def print_face_sheet(self) -> None:
        if self._may_print():
            show_print(self, self.ctx.require_store(), self.face_print())
