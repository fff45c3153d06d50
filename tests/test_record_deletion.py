"""A 相談受付, 訪問記録 or 支援経過のメモ entered by mistake can be deleted: in one transaction it leaves the
lists and 統計, its content stays readable in the household's 変更履歴 (「削除」 with what it held), and the
audit log says who deleted which record — without its content."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from app.models import AuditEntry, ChangeRecord, Intake, Visit
from app.services.common.changes import Changes
from app.services.common.errors import InvalidInput
from app.services.households import households
from app.services.outreach import outreach
from app.services.statistics import statistics
from app.services.statistics.statistics import Period
from app.services.store import audit
from tests.conftest import counted

FY = 2025




@pytest.fixture
def household(store):
    hid = households.create_household(store, address="例示県つなぎ町本町1-1", district="本町")
    pid = households.add_member(store, hid, {"name": "山田 一郎", "kana": "やまだ いちろう",
                                             "birth_date": date(1950, 1, 1), "relation": "head"})  # fmt: skip
    return hid, pid


def _intake(store, hid, pid, day, complaint):
    return households.add_intake(store, hid, {"received_on": day, "person_id": pid, "route": "family",
                                              "categories": ["care"], "main_complaint": complaint})  # fmt: skip


def _deletions(store):
    with store.session() as s:
        return [(e.action, e.target, json.loads(e.detail)) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "delete").order_by(AuditEntry.id))]  # fmt: skip


def test_a_deleted_intake_leaves_lists_and_statistics_and_stays_in_the_history(store, household):
    hid, pid = household
    kept = _intake(store, hid, pid, date(2025, 5, 1), "母の介護が大変")
    wrong = _intake(store, hid, pid, date(2025, 6, 2), "間違えて入力した相談")
    before = statistics.compute(store, Period.of(FY), today=date(2026, 4, 30))
    assert before.value("summary", "相談受付件数（延べ）") == 2

    with counted() as seen:
        changed = households.delete_intake(store, wrong)
    assert seen == {"begun": 1, "commits": 1}
    assert changed == Changes.of("intakes", households=[hid])

    assert [i.id for i in households.intakes(store, hid)] == [kept]
    after = statistics.compute(store, Period.of(FY), today=date(2026, 4, 30))
    assert after.value("summary", "相談受付件数（延べ）") == 1
    assert dict(after.section("route").rows)["家族"] == 1

    line = households.history(store, hid)[0]
    assert (line.what, line.action, line.actor) == ("相談受付 令和7年6月2日", "削除", "tanaka")
    assert ("主訴（本人の言葉）", "間違えて入力した相談", "") in line.changes
    assert ("受付日", "令和7年6月2日", "") in line.changes
    assert ("経路", "家族", "") in line.changes
    assert all(old != "（なし）" for _k, old, _n in line.changes)  # empty fields say nothing

    code = households.open_household(store, hid).code
    [(action, target, detail)] = _deletions(store)
    assert (action, target) == ("delete", code) and audit.ACTIONS[action] == "記録の削除"
    assert detail == {"record": "相談受付", "id": wrong, "date": "2025-06-02"}
    assert "間違えて" not in json.dumps(detail, ensure_ascii=False)  # the content is in the history, not here
    with store.session() as s:
        assert audit.verify(s).ok


def test_a_deleted_visit_and_note_leave_the_timeline_and_statistics(store, household):
    hid, pid = household
    at = datetime(2025, 7, 3, 10, 30)
    visit = outreach.add_visit(store, hid, {"visited_at": at, "result": "met", "met_person_ids": [pid],
                                            "own_words": "元気です"})  # fmt: skip
    note = outreach.add_note(store, hid, "phone", "電話で様子を聞いた", at=datetime(2025, 7, 4, 9, 0))
    visits = dict(statistics.compute(store, Period.of(FY), today=date(2026, 4, 30)).section("visit").rows)
    assert visits["訪問（会えなかった訪問を含む延べ）"] == 1

    with counted() as seen:
        assert outreach.delete_visit(store, visit) == Changes.of("visits", households=[hid])
    assert seen == {"begun": 1, "commits": 1}
    assert outreach.delete_note(store, note) == Changes.of("notes", households=[hid])

    kinds = {e.kind for e in outreach.timeline(store, hid)}
    assert "visit" not in kinds and "note" not in kinds
    report = statistics.compute(store, Period.of(FY), today=date(2026, 4, 30))
    assert dict(report.section("visit").rows)["訪問（会えなかった訪問を含む延べ）"] == 0
    assert report.value("summary", "支援の延べ件数") == 0

    lines = [line for line in households.history(store, hid) if line.action == "削除"]
    assert [line.what for line in lines] == ["支援経過のメモ 令和7年7月4日", "訪問記録 令和7年7月3日"]
    assert ("内容", "電話で様子を聞いた", "") in lines[0].changes
    assert ("本人の言葉", "元気です", "") in lines[1].changes
    assert ("日時", "令和7年7月3日 10:30", "") in lines[1].changes
    assert ("結果", "会えた", "") in lines[1].changes
    assert [d["record"] for _a, _t, d in _deletions(store)] == ["訪問記録", "支援経過のメモ"]


def test_a_failed_commit_deletes_nothing_and_records_nothing(store, household):
    hid, pid = household
    iid = _intake(store, hid, pid, date(2025, 6, 2), "相談")
    failing = {"once": True}

    def refuse(conn):
        if failing.pop("once", False):
            conn.connection.dbapi_connection.execute("ROLLBACK")
            raise OSError("disk pulled")

    event.listen(store.engine, "commit", refuse)
    try:
        with pytest.raises(OSError):
            households.delete_intake(store, iid)
    finally:
        event.remove(store.engine, "commit", refuse)
    with store.session() as s:
        assert s.get(Intake, iid) is not None
        assert s.scalar(select(ChangeRecord.id).where(ChangeRecord.action == "delete")) is None
    assert _deletions(store) == []


def test_deleting_what_is_gone_says_so(store, household):
    hid, pid = household
    iid = _intake(store, hid, pid, date(2025, 6, 2), "相談")
    households.delete_intake(store, iid)
    with pytest.raises(InvalidInput, match="見つかりません"):
        households.delete_intake(store, iid)
    with pytest.raises(InvalidInput, match="見つかりません"):
        outreach.delete_visit(store, 999)
    with store.session() as s:
        assert s.scalar(select(Visit.id)) is None
    assert len(_deletions(store)) == 1
