"""Screenshots of what the coordinator sees, at 1366×768, for a person to look at.

Run under a virtual screen:  xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py [OUT]
Writes PNGs to OUT (default build/screenshots). Uses a throw-away data folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QRect, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWizard  # noqa: E402

from app.services.printing import printing  # noqa: E402
from app.services.store.keyslots import FAST  # noqa: E402
from app.ui.common.context import AppContext  # noqa: E402
from app.ui.main import build_application  # noqa: E402
from app.ui.window.first_run import FirstRunWizard  # noqa: E402
from app.ui.window.shell import Shell  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "screenshots"
PRINTS = OUT.parent / "prints"  # the printed forms, beside the screenshots
PASS = "山あいの町で春に咲く桜 2026"


def snap(widget, name: str) -> None:
    QTest.qWait(300)
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def snap_screen(name: str, *widgets, margin: int = 12) -> None:
    """The screen around ``widgets`` (several windows at once: a dialog over its parent, a menu at its field)."""
    QApplication.processEvents()
    area = QRect()
    for w in widgets:
        rect = w.frameGeometry() if w.isWindow() else QRect(w.mapToGlobal(QPoint(0, 0)), w.size())
        area = area.united(rect)
    screen = QApplication.primaryScreen()
    area = area.adjusted(-margin, -margin, margin, margin).intersected(screen.geometry())
    screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def when_modal(then, delay: int = 600) -> None:
    """Call before something that opens a modal window and waits: ``then(window)`` runs once it is up
    (it must close the window, or the script waits for ever)."""

    def look(tries: int = 20) -> None:
        window = QApplication.activeModalWidget()
        if window is None or not window.isVisible():
            if tries:
                QTimer.singleShot(100, lambda: look(tries - 1))
                return
            print("no modal window came up", file=sys.stderr)
            os._exit(1)  # (an exception here would end in Qt's handler, and the script would wait for ever)
        then(window)

    QTimer.singleShot(delay, look)


def grab_and_answer(name: str, answer: str = "いいえ"):
    """For when_modal: save the message box as it is, then press its ``answer`` button."""

    def then(box: QMessageBox) -> None:
        QApplication.processEvents()
        box.grab().save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")
        button = next(b for b in box.buttons() if b.text() == answer)
        button.click()

    return then


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    PRINTS.mkdir(parents=True, exist_ok=True)
    app = build_application([])
    ctx = AppContext(data_dir=Path(tempfile.mkdtemp()) / "tsunagi", kdf=FAST)

    wizard = FirstRunWizard(ctx)
    wizard.resize(1000, 640)
    wizard.show()
    snap(wizard, "01-wizard-welcome")
    wizard.next()
    wizard.town_page.town.setText("例示県つなぎ町")
    wizard.town_page.user.setText("田中 一郎")
    snap(wizard, "02-wizard-town")
    wizard.next()
    wizard.passphrase_page.fields.first.setText(PASS)
    wizard.passphrase_page.fields.second.setText(PASS)
    snap(wizard, "03-wizard-passphrase")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    snap(wizard, "04-wizard-recovery-key")
    wizard.key_page.stored.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()

    shell = Shell(ctx)
    shell.resize(1366, 768)
    shell.enter(wizard.created.store)
    shell.show()
    snap(shell, "05-home-empty")
    shell.content.nav.setCurrentRow(shell.content.nav.count() - 1)
    snap(shell, "06-settings")
    shell.content.nav.setCurrentRow(0)
    shell.lock()
    snap(shell, "07-locked")
    shell.sign_out()
    snap(shell, "08-sign-in")
    shell.sign_in.passphrase.setText("まちがい")
    shell.sign_in.submit()
    snap(shell, "09-sign-in-wrong")
    sign_in_wait_and_busy(shell)
    households_screens(shell)
    sheet_import_screens(shell)
    QTimer.singleShot(0, app.quit)


def sign_in_wait_and_busy(shell: Shell) -> None:
    """Wrong passphrases until the wait (the button greyed out, the reason beside it), then the right one
    behind the progress window that says the passphrase is being checked."""
    import time

    import app.ui.window.sign_in as sign_in_page
    from app.services.store import attempts

    page = shell.sign_in
    for _try in range(attempts.FREE):  # the fifth failure starts a wait
        if attempts.status(shell.ctx.data_dir).wait_s > 0:
            break
        page.passphrase.setText("まちがい")
        page.submit()
    snap(shell, "37-disabled-style")
    while page._wait_left > 0:
        QTest.qWait(100)
    real = sign_in_page.run_slow

    def slowed(parent, title, label, work):  # the fast test key derivation would end before the grab
        return real(parent, title, label, lambda progress: (time.sleep(1.2), work(progress))[1])

    def grab() -> None:  # the screen, not the window: the progress window is a window of its own
        snap_screen("38-sign-in-busy", shell, margin=0)

    sign_in_page.run_slow = slowed
    try:
        page.passphrase.setText(PASS)
        QTimer.singleShot(500, grab)
        page.submit()
    finally:
        sign_in_page.run_slow = real
    assert shell.ctx.store is not None, "the right passphrase did not sign in"


def sheet_import_screens(shell: Shell) -> None:
    """The import wizard on a town's list with three bad rows: the columns, then the rows refused."""
    from app.ui.households.sheet_wizard import SheetImportWizard
    from bench.town_sheet import HEADERS, person_rows, write_xlsx

    rows = person_rows(60, seed=9)
    rows[4][5], rows[17][6], rows[30][2] = "昭和七十年", "大家さん", "山?田 一郎"
    headers = ["世帯No", "宛名番号", "名前", "カナ", "性別", "生年月日", "続き柄", "現住所", "〒", "TEL", "自治会", "メモ"]
    assert len(headers) == len(HEADERS)
    path = write_xlsx(Path(tempfile.mkdtemp()) / "民生委員名簿.xlsx", rows)
    from openpyxl import load_workbook

    book = load_workbook(path)
    for cell, header in zip(book.active[1], headers, strict=True):
        cell.value = header
    book.save(path)
    wizard = SheetImportWizard(shell.ctx, shell)
    wizard.show()
    snap(wizard, "90-import-file")
    wizard.load(path)
    snap(wizard, "91-import-columns")
    wizard.next_button.click()
    snap(wizard, "92-import-preview-refused")
    wizard.only_bad.setChecked(False)
    snap(wizard, "93-import-preview-all-rows")
    wizard.close()


