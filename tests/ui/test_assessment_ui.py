"""The walk of issue 23: an アセスメント is entered for a person on the household's 会議・プラン tab (Japanese
typed through the input method), a plan is made from it, a role is given a 期限 in the past, and the
role shows on ホーム's 「期限を過ぎた役割」; Enter there opens the household."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services.common.japanese import format_wareki
from app.services.households import households
from app.services.meetings import assessments, plans
from app.services.referrals import agencies
from app.ui.meetings.assessment_dialog import AssessmentDialog
from app.ui.meetings.dialogs import PlanDialog
from tests.ui.conftest import ime_type
from tests.ui.test_mnemonics import clashes
from tests.ui.test_referrals_ui import when_modal


def _household(store):
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2")
    households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1944, 5, 6),
                                       "relation": "head", "sex": "female"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male"})  # fmt: skip
    shakyo = agencies.save(store, {"name": "つなぎ町社会福祉協議会"})
    return hid, son, shakyo


def test_an_assessment_feeds_a_plan_whose_role_goes_overdue_on_home(qtbot, shell):
    store = shell.ctx.require_store()
    hid, son, shakyo = _household(store)
    content = shell.content
    content.open_household(hid)
    detail = content.page("世帯").detail
    tab = detail.plan_tab
    detail.tabs.setCurrentWidget(tab)
    assert tab.assessments.rowCount() == 0
    seen = {}

    def assess(dialog: AssessmentDialog) -> None:
        assert clashes(dialog) == []
        dialog.person.setCurrentIndex(dialog.person.findData(son))
        dialog.submit()  # nothing of the person's situation yet: said at the field, nothing lost
        seen["error"] = dialog.form.errors["situation"].text()
        assert dialog.isVisible()
        ime_type(dialog.texts["situation"], "母の世話は自分がしたい。外に出るのはこわい")
        ime_type(dialog.texts["strengths"], "料理が得意")
        dialog.issue_checks["isolation"].setChecked(True)
        assert dialog.issue_texts["isolation"].isEnabled() and not dialog.issue_texts["debt"].isEnabled()
        ime_type(dialog.issue_texts["isolation"], "十年ほど外出していない")
        ime_type(dialog.texts["choice"], "週一回、居場所に行ってみる")
        ime_type(dialog.texts["pace"], "急がず月一回")
        dialog.submit()

    when_modal(AssessmentDialog, assess)
    tab.buttons["new_assessment"].click()
    assert "本人の状況と思い" in seen["error"]
    assert tab.assessments.rowCount() == 1
    assert [tab.assessments.item(0, c).text() for c in (0, 1, 3)] == ["第1版", "山田 健", "孤立"]

    late = shell.ctx.today() - timedelta(days=10)

    def complete(dialog: PlanDialog) -> None:
        assert clashes(dialog) == []
        assert "もとにしたアセスメント: 第1版" in " ".join(w.text() for w in dialog.findChildren(QLabel))
        seen["issues"], seen["wishes"] = dialog.issues.toPlainText(), dialog.wishes.toPlainText()
        r = dialog.roles.add_row({"task": "居場所への同行", "staff": "鈴木"})
        table = dialog.roles.table
        table.cellWidget(r, 0).setCurrentIndex(table.cellWidget(r, 0).findData(shakyo))
        table.cellWidget(r, 4).setCurrentIndex(table.cellWidget(r, 4).findData("doing"))
        table.item(r, 5).setText(format_wareki(late, short=True))
        dialog.submit()

    when_modal(PlanDialog, complete)
    tab.buttons["plan_from_assessment"].click()
    assert seen["issues"] == "【孤立】十年ほど外出していない"
    assert "週一回、居場所に行ってみる" in seen["wishes"] and "急がず月一回" in seen["wishes"]
    plan = plans.versions(store, hid)[0]
    assert plan.assessment_id == assessments.versions(store, hid)[0].id
    assert plan.roles[0]["status"] == "doing" and plan.roles[0]["due_on"] == late.isoformat()

    # ホーム lists the role; Enter on it opens the household (another one was on the 世帯 page meanwhile)
    other = households.create_household(store, address="例示県つなぎ町大字東1")
    content.open_household(other)
    assert detail.household_id == other
    names = [content.nav.item(i).text() for i in range(content.nav.count())]
    content.nav.setCurrentRow(names.index("ホーム"))
    home = content.page("ホーム")
    assert home.roles_late_title.text() == "期限を過ぎた役割（1 件）" and home.roles_late.isVisible()
    code = households.open_household(store, hid).code
    assert [home.roles_late.item(0, c).text() for c in range(6)] == [
        code, "第1版", "つなぎ町社会福祉協議会", "居場所への同行", format_wareki(late), "実施中"]
    home.roles_late.selectRow(0)
    home.roles_late.setFocus()
    qtbot.keyClick(home.roles_late, Qt.Key.Key_Return)
    assert content.pages.currentWidget() is content.page("世帯")
    assert content.page("世帯").detail.household_id == hid
