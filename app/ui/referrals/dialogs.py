"""つなぐシート dialogs: the sheet editor with its life steps, the consent gate, consent, reply, reason."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households import consents
from app.services.households.households import FieldErrors
from app.services.referrals import agencies, referrals
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import (
    DateField,
    ErrorLabel,
    ReasonDialog,
    choice_combo,
    confirm,
    dialog_buttons,
    enable,
    field_row,
    show_print,
)
from app.ui.referrals.agencies_page import AgencyDialog

T = {
    "title": "つなぐシート {number}",
    "new": "つなぐシート（新規）",
    "incoming": "受け取ったつなぐシート {number}",
    "agency_out": "紹介先の機関(&A)",
    "agency_in": "紹介元の機関(&A)",
    "choose_agency": "（機関を選ぶ）",
    "add_agency": "連携先を追加(&N)…",
    "department": "窓口",
    "contact": "先方の担当者",
    "our_staff": "こちらの担当者",
    "person": "本人",
    "method": "つなぎ方",
    "urgency": "緊急度",
    "summary": "相談の概要（主訴・本人の言葉）(&S)",
    "background": "気づいたこと・背景",
    "actions_so_far": "これまでの対応",
    "request": "依頼したいこと(&Q)",
    "note": "メモ",
    "save": "保存(&W)",
    "print": "同意を確認して印刷(&P)",
    "sent": "送付済にする(&D)",
    "accept": "受理された",
    "decline": "辞退された…",
    "reply": "返信票を入力(&R)…",
    "our_reply": "返信を記録して返信票を印刷(&R)…",
    "done": "完了にする",
    "cancel_sheet": "取消…",
    "close": "閉じる",
    "state": "状態: {state}　{extra}",
    "due": "返信期限 {due}",
    "overdue": "（期限を過ぎています）",
    "history": "このシートの経過",
    "history_cols": ["日時", "した人", "内容"],
    "saved": "保存しました",
    "restricted": "虐待・DVの記録がある世帯です。シートには住所と電話を載せません。印刷物の取扱いに十分注意してください。印刷しますか？",
    # gate
    "gate_title": "情報提供の根拠の確認",
    "gate_none": "本人（{person}）から、紹介先「{agency}」への情報提供について有効な同意の記録がありません。"
    "同意を得て記録するか、提供の根拠を選んでください。",
    "gate_consent": "本人の同意を記録する(&C)…",
    "gate_meeting": "支援会議（社会福祉法第106条の6）の構成員として提供(&M)",
    "gate_law": "その他の法令に基づいて提供(&L)",
    "gate_law_note": "根拠となる法令（条文まで）",
    "gate_emergency": "生命・身体の保護のため緊急に提供(&E)",
    "gate_emergency_note": "緊急に提供する理由（次の会議で報告します）",
    "gate_minimal": "根拠がないので最小限の内容で印刷（個人を特定する情報を載せない）(&N)",
    "gate_alias": "シート上の呼び名（イニシャルなど）",
    "gate_text": "載せる内容（確認してから印刷してください）",
    "gate_ok": "この根拠で印刷(&P)",
    "gate_choose": "根拠を選んでください",
    "gate_not_member": "（紹介先は支援会議の構成員として登録されていません）",
    # consent
    "consent_title": "同意の記録",
    "purpose": "目的",
    "scope": "範囲",
    "method_c": "方法",
    "given_by": "同意した人",
    "representative": "法定代理人（氏名と立場）",
    "representative_hint": "例: 成年後見人 山本一郎（弁護士）、親権者 母",
    "consented_on": "同意した日(&D)",
    "expires_on": "期限（あれば）",
    "agencies": "同意の範囲に含める機関",
    "ok": "OK",
    "cancel": "キャンセル",
    # reply
    "reply_title": "返信票の内容",
    "reply_received_on": "返信を受け取った日",
    "reply_accepted_on": "先方の受付日",
    "reply_staff": "先方の担当者",
    "reply_status": "対応状況",
    "reply_plan": "今後の予定",
    "reply_message": "紹介元への連絡事項",
    "our_received": "返信した日",
    "our_accepted": "受け付けた日",
    "our_staff_r": "担当者",
    "in_title": "受け取ったつなぐシートを登録",
    "in_name": "本人の氏名",
    "in_kana": "ふりがな",
    "in_birth": "生年月日",
    "in_address": "住所",
    "in_matches": "登録済みの世帯（同じ人がいないか確かめてください）",
    "in_find": "登録済みか調べる(&F)",
    "in_attach": "選んだ世帯に付ける(&A)",
    "in_new": "新しい世帯として登録(&N)",
    "in_none": "該当する世帯は見つかりませんでした",
    "in_choose": "一覧から世帯を選んでください",
}


def _text(w) -> str:
    return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()


# Why an action is grey (shown when the pointer rests on it).
T_WHY = {
    "unsaved": "先にシートを保存してください",
    "closed": "このシートは完了または取消済みです",
    "save": "完了または取消済みのシートは変更できません",
    "sent": "発送済にできるのは、まだ送っていないシートです",
    "accept": "受入れにできるのは、返事を待っているシートです",
    "decline": "お断りにできるのは、送ったあと返信の前のシートです",
    "reply": "返信を記録できるのは、送ったあと完了の前のシートです",
    "done": "完了にできるのは、返信またはお断りのあったシートです",
    "cancel_sheet": "完了または取消済みのシートは取り消せません",
    "print": "",
}


class ReferralDialog(EditDialog):
    """Create or open a sheet. For a new one, ``household`` and pre-filled ``values`` come from
    referrals.draft_outgoing (nothing re-typed)."""

    def __init__(self, ctx, household, parent=None, *, referral_id: int | None = None, direction: str = "out",
                 values: dict | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx, self.household, self.referral_id = ctx, household, referral_id
        store = ctx.require_store()
        self.ref = referrals.get(store, referral_id) if referral_id else None
        self.direction = self.ref.direction if self.ref else direction
        values = values or (
            referrals.draft_outgoing(store, household.id) if self.ref is None and direction == "out" else {}
        )
        r = self.ref
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}

        form = QFormLayout()
        agency = QComboBox()
        self._row(form, "agency_id", agency, T["agency_out" if self.direction == "out" else "agency_in"])
        # The directory may not hold the agency yet: adding it here keeps the sheet (and what is typed
        # in it) instead of sending the coordinator away to 関係機関 and losing the text.
        add_agency = QPushButton(T["add_agency"], objectName="ref_add_agency")
        add_agency.clicked.connect(self.add_agency)
        beside = QHBoxLayout()
        holder = agency.parentWidget().layout()  # field_row's box: the choice above its error line
        holder.removeWidget(agency)
        beside.addWidget(agency, 1)
        beside.addWidget(add_agency)
        holder.insertLayout(0, beside)
        self._row(form, "agency_department", QLineEdit(r.agency_department if r else ""), T["department"])
        self._row(form, "agency_contact", QLineEdit(r.agency_contact if r else ""), T["contact"])
        self._agencies: dict = {}
        self._load_agencies(r.agency_id if r else values.get("agency_id"))
        # What the chosen agency put in 窓口/担当者: a field still holding it follows the next choice,
        # anything else was typed by the coordinator and is kept. A saved sheet's text that matches its
        # agency counts as the agency's.
        self._filled = self._agency_values(agency.currentData())
        if r is None:
            self._fill_from_agency()
        agency.currentIndexChanged.connect(lambda _i: self._fill_from_agency())
        self._row(
            form, "our_staff", QLineEdit(r.our_staff if r else values.get("our_staff", "")), T["our_staff"]
        )
        person = QComboBox()
        for m in household.members:
            person.addItem(m.name, m.id)
        person.setCurrentIndex(max(0, person.findData(r.person_id if r else values.get("person_id"))))
        self._row(form, "person_id", person, T["person"])
        self._row(
            form,
            "method",
            choice_combo(vocab.REFERRAL_METHOD, r.method if r else values.get("method", "sheet")),
            T["method"],
        )
        self._row(
            form,
            "urgency",
            choice_combo(vocab.URGENCY, r.urgency if r else values.get("urgency", "normal")),
            T["urgency"],
        )

        texts = QFormLayout()
        for key in ("summary", "background", "actions_so_far", "request", "note"):
            edit = QPlainTextEdit(getattr(r, key) if r else values.get(key, ""))
            edit.setMaximumHeight(64)
            self._row(texts, key, edit, T[key])

        self.state = QLabel(objectName="state")
        self.status = QLabel(objectName="status")
        self.general = ErrorLabel()
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(T["history_cols"])
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().hide()
        self.history.setMaximumHeight(130)

        self.actions: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for key, slot in (("save", self.save), ("print", self.print_sheet), ("sent", self.mark_sent),
                          ("accept", self.accept_sheet), ("decline", self.decline), ("reply", self.enter_reply),
                          ("done", self.complete), ("cancel_sheet", self.cancel_sheet)):  # fmt: skip
            text = T["our_reply"] if key == "reply" and self.direction == "in" else T[key]
            b = QPushButton(text, objectName=f"ref_{key}")
            b.clicked.connect(slot)
            steps.addWidget(b)
            self.actions[key] = b
        close = QPushButton(T["close"])
        close.clicked.connect(self.accept)
        steps.addStretch()
        steps.addWidget(close)

        grid = QGridLayout()
        grid.addLayout(form, 0, 0)
        grid.addLayout(texts, 0, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(grid)
        layout.addWidget(self.general)
        layout.addWidget(self.status)
        layout.addLayout(steps)
        layout.addWidget(QLabel(T["history"]))
        layout.addWidget(self.history)
        self.resize(1200, 720)
        self._sync()

    def _row(self, form: QFormLayout, key: str, widget: QWidget, label: str) -> None:
        field_row(form, key, widget, label, self.fields, self.errors)

    # --- agency -----------------------------------------------------------------------------------

    def _load_agencies(self, selected: int | None) -> None:
        """Fill the agency choice and select ``selected``. The sheet's own agency stays listed even when
        it is no longer 利用中, so opening and saving an old sheet does not drop it."""
        combo = self.fields["agency_id"]
        rows = [a for a in agencies.all_agencies(self.ctx.require_store()) if a.active or a.id == selected]
        self._agencies = {a.id: a for a in rows}
        with QSignalBlocker(combo):  # a refill is not a choice: 窓口/担当者 are left alone
            combo.clear()
            combo.addItem(T["choose_agency"], None)
            for a in rows:
                combo.addItem(a.name + (f"（{a.department}）" if a.department else ""), a.id)
            combo.setCurrentIndex(max(0, combo.findData(selected)))

    def _agency_values(self, agency_id: int | None) -> dict[str, str]:
        a = self._agencies.get(agency_id)
        return {
            "agency_department": a.department if a else "",
            "agency_contact": a.contact_person if a else "",
        }

    def _fill_from_agency(self) -> None:
        new = self._agency_values(self.fields["agency_id"].currentData())
        for key, value in new.items():
            edit = self.fields[key]
            if not edit.text().strip() or edit.text() == self._filled.get(key):
                edit.setText(value)
        self._filled = new

    def add_agency(self) -> None:
        """The directory's own dialog and service; the new agency becomes this sheet's choice."""
        dialog = AgencyDialog(self.ctx, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.agency_id is None:
            return
        combo = self.fields["agency_id"]
        previous = combo.currentData()
        self._load_agencies(previous)
        combo.setCurrentIndex(combo.findData(dialog.agency_id))  # an inactive new one is not listed
        self.errors["agency_id"].show_error("")
        combo.setFocus()

    # --- state ------------------------------------------------------------------------------------

    def _sync(self) -> None:
        store = self.ctx.require_store()
        if self.referral_id is not None:
            self.ref = referrals.get(store, self.referral_id)
        r = self.ref
        title = (
            T["new"]
            if r is None
            else T["title" if self.direction == "out" else "incoming"].format(number=r.number)
        )
        self.setWindowTitle(title)
        state = r.state if r else "draft"
        if r is not None:
            extra = T["due"].format(due=format_wareki(r.reply_due)) if r.reply_due else ""
            if referrals.is_overdue(r, self.ctx.today()):
                extra += T["overdue"]
            self.state.setText(T["state"].format(state=referrals.state_word(r), extra=extra))
        out = self.direction == "out"
        enabled = {
            "save": state not in ("done", "cancelled"),
            "print": True,
            "sent": out and state == "draft",
            "accept": state == ("sent" if out else "draft"),
            "decline": out and state in ("sent", "accepted"),
            "reply": state in (("sent", "accepted", "declined") if out else ("draft", "accepted")),
            "done": state in ("replied", "declined") if out else state == "replied",
            "cancel_sheet": r is not None and state not in ("done", "cancelled"),
        }
        for key, b in self.actions.items():
            if r is None and key not in ("save", "print"):
                enable(b, False, T_WHY["unsaved"])
            else:
                enable(b, enabled[key], T_WHY["closed"] if state in ("done", "cancelled") else T_WHY[key])
            b.setVisible(out or key not in ("sent", "decline"))
        self._fill_history()

    def _fill_history(self) -> None:
        if self.referral_id is None:
            self.history.setRowCount(0)
            return
        rows = referrals.change_history(self.ctx.require_store(), self.referral_id)
        words = vocab.REFERRAL_STATE if self.direction == "out" else vocab.INCOMING_STATE
        lines = []
        for rec in rows:
            if rec.action == "insert":
                lines.append((rec.at, rec.actor, "作成"))
            elif rec.new and "state" in rec.new:
                reason = (rec.new or {}).get("state_reason") or ""
                lines.append(
                    (
                        rec.at,
                        rec.actor,
                        f"{words.get(rec.new['state'], rec.new['state'])}"
                        + (f"（{reason}）" if reason else ""),
                    )
                )
            elif rec.new and "basis" in rec.new:
                lines.append(
                    (rec.at, rec.actor, f"情報提供の根拠: {vocab.SHARING_BASIS.get(rec.new['basis'], '')}")
                )
            elif rec.new:
                lines.append((rec.at, rec.actor, "内容を変更"))
        self.history.setRowCount(len(lines))
        for i, (at, actor, what) in enumerate(lines):
            for c, v in enumerate((at.strftime("%Y-%m-%d %H:%M"), actor, what)):
                self.history.setItem(i, c, QTableWidgetItem(v))

    def values(self) -> dict:
        out = {}
        for key, w in self.fields.items():
            out[key] = w.currentData() if isinstance(w, QComboBox) else _text(w)
        return out

    # --- steps ------------------------------------------------------------------------------------

    def _run(self, action) -> bool:
        self.general.show_error("")
        for e in self.errors.values():
            e.show_error("")
        try:
            action()
        except FieldErrors as exc:
            placed = False
            for key, msg in exc.errors.items():
                if key in self.errors:
                    self.errors[key].show_error(msg)
                    placed = True
            if not placed:
                self.general.show_error(str(exc))
            return False
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return False
        self._sync()
        return True

    def save(self) -> bool:
        store = self.ctx.require_store()

        def act():
            if self.referral_id is None:
                self.referral_id = referrals.create(
                    store, self.household.id, self.values(), direction=self.direction
                )
            else:
                referrals.update(store, self.referral_id, self.values())

        ok = self._run(act)
        if ok:
            self.status.setText(T["saved"])
        return ok

    def print_sheet(self) -> None:
        if not self.save():
            return
        store = self.ctx.require_store()
        g = referrals.gate(store, self.referral_id)
        if g.restricted and not confirm(self, T["print"], T["restricted"]):
            return
        if not g.open:
            gate = GateDialog(self.ctx, self.referral_id, g, self)
            if gate.exec() != QDialog.DialogCode.Accepted:
                self._sync()
                return
        try:
            printed = print_catalog.produce(store, "referral", print_catalog.Request(record_id=self.referral_id))
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        self.last_pdf = printed.pdf
        show_print(self, store, printed)
        self._sync()

    def mark_sent(self) -> None:
        self._run(lambda: referrals.mark_sent(self.ctx.require_store(), self.referral_id, self.ctx.today()))

    def accept_sheet(self) -> None:
        self._run(lambda: referrals.accept(self.ctx.require_store(), self.referral_id))

    def decline(self) -> None:
        dialog = ReasonDialog(
            self, lambda reason: referrals.decline(self.ctx.require_store(), self.referral_id, reason)
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._sync()

    def cancel_sheet(self) -> None:
        dialog = ReasonDialog(
            self, lambda reason: referrals.cancel(self.ctx.require_store(), self.referral_id, reason)
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._sync()

    def enter_reply(self) -> None:
        dialog = ReplyDialog(self.ctx, self.referral_id, self, ours=self.direction == "in")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._sync()
            if self.direction == "in":  # our 返信票 goes back to the sender
                self.print_sheet()

    def complete(self) -> None:
        self._run(lambda: referrals.complete(self.ctx.require_store(), self.referral_id))


class GateDialog(QDialog):
    """No valid consent of the person covers the recipient: record the consent now, or choose the basis
    (支援会議, a named other law, 生命・身体の保護 with its reason) or print 最小限."""

    def __init__(self, ctx, referral_id: int, g, parent=None):
        super().__init__(parent)
        self.ctx, self.referral_id = ctx, referral_id
        self.setWindowTitle(T["gate_title"])
        store = ctx.require_store()
        ref = referrals.get(store, referral_id)
        names = referrals.agency_names(store)
        person = ref.person.name if ref.person else ""
        info = QLabel(T["gate_none"].format(person=person, agency=names.get(ref.agency_id, "")))
        info.setWordWrap(True)
        self.consent = QPushButton(T["gate_consent"], objectName="gate_consent")
        self.consent.clicked.connect(self.record_consent)
        self.choices = QButtonGroup(self)
        self.options: dict[str, QRadioButton] = {}
        alias, text = referrals.minimal_draft(store, referral_id)
        self.law = QLineEdit(g.basis_note if g.basis == "other_law" else "", objectName="gate_law_note")
        self.reason = QLineEdit(g.basis_note if g.basis == "emergency" else "", objectName="gate_emergency_note")
        self.alias = QLineEdit(alias, objectName="gate_alias")
        self.text = QPlainTextEdit(text, objectName="gate_text")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.law.setPlaceholderText("例：児童福祉法第25条の3")
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.consent)
        details = {
            "support_meeting": [QLabel(T["gate_not_member"], objectName="hint")] if not g.support_meeting_member else [],
            "other_law": [QLabel(T["gate_law_note"]), self.law],
            "emergency": [QLabel(T["gate_emergency_note"]), self.reason],
            "minimal": [QLabel(T["gate_alias"]), self.alias, QLabel(T["gate_text"]), self.text],
        }
        labels = {"support_meeting": "gate_meeting", "other_law": "gate_law", "emergency": "gate_emergency",
                  "minimal": "gate_minimal"}  # fmt: skip
        for basis, key in labels.items():
            button = QRadioButton(T[key], objectName=f"gate_{basis}")
            self.options[basis] = button
            self.choices.addButton(button)
            layout.addWidget(button)
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(24, 0, 0, 4)
            for w in details[basis]:
                inner.addWidget(w)
            box.setVisible(bool(details[basis]))
            box.setEnabled(False)
            button.toggled.connect(box.setEnabled)
            layout.addWidget(box)
        self.options["support_meeting"].setEnabled(g.support_meeting_member)
        if g.basis in self.options:
            self.options[g.basis].setChecked(True)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self, T["gate_ok"], T["cancel"]))
        self.resize(680, 560)

    def record_consent(self) -> None:
        store = self.ctx.require_store()
        ref = referrals.get(store, self.referral_id)
        dialog = ConsentDialog(self.ctx, ref.person_id, self, agency_id=ref.agency_id, purpose="referral")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            if referrals.confirm_consent_basis(store, self.referral_id):
                self.accept()
            else:
                self.error.show_error("記録した同意はこの紹介先を含んでいません")

    def choose(self, basis: str) -> None:
        self.options[basis].setChecked(True)
        self.submit()

    def submit(self) -> None:
        basis = next((b for b, button in self.options.items() if button.isChecked()), None)
        if basis is None:
            self.error.show_error(T["gate_choose"])
            return
        note = {"other_law": self.law.text(), "emergency": self.reason.text()}.get(basis, "")
        try:
            referrals.set_basis(self.ctx.require_store(), self.referral_id, basis, note,
                                alias=self.alias.text(), text=self.text.toPlainText())  # fmt: skip
        except FieldErrors as exc:
            self.error.show_error(next(iter(exc.errors.values())))
            (self.law if basis == "other_law" else self.reason).setFocus()
            return
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class ConsentDialog(EditDialog):
    def __init__(
        self, ctx, person_id: int, parent=None, *, agency_id: int | None = None, purpose: str = "referral"
    ):
        super().__init__(parent)
        self.ctx, self.person_id = ctx, person_id
        self.setWindowTitle(T["consent_title"])
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        form = QFormLayout()

        def row(key, widget, label):
            field_row(form, key, widget, label, self.fields, self.errors)

        row("purpose", choice_combo(vocab.CONSENT_PURPOSE, purpose), T["purpose"])
        row("scope", choice_combo(vocab.CONSENT_SCOPE, "named"), T["scope"])
        row("method", choice_combo(vocab.CONSENT_METHOD, "verbal"), T["method_c"])
        # Consent is the person's own; a legal representative's is recorded as such, with who they are.
        row("given_by", choice_combo(vocab.CONSENT_GIVER, "self"), T["given_by"])
        self.representative = QLineEdit(placeholderText=T["representative_hint"])
        self.representative.setEnabled(False)
        row("representative", self.representative, T["representative"])
        self.fields["given_by"].currentIndexChanged.connect(
            lambda _i: self.representative.setEnabled(self.fields["given_by"].currentData() == "representative")
        )
        self.consented_on = DateField()
        self.consented_on.set_date(ctx.today())
        row("consented_on", self.consented_on, T["consented_on"])
        self.expires_on = DateField(required=False)
        row("expires_on", self.expires_on, T["expires_on"])
        self.agencies = QListWidget()
        self.agencies.setMaximumHeight(140)
        for a in agencies.all_agencies(ctx.require_store(), active_only=True):
            item = QListWidgetItem(a.name)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a.id == agency_id else Qt.CheckState.Unchecked)
            self.agencies.addItem(item)
        row("agency_ids", self.agencies, T["agencies"])
        self.note = QLineEdit()
        row("note", self.note, T["note"])
        self.fields["scope"].currentIndexChanged.connect(
            lambda _i: self.agencies.setEnabled(self.fields["scope"].currentData() == "named")
        )
        self.general = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(620, 520)

    def submit(self) -> None:
        for e in self.errors.values():
            e.show_error("")
        try:
            given, expires = self.consented_on.value(), self.expires_on.value()
        except ValueError:
            return
        ids = [self.agencies.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.agencies.count())
               if self.agencies.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip
        try:
            consents.record(self.ctx.require_store(), self.person_id, {
                "purpose": self.fields["purpose"].currentData(), "scope": self.fields["scope"].currentData(),
                "method": self.fields["method"].currentData(), "consented_on": given, "expires_on": expires,
                "agency_ids": ids, "note": self.note.text(), "given_by": self.fields["given_by"].currentData(),
                "representative": self.representative.text(),
            })  # fmt: skip
        except FieldErrors as exc:
            for key, msg in exc.errors.items():
                (self.errors.get(key) or self.general).show_error(msg)
            return
        self.accept()


class ReplyDialog(EditDialog):
    """The 返信票: as returned by the other agency (outgoing), or our own reply (incoming)."""

    def __init__(self, ctx, referral_id: int, parent=None, *, ours: bool = False):
        super().__init__(parent)
        self.ctx, self.referral_id = ctx, referral_id
        self.setWindowTitle(T["reply_title"])
        self.received = DateField()
        self.received.set_date(ctx.today())
        self.accepted = DateField(required=False)
        self.staff = QLineEdit(objectName="reply_staff")
        self.status = choice_combo(vocab.REPLY_STATUS, None, empty="（選ぶ）")
        self.status.setObjectName("reply_status")
        self.plan = QPlainTextEdit(objectName="reply_plan")
        self.message = QPlainTextEdit(objectName="reply_message")
        for w in (self.plan, self.message):
            w.setMaximumHeight(70)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(T["our_received" if ours else "reply_received_on"], self.received)
        form.addRow(T["our_accepted" if ours else "reply_accepted_on"], self.accepted)
        form.addRow(T["our_staff_r" if ours else "reply_staff"], self.staff)
        form.addRow(T["reply_status"], self.status)
        form.addRow(T["reply_plan"], self.plan)
        form.addRow(T["reply_message"], self.message)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(620, 440)

    def submit(self) -> None:
        try:
            received, accepted = self.received.value(), self.accepted.value()
        except ValueError:
            return
        try:
            referrals.record_reply(self.ctx.require_store(), self.referral_id, {
                "reply_received_on": received, "reply_accepted_on": accepted, "reply_staff": self.staff.text(),
                "reply_status": self.status.currentData(), "reply_plan": self.plan.toPlainText(),
                "reply_message": self.message.toPlainText(),
            })  # fmt: skip
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class IncomingDialog(EditDialog):
    """A sheet received from another agency: find the family if already known (same kana or name and
    birth date, or a name match), or register a new household; ``household_id`` is the result."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        from app.ui.common.widgets import DateField

        self.ctx = ctx
        self.household_id: int | None = None
        self.setWindowTitle(T["in_title"])
        self.name = QLineEdit(objectName="in_name")
        self.kana = QLineEdit(objectName="in_kana")
        self.birth = DateField(required=False)
        self.address = QLineEdit(objectName="in_address")
        self.matches = QListWidget(objectName="in_matches")
        self.error = ErrorLabel()
        find = QPushButton(T["in_find"])
        find.clicked.connect(self.find)
        attach = QPushButton(T["in_attach"], objectName="in_attach")
        attach.clicked.connect(self.attach)
        create = QPushButton(T["in_new"], objectName="in_new")
        create.clicked.connect(self.create)
        cancel = QPushButton(T["cancel"])
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(T["in_name"], self.name)
        form.addRow(T["in_kana"], self.kana)
        form.addRow(T["in_birth"], self.birth)
        form.addRow(T["in_address"], self.address)
        buttons = QHBoxLayout()
        for b in (find, attach, create):
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(T["in_matches"]))
        layout.addWidget(self.matches)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(640, 480)

    def find(self) -> None:
        from app.services.households import households, search

        store = self.ctx.require_store()
        self.matches.clear()
        try:
            born = self.birth.value()
        except ValueError:
            return
        found: dict[int, str] = {}
        if born is not None:
            for d in households.possible_duplicates(store, self.kana.text(), self.name.text(), born):
                found[d.household_id] = (
                    f"{d.household_code}　{d.name}（{format_wareki(d.birth_date)}生）※同じ人の可能性"
                )
        query = self.kana.text() or self.name.text()
        if query.strip():
            for row in search.first_rows(store, query, limit=20):
                found.setdefault(row.id, f"{row.code}　{row.head_name or row.label}　{row.address}")
        for hid, text in found.items():
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, hid)
            self.matches.addItem(item)
        if not found:
            self.error.show_error(T["in_none"])

    def attach(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            self.error.show_error(T["in_choose"])
            return
        self.household_id = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def create(self) -> None:
        from app.services.households import households

        store = self.ctx.require_store()
        try:
            born = self.birth.value()
        except ValueError:
            return
        head = None
        if self.name.text().strip() and born is not None:
            head = {"name": self.name.text(), "kana": self.kana.text(), "birth_date": born, "relation": "head"}
        try:
            # Without an address the household is known by the person's name until it is filled in; the
            # household and its first member are one act (both or neither).
            hid = households.create_household(
                store,
                head=head,
                address=self.address.text(),
                label="" if self.address.text().strip() else self.name.text(),
            )
        except FieldErrors as exc:
            self.error.show_error(next(iter(exc.errors.values())))
            return
        self.household_id = hid
        self.accept()