def households_screens(shell: Shell) -> None:
    """A demo town's list, then one family's detail with its genogram, and the two household prints."""
    from app.services.households import demo, exchange, households

    store = shell.ctx.require_store()
    exchange.import_records(store, demo.generate(300, seed=1))
    hid = households.create_household(
        store, address="例示県つなぎ町大字本町1-2", district="本町一区", phone="0858-12-3456"
    )
    gm = households.add_member(store, hid, {"name": "山田 ハル", "kana": "やまだ はる", "birth_date": date(1931, 3, 3),
                                            "relation": "parent", "sex": "female", "deceased": True})  # fmt: skip
    father = households.add_member(store, hid, {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1944, 5, 1),
                                                "relation": "head", "sex": "male", "care_level": "care2", "marital": "widowed"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male", "work": "not_working", "marital": "single",
                                             "hikikomori": "yes", "own_words": "父の介護は自分がしたい"})  # fmt: skip
    daughter = households.add_member(store, hid, {"name": "髙橋 﨑子", "kana": "たかはし さきこ", "birth_date": date(1976, 8, 9),
                                                  "relation": "child", "sex": "female", "lives_here": False})  # fmt: skip
    households.set_cares(store, son, [father])
    households.set_cares(store, daughter, [father])
    households.add_intake(store, hid, {"person_id": son, "received_on": date(2026, 11, 20), "received_by": "田中 一郎",
                                       "route": "minsei", "categories": ["care", "income"], "main_category": "hikikomori",
                                       "main_complaint": "父の介護で外に出られない。お金のことも心配。",
                                       "background": "民生委員から。父の入院をきっかけに相談。", "response": "self"})  # fmt: skip
    del gm
    content = shell.content
    content.nav.setCurrentRow(1)
    page = content.page("世帯")
    page.show_list()
    snap(shell, "10-households-list")
    page.list.search.setText("ﾔﾏﾀﾞ")
    page.list.apply()
    snap(shell, "11-households-search-halfwidth")
    search = page.list.search
    search.setFocus()
    search.selectAll()
    menu = search.createStandardContextMenu()  # what a right click on the field shows
    menu.popup(search.mapToGlobal(QPoint(24, search.height() // 2)))
    QTest.qWait(300)
    snap_screen("35-context-menu", search, menu)
    menu.close()
    menu.deleteLater()
    page.open(hid)
    snap(shell, "12-household-members")
    page.detail.tabs.setCurrentIndex(1)
    snap(shell, "13-household-genogram")
    page.detail.tabs.setCurrentIndex(2)
    snap(shell, "14-household-intakes")
    from app.ui.households.dialogs import IntakeDialog

    intake = IntakeDialog(shell.ctx, households.open_household(store, hid), shell,
                          intake=households.intakes(store, hid)[0])  # fmt: skip
    intake.show()
    QTest.qWait(300)
    when_modal(grab_and_answer("40-delete-confirm"))
    intake.delete()  # answered いいえ: the intake stays
    assert households.intakes(store, hid), "いいえ deleted the intake"
    intake.close()
    page.detail.tabs.setCurrentIndex(3)
    page.detail.flag_tab.table.selectRow(0)
    snap(shell, "15-household-flags")
    (PRINTS / "household-face-sheet.pdf").write_bytes(page.detail.face_print().pdf)
    page.detail.tabs.setCurrentIndex(2)
    page.detail.intake_tab.table.selectRow(0)
    (PRINTS / "household-intake-sheet.pdf").write_bytes(page.detail.intake_tab.intake_print().pdf)
    content.nav.setCurrentRow(0)
    snap(shell, "16-home-candidates")
    referral_screens(shell, hid, son)


def referral_screens(shell: Shell, hid: int, son: int) -> None:
    from app.services.catalog import print_catalog
    from app.services.households import consents, households
    from app.services.referrals import agencies, referrals
    from app.services.store import settings as town_settings
    from app.ui.referrals.dialogs import GateDialog, ReferralDialog

    store = shell.ctx.require_store()
    town_settings.save(store, {"town.department": "福祉課 重層支援係", "town.phone": "0858-00-1111"})
    agencies.add_typical(store)
    centre = next(a for a in agencies.all_agencies(store) if a.agency_type == "地域包括支援センター")
    agencies.save(store, {"name": "つなぎ町地域包括支援センター", "phone": "0858-22-3333", "fax": "0858-22-3334",
                          "contact_person": "佐藤"}, centre.id)  # fmt: skip
    consents.record(store, son, {"purpose": "referral", "method": "verbal", "consented_on": date(2026, 11, 21),
                                 "scope": "named", "agency_ids": [centre.id]})  # fmt: skip
    household = households.open_household(store, hid)
    values = referrals.draft_outgoing(store, hid) | {"agency_id": centre.id,
                                                     "request": "介護保険サービスの調整と、長男の相談先の紹介をお願いします。"}  # fmt: skip
    dialog = ReferralDialog(shell.ctx, household, shell, values=values)
    dialog.show()
    dialog.save()
    referrals.mark_sent(store, dialog.referral_id, date(2026, 11, 22))
    dialog._sync()
    snap(dialog, "17-referral-editor")
    sheet = print_catalog.produce(store, "referral", print_catalog.Request(record_id=dialog.referral_id))
    (PRINTS / "referral-sheet.pdf").write_bytes(sheet.pdf)
    dialog.close()
    # A new sheet for an agency not in the directory yet: 連携先を追加 beside the choice opens its dialog.
    fresh = ReferralDialog(shell.ctx, household, shell)
    fresh.show()
    QTest.qWait(300)

    def fill_agency(agency) -> None:
        agency.widgets["name"].setText("NPO法人 ひだまりの家")
        agency.widgets["department"].setText("居場所づくり事業")
        agency.widgets["phone"].setText("0858-55-6666")
        # Below the button that opened it (with no window manager here it would cover the button's lower half).
        button = fresh.findChild(QPushButton, "ref_add_agency")
        agency.move(agency.x(), button.mapToGlobal(QPoint(0, button.height())).y() + 16)
        QTest.qWait(300)
        snap_screen("39-referral-add-agency", fresh, agency, margin=0)
        QDialog.reject(agency)  # not saved (past the 保存せずに閉じますか question)

    when_modal(fill_agency)
    fresh.add_agency()
    fresh.close()
    # The gate when no consent of the person covers the recipient: the four bases and 最小限.
    hospital = agencies.save(store, {"name": "つなぎ町立病院 地域連携室", "phone": "0858-44-5555"})
    urgent = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": hospital})
    gate = GateDialog(shell.ctx, urgent, referrals.gate(store, urgent), shell)
    gate.options["emergency"].setChecked(True)
    gate.reason.setText("自宅で倒れ救急搬送。本人は意識がなく、同意を得られない")
    gate.show()
    snap(gate, "17b-referral-gate")
    gate.close()
    shell.content.nav.setCurrentRow(2)
    snap(shell, "18-referrals-list")
    outreach_screens(shell, hid, son)


def outreach_screens(shell: Shell, hid: int, son: int) -> None:
    from datetime import datetime, timedelta

    from app.services.households import households
    from app.services.outreach import outreach
    from app.ui.outreach.dialogs import VisitDialog

    store = shell.ctx.require_store()
    households.change_status(store, hid, "ongoing", "見守りながら訪問を続ける")
    base = datetime(2026, 11, 22, 10, 0)
    outreach.add_visit(
        store, hid, {"visited_at": base - timedelta(days=14), "result": "absent", "visitor": "田中 一郎"}
    )
    outreach.add_visit(store, hid, {"visited_at": base - timedelta(days=7), "kind": "letter", "result": "letter_left",
                                    "visitor": "田中 一郎", "info_given": "相談窓口のチラシを置いた"})  # fmt: skip
    outreach.add_visit(store, hid, {"visited_at": base - timedelta(days=1), "result": "met", "met_person_ids": [son],
                                    "visitor": "田中 一郎", "own_words": "また来てもいいよ", "living": "室内は片付いている",
                                    "next_on": date(2026, 11, 28)})  # fmt: skip
    content = shell.content
    content.open_household(hid)
    detail = content.page("世帯").detail
    detail.tabs.setCurrentIndex(3)
    snap(shell, "19-household-timeline")
    household = households.open_household(store, hid)
    dialog = VisitDialog(shell.ctx, household, shell, visitor="田中 一郎")
    dialog.show()
    snap(dialog, "20-visit-dialog")
    dialog.close()
    (PRINTS / "timeline.pdf").write_bytes(detail.timeline_tab.timeline_print().pdf)
    detail.timeline_tab.table.selectRow(3)
    (PRINTS / "visit-record.pdf").write_bytes(detail.timeline_tab.visit_print().pdf)
    content.nav.setCurrentRow(3)
    snap(shell, "21-outreach-page")
    meeting_screens(shell, hid, son)


def meeting_screens(shell: Shell, hid: int, son: int) -> None:
    from app.services.households import consents, households
    from app.services.meetings import meeting_forms, meetings, plans
    from app.services.referrals import agencies
    from app.ui.meetings.dialogs import ConsentRuleDialog, MeetingDialog, PlanDialog

    store = shell.ctx.require_store()
    by_type = {a.agency_type: a.id for a in agencies.all_agencies(store)}
    centre, shakyo = by_type["地域包括支援センター"], by_type["社会福祉協議会"]
    kind = {t.code: t.id for t in meetings.types(store)}
    people = [{"agency_id": centre, "name": "佐藤 一郎"}, {"agency_id": shakyo, "name": "鈴木 花"},
              {"agency_id": by_type["こども家庭センター"], "name": "保健師 高橋"}]  # fmt: skip
    shien = meetings.create_meeting(store, {"type_id": kind["shien"], "held_on": date(2026, 11, 10), "time": "14:00〜15:30",
                                            "place": "役場2階 第1会議室", "chair": "田中 一郎", "attendees": people})  # fmt: skip
    case = meetings.add_case(store, shien, hid, son)
    meetings.record_case(store, case, {"issues": "父の介護と長男のひきこもりが重なっている。長男は外に出たい気持ちもある",
                                       "policy": "包括が父の介護を調整し、社協が長男の居場所を探る",
                                       "roles": "包括: 介護保険の申請支援\n社協: 居場所の情報提供",
                                       "decisions": ["info_exchange", "structure"], "next_review_on": date(2026, 12, 8)})  # fmt: skip
    consents.record(store, son, {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                 "consented_on": date(2026, 11, 20)})  # fmt: skip
    jusou = meetings.create_meeting(store, {"type_id": kind["jusou"], "held_on": date(2026, 11, 24), "time": "10:00〜11:30",
                                            "place": "役場2階 第1会議室", "chair": "田中 一郎", "attendees": people[:2]})  # fmt: skip
    jcase = meetings.add_case(store, jusou, hid, son)
    plan = plans.start_version(store, hid, son)
    plans.save_draft(store, plan, {
        "wishes": "「父の世話は自分がしたい。でも少しは外に出たい」（長男）", "issues": "父の介護負担と長男の社会参加",
        "goals": [{"text": "父が週2回デイサービスに通う", "kind": "daily"}, {"text": "長男が月2回 居場所に通う", "kind": "social"}],
        "roles": [{"agency_id": centre, "staff": "佐藤", "task": "介護保険サービスの調整", "contact": "0858-22-3333"},
                  {"agency_id": shakyo, "staff": "鈴木", "task": "居場所への同行と見守り", "contact": "0858-22-4444"}],
        "lead_agency_id": centre, "period_start": date(2026, 11, 24), "period_end": date(2027, 3, 31),
        "review_on": date(2027, 2, 24),
    })  # fmt: skip
    plans.approve(store, plan, jcase)
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("会議"))
    content.page("会議").meetings.selectRow(0)
    snap(shell, "23-meetings-page")
    dialog = MeetingDialog(shell.ctx, shell, jusou)
    dialog.show()
    snap(dialog, "24-meeting-dialog")
    dialog.close()
    other = households.create_household(
        store, label="3丁目の角の佐々木さん宅", address="例示県つなぎ町3丁目4-5"
    )
    sasaki = households.add_member(store, other, {"name": "佐々木 正", "kana": "ささき ただし",
                                                  "birth_date": date(1950, 1, 2), "relation": "head", "sex": "male"})  # fmt: skip
    try:
        meetings.add_case(store, jusou, other, sasaki)
    except meetings.ConsentRequired as refusal:
        rule = ConsentRuleDialog(shell.ctx, refusal, shell)
        rule.show()
        snap(rule, "25-consent-rule")
        rule.close()
    content.open_household(hid)
    detail = content.page("世帯").detail
    detail.tabs.setCurrentWidget(detail.plan_tab)
    snap(shell, "26-household-plans")
    dialog = PlanDialog(shell.ctx, plan, shell)
    dialog.show()
    snap(dialog, "27-plan-dialog")
    dialog.close()
    closure_screen(shell, hid, jcase)
    context = printing.form_context(store)
    names = meetings.agency_names(store)
    for name, make, mid in (("meeting-agenda", meeting_forms.agenda_sheet, jusou),
                            ("meeting-record", meeting_forms.record_sheet, shien)):  # fmt: skip
        (PRINTS / f"{name}.pdf").write_bytes(make(context, meetings.get_meeting(store, mid), names))
    household = households.open_household(store, hid)
    (PRINTS / "support-plan.pdf").write_bytes(
        meeting_forms.plan_sheet(context, household, plans.get(store, plan), names, signature=True)
    )
    (PRINTS / "case-summary.pdf").write_bytes(detail.plan_tab.summary_print().pdf)
    detail.plan_tab.anonymise.setChecked(True)
    (PRINTS / "case-summary-anonymised.pdf").write_bytes(detail.plan_tab.summary_print().pdf)
    assessment_screens(shell, hid, son)
    program_screens(shell)


def assessment_screens(shell: Shell, hid: int, son: int) -> None:
    """アセスメント on the 会議・プラン tab, its editor (and a message at its field), the plan made from it with
    each role's 状態 and 期限, and ホーム's 期限を過ぎた役割."""
    from datetime import timedelta

    from PySide6.QtWidgets import QScrollArea

    from app.services.catalog import print_catalog
    from app.services.meetings import assessments, plans
    from app.services.referrals import agencies
    from app.ui.meetings.assessment_dialog import AssessmentDialog
    from app.ui.meetings.dialogs import PlanDialog

    store = shell.ctx.require_store()
    today = shell.ctx.today()
    by_type = {a.agency_type: a.id for a in agencies.all_agencies(store)}
    centre, shakyo = by_type["地域包括支援センター"], by_type["社会福祉協議会"]
    first = assessments.create(store, hid, {
        "person_id": son, "assessed_on": today - timedelta(days=40), "assessed_by": "田中 一郎",
        "situation": "「父の世話は自分がしたい。でも外に出るのはこわい」。昼夜逆転の生活が10年ほど続いている。",
        "relations": "父（82歳、要介護2）と二人暮らし。姉は県外。民生委員が時々声をかけている。",
        "strengths": "料理が得意で、父の食事を毎日作っている。パソコンに詳しい。",
        "issues": [{"field": "elderly_care", "text": "父の介護が重くなってきた"},
                   {"field": "isolation", "text": "10年ほど家族以外と話していない"}],
        "options": "居場所（社協のサロン）、就労準備支援、訪問のみ続ける", "choice": "まず訪問を続けてほしい",
        "pace": "急がず、月1回の面談から",
    })  # fmt: skip
    values = assessments.values_of(assessments.get(store, first))
    aid = assessments.create(store, hid, {**values, "assessed_on": today - timedelta(days=12),
                                          "choice": "週1回、居場所に行ってみる。父のデイサービスも試す",
                                          "issues": [*values["issues"], {"field": "employment",
                                                                         "text": "収入は父の年金のみ"}]})  # fmt: skip
    plan = assessments.start_plan(store, aid)
    draft = plans.get(store, plan)
    plans.save_draft(store, plan, {
        "person_id": son, "issues": draft.issues, "wishes": draft.wishes, "goals": draft.goals,
        "lead_agency_id": centre, "review_on": today + timedelta(days=60),
        "roles": [{"agency_id": centre, "staff": "佐藤", "task": "デイサービスの見学調整", "contact": "0858-22-3333",
                   "status": "doing", "due_on": today - timedelta(days=5), "status_on": today - timedelta(days=20)},
                  {"agency_id": shakyo, "staff": "鈴木", "task": "居場所への同行（週1回）", "contact": "0858-22-4444",
                   "status": "planned", "due_on": today + timedelta(days=14)},
                  {"agency_id": shakyo, "staff": "鈴木", "task": "家計の相談", "contact": "",
                   "status": "done", "due_on": today - timedelta(days=9), "status_on": today - timedelta(days=10)}],
    })  # fmt: skip
    content = shell.content
    content.open_household(hid)
    detail = content.page("世帯").detail
    detail.tabs.setCurrentWidget(detail.plan_tab)
    snap(shell, "60-household-assessments")
    dialog = AssessmentDialog(shell.ctx, hid, shell, aid)
    dialog.show()
    snap(dialog, "61-assessment-dialog")
    dialog.close()
    dialog = AssessmentDialog(shell.ctx, hid, shell, assessed_by="田中 一郎")
    dialog.texts["situation"].clear()
    dialog.show()
    dialog.submit()  # the message at its field: the person's own words come first
    snap(dialog, "62-assessment-message")
    dialog.reject()
    dialog = PlanDialog(shell.ctx, plan, shell)
    dialog.show()
    snap(dialog, "63-plan-roles")
    dialog.close()
    content.nav.setCurrentRow(0)
    home = content.page("ホーム")
    home.findChild(QScrollArea).ensureWidgetVisible(home.roles_late)
    snap(shell, "64-home-overdue-roles")
    home.findChild(QScrollArea).verticalScrollBar().setValue(0)  # ホーム's later screenshot starts at the top
    printed = print_catalog.produce(store, "assessment", print_catalog.Request(record_id=aid))
    (PRINTS / "assessment.pdf").write_bytes(printed.pdf)


def closure_screen(shell: Shell, hid: int, case: int) -> None:
    """終結 with 死亡 chosen and the meeting that decided it; shown, not saved, so later screens stay open."""
    from app.services.households import households
    from app.ui.households.dialogs import StatusDialog

    dialog = StatusDialog(shell.ctx, households.open_household(shell.ctx.require_store(), hid), shell)
    dialog.status.setCurrentIndex(dialog.status.findData("closed"))
    dialog.reason.setText("本人が亡くなられたため")
    dialog.closure_buttons["died"].setChecked(True)
    dialog.closure_case.setCurrentIndex(dialog.closure_case.findData(case))
    dialog.show()
    snap(dialog, "33-closure-died")
    dialog.close()


def program_screens(shell: Shell) -> None:
    from app.services.households import demo
    from app.services.program import program_plan
    from app.services.statistics import statistics, statistics_forms

    store = shell.ctx.require_store()
    demo.populate_casework(store, seed=2, until=date(2026, 11, 22))  # so the figures are not all zero
    pid = program_plan.create(store, 2025, 2027)
    plan = program_plan.get(store, pid)
    marks = {"contents_1": "written", "contents_2": "written", "required_1": "written", "required_2": "considering",
             "required_3": "written", "optional_2": "needs_review", "process_internal": "written"}  # fmt: skip
    for item in plan.items:
        if item.code in marks:
            program_plan.update_item(store, item.id, {"status": marks[item.code], "location": "第3章",
                                                      "changing": item.code == "required_2"})  # fmt: skip
    program_plan.save_body(store, {"name": "つなぎ町地域包括支援センター", "field": "高齢", "form": "basic", "places": 1,
                                   "operation": "outsourced", "contractor": "つなぎ町社会福祉協議会"})  # fmt: skip
    program_plan.save_body(store, {"name": "つなぎ町福祉課 重層支援係", "field": "総合相談", "form": "integrated",
                                   "places": 1, "operation": "direct"})  # fmt: skip
    program_plan.save_setup(store, "outreach", {"body": "つなぎ町", "outsourced": True, "contractor": "つなぎ町社会福祉協議会",
                                                "staff": 2})  # fmt: skip
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("実施計画"))
    snap(shell, "28-program-checklist")
    page = content.page("実施計画")
    page.tabs.setCurrentIndex(3)
    page.year.setCurrentIndex(page.year.findData(2026))
    snap(shell, "29-program-indicators")
    (PRINTS / "program-checklist.pdf").write_bytes(page.checklist_print().pdf)
    content.nav.setCurrentRow(list(content.by_name).index("統計"))
    stats = content.page("統計")
    stats.year.setCurrentIndex(stats.year.findData(2025))
    snap(shell, "30-statistics")
    from PySide6.QtWidgets import QScrollArea

    scroll = stats.findChild(QScrollArea)
    for number, key in (("65-statistics-people", "household_size"), ("66-statistics-programme", "participation")):
        scroll.ensureWidgetVisible(stats.tables[key], 0, 0)
        scroll.verticalScrollBar().setValue(stats.tables[key].y() - 60)
        snap(shell, number)
    scroll.verticalScrollBar().setValue(0)
    report = statistics.compute(store, statistics.Period.of(2025), date(2026, 11, 22))
    (PRINTS / "statistics-report.pdf").write_bytes(
        statistics_forms.report_sheet(printing.form_context(store), report)
    )
    content.nav.setCurrentRow(0)
    snap(shell, "31-home-todos")
    participation_screens(shell)
    community_screens(shell)
    backup_screens(shell)


def participation_screens(shell: Shell) -> None:
    import random

    from app.services.catalog import print_catalog
    from app.services.participation import participation
    from app.services.referrals import agencies
    from app.ui.participation.dialogs import ActivityDialog, ParticipationDialog
    from app.ui.referrals.agencies_page import AgencyDialog

    store = shell.ctx.require_store()
    participation.add_demo(store, random.Random(11))
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("参加支援"))
    page = content.page("参加支援")
    snap(shell, "50-participation-page")
    chosen = next((r for r in page.rows if r.state == "active"), page.rows[0] if page.rows else None)
    if chosen is None:
        return  # (a town without people of working age: nothing to open)
    record = participation.get(store, chosen.id)
    dialog = ParticipationDialog(shell.ctx, page, record=record)
    dialog.show()
    snap(dialog, "51-participation-dialog")
    if record.activities:
        activity = ActivityDialog(shell.ctx, record.id, dialog, record.activities[-1])
        activity.show()
        snap(activity, "52-participation-activity")
        activity.reject()
        activity.setParent(None)  # (else its fields count as the participation dialog's unsaved input)
    dialog.reject()
    host = next(a for a in agencies.all_agencies(store) if a.offers)
    agency = AgencyDialog(shell.ctx, page, host)
    agency.show()
    snap(agency, "53-agency-offers")
    agency.reject()
    new = ParticipationDialog(shell.ctx, page, household_id=record.household_id, person_id=record.person_id,
                              who=f"本人: {record.person.name}　（世帯 {record.household.code}）")  # fmt: skip
    new.show()
    new.state.setCurrentIndex(new.state.findData("active"))
    new.submit()  # 参加中 without a start date: the message at the field
    snap(new, "54-participation-new-errors")
    new._clean = None  # (closing without the question: nothing was meant to be kept)
    QDialog.reject(new)
    (PRINTS / "participation.pdf").write_bytes(
        print_catalog.produce(store, "participation", print_catalog.Request(record_id=record.id)).pdf
    )


