"""ホーム and the household screen read through indexes (issue 25): the query plans of their slowest reads
name the index made for them (schemas 0018 and 0020), so a later change cannot fall back to reading whole tables
unnoticed (at 50,000 households 履歴 took 3.6 s that way)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from app.services.households import households
from app.services.outreach import outreach


@contextmanager
def plans(store):
    """The query plan of every statement run inside, as one text per statement."""
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", remember)
    found = []
    try:
        yield found
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)
    with store.engine.connect() as conn:
        for statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            found.append("\n".join(r[-1] for r in rows))


def _member(store, hid, name, relation):
    return households.add_member(store, hid, {"name": name, "kana": "れい", "birth_date": date(1950, 1, 1),
                                             "relation": relation})  # fmt: skip


def test_history_reads_deletions_and_care_relations_through_their_indexes(store):
    hid = households.create_household(store, address="例示町1-1")
    father, son = _member(store, hid, "例示 一", "head"), _member(store, hid, "例示 二", "child")
    households.set_cares(store, son, [father])
    with plans(store) as found:
        lines = households.history(store, hid)
    assert [line.what for line in lines].count("介護・世話の関係") == 1
    for index in ("ix_change_history_deletions", "ix_change_history_carer_id", "ix_change_history_cared_id"):
        assert any(index in plan for plan in found), index
    assert not any("SCAN change_history" in plan for plan in found)


def test_recent_households_read_the_updated_at_index(store):
    households.create_household(store, address="例示町1-1")
    with plans(store) as found:
        households.recent(store)
    assert any("ix_households_updated_at" in plan for plan in found)


def test_follow_ups_read_only_the_household_contacts_indexes(store):
    # Each household's latest contact and 次回予定日 are kept in household_contacts (schema 0020): the first
    # rows come in the order of its 次回予定日 index and the count reads its two indexes, and no visit,
    # intake or note is read on a refresh.
    for n in range(5):
        households.change_status(store, households.create_household(store, address=f"例示町1-{n}"), "ongoing", "")
    with plans(store) as found:  # as many as it shows (then it counts them all); ホーム shows 50
        total, first = outreach.followups_first(store, date(2026, 11, 22), 5)
    assert (total, len(first)) == (5, 5)
    contacts = [p for p in found if "household_contacts" in p]
    (rows,) = [p for p in contacts if "persons" in p]
    # the first rows in the index's order: no sort inside the subquery that reads them (the outer one
    # orders the few rows kept)
    inner = rows.split("SCAN anon_1")[0]
    assert "COVERING INDEX ix_household_contacts_next_on" in inner and "TEMP B-TREE" not in inner
    assert any("ix_household_contacts_status" in p and "ix_household_contacts_next_on" in p for p in contacts)
    assert not any(table in p for p in found for table in ("visits", "intakes", "notes"))
    assert not any("SCAN household_contacts" in p and "INDEX" not in p for p in contacts)
