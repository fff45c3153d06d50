"""世帯の閲覧 is audited once per opening of a household's screen, not at every refresh of it."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry
from app.services.households import households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.window.shell import Shell


def views(store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditEntry.target).where(AuditEntry.action == "view_household")))


def test_one_audit_row_per_opening(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST)
    store = created.store
    hid = households.create_household(store, label="3丁目の角の家")
    other = households.create_household(store, label="川沿いの家")
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    content = shell.content
    page = content.page("世帯")

    content.open_household(hid)
    code = households.open_household(store, hid).code
    assert views(store) == [code]
    # Refreshes: leaving for another page and coming back, a change made on the screen, a print.
    content.nav.setCurrentRow(0)
    content.nav.setCurrentRow(list(content.by_name).index("世帯"))
    page.refresh()
    households.update_household(store, hid, phone="0858-00-0000")
    page.detail.reload()
    page.detail.face_print()
    assert page.detail.household.phone == "0858-00-0000"
    assert views(store) == [code]

    page.show_list()
    content.open_household(other)
    content.open_household(hid)  # opened again: a new viewing
    assert views(store) == [code, households.open_household(store, other).code, code]
    shell.lock()