def community_screens(shell: Shell) -> None:
    import random

    from app.services.community import community
    from app.ui.community.page import ActivityDialog, ResourceDialog, RetireDialog

    store = shell.ctx.require_store()
    community.add_demo(store, random.Random(7))
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("地域づくり"))
    page = content.page("地域づくり")
    page.tabs.setCurrentIndex(0)
    page.resource_table.selectRow(0)
    snap(shell, "55-community-resources")
    page.tabs.setCurrentIndex(1)
    page.activity_table.selectRow(0)
    snap(shell, "56-community-activities")
    resource = community.resources(store)[0]
    council = next(a for a in community.activities(store) if a.kind == "council" and a.coordinator_attended)
    for number, dialog in (("57-community-resource-dialog", ResourceDialog(shell.ctx, page, resource)),
                           ("58-community-council-dialog", ActivityDialog(shell.ctx, page, council)),
                           ("59-community-retire-dialog", RetireDialog(shell.ctx, page, resource))):  # fmt: skip
        dialog.show()
        snap(dialog, number)
        dialog.reject()
    page.tabs.setCurrentIndex(0)
    (PRINTS / "community-resources.pdf").write_bytes(page.list_print().pdf)


def backup_screens(shell: Shell) -> None:
    import tempfile

    from app.services.printing import media_forms
    from app.services.store import backup

    shell.ctx.quiet = True
    usb = Path(tempfile.mkdtemp(prefix="USB-01-"))
    page = shell.content.page("バックアップ")
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index("バックアップ"))
    page.dest.setEditText(str(usb))
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    import app.ui.backup.page as backup_page

    real = backup_page.run_slow
    shot = OUT / "32-backup-progress.png"

    def slowed(parent, title, label, work):  # the checks wait a moment, so the progress window can be caught
        def watched(progress):
            def report(done, total, what):
                progress(done, total, what)
                if what.startswith("データベース"):
                    time.sleep(0.6)

            return work(report)

        return real(parent, title, label, watched)

    def grab():
        for w in page.findChildren(QProgressDialog):
            if w.isVisible() and w.labelText().startswith("データベース") and not shot.exists():
                QApplication.primaryScreen().grabWindow(0).save(str(shot))

    shot.unlink(missing_ok=True)
    backup_page.run_slow = slowed
    timer = QTimer()
    timer.timeout.connect(grab)
    timer.start(50)
    page.run_backup()
    timer.stop()
    backup_page.run_slow = real
    snap(shell, "22-backup-page")
    store = shell.ctx.require_store()
    made = page.last_result.path
    # A household entered after the backup: the restore question shows what would be lost.
    from app.services.households import households

    later = households.create_household(store, address="例示県つなぎ町4丁目1-1", district="本町二区")
    households.add_member(store, later, {"name": "小林 節子", "kana": "こばやし せつこ", "birth_date": date(1940, 6, 6),
                                         "relation": "head", "sex": "female"})  # fmt: skip

    def grab_file_dialog(dialog) -> None:
        QTest.qWait(300)
        dialog.grab().save(str(OUT / "34-file-dialog.png"))
        print(OUT / "34-file-dialog.png")
        dialog.reject()

    when_modal(grab_file_dialog)
    page.choose_restore()  # the file choice as the app opens it, in the folder of the last backup
    when_modal(grab_and_answer("36-restore-confirm"))
    assert not page.restore_from(made), "いいえ restored"
    assert shell.ctx.store is store, "いいえ closed the store"
    (PRINTS / "media-ledger.pdf").write_bytes(
        media_forms.ledger(printing.form_context(store), list(reversed(backup.media_log(store))))
    )


if __name__ == "__main__":
    main()
