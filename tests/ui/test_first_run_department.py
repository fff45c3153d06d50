"""Issue 24 (dead ends): the first-run wizard asks for 担当課・係 and its phone, which the つなぐシート
prints as 紹介元 and 折り返し先; a wrong phone is refused at the field by the settings' own rule."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWizard

from app.services.store import settings as town_settings
from app.ui.window.first_run import FirstRunWizard
from tests.ui.conftest import ime_type

PASS = "山あいの町で春に咲く桜"


def to_town_page(qtbot, ctx) -> FirstRunWizard:
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    ime_type(wizard.town_page.town, "例示県つなぎ町")
    ime_type(wizard.town_page.user, "田中")
    return wizard


def finish(wizard: FirstRunWizard):
    assert wizard.currentPage() is wizard.passphrase_page
    ime_type(wizard.passphrase_page.fields.first, PASS)
    ime_type(wizard.passphrase_page.fields.second, PASS)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentPage() is wizard.key_page
    wizard.key_page.stored.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    return wizard.created.store


def test_department_and_phone_reach_the_new_store_and_a_wrong_phone_is_refused_at_the_field(qtbot, ctx):
    wizard = to_town_page(qtbot, ctx)
    page = wizard.town_page
    why = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "つなぐシートの紹介元・折り返し先として印刷されます" in why
    ime_type(page.department, "福祉課 重層的支援係")
    ime_type(page.phone, "福祉課へ")  # typed into the wrong field

    wizard.next()
    assert wizard.currentPage() is page
    assert page.errors["town.phone"].isVisible()
    assert page.errors["town.phone"].text() == "担当課の電話は数字とハイフンで書いてください（例: 0858-00-0000 内線123）"
    assert not page.errors["town.department"].isVisible()

    page.phone.clear()
    ime_type(page.phone, "0858-00-1111")
    wizard.next()
    assert not page.errors["town.phone"].isVisible()
    store = finish(wizard)
    try:
        values = town_settings.load(store)
        assert values["town.department"] == "福祉課 重層的支援係"
        assert values["town.phone"] == "0858-00-1111"
        assert values["town.coordinator"] == "田中"
    finally:
        store.close()


def test_department_and_phone_may_be_left_empty(qtbot, ctx):
    wizard = to_town_page(qtbot, ctx)
    wizard.next()
    store = finish(wizard)
    try:
        values = town_settings.load(store)
        assert (values["town.department"], values["town.phone"]) == ("", "")
    finally:
        store.close()
