"""Pages read again only when something they show changed: every commit says what it changed (the store's
change log), and a page shown again after an unrelated change reads nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.households import households
from app.services.outreach import outreach
from app.services.referrals import agencies
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.window.shell import Shell


@contextmanager
def sessions_begun():
    seen = [0]

    def begun(*_args):
        seen[0] += 1

    event.listen(Session, "after_begin", begun)
    try:
        yield seen
    finally:
        event.remove(Session, "after_begin", begun)


def _show(shell, name: str) -> None:
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index(name))


def test_home_reads_nothing_after_an_unrelated_change_and_again_after_a_related_one(qtbot, ctx):
    store = Store.create(ctx.data_dir, passphrase="見せる時だけ読む合言葉", user="田中", town="例示町", kdf=FAST).store
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-1")
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    _show(shell, "ホーム")
    _show(shell, "設定")

    agencies.save(store, {"name": "例示町社会福祉協議会"})  # the directory: not on ホーム
    with sessions_begun() as begun:
        _show(shell, "ホーム")
    assert begun[0] == 0

    _show(shell, "設定")
    visited = datetime.combine(date.today() - timedelta(days=1), datetime.min.time()).replace(hour=10)
    outreach.add_visit(store, hid, {"visited_at": visited, "kind": "continuing", "result": "absent"})
    with sessions_begun() as begun:
        _show(shell, "ホーム")
    assert begun[0] > 0  # a visit moves the follow-ups and the year's counts: read again

    _show(shell, "設定")
    with sessions_begun() as begun:
        _show(shell, "ホーム")  # nothing at all changed
    assert begun[0] == 0


def test_the_change_log_names_kinds_and_households(store):
    hid = households.create_household(store, address="例示県つなぎ町大字本町2-2")
    start = store.changes.count
    households.add_member(store, hid, {"name": "山田 一郎", "kana": "やまだ いちろう",
                                       "birth_date": date(1940, 1, 1), "relation": "head"})  # fmt: skip
    changed = store.changes.since(start)
    assert {"members"} <= changed.kinds and hid in changed.household_ids
    assert not changed.touches({"agencies"}) and changed.touches_household(hid, {"members"})
    assert not changed.touches_household(hid + 1, {"members"})
    households.record_view(store, hid)  # an audit entry only: nothing a page shows
    assert store.changes.since(start + 1).kinds == frozenset()


def test_opening_a_household_is_at_most_three_sessions(qtbot, ctx):
    from app.services.households import demo

    store = Store.create(ctx.data_dir, passphrase="一度に読む世帯の合言葉", user="田中", town="例示町", kdf=FAST).store
    demo.populate(store, 12)
    demo.populate_casework(store, share=1.0)  # intakes, visits, notes and sheets on every tab
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    hid = households.recent(store)[0][0]
    with sessions_begun() as begun:
        shell.content.open_household(hid)
    assert shell.content.page("世帯").detail.household.id == hid
    assert begun[0] <= 3, begun[0]  # the list, the detail with all its tabs, and the 閲覧 audit entry
